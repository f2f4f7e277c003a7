use super::*;

fn question(extra: &str) -> Question {
    let base = r#"
id = "py-copy"
area = "python"
kind = "concept"
difficulty = 2
prompt = "What is the difference between a shallow copy and a deep copy in Python, and when does it matter?"
follow_ups = ["What does deepcopy do with cycles?"]
hints = ["Think about what happens to the objects inside a list.", "With a shallow copy the nested objects are shared. Why does that bite?"]
checklist = ["a", "b", "c"]
outline = "o"
topic = ["copy | copies | clone | duplicate"]

[[talking_points]]
point = "Shallow copy shares nested objects"
phrases = ["shallow + share | same | reference + nested | inner | child", "shallow + not copy + nested | inner"]

[[talking_points]]
point = "Deep copy copies recursively"
phrases = ["deep + recursive | recursively | every level | all the way down"]

[[talking_points]]
point = "Memo handles cycles"
phrases = ["memo + cycle | cyclic | already copied"]

[[misconceptions]]
claim = "A shallow copy is recursive"
correction = "A shallow copy only makes a new outer container; what is inside is shared."
phrases = ["shallow + recursive | recursively | every level"]
contradicts = ["Shallow copy shares nested objects"]
"#;
    toml::from_str(&format!("{base}{extra}")).unwrap()
}

#[test]
fn a_correct_answer_in_own_words_covers_its_points_with_the_clause_as_evidence() {
    let q = question("");
    let c = assess(
        "A shallow copy gives you a new list but the inner lists are the same objects. \
         Deep copy walks it recursively, and it keeps a memo so cycles don't loop forever.",
        &q,
        0,
    );
    assert_eq!(c.covered(), 3, "{c:#?}");
    assert!(c.points[0]
        .evidence
        .as_deref()
        .unwrap()
        .contains("inner lists are the same objects"));
    assert_eq!(c.points[0].words, vec!["shallow", "inner", "same"]);
    assert!(c.misconceptions.is_empty() && !c.off_topic);
}

#[test]
fn swapped_definitions_are_flagged_and_cancel_the_point() {
    let q = question("");
    let c = assess(
        "A shallow copy copies every level recursively, the nested lists are shared by reference in a shallow one.",
        &q,
        0,
    );
    assert_eq!(c.misconceptions.len(), 1, "{c:#?}");
    assert!(c.misconceptions[0].correction.starts_with("A shallow copy only"));
    assert!(c.points[0].contradicted && c.points[0].evidence.is_none(), "{c:#?}");
}

#[test]
fn restating_the_question_earns_nothing() {
    let q = question("");
    let c = assess(
        "So, what is the difference between a shallow copy and a deep copy in Python, and when does it matter? \
         I'd talk about what deepcopy does with cycles.",
        &q,
        0,
    );
    assert_eq!(c.covered(), 0, "{c:#?}");
}

#[test]
fn an_answer_off_the_topic_covers_nothing_even_with_the_words() {
    let q = question("");
    let c = assess(
        "My shallow pond has nested birds that share a memo about the cycle of seasons.",
        &q,
        0,
    );
    assert!(c.off_topic, "{c:#?}");
    assert_eq!(c.covered(), 0);
}

#[test]
fn points_the_used_hints_give_away_are_marked() {
    let q = question("");
    let answer = "A shallow copy shares the nested objects with the original copy.";
    assert!(!assess(answer, &q, 0).points[0].hinted);
    let c = assess(answer, &q, 2);
    assert!(c.points[0].hinted, "{c:#?}");
    assert!(!c.points[1].hinted);
    assert_eq!(c.hinted().count(), 1);
}

#[test]
fn text_copied_from_a_used_hint_earns_nothing() {
    let q = question("");
    let c = assess("Think about what happens to the objects inside a list when you copy.", &q, 1);
    assert_eq!(c.covered(), 0, "{c:#?}");
}

#[test]
fn stored_coverage_of_the_old_shape_still_reads() {
    let old = r#"{"points":[{"point":"GIL","evidence":"gil"},{"point":"x","evidence":null}]}"#;
    let c: Coverage = serde_json::from_str(old).unwrap();
    assert_eq!(c.covered(), 1);
    assert!(!c.off_topic && c.misconceptions.is_empty() && !c.points[0].hinted);
}

#[test]
fn empty_answer_covers_nothing() {
    let c = assess("", &question(""), 0);
    assert_eq!(c.covered(), 0);
    assert_eq!(c.fraction(), 0.0);
}

#[test]
fn a_clause_that_reports_a_wrong_belief_is_not_a_misconception() {
    let q = question("");
    let c = assess(
        "A common misconception is that a shallow copy copies every level recursively.",
        &q,
        0,
    );
    assert!(c.misconceptions.is_empty(), "{c:#?}");
    let c = assess("A shallow copy copies every level recursively.", &q, 0);
    assert_eq!(c.misconceptions.len(), 1, "{c:#?}");
}
