//! Talking-point coverage on real answers: for every sample-answer fixture in
//! `tests/fixtures/answers/`, the strong answer reaches at least 70% coverage and the weak one at
//! most 30%. Prints, per pack, how many questions have fixtures.

use std::collections::BTreeMap;
use std::path::Path;

use panelist::bank::load_path;
use panelist::interview::coverage::coverage;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    role: String,
    question: String,
    strong: String,
    weak: String,
}

#[test]
fn strong_answers_cover_most_points_and_weak_ones_few() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bank = load_path(&root.join("prompts")).unwrap_or_else(|e| panic!("packs: {e:?}"));
    let mut per_pack: BTreeMap<String, usize> = bank.packs().iter().map(|p| (p.role.id.clone(), 0)).collect();
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/answers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let f: Fixture = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let pack = bank
            .role(&f.role)
            .unwrap_or_else(|| panic!("{}: unknown role {}", path.display(), f.role));
        let q = pack
            .question(&f.question)
            .unwrap_or_else(|| panic!("{}: unknown question {}", path.display(), f.question));
        let strong = coverage(&f.strong, &q.talking_points).fraction();
        let weak = coverage(&f.weak, &q.talking_points).fraction();
        if strong < 0.7 || weak > 0.3 {
            failures.push(format!(
                "{}: strong {:.0}% (needs >= 70), weak {:.0}% (needs <= 30)",
                q.id,
                strong * 100.0,
                weak * 100.0
            ));
        }
        *per_pack.get_mut(&f.role).unwrap() += 1;
    }
    for (role, n) in &per_pack {
        println!("{role}: {n} questions with strong/weak fixtures");
    }
    assert!(failures.is_empty(), "coverage fixtures failed:\n{}", failures.join("\n"));
    assert!(
        per_pack.values().sum::<usize>() >= 20,
        "at least 20 questions have fixtures: {per_pack:?}"
    );
}

#[test]
fn shipped_packs_are_valid_and_complete() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
    let bank = load_path(&root).unwrap_or_else(|e| panic!("packs: {e:#?}"));
    let findings: Vec<String> = bank
        .packs()
        .iter()
        .flat_map(|p| panelist::bank::completeness(p, &p.role.id))
        .map(|f| f.to_string())
        .collect();
    assert!(findings.is_empty(), "incomplete questions:\n{}", findings.join("\n"));
    let spd = bank.role("senior-python-developer").expect("the seed role ships");
    assert!(spd.questions.len() >= 60 && spd.areas.len() == 8);
    for seed in [
        "arch-notification-service",
        "py-shallow-deep-copy",
        "ps-top-n-ips",
        "conc-gil",
        "web-django-vs-flask",
        "py-decorators",
        "arch-url-shortener",
        "py-list-vs-tuple",
        "py-memory-management",
        "py-generators",
        "py-equality-identity",
        "db-slow-query",
        "lead-mentoring-junior",
    ] {
        assert!(spd.question(seed).is_some(), "seed question {seed} is missing");
    }
}
