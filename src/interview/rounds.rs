//! Scoring rounds of peer review: one per complete answer, opened when the answer is in, closed
//! when every awaited reviewer scored, by the host, or at the deadline; the aggregate on closing
//! and the report once everything is over. Also sharing a finished session for asynchronous review.

use super::aggregate::{aggregate, report};
use super::io::Effect;
use super::rejection::Rejection;
use super::state::{Millis, Peer, Reviewer, Round, Session, Stage};
use crate::bank::Pack;

/// The session's peer-review state, or the refusal for a session that has none.
pub(super) fn peer(s: &mut Session) -> Result<&mut Peer, Rejection> {
    s.peer.as_mut().ok_or(Rejection::NotPeerSession)
}

/// A finished session shared for asynchronous review: the same plan and answers under a new id,
/// with a scoring round open on every answered question until `scoring_secs` from now.
pub fn share(original: &Session, id: String, scoring_secs: u32, now: Millis) -> Result<(Session, Vec<Effect>), Rejection> {
    if !matches!(original.stage, Stage::Finished { .. } | Stage::Abandoned { .. }) {
        return Err(Rejection::NotFinished);
    }
    if original.items.iter().all(|i| i.answers.is_empty()) {
        return Err(Rejection::NoAnswers);
    }
    let mut s = original.clone();
    s.id = id;
    s.version = 1;
    s.created_at = now;
    s.last_activity = now;
    s.stage = Stage::Finished { at: now };
    s.peer = Some(Peer::new(original.candidate.clone(), s.items.len(), scoring_secs, true));
    let mut fx = Vec::new();
    for item in 0..s.items.len() {
        open(&mut s, item, now, &mut fx);
    }
    Ok((s, fx))
}

/// The reviewers a round waits for: active ones who had joined when it opened (a late joiner
/// scores from then on, without holding up answers given before they came).
fn awaited<'p>(p: &'p Peer, r: &Round) -> Vec<&'p Reviewer> {
    p.active().filter(|a| a.joined_at <= r.opened_at).collect()
}

/// How many scores a round expects: those it waits for, and anyone who scored anyway.
pub fn expected(p: &Peer, item: usize) -> usize {
    let Some(r) = p.rounds.get(item).and_then(|r| r.as_ref()) else {
        return 0;
    };
    let waited = awaited(p, r);
    waited.len() + r.scores.iter().filter(|sc| !waited.iter().any(|a| a.actor == sc.reviewer)).count()
}

/// Live rounds close once every reviewer they wait for has scored.
pub(super) fn round_complete(p: &Peer, item: usize) -> bool {
    let Some(r) = p.rounds.get(item).and_then(|r| r.as_ref()) else {
        return false;
    };
    let waited = awaited(p, r);
    !p.asynchronous
        && r.closed_at.is_none()
        && !waited.is_empty()
        && waited.iter().all(|a| r.scores.iter().any(|sc| sc.reviewer == a.actor))
}

pub(super) fn close(s: &mut Session, pack: &Pack, item: usize, now: Millis, fx: &mut Vec<Effect>) {
    let Some(round) = peer(s).ok().and_then(|p| p.rounds.get_mut(item)).and_then(Option::as_mut) else {
        return;
    };
    round.closed_at = Some(now);
    let scores = round.scores.clone();
    fx.push(Effect::Aggregate(aggregate(s, pack, item, &scores)));
}

/// Opens the scoring round of a completed answer (once).
pub fn open(s: &mut Session, item: usize, now: Millis, fx: &mut Vec<Effect>) {
    let Some(p) = s.peer.as_mut() else { return };
    if p.rounds[item].is_some() || s.items[item].answers.is_empty() {
        return;
    }
    let closes_at = now + p.scoring_secs as i64 * 1000;
    p.rounds[item] = Some(Round {
        opened_at: now,
        closes_at,
        closed_at: None,
        scores: Vec::new(),
        drafts: Vec::new(),
    });
    let reviewers = p.active().count();
    fx.push(Effect::ScoringOpened {
        item,
        reviewers,
        closes_at,
    });
}

/// Closes rounds whose deadline passed; `true` if any did.
pub fn close_due(s: &mut Session, pack: &Pack, now: Millis, fx: &mut Vec<Effect>) -> bool {
    let Some(p) = &s.peer else { return false };
    let due: Vec<usize> = (0..p.rounds.len())
        .filter(|&i| p.rounds[i].as_ref().is_some_and(|r| r.closed_at.is_none() && now >= r.closes_at))
        .collect();
    for &i in &due {
        close(s, pack, i, now, fx);
    }
    !due.is_empty()
}

/// Once the interview is over and every round closed, the report (once).
pub fn maybe_report(s: &mut Session, pack: &Pack, fx: &mut Vec<Effect>) {
    let over = s.stage.is_over();
    let Some(p) = &s.peer else { return };
    let any_round = p.rounds.iter().any(Option::is_some);
    if over && any_round && !p.reported && p.all_closed() {
        let rep = report(s, pack, &p.scores());
        if let Some(p) = s.peer.as_mut() {
            p.reported = true;
        }
        fx.push(Effect::Report(rep));
    }
}
