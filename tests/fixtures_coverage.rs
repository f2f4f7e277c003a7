//! Talking-point coverage on real answers, and the shipped packs' completeness: every
//! sample-answer fixture in `tests/fixtures/answers/` has its strong answer at >= 70% coverage and
//! its weak one at <= 30%; at least 20 questions have fixtures.

use std::path::Path;

use panelist::bank::{check_fixtures, load_path};

#[test]
fn strong_answers_cover_most_points_and_weak_ones_few() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bank = load_path(&root.join("prompts")).unwrap_or_else(|e| panic!("packs: {e:?}"));
    let report = check_fixtures(&bank, &root.join("tests/fixtures/answers")).unwrap();
    for (role, n) in &report.per_role {
        println!("{role}: {n}");
    }
    assert!(
        report.failures.is_empty(),
        "coverage fixtures failed:\n{}",
        report.failures.join("\n")
    );
    assert!(
        report.per_role.values().map(|f| f.questions).sum::<usize>() >= 20,
        "at least 20 questions have fixtures: {:?}",
        report.per_role
    );
}

#[test]
fn a_fixture_below_the_bar_is_reported() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bank = load_path(&root.join("prompts/senior-python-developer.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fixture =
        "role = \"senior-python-developer\"\nquestion = \"conc-gil\"\nstrong = \"I am not sure.\"\nweak = \"I am not sure either.\"\n";
    std::fs::write(dir.path().join("conc-gil.toml"), fixture).unwrap();
    let report = check_fixtures(&bank, dir.path()).unwrap();
    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    assert!(report.failures[0].contains("strong 0%"), "{}", report.failures[0]);
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
    for area in &spd.areas {
        assert!(
            spd.questions.iter().filter(|q| q.area == area.id).count() >= 5,
            "area {} has fewer than 5 questions",
            area.id
        );
    }
    for role in ["software-engineer", "software-architect"] {
        assert!(
            bank.role(role).is_some_and(|p| p.questions.len() >= 30),
            "{role} ships with at least 30 questions"
        );
    }
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
