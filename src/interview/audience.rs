//! Who may see each effect: the user whose input it answers (privately), everyone where the
//! session lives, or the candidate in their direct messages. Adapters deliver by audience and
//! never decide visibility themselves.

use super::io::Effect;
use super::state::Session;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Only the user whose input this answers (Discord: an ephemeral reply).
    Actor,
    /// Everyone in the session's channel, thread or DM.
    Channel,
    /// The candidate, in their direct messages (the final peer report; score notices in an
    /// asynchronous review).
    CandidateDm,
}

/// One effect and who may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Addressed {
    pub to: Audience,
    pub effect: Effect,
}

/// Addresses the effects of one input to `s` (the session after it), in order. An effect may
/// go to more than one audience (a copy each).
pub fn address(s: &Session, effects: Vec<Effect>) -> Vec<Addressed> {
    let reviewed = s.peer.is_some();
    // A round still open: its reviewers must not see the candidate's self-scores yet.
    let scoring = s
        .peer
        .as_ref()
        .is_some_and(|p| p.rounds.iter().flatten().any(|r| r.closed_at.is_none()));
    let mut out = Vec::with_capacity(effects.len());
    for effect in effects {
        let to: &[Audience] = match &effect {
            // In a review, the candidate's self-score, coverage and outline would anchor
            // reviewers who have not scored yet.
            Effect::Feedback(_) if reviewed => &[Audience::Actor],
            // Likewise the candidate's own rubric (and how many items they ticked).
            Effect::Rubric { .. } | Effect::AskRating { .. } if reviewed => &[Audience::Actor],
            // A reviewer's own drafts and score stay theirs; an asynchronous review tells the
            // candidate that scores arrived (a digest, not their content).
            Effect::PeerDraft { .. } | Effect::NoteSaved { .. } => &[Audience::Actor],
            Effect::ScoreSaved { .. } => &[Audience::Actor],
            Effect::ScoreNotice { .. } => &[Audience::CandidateDm],
            Effect::Report(_) => &[Audience::Channel, Audience::CandidateDm],
            // The summary and transcript carry self-scores: while scoring is open they go to
            // the candidate only (the report follows in the thread once every round closed).
            Effect::Finished(_) if reviewed && scoring => &[Audience::CandidateDm],
            _ => &[Audience::Channel],
        };
        out.extend(to.iter().map(|&to| Addressed {
            to,
            effect: effect.clone(),
        }));
    }
    out
}

/// The effects meant for `to`, in order.
pub fn for_audience(effects: &[Addressed], to: Audience) -> Vec<Effect> {
    effects.iter().filter(|a| a.to == to).map(|a| a.effect.clone()).collect()
}
