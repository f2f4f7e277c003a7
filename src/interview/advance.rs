//! How a session moves on through its plan: an answer submitted (and its coverage), the next
//! follow-up or question, the end with any unsent draft kept. Shared by the candidate's inputs
//! (`step`) and the clock (`clock`), so neither needs the other's internals.

use super::coverage::assess;
use super::io::{Effect, MAX_ANSWER_CHARS};
use super::rejection::Rejection;
use super::rounds::open;
use super::state::{Answer, Millis, Session, Stage};
use super::summary::summarize;
use super::view::{ask, current_prompt, question};
use crate::bank::Pack;

/// Coverage of everything answered for `item` so far, given the hints the candidate used.
fn record_coverage(s: &mut Session, pack: &Pack, item: usize) {
    let coverage = assess(&s.answer_text(item), question(s, pack, item), s.items[item].hints_used as usize);
    s.items[item].coverage = Some(coverage);
}

pub(super) fn check_len(text: &str) -> Result<(), Rejection> {
    if crate::text::is_blank(text) {
        return Err(Rejection::EmptyAnswer);
    }
    let n = text.chars().count();
    if n > MAX_ANSWER_CHARS {
        return Err(Rejection::TooLong {
            chars: n,
            max: MAX_ANSWER_CHARS,
        });
    }
    Ok(())
}

/// `messages`: how many typed messages made `text` (0 for a form).
pub(super) fn submit(
    s: &mut Session,
    pack: &Pack,
    (text, messages): (&str, usize),
    now: Millis,
    by_clock: bool,
    fx: &mut Vec<Effect>,
) -> Result<(), Rejection> {
    let text = &*crate::text::sanitize(text);
    check_len(text)?;
    let Stage::Asking { item, part, asked_at, .. } = s.stage else {
        return Err(Rejection::NotAsking);
    };
    let over_time = !by_clock && s.settings.time_limit_secs.is_some_and(|l| now > asked_at + l as i64 * 1000);
    let text = text.trim().to_string();
    let chars = text.chars().count();
    s.items[item].answers.push(Answer {
        part,
        text,
        submitted_at: now,
        over_time,
    });
    record_coverage(s, pack, item);
    fx.push(Effect::Submitted {
        item,
        part,
        chars,
        messages,
        over_time,
    });
    advance_part(s, pack, item, part, now, fx);
    Ok(())
}

/// After an answer: the next follow-up, or self-scoring once the item's parts are done.
pub(super) fn advance_part(s: &mut Session, pack: &Pack, item: usize, part: usize, now: Millis, fx: &mut Vec<Effect>) {
    if part + 1 < s.plan.items[item].parts() {
        s.stage = Stage::Asking {
            item,
            part: part + 1,
            draft: String::new(),
            asked_at: now,
            pieces: Vec::new(),
        };
        fx.extend(ask(s, pack, false).map(Effect::Ask));
    } else {
        s.stage = Stage::Scoring { item, ticks: None };
        fx.extend(current_prompt(s, pack, false));
        open(s, item, now, fx);
    }
}

pub(super) fn next_item(s: &mut Session, pack: &Pack, item: usize, now: Millis, fx: &mut Vec<Effect>) {
    if item + 1 < s.plan.items.len() {
        s.stage = Stage::Asking {
            item: item + 1,
            part: 0,
            draft: String::new(),
            asked_at: now,
            pieces: Vec::new(),
        };
        s.items[item + 1].asked = true;
        fx.extend(ask(s, pack, false).map(Effect::Ask));
    } else {
        finish(s, pack, now, fx);
    }
}

/// Ends the interview; an unsubmitted draft is kept as the answer, so nothing typed is lost.
pub(super) fn finish(s: &mut Session, pack: &Pack, now: Millis, fx: &mut Vec<Effect>) {
    keep_draft(s, pack, now);
    for item in 0..s.items.len() {
        open(s, item, now, fx);
    }
    s.stage = Stage::Finished { at: now };
    fx.push(Effect::Finished(summarize(s, pack)));
}

pub(super) fn keep_draft(s: &mut Session, pack: &Pack, now: Millis) {
    let stage = match &s.stage {
        Stage::Paused { resume, .. } => resume.as_ref().clone(),
        other => other.clone(),
    };
    if let Stage::Asking { item, part, draft, .. } = stage {
        if !crate::text::is_blank(&draft) {
            s.items[item].answers.push(Answer {
                part,
                text: draft.trim().to_string(),
                submitted_at: now,
                over_time: false,
            });
            record_coverage(s, pack, item);
        }
    }
}
