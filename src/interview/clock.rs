//! Time in the state machine: pausing and resuming (by the user or for inactivity), per-question
//! time limits, abandonment, and the scoring deadlines of peer review. `now` is always passed in.

use super::advance::{advance_part, keep_draft, next_item, submit};
use super::io::Effect;
use super::rejection::Rejection;
use super::rounds::close_due;
use super::state::{Millis, Session, Stage};
use super::view::current_prompt;
use crate::bank::Pack;

pub(crate) fn pause(s: &mut Session, now: Millis, idle: bool, fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    if matches!(s.stage, Stage::Paused { .. }) {
        return Err(Rejection::AlreadyPaused);
    }
    let resume = Box::new(s.stage.clone());
    s.stage = Stage::Paused { resume, since: now, idle };
    fx.push(Effect::Paused { idle });
    Ok(())
}

/// Continues where the pause left off; the time paused does not count against a time limit.
pub(crate) fn resume(s: &mut Session, pack: &Pack, now: Millis, fx: &mut Vec<Effect>, show: bool) -> Result<(), Rejection> {
    let Stage::Paused { resume, since, .. } = &s.stage else {
        return Err(Rejection::NotPaused);
    };
    let paused_for = (now - since).max(0);
    let mut stage = resume.as_ref().clone();
    if let Stage::Asking { asked_at, .. } = &mut stage {
        *asked_at += paused_for;
    }
    s.stage = stage;
    fx.push(Effect::Resumed);
    if show {
        // A lobby paused and resumed has no prompt to show again.
        fx.extend(current_prompt(s, pack, true));
    }
    Ok(())
}

/// Scoring deadlines first (they run even after the interview ended), then time limits (the
/// shorter deadline), then idle pause, then abandonment.
pub(crate) fn clock(s: &mut Session, pack: &Pack, now: Millis, fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    let closed = close_due(s, pack, now, fx);
    let idle_pause = s.settings.idle_pause_secs as i64 * 1000;
    let idle_abandon = s.settings.idle_abandon_secs as i64 * 1000;
    let limit = s.settings.time_limit_secs.map(|l| l as i64 * 1000);
    match s.stage.clone() {
        Stage::Lobby if now >= s.last_activity + idle_abandon => {
            s.stage = Stage::Abandoned { at: now };
            fx.push(Effect::Abandoned);
        }
        Stage::Asking {
            item,
            part,
            draft,
            asked_at,
            pieces,
        } if limit.is_some_and(|l| now >= asked_at + l) => {
            fx.push(Effect::TimeUp { item });
            if !crate::text::is_blank(&draft) {
                return submit(s, pack, (&draft, pieces.len()), now, true, fx);
            }
            if part == 0 {
                s.items[item].skipped = true;
                fx.push(Effect::Skipped { item, timed_out: true });
                next_item(s, pack, item, now, fx);
            } else {
                advance_part(s, pack, item, s.plan.items[item].parts() - 1, now, fx);
            }
        }
        Stage::Asking { .. } | Stage::Scoring { .. } if now >= s.last_activity + idle_pause => pause(s, now, true, fx)?,
        Stage::Paused { since, .. } if now >= since + idle_abandon => {
            keep_draft(s, pack, now);
            s.stage = Stage::Abandoned { at: now };
            fx.push(Effect::Abandoned);
        }
        _ if closed => {}
        _ => return Err(Rejection::NothingDue),
    }
    Ok(())
}
