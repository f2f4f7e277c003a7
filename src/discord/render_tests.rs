//! The feedback card: quotes the candidate safely and stays inside Discord's limits.
use super::*;
use crate::interview::coverage::{Coverage, Flag, PointHit};

fn hit(point: &str, evidence: Option<&str>, hinted: bool) -> PointHit {
    PointHit {
        point: point.into(),
        evidence: evidence.map(str::to_string),
        words: Vec::new(),
        hinted,
        contradicted: false,
    }
}

#[test]
fn feedback_quotes_the_answer_safely_and_keeps_the_outline_spoiler_whole() {
    let f = Feedback {
        item: 0,
        question_id: "q".into(),
        coverage: Coverage {
            points: vec![
                hit("Shares nested objects", Some("a **shallow** copy || shares `inner` lists"), false),
                hit("Recursion", None, true),
            ],
            off_topic: false,
            misconceptions: vec![Flag {
                correction: "Only a deep copy recurses.".into(),
                evidence: "shallow copies recurse".into(),
            }],
        },
        checklist: vec!["a".into()],
        ticks: vec![],
        rating: None,
        outline: "word ".repeat(1000),
    };
    let card = feedback_card(&f);
    assert!(
        card.body.contains("“a \\*\\*shallow\\*\\* copy \\|\\| shares \\`inner\\` lists”"),
        "{}",
        card.body
    );
    assert!(card.body.contains("▫️ Recursion *(a hint gave this)*"), "{}", card.body);
    assert!(card
        .body
        .contains("⚠️ **Check this:** Only a deep copy recurses. (you wrote “shallow copies recurse”)"));
    assert!(card.body.chars().count() <= 4096, "{}", card.body.chars().count());
    assert!(card.body.ends_with("||"), "the spoiler is closed");
    assert_eq!(card.title, "Talking points covered: 1 of 2");
}
