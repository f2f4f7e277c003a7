//! The house reads bottom-up: among the modules of one parent (the crate's top-level modules,
//! the files of `src/interview`, of `src/discord`, ...), no two import each other, directly or
//! through a cycle. Read from the sources: every `crate::a::b` and `super::x` path in a file
//! counts as that file's module depending on the module it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/discord/commands/mod.rs` -> [discord, commands]; `src/lib.rs` -> [].
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// The identifier path starting at `at` (`a::b::{c, d}` gives [a, b]).
fn path_at(text: &str, at: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = &text[at..];
    loop {
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        out.push(rest[..end].to_string());
        rest = &rest[end..];
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => break,
        }
    }
    out
}

/// The longest prefix of `path` that is a known module.
fn resolve(modules: &BTreeSet<Module>, path: &[String]) -> Option<Module> {
    (0..=path.len()).rev().map(|n| path[..n].to_vec()).find(|m| modules.contains(m))
}

fn dependencies(modules: &BTreeSet<Module>, me: &Module, text: &str) -> BTreeSet<Module> {
    let mut deps = BTreeSet::new();
    // Tests inside a file (`#[cfg(test)] mod tests { ... }`) may reach anywhere, and comments
    // (doc links) import nothing.
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    let code: Vec<&str> = text.lines().map(|l| l.split("//").next().unwrap_or("")).collect();
    let text = &code.join("\n");
    for (at, _) in text.match_indices("crate::") {
        let path = path_at(text, at + "crate::".len());
        if let Some(m) = resolve(modules, &path) {
            deps.insert(m);
        }
    }
    for (at, _) in text.match_indices("super::") {
        // `super::super::x` is found twice; the first occurrence resolves it.
        if text[..at].ends_with("super::") {
            continue;
        }
        let mut base = me.clone();
        let mut rest = &text[at..];
        while let Some(r) = rest.strip_prefix("super::") {
            base.pop();
            rest = r;
        }
        let path: Module = base.into_iter().chain(path_at(rest, 0)).collect();
        if let Some(m) = resolve(modules, &path) {
            deps.insert(m);
        }
    }
    deps
}

/// The two siblings (children of the deepest common parent) an edge `a -> b` runs between.
fn siblings(a: &Module, b: &Module) -> Option<(Module, Module)> {
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    // One contains the other (a parent and its child): not a sibling edge.
    if common == a.len() || common == b.len() {
        return None;
    }
    Some((a[..=common].to_vec(), b[..=common].to_vec()))
}

fn find_cycle(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    fn visit(
        node: &Module,
        graph: &BTreeMap<Module, BTreeSet<Module>>,
        stack: &mut Vec<Module>,
        done: &mut BTreeSet<Module>,
    ) -> Option<Vec<Module>> {
        if let Some(i) = stack.iter().position(|m| m == node) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(node.clone());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(node.clone());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_two_sibling_modules_import_each_other() {
    let src = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<Module> = files.iter().map(|f| module_of(src, f)).collect();
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for file in &files {
        let me = module_of(src, file);
        if me.is_empty() || me.last().is_some_and(|m| m.ends_with("tests")) {
            continue; // the crate root wires everything; test modules may reach anywhere
        }
        let text = std::fs::read_to_string(file).unwrap();
        for dep in dependencies(&modules, &me, &text) {
            if let Some((a, b)) = siblings(&me, &dep) {
                graph.entry(a).or_default().insert(b);
            }
        }
    }
    assert!(graph.len() > 5, "the scan found the module graph: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
        panic!("modules import each other: {}", names.join(" -> "));
    }
}

#[test]
fn the_scan_sees_a_cycle_when_there_is_one() {
    let modules: BTreeSet<Module> = [vec![], vec!["a".to_string()], vec!["b".to_string()]].into_iter().collect();
    let a = dependencies(&modules, &vec!["a".to_string()], "use crate::b::thing;");
    let b = dependencies(&modules, &vec!["b".to_string()], "use super::a::{x, y};");
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    graph.insert(vec!["a".into()], a);
    graph.insert(vec!["b".into()], b);
    assert!(find_cycle(&graph).is_some());
}
