//! Shipped packs are valid and complete, and talking-point coverage is measured on answers
//! written by someone who saw only the questions (`tests/fixtures/answer-sets/`), at least 40
//! questions across the three packs. The tuning half (which pack authors read) meets every
//! target: strong answers cover at least 70% of their points, weak and wrong ones at most 30%,
//! off-topic and restated ones at most 10%. The held-out half (which nobody read to change a
//! pattern) does not yet meet them all: it is held to the figures measured when the answer sets
//! landed, so coverage can only get better; BENCHMARKS.md and README record them.

use std::path::Path;

use panelist::authoring::{check_fixtures, AnswerKind, FixtureReport, Half};
use panelist::bank::load_path;

fn report() -> FixtureReport {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bank = load_path(&root.join("prompts")).unwrap();
    let report = check_fixtures(&bank, &root.join("tests/fixtures/answer-sets")).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
}

/// The answers of the tuning half off target that no answer set disputes, one line each.
fn undisputed_tuning_misses(report: &FixtureReport) -> Vec<String> {
    report
        .undisputed_misses(Half::Tuning)
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
        .collect()
}

#[test]
fn answer_sets_cover_forty_questions_in_every_pack() {
    let report = report();
    let per_role = report.questions_per_role();
    assert!(
        per_role.values().sum::<usize>() >= 40,
        "at least 40 questions have answer sets: {per_role:?}"
    );
    assert_eq!(per_role.len(), 3, "every pack has answer sets: {per_role:?}");
    for kind in AnswerKind::ALL {
        assert!(
            report.figures(Half::HeldOut, kind).answers >= 42,
            "{kind:?}: too few held-out answers"
        );
    }
}

#[test]
fn tuning_answers_meet_every_target() {
    let report = report();
    let undisputed = undisputed_tuning_misses(&report);
    assert!(undisputed.is_empty(), "tuning answers off target:\n{undisputed:#?}");
    // A disputed answer is marked because it misses: once it meets its target, drop the mark.
    for a in report.answers.iter().filter(|a| a.disputed.is_some()) {
        assert!(
            !a.met,
            "{} {} #{} meets its target now: remove `disputed`",
            a.question,
            a.kind.as_str(),
            a.number
        );
    }
}

#[test]
fn held_out_answers_stay_at_or_above_the_measured_figures() {
    let report = report();
    // (kind, held-out answers meeting the target, mean coverage bound) measured on 2026-12-01,
    // after rounds 4 and 5 of tuning answers.
    let floors = [
        (AnswerKind::Strong, 75, 0.84),
        (AnswerKind::Weak, 37, 0.17),
        (AnswerKind::Wrong, 35, 0.18),
        (AnswerKind::Offtopic, 36, 0.03),
        (AnswerKind::Restate, 38, 0.03),
    ];
    for (kind, met, mean) in floors {
        let f = report.figures(Half::HeldOut, kind);
        assert!(
            f.met >= met,
            "{kind:?}: {} of {} held-out answers meet the target, was {met}",
            f.met,
            f.answers
        );
        let better = if kind == AnswerKind::Strong {
            f.mean >= mean
        } else {
            f.mean <= mean
        };
        assert!(better, "{kind:?}: held-out mean coverage {:.3} is worse than {mean}", f.mean);
    }
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
