//! Forgetting a reviewer in someone else's session: their scores stay for the candidate (the
//! aggregate still counts them) but lose who gave them and the note; their drafts go.

use super::ids::ActorId;
use super::state::Session;

/// Replaces `who` by `placeholder` wherever `s` names them as host or reviewer, drops their
/// notes and unsubmitted drafts. Returns how many scores lost their reviewer; `false` in the
/// second place when `s` did not name them at all (nothing changed).
pub fn forget_reviewer(s: &mut Session, who: &ActorId, placeholder: &ActorId) -> (usize, bool) {
    let Some(peer) = &mut s.peer else {
        return (0, false);
    };
    let mut named = false;
    if &peer.host == who {
        peer.host = placeholder.clone();
        named = true;
    }
    for r in peer.reviewers.iter_mut().filter(|r| &r.actor == who) {
        r.actor = placeholder.clone();
        named = true;
    }
    let mut scores = 0;
    for round in peer.rounds.iter_mut().flatten() {
        for sc in round.scores.iter_mut().filter(|sc| &sc.reviewer == who) {
            sc.reviewer = placeholder.clone();
            sc.note = None;
            scores += 1;
        }
        let before = round.drafts.len();
        round.drafts.retain(|(a, _, _)| a != who);
        named |= scores > 0 || round.drafts.len() != before;
    }
    (scores, named)
}
