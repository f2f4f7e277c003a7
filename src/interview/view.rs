//! Read-only views of a session for adapters: the question being asked, the current prompt, and
//! the feedback shown after scoring.

use super::coverage::assess;
use super::io::{Ask, Effect, Feedback};
use super::state::{Session, Stage};
use crate::bank::{Pack, Question};

/// The pack question of plan item `item`. A session's plan only names questions of its pack and
/// packs in use are not replaced, but a deploy may edit `prompts/`: a question gone since then
/// reads as a placeholder instead of bringing the bot down.
pub(crate) fn question<'p>(s: &Session, pack: &'p Pack, item: usize) -> &'p Question {
    match pack.question(&s.plan.items[item].question) {
        Some(q) => q,
        None => missing(),
    }
}

fn missing() -> &'static Question {
    static MISSING: std::sync::OnceLock<Question> = std::sync::OnceLock::new();
    MISSING.get_or_init(|| Question {
        id: "missing".into(),
        area: String::new(),
        kind: crate::bank::Kind::Concept,
        difficulty: 1,
        minutes: 1,
        prompt: "(This question is no longer in the question pack.)".into(),
        follow_ups: Vec::new(),
        hints: Vec::new(),
        checklist: vec!["(no checklist)".into()],
        topic: Vec::new(),
        talking_points: Vec::new(),
        misconceptions: Vec::new(),
        outline: "(no outline)".into(),
        example: None,
        complexity: None,
        matcher: Default::default(),
    })
}

/// The question being asked, as an [`Ask`]; `None` outside the asking stage.
pub fn ask(s: &Session, pack: &Pack, repeat: bool) -> Option<Ask> {
    let Stage::Asking { item, part, draft, .. } = &s.stage else {
        return None;
    };
    let q = question(s, pack, *item);
    let plan_item = &s.plan.items[*item];
    let text = match *part {
        0 => q.prompt.clone(),
        p => plan_item
            .follow_ups
            .get(p - 1)
            .and_then(|&f| q.follow_ups.get(f))
            .cloned()
            .unwrap_or_default(),
    };
    Some(Ask {
        item: *item,
        total: s.plan.items.len(),
        part: *part,
        parts: plan_item.parts(),
        question_id: q.id.clone(),
        area: pack.area(&q.area).map_or(q.area.clone(), |a| a.name.clone()),
        kind: q.kind,
        difficulty: q.difficulty,
        minutes: q.minutes,
        text,
        repeat,
        draft_chars: draft.chars().count(),
        time_limit_secs: s.settings.time_limit_secs,
    })
}

/// What the candidate should be looking at now: the question or the rubric. `None` otherwise.
pub fn current_prompt(s: &Session, pack: &Pack, repeat: bool) -> Option<Effect> {
    match &s.stage {
        Stage::Asking { .. } => ask(s, pack, repeat).map(Effect::Ask),
        Stage::Scoring { item, ticks } => Some(Effect::Rubric {
            item: *item,
            question_id: s.plan.items[*item].question.clone(),
            checklist: question(s, pack, *item).checklist.clone(),
            ticks: ticks.clone(),
            area_rubric: pack.area(&s.plan.items[*item].area).map_or_else(Vec::new, |a| a.rubric.clone()),
        }),
        _ => None,
    }
}

pub(crate) fn feedback(s: &Session, pack: &Pack, item: usize) -> Feedback {
    let q = question(s, pack, item);
    let rec = &s.items[item];
    Feedback {
        item,
        question_id: q.id.clone(),
        coverage: rec.coverage.clone().unwrap_or_else(|| assess("", q, 0)),
        checklist: q.checklist.clone(),
        ticks: rec.self_score.as_ref().map(|sc| sc.ticks.clone()).unwrap_or_default(),
        rating: rec.self_score.as_ref().map(|sc| sc.rating),
        outline: q.outline.clone(),
    }
}
