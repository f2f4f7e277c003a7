//! Validation of a parsed pack. Structural errors make a pack unusable; completeness findings
//! (`packs check --strict`) hold shipped content to the quality bar of `prompts/FORMAT.md`.

use std::collections::HashSet;
use std::fmt;

use super::{Kind, Pack, Question};
use crate::text::content_stems as content_tokens;
use crate::text::pattern::Pattern;

/// Largest pack file accepted (server uploads included).
pub const MAX_PACK_BYTES: usize = 2 * 1024 * 1024;
const MAX_QUESTIONS: usize = 500;
const MAX_AREAS: usize = 20;
/// Longest checklist item or talking point accepted at all.
const MAX_CHECK_ITEM: usize = 200;
/// Discord select-menu option labels hold 100 characters; complete packs fit them whole.
const CRISP_CHECK_ITEM: usize = 100;
const MAX_PROMPT: usize = 1500;
const MAX_TEXT: usize = 4000;
/// A misconception's correction is a sentence or two beside the feedback, not an essay.
const MAX_CORRECTION: usize = 300;

/// One problem in a pack, with enough context to find and fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    pub file: String,
    /// The question id, when the problem is inside a question.
    pub question: Option<String>,
    pub field: String,
    pub message: String,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file)?;
        if let Some(q) = &self.question {
            write!(f, "question '{q}', ")?;
        }
        write!(f, "field '{}': {}", self.field, self.message)
    }
}

struct Errors<'a> {
    file: &'a str,
    out: Vec<PackError>,
}

impl Errors<'_> {
    fn push(&mut self, question: Option<&str>, field: impl Into<String>, message: impl Into<String>) {
        self.out.push(PackError {
            file: self.file.to_string(),
            question: question.map(str::to_string),
            field: field.into(),
            message: message.into(),
        });
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

const ID_RULE: &str = "must be 1-64 characters of lowercase letters, digits and '-'";

/// Structural validation: every error that would make the pack unusable or break the UI.
pub fn validate(pack: &Pack, file: &str) -> Vec<PackError> {
    let mut e = Errors { file, out: Vec::new() };
    if !valid_id(&pack.role.id) {
        e.push(None, "role.id", format!("'{}' {ID_RULE}", pack.role.id));
    }
    if pack.role.name.trim().is_empty() {
        e.push(None, "role.name", "is empty");
    }
    validate_areas(pack, &mut e);
    if pack.questions.is_empty() {
        e.push(None, "questions", "the pack has no questions");
    }
    if pack.questions.len() > MAX_QUESTIONS {
        e.push(
            None,
            "questions",
            format!("{} questions; the limit is {MAX_QUESTIONS}", pack.questions.len()),
        );
    }
    let mut seen = HashSet::new();
    for (i, q) in pack.questions.iter().enumerate() {
        if !valid_id(&q.id) {
            e.push(None, format!("questions[{i}].id"), format!("'{}' {ID_RULE}", q.id));
        } else if !seen.insert(q.id.as_str()) {
            e.push(Some(&q.id), "id", "duplicate question id");
        }
        validate_question(pack, q, &mut e);
    }
    e.out
}

fn validate_areas(pack: &Pack, e: &mut Errors) {
    if pack.areas.is_empty() {
        e.push(None, "areas", "the pack has no areas");
    }
    if pack.areas.len() > MAX_AREAS {
        e.push(None, "areas", format!("{} areas; the limit is {MAX_AREAS}", pack.areas.len()));
    }
    let mut seen = HashSet::new();
    for (i, a) in pack.areas.iter().enumerate() {
        if !valid_id(&a.id) {
            e.push(None, format!("areas[{i}].id"), format!("'{}' {ID_RULE}", a.id));
        } else if !seen.insert(a.id.as_str()) {
            e.push(None, format!("areas[{i}].id"), format!("duplicate area id '{}'", a.id));
        }
        if a.name.trim().is_empty() || a.name.chars().count() > 80 {
            e.push(None, format!("areas[{i}].name"), "must be 1-80 characters");
        }
        if !pack.questions.iter().any(|q| q.area == a.id) {
            e.push(None, format!("areas[{i}]"), format!("area '{}' has no questions", a.id));
        }
    }
}

fn validate_question(pack: &Pack, q: &Question, e: &mut Errors) {
    let id = Some(q.id.as_str());
    if pack.area(&q.area).is_none() {
        let known: Vec<&str> = pack.areas.iter().map(|a| a.id.as_str()).collect();
        e.push(id, "area", format!("unknown area '{}'; known areas: {}", q.area, known.join(", ")));
    }
    text_field(e, id, "prompt", &q.prompt, MAX_PROMPT);
    text_field(e, id, "outline", &q.outline, MAX_TEXT);
    if !(1..=3).contains(&q.difficulty) {
        e.push(id, "difficulty", format!("{} is outside 1-3", q.difficulty));
    }
    if !(1..=60).contains(&q.minutes) {
        e.push(id, "minutes", format!("{} is outside 1-60", q.minutes));
    }
    let n = q.checklist.len();
    if !(3..=8).contains(&n) {
        e.push(id, "checklist", format!("has {n} items; a checklist needs 3 to 8"));
    }
    for (i, item) in q.checklist.iter().enumerate() {
        text_field(e, id, &format!("checklist[{i}]"), item, MAX_CHECK_ITEM);
    }
    for (i, f) in q.follow_ups.iter().enumerate() {
        text_field(e, id, &format!("follow_ups[{i}]"), f, MAX_PROMPT);
    }
    for (i, h) in q.hints.iter().enumerate() {
        text_field(e, id, &format!("hints[{i}]"), h, MAX_PROMPT);
    }
    if q.talking_points.is_empty() {
        e.push(id, "talking_points", "a question needs at least one talking point");
    }
    for (i, tp) in q.talking_points.iter().enumerate() {
        text_field(e, id, &format!("talking_points[{i}].point"), &tp.point, MAX_CHECK_ITEM);
        if tp.phrases.is_empty() {
            e.push(id, format!("talking_points[{i}].phrases"), "needs at least one phrase");
        }
        patterns(e, id, &format!("talking_points[{i}].phrases"), &tp.phrases);
    }
    patterns(e, id, "topic", &q.topic);
    for (i, m) in q.misconceptions.iter().enumerate() {
        text_field(e, id, &format!("misconceptions[{i}].claim"), &m.claim, MAX_CHECK_ITEM);
        text_field(e, id, &format!("misconceptions[{i}].correction"), &m.correction, MAX_CORRECTION);
        if m.phrases.is_empty() {
            e.push(id, format!("misconceptions[{i}].phrases"), "needs at least one pattern");
        }
        patterns(e, id, &format!("misconceptions[{i}].phrases"), &m.phrases);
        for (j, c) in m.contradicts.iter().enumerate() {
            if !q.talking_points.iter().any(|tp| &tp.point == c) {
                e.push(
                    id,
                    format!("misconceptions[{i}].contradicts[{j}]"),
                    format!("'{c}' is not the `point` of a talking point of this question"),
                );
            }
        }
    }
}

fn patterns(e: &mut Errors, id: Option<&str>, field: &str, sources: &[String]) {
    for (j, p) in sources.iter().enumerate() {
        if let Err(msg) = Pattern::parse(p) {
            e.push(id, format!("{field}[{j}]"), msg);
        }
    }
}

fn text_field(e: &mut Errors, id: Option<&str>, field: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        e.push(id, field, "is empty");
    } else if value.chars().count() > max {
        e.push(id, field, format!("is {} characters; the limit is {max}", value.chars().count()));
    }
}

