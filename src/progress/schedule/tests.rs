//! The scheduler: intervals grow with good grades, shrink after a lapse, grades follow the
//! scores, and the drill takes the due questions first and new ones of the weakest area.

use super::*;
use crate::bank::parse_pack;
use crate::progress::reviews::grade_of;

const T0: Millis = 1_780_000_000_000;

fn r(question: &str, area: &str, at: Millis, self_rating: Option<u8>, peers: &[u8], coverage: f64) -> Review {
    Review {
        session: format!("s{at}"),
        item: 0,
        role: "tester".into(),
        question: question.into(),
        area: area.into(),
        at,
        self_rating,
        peer_ratings: peers.to_vec(),
        coverage,
    }
}

/// Reviews `question` with `grades`, each on the day it falls due; returns the cards after each.
fn run(grades: &[Grade]) -> Vec<Card> {
    let mut out: Vec<Card> = Vec::new();
    let mut now = T0;
    for &g in grades {
        let c = review(out.last(), "tester", "q", "alpha", g, now);
        now = c.due;
        out.push(c);
    }
    out
}

#[test]
fn intervals_grow_with_good_grades() {
    let cards = run(&[Grade::Good; 5]);
    let days: Vec<f64> = cards.iter().map(Card::interval_days).collect();
    for w in days.windows(2) {
        assert!(w[1] > w[0], "each good review waits longer: {days:?}");
    }
    assert!(days[4] > 20.0, "five good reviews reach weeks: {days:?}");
    let easy = run(&[Grade::Easy; 3]);
    assert!(easy[2].interval_days() > cards[2].interval_days(), "easy waits longer than good");
}

#[test]
fn a_lapse_shrinks_the_interval_and_counts() {
    let mut grades = vec![Grade::Good; 4];
    grades.push(Grade::Again);
    let cards = run(&grades);
    let before = cards[3].interval_days();
    let after = cards[4].interval_days();
    assert!(after < before, "after a lapse it comes back sooner: {after} vs {before}");
    assert!(
        after * 4.0 < before,
        "a forgotten answer comes back much sooner: {after} vs {before}"
    );
    assert_eq!(cards[4].lapses, 1);
    assert_eq!(cards[4].reps, 5);
}

#[test]
fn weak_first_answers_come_back_sooner_than_strong_ones() {
    let weak = review(None, "tester", "q", "alpha", Grade::Again, T0);
    let strong = review(None, "tester", "q", "alpha", Grade::Easy, T0);
    assert!(weak.due < strong.due, "{} vs {}", weak.interval_days(), strong.interval_days());
}

#[test]
fn grades_come_from_peers_before_self_and_coverage() {
    // Self 4 and full coverage: strong.
    assert_eq!(r("q", "a", T0, Some(4), &[], 1.0).grade(), Grade::Easy);
    // The peers' median (1.5) outweighs the self rating of 4.
    let peers_disagree = r("q", "a", T0, Some(4), &[1, 2], 0.2);
    assert_eq!(peers_disagree.peer_median(), Some(1.5));
    assert_eq!(peers_disagree.grade(), Grade::Again);
    // Unrated: coverage alone.
    assert_eq!(r("q", "a", T0, None, &[], 0.6).grade(), Grade::Good);
    assert_eq!(grade_of(0.34), Grade::Again);
    assert_eq!(grade_of(0.35), Grade::Hard);
    assert_eq!(grade_of(0.8), Grade::Easy);
}

#[test]
fn replay_follows_time_order_and_keeps_one_card_per_question() {
    let reviews = vec![
        r("q", "alpha", T0 + 10 * DAY_MS, Some(1), &[], 0.0),
        r("q", "alpha", T0, Some(4), &[], 1.0),
        r("other", "beta", T0, Some(3), &[], 0.5),
    ];
    let cards = replay(&reviews);
    assert_eq!(cards.len(), 2);
    let q = cards.iter().find(|c| c.question == "q").unwrap();
    assert_eq!(q.reps, 2);
    assert_eq!(q.lapses, 1, "the later, weak review is the lapse");
    assert_eq!(q.last_review, T0 + 10 * DAY_MS);
    assert_eq!(q.last_grade, Grade::Again);
}

