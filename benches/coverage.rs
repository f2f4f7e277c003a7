//! Coverage speed: how long `assess` takes on a 300-word answer, every question with an answer
//! set, the question's patterns already compiled (they are compiled once per process). Run with
//! `cargo bench --bench coverage`; BENCHMARKS.md records the figures.
//!
//! `cargo bench --bench coverage -- --dump FILE` instead writes every `Coverage` (evidence and
//! matched words included) of every answer-set answer, as written and cut to 300 words, at every
//! number of hints used, one JSON line each: a speed change to the matcher must leave that file
//! byte for byte the same.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use panelist::bank::load_path;
use panelist::interview::coverage::assess;

#[derive(serde::Deserialize)]
struct Set {
    role: String,
    question: String,
    answers: Vec<Answer>,
}

#[derive(serde::Deserialize)]
struct Answer {
    kind: String,
    text: String,
}

/// Exactly `n` words, repeating the answer if it is shorter.
fn words(text: &str, n: usize) -> String {
    let ws: Vec<&str> = text.split_whitespace().collect();
    ws.iter().cycle().take(n).copied().collect::<Vec<_>>().join(" ")
}

/// Every answer of every set, as written and cut to 300 words, at 0..=hints hints used.
fn dump(sets: &[(&panelist::bank::Question, Set)], path: &Path) {
    use std::fmt::Write;
    let mut out = String::new();
    let mut n = 0;
    for (q, set) in sets {
        for (i, a) in set.answers.iter().enumerate() {
            for (form, text) in [("as written", a.text.clone()), ("300 words", words(&a.text, 300))] {
                for hints in 0..=q.hints.len() {
                    let c = assess(&text, q, hints);
                    let json = serde_json::to_string(&c).expect("coverage encodes");
                    writeln!(out, "{} #{i} {form} hints {hints}: {json}", q.id).expect("write to a String");
                    n += 1;
                }
            }
        }
    }
    std::fs::write(path, out).expect("dump written");
    println!("{n} readings written to {}", path.display());
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bank = load_path(&root.join("prompts")).expect("packs load");
    let mut cases = Vec::new();
    let mut sets = Vec::new();
    let mut dir: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/answer-sets"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    dir.sort();
    for path in dir {
        let set: Set = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let q = bank
            .role(&set.role)
            .and_then(|p| p.question(&set.question))
            .expect("question exists");
        let strong = set.answers.iter().find(|a| a.kind == "strong").expect("a strong answer");
        cases.push((q, words(&strong.text, 300)));
        sets.push((q, set));
    }
    if let Some(at) = std::env::args().position(|a| a == "--dump") {
        let path = std::env::args().nth(at + 1).expect("--dump FILE");
        dump(&sets, Path::new(&path));
        return;
    }
    let compile = Instant::now();
    for (q, _) in &cases {
        black_box(q.matcher());
    }
    let compile = compile.elapsed();
    // Cold: the stem cache emptied before every answer, as for a process's first answers.
    let start = Instant::now();
    for (q, a) in &cases {
        panelist::text::clear_stem_cache();
        black_box(assess(black_box(a), q, 1));
    }
    let cold = start.elapsed() / cases.len() as u32;
    let rounds = 200;
    let start = Instant::now();
    let mut covered = 0;
    for _ in 0..rounds {
        for (q, a) in &cases {
            covered += black_box(assess(black_box(a), q, 1)).covered();
        }
    }
    let per = start.elapsed() / (rounds * cases.len() as u32);
    println!(
        "coverage of a 300-word answer, stem cache warm: {:.1} µs per answer (mean of {} calls over {} questions; {} points covered in all)",
        per.as_secs_f64() * 1e6,
        rounds as usize * cases.len(),
        cases.len(),
        covered
    );
    println!(
        "the same with the stem cache emptied before each answer: {:.1} µs per answer",
        cold.as_secs_f64() * 1e6
    );
    println!(
        "compiling the patterns of {} questions: {:.1} µs per question (once per process)",
        cases.len(),
        compile.as_secs_f64() * 1e6 / cases.len() as f64
    );
}