/// Quality findings for shipped content: each one names the question and field.
pub fn completeness(pack: &Pack, file: &str) -> Vec<PackError> {
    let mut e = Errors { file, out: Vec::new() };
    for q in &pack.questions {
        complete_question(q, &mut e);
    }
    near_duplicates(pack, &mut e);
    e.out
}

fn count_rule(e: &mut Errors, id: Option<&str>, field: &str, n: usize, lo: usize, hi: usize) {
    if n < lo || n > hi {
        e.push(id, field, format!("has {n}; complete questions have {lo} to {hi}"));
    }
}

fn complete_question(q: &Question, e: &mut Errors) {
    let id = Some(q.id.as_str());
    count_rule(e, id, "follow_ups", q.follow_ups.len(), 2, 4);
    count_rule(e, id, "hints", q.hints.len(), 1, 3);
    count_rule(e, id, "checklist", q.checklist.len(), 4, 8);
    for (i, item) in q.checklist.iter().enumerate() {
        let n = item.chars().count();
        if n > CRISP_CHECK_ITEM {
            e.push(
                id,
                format!("checklist[{i}]"),
                format!("is {n} characters; keep items to {CRISP_CHECK_ITEM} so they fit a select menu whole"),
            );
        }
    }
    count_rule(e, id, "talking_points", q.talking_points.len(), 3, 8);
    for (i, tp) in q.talking_points.iter().enumerate() {
        if tp.phrases.len() < 2 {
            e.push(
                id,
                format!("talking_points[{i}].phrases"),
                "complete points list at least 2 phrases (synonyms, variants)",
            );
        }
    }
    if q.topic.is_empty() {
        e.push(
            id,
            "topic",
            "complete questions name their topic, so off-topic answers cover nothing",
        );
    }
    let words = q.outline.split_whitespace().count();
    if words >= 200 {
        e.push(id, "outline", format!("is {words} words; keep it under 200"));
    }
    if q.kind == Kind::Coding {
        for (field, v) in [("example", &q.example), ("complexity", &q.complexity)] {
            if v.as_deref().is_none_or(|s| s.trim().is_empty()) {
                e.push(
                    id,
                    field,
                    "coding questions state an example input/output and the target complexity",
                );
            }
        }
    }
    if q.kind == Kind::Behavioral {
        let text = q.checklist.join(" ").to_lowercase();
        let star = [["situation", "task"], ["action", "decision"], ["result", "outcome"]];
        for pair in star {
            if !pair.iter().any(|w| text.contains(w)) {
                e.push(
                    id,
                    "checklist",
                    format!("a behavioral checklist covers STAR; nothing mentions '{}'", pair.join("' or '")),
                );
            }
        }
    }
}

/// Flags prompts whose content words overlap so much that they ask the same thing.
fn near_duplicates(pack: &Pack, e: &mut Errors) {
    let sets: Vec<HashSet<String>> = pack.questions.iter().map(|q| content_tokens(&q.prompt)).collect();
    for i in 0..sets.len() {
        for j in (i + 1)..sets.len() {
            let inter = sets[i].intersection(&sets[j]).count();
            let union = sets[i].union(&sets[j]).count().max(1);
            let jaccard = inter as f64 / union as f64;
            if jaccard >= 0.6 {
                let other = &pack.questions[j].id;
                e.push(
                    Some(&pack.questions[i].id),
                    "prompt",
                    format!("near duplicate of question '{other}' ({:.0}% shared words)", jaccard * 100.0),
                );
            }
        }
    }
}
