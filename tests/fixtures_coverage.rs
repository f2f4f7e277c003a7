//! Shipped packs are valid and complete, and talking-point coverage tells the truth on answers
//! written by someone who saw only the questions (`tests/fixtures/answer-sets/`): on the held-out
//! half every strong answer covers at least 70% of its points, weak and wrong ones at most 30%,
//! off-topic and restated ones at most 10%; at least 40 questions across the three packs.

use std::path::Path;

use panelist::authoring::{check_fixtures, AnswerKind, Half};
use panelist::bank::load_path;

#[test]
fn held_out_answers_meet_the_coverage_targets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bank = load_path(&root.join("prompts")).unwrap();
    let report = check_fixtures(&bank, &root.join("tests/fixtures/answer-sets")).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let per_role = report.questions_per_role();
    assert!(
        per_role.values().sum::<usize>() >= 40,
        "at least 40 questions have answer sets: {per_role:?}"
    );
    assert_eq!(per_role.len(), 3, "every pack has answer sets: {per_role:?}");
    for kind in AnswerKind::ALL {
        assert!(
            report.figures(Half::HeldOut, kind).answers >= 40,
            "{kind:?}: too few held-out answers"
        );
    }
    let misses: Vec<String> = report
        .misses(Half::HeldOut)
        .map(|a| {
            format!(
                "{} {} #{}: {:.0}% ({})",
                a.question,
                a.kind.as_str(),
                a.number,
                a.fraction * 100.0,
                a.kind.target()
            )
        })
        .collect();
    assert!(misses.is_empty(), "held-out answers off target:\n{}", misses.join("\n"));
}

#[test]
fn an_answer_off_its_target_is_reported() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bank = load_path(&root.join("prompts/senior-python-developer.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let set = r#"
role = "senior-python-developer"
question = "conc-gil"
[[answers]]
kind = "strong"
text = "I am not sure."
[[answers]]
kind = "strong"
text = "I am not sure either."
"#;
    std::fs::write(dir.path().join("conc-gil.toml"), set).unwrap();
    let report = check_fixtures(&bank, dir.path()).unwrap();
    let misses: Vec<_> = report.misses(Half::HeldOut).collect();
    assert_eq!(misses.len(), 1, "{:?}", report.answers);
    assert_eq!((misses[0].number, misses[0].covered), (2, 0));
    assert_eq!(report.misses(Half::Tuning).count(), 1);
}

#[test]
fn an_answer_set_for_an_unknown_question_is_an_error() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bank = load_path(&root.join("prompts/senior-python-developer.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x.toml"),
        "role = \"senior-python-developer\"\nquestion = \"nope\"\nanswers = []\n",
    )
    .unwrap();
    let report = check_fixtures(&bank, dir.path()).unwrap();
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert!(report.errors[0].contains("no question 'nope'"), "{}", report.errors[0]);
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
