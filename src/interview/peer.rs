//! Peer review: the lobby, reviewers joining and leaving, one scoring round per answer, and the
//! rules the core enforces whatever the buttons allow: the candidate never peer-scores their own
//! answers, only joined reviewers score, one score per reviewer per answer (replaced while open,
//! refused once closed), scores only for answers that exist, removed reviewers score no more.

use super::ids::ActorId;
use super::io::{Effect, Input};
use super::rejection::{HostOnly, Rejection};
use super::rounds::{close, peer, round_complete};
pub use super::rounds::{close_due, expected, maybe_report, open, share};
use super::state::{Millis, PeerScore, Rating, Session, Stage};
pub use super::state::{Peer, Reviewer, Round};
use crate::bank::Pack;

pub const MAX_NOTE_CHARS: usize = 1000;

/// Is this an input of the peer-review side (handled here, also after the interview finished)?
pub fn is_peer_input(input: &Input) -> bool {
    matches!(
        input,
        Input::Join
            | Input::Leave
            | Input::RemoveReviewer { .. }
            | Input::StartInterview
            | Input::PeerTicks { .. }
            | Input::PeerNote { .. }
            | Input::PeerRate { .. }
            | Input::CloseScoring { .. }
    )
}

/// Applies a peer input to `s` (already cloned by the caller).
pub fn apply(s: &mut Session, actor: &ActorId, input: &Input, pack: &Pack, now: Millis, fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    if s.peer.is_none() {
        return Err(Rejection::NotPeerSession);
    }
    match input {
        Input::Join => join(s, actor, now, fx),
        Input::Leave => leave(s, actor, false, pack, now, fx),
        Input::RemoveReviewer { reviewer } => {
            host_only(s, actor, HostOnly::RemoveReviewers)?;
            leave(s, reviewer, true, pack, now, fx)
        }
        Input::StartInterview => start_interview(s, actor, pack, now, fx),
        Input::PeerTicks { item, ticks } => {
            let n = checklist_len(s, pack, *item);
            if let Some(bad) = ticks.iter().find(|&&t| t as usize >= n) {
                return Err(Rejection::NoSuchChecklistItem {
                    number: *bad as usize + 1,
                    of: n,
                });
            }
            let mut ticks = ticks.clone();
            ticks.sort_unstable();
            ticks.dedup();
            let ticked = ticks.len();
            draft(s, actor, *item, now, fx, |d| d.1 = ticks)?;
            fx.push(Effect::PeerDraft {
                item: *item,
                ticked,
                of: n,
            });
            Ok(())
        }
        Input::PeerNote { item, note } => {
            let note = crate::text::sanitize(note).trim().to_string();
            let n = note.chars().count();
            if crate::text::is_blank(&note) || n > MAX_NOTE_CHARS {
                return Err(Rejection::BadNote {
                    chars: n,
                    max: MAX_NOTE_CHARS,
                });
            }
            draft(s, actor, *item, now, fx, |d| d.2 = Some(note))?;
            fx.push(Effect::NoteSaved { item: *item });
            Ok(())
        }
        Input::PeerRate { item, rating } => rate(s, actor, *item, *rating, pack, now, fx),
        Input::CloseScoring { item } => {
            host_only(s, actor, HostOnly::CloseScoring)?;
            open_round(s, *item)?;
            close(s, pack, *item, now, fx);
            Ok(())
        }
        _ => Err(Rejection::NotPeerInput { input: input.name() }),
    }
}

/// The open round of `item`, to change.
fn open_round_mut(s: &mut Session, item: usize) -> Result<&mut Round, Rejection> {
    open_round(s, item)?;
    peer(s)?
        .rounds
        .get_mut(item)
        .and_then(Option::as_mut)
        .ok_or(Rejection::NotPeerSession)
}

fn host_only(s: &Session, actor: &ActorId, what: HostOnly) -> Result<(), Rejection> {
    match &s.peer {
        Some(p) if p.host == *actor => Ok(()),
        _ => Err(Rejection::NotHost(what)),
    }
}

fn checklist_len(s: &Session, pack: &Pack, item: usize) -> usize {
    s.plan
        .items
        .get(item)
        .and_then(|p| pack.question(&p.question))
        .map_or(0, |q| q.checklist.len())
}

fn join(s: &mut Session, actor: &ActorId, now: Millis, fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    if *actor == s.candidate {
        return Err(Rejection::CandidateCannotJoin);
    }
    let p = peer(s)?;
    match p.reviewers.iter_mut().find(|r| r.actor == *actor) {
        Some(r) if r.removed => return Err(Rejection::RemovedCannotRejoin),
        Some(r) if r.active => return Err(Rejection::AlreadyReviewer),
        Some(r) => r.active = true,
        None => p.reviewers.push(Reviewer {
            actor: actor.clone(),
            joined_at: now,
            active: true,
            removed: false,
        }),
    }
    let reviewers = p.active().count();
    fx.push(Effect::ReviewerJoined {
        reviewer: actor.clone(),
        reviewers,
    });
    Ok(())
}