#[test]
fn cards_survive_a_round_trip_through_their_stored_form() {
    let c = run(&[Grade::Good, Grade::Hard]).pop().unwrap();
    let back: Card = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
    assert_eq!(back, c);
    let next_a = review(Some(&c), "tester", "q", "alpha", Grade::Good, c.due);
    let next_b = review(Some(&back), "tester", "q", "alpha", Grade::Good, c.due);
    assert_eq!(next_a, next_b, "a stored card schedules exactly as the live one");
}

const PACK: &str = r#"
[role]
id = "tester"
name = "Tester"

[[areas]]
id = "alpha"
name = "Alpha"

[[areas]]
id = "beta"
name = "Beta"

[[questions]]
id = "a1"
area = "alpha"
kind = "concept"
difficulty = 1
prompt = "Explain caching."
checklist = ["One", "Two", "Three"]
outline = "x"
[[questions.talking_points]]
point = "P"
phrases = ["p"]

[[questions]]
id = "a2"
area = "alpha"
kind = "concept"
difficulty = 1
prompt = "Explain queues."
checklist = ["One", "Two", "Three"]
outline = "x"
[[questions.talking_points]]
point = "P"
phrases = ["p"]

[[questions]]
id = "b1"
area = "beta"
kind = "concept"
difficulty = 1
prompt = "Explain locks."
checklist = ["One", "Two", "Three"]
outline = "x"
[[questions.talking_points]]
point = "P"
phrases = ["p"]

[[questions]]
id = "b2"
area = "beta"
kind = "concept"
difficulty = 1
prompt = "Explain leases."
checklist = ["One", "Two", "Three"]
outline = "x"
[[questions.talking_points]]
point = "P"
phrases = ["p"]
"#;

#[test]
fn a_drill_takes_due_questions_then_new_ones_of_the_weakest_area() {
    let pack = parse_pack(PACK, "t.toml").unwrap();
    // a1 went badly, a2 well, b1 badly: a2 lifts alpha's mean, so beta is the weakest area.
    let reviews = vec![
        r("a1", "alpha", T0, Some(1), &[], 0.0),
        r("a2", "alpha", T0, Some(4), &[], 1.0),
        r("b1", "beta", T0, Some(1), &[], 0.1),
    ];
    let cards = replay(&reviews);
    assert_eq!(weakest_area(&pack, &reviews).as_deref(), Some("beta"));
    // Right after: nothing is due yet, so the drill is the new beta question only.
    assert_eq!(drill_plan(&pack, &cards, &reviews, T0 + 1, 5), vec!["b2"]);
    // Three days on, the two weak ones are due, the strong one is not.
    let later = T0 + 3 * DAY_MS;
    let due_now: Vec<&str> = due(&cards, Some("tester"), later).iter().map(|c| c.question.as_str()).collect();
    assert_eq!(due_now.len(), 2);
    assert!(due_now.contains(&"a1") && due_now.contains(&"b1"), "{due_now:?}");
    let plan = drill_plan(&pack, &cards, &reviews, later, 5);
    assert_eq!(plan.len(), 3);
    assert_eq!(&plan[2], "b2", "new questions come after the due ones");
    // A drill of two keeps one place for something new.
    let two = drill_plan(&pack, &cards, &reviews, later, 2);
    assert_eq!(two.len(), 2);
    assert_eq!(two[1], "b2");
}

#[test]
fn an_area_never_practised_is_the_weakest() {
    let pack = parse_pack(PACK, "t.toml").unwrap();
    let reviews = vec![r("a1", "alpha", T0, Some(1), &[], 0.0)];
    assert_eq!(weakest_area(&pack, &reviews).as_deref(), Some("beta"));
    let cards = replay(&reviews);
    let plan = drill_plan(&pack, &cards, &reviews, T0 + 1, 3);
    assert_eq!(plan, vec!["b1", "b2"], "never-seen questions of the unpractised area");
}