fn leave(s: &mut Session, who: &ActorId, removed: bool, pack: &Pack, now: Millis, fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    if removed && *who == s.candidate {
        return Err(Rejection::CandidateNotReviewer);
    }
    let p = peer(s)?;
    let i = match p.reviewers.iter().position(|r| r.actor == *who) {
        Some(i) if removed || p.reviewers[i].active => i,
        // The host may bar someone who has not joined (or already left) from scoring.
        None if removed => {
            p.reviewers.push(Reviewer {
                actor: who.clone(),
                joined_at: now,
                active: false,
                removed: false,
            });
            p.reviewers.len() - 1
        }
        _ => return Err(Rejection::NotReviewer),
    };
    let r = &mut p.reviewers[i];
    if removed && r.removed {
        return Err(Rejection::AlreadyRemoved);
    }
    r.active = false;
    r.removed |= removed;
    let reviewers = p.active().count();
    fx.push(Effect::ReviewerLeft {
        reviewer: who.clone(),
        removed,
        reviewers,
    });
    // Their scores stay; a round may now be complete.
    for item in 0..p.rounds.len() {
        if round_complete(peer(s)?, item) {
            close(s, pack, item, now, fx);
        }
    }
    Ok(())
}

fn start_interview(s: &mut Session, actor: &ActorId, pack: &Pack, now: Millis, fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    host_only(s, actor, HostOnly::StartInterview)?;
    if s.stage != Stage::Lobby {
        return Err(Rejection::AlreadyStarted);
    }
    if peer(s)?.active().count() == 0 {
        return Err(Rejection::NoReviewers);
    }
    s.stage = Stage::Asking {
        item: 0,
        part: 0,
        draft: String::new(),
        asked_at: now,
        pieces: Vec::new(),
    };
    s.items[0].asked = true;
    s.last_activity = now; // the candidate's idle clock starts with the interview, not the lobby
    fx.extend(super::view::ask(s, pack, false).map(Effect::Ask));
    Ok(())
}

/// The open round of `item`, or why there is none.
fn open_round(s: &Session, item: usize) -> Result<&Round, Rejection> {
    let round = s.peer.as_ref().and_then(|p| p.rounds.get(item)).and_then(|r| r.as_ref());
    match round {
        None => Err(Rejection::NoAnswerToScore { item }),
        Some(r) if r.closed_at.is_some() => Err(Rejection::ScoringClosed),
        Some(r) => Ok(r),
    }
}

/// Whether `actor` may score `item` now, without changing anything (to decide whether to show
/// them a rubric at all).
pub fn check_may_score(s: &Session, actor: &ActorId, item: usize) -> Result<(), Rejection> {
    let mut probe = s.clone();
    may_score(&mut probe, actor, item, 0, &mut Vec::new())
}

/// Checks that `actor` may score `item` now (joining them in an asynchronous review).
fn may_score(s: &mut Session, actor: &ActorId, item: usize, now: Millis, fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    if *actor == s.candidate {
        return Err(Rejection::OwnAnswers);
    }
    open_round(s, item)?;
    let p = s.peer.as_ref().ok_or(Rejection::NotPeerSession)?;
    match p.reviewer(actor) {
        Some(r) if r.removed => Err(Rejection::RemovedCannotScore),
        Some(r) if r.active => Ok(()),
        _ if p.asynchronous => join(s, actor, now, fx),
        _ => Err(Rejection::NotJoined),
    }
}

fn draft(
    s: &mut Session,
    actor: &ActorId,
    item: usize,
    now: Millis,
    fx: &mut Vec<Effect>,
    f: impl FnOnce(&mut (ActorId, Vec<u8>, Option<String>)),
) -> Result<(), Rejection> {
    may_score(s, actor, item, now, fx)?;
    let round = open_round_mut(s, item)?;
    let i = match round.drafts.iter().position(|d| d.0 == *actor) {
        Some(i) => i,
        None => {
            round.drafts.push((actor.clone(), Vec::new(), None));
            round.drafts.len() - 1
        }
    };
    f(&mut round.drafts[i]);
    Ok(())
}

fn rate(
    s: &mut Session,
    actor: &ActorId,
    item: usize,
    rating: u8,
    pack: &Pack,
    now: Millis,
    fx: &mut Vec<Effect>,
) -> Result<(), Rejection> {
    let rating = Rating::new(rating).ok_or(Rejection::BadPeerRating { got: rating })?;
    may_score(s, actor, item, now, fx)?;
    let round = open_round_mut(s, item)?;
    let (ticks, note) = round
        .drafts
        .iter()
        .find(|d| d.0 == *actor)
        .map_or((Vec::new(), None), |d| (d.1.clone(), d.2.clone()));
    let score = PeerScore {
        reviewer: actor.clone(),
        ticks,
        rating,
        note,
        at: now,
    };
    let replaced = match round.scores.iter_mut().find(|sc| sc.reviewer == *actor) {
        Some(old) => {
            *old = score;
            true
        }
        None => {
            round.scores.push(score);
            false
        }
    };
    let scored = round.scores.len();
    let of = expected(peer(s)?, item).max(scored);
    fx.push(Effect::ScoreSaved {
        item,
        reviewer: actor.clone(),
        replaced,
        scored,
        of,
    });
    notice(s, item, scored, now, fx)?;
    if round_complete(peer(s)?, item) {
        close(s, pack, item, now, fx);
    }
    Ok(())
}

/// In an asynchronous review, a notice to the candidate about new scores: at most one per
/// `notice_secs`, so re-rating cannot flood their DMs; scores in between go in the next one.
fn notice(s: &mut Session, item: usize, total: usize, now: Millis, fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    let every = s.settings.notice_secs as Millis * 1000;
    let Some(p) = s.peer.as_mut().filter(|p| p.asynchronous) else {
        return Ok(());
    };
    p.unnoticed += 1;
    if p.noticed_at.is_none_or(|t| now - t >= every) {
        fx.push(Effect::ScoreNotice {
            item,
            new: p.unnoticed,
            total,
        });
        p.noticed_at = Some(now);
        p.unnoticed = 0;
    }
    Ok(())
}
