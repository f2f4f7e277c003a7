//! Every sentence a [`Rejection`] shows a user, in one place. Where the text points the user at
//! something to do ([`Action`]), the adapter's [`Vocabulary`] names it: a slash command or a
//! button on Discord, a `/command` in the terminal.

use std::fmt;

use super::rejection::{HostOnly, Rejection};

/// What a sentence points the user at; each adapter names it its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Ending the interview.
    End,
    /// The list of the user's past interviews.
    History,
    /// Joining a peer review as a reviewer.
    JoinAsReviewer,
    /// Seeing where the live interview is.
    Status,
}

/// How an adapter names the [`Action`]s, formatted as its users see them.
pub trait Vocabulary {
    fn action(&self, a: Action) -> String;

    /// " in <where>" for a session living in `channel`, or nothing where channels mean nothing.
    fn place(&self, channel: u64) -> String {
        let _ = channel;
        String::new()
    }
}

/// Plain names, for logs and [`Display`](fmt::Display).
#[derive(Debug, Clone, Copy)]
pub struct Neutral;

pub const NEUTRAL: Neutral = Neutral;

impl Vocabulary for Neutral {
    fn action(&self, a: Action) -> String {
        match a {
            Action::End => "`end`",
            Action::History => "the interview history",
            Action::JoinAsReviewer => "Join as reviewer",
            Action::Status => "`status`",
        }
        .to_string()
    }
}

impl Rejection {
    /// The refusal, for the user who sent the input, in the adapter's words.
    pub fn explain(&self, v: &dyn Vocabulary) -> String {
        use Rejection::*;
        match self {
            NotCandidate => "This is someone else's interview; only the candidate can answer or control it.".into(),
            NotClock => "Only the system clock can apply deadlines.".into(),
            NotHost(what) => {
                let what = match what {
                    HostOnly::StartInterview => "start the interview",
                    HostOnly::RemoveReviewers => "remove reviewers",
                    HostOnly::CloseScoring => "close scoring",
                };
                format!("Only the host can {what}.")
            }
            Ended => "This interview has ended. Start a new one to practise again.".into(),
            InLobby => "The interview hasn't started yet: the host starts it once reviewers have joined.".into(),
            AlreadyPaused => "The interview is already paused.".into(),
            NotPaused => "The interview is not paused.".into(),
            NotAsking => "No question is waiting for an answer right now.".into(),
            AwaitingSelfScore => "This question is waiting for your self-score: tick the checklist items your answer covered, then rate it 1-4 (or skip scoring).".into(),
            NothingToScore => "There is nothing to score yet: answer the current question first.".into(),
            NothingToRepeat => "There is no question to repeat yet: the interview hasn't started.".into(),
            NotNow { input, stage } => format!("'{input}' is not possible while {stage}."),
            NothingDue => "nothing is due yet".into(),
            NoSuchSession => "This interview no longer exists.".into(),
            NotInDraft => "That message is not part of your current draft, so nothing changed.".into(),
            WrongPlace => "That belongs to an interview somewhere else; nothing was changed.".into(),
            StaleClick => "That button belongs to an earlier step of your interview; this is where you are now:".into(),
            PackChanged => format!(
                "This interview's question pack changed since it started, so it can't go on. Its answers are kept (see {}); start a new interview.",
                v.action(Action::History)
            ),
            EmptyAnswer => "Your answer is empty, so nothing was saved. Write your answer, then submit it.".into(),
            EmptyMessage => "That message is empty, so it was not added to your answer.".into(),
            TooLong { chars, max } => format!(
                "That answer is {chars} characters; the limit is {max}. Nothing was saved: shorten it and send it again."
            ),
            DraftTooLong { chars, max } => format!(
                "With that message your answer would be {chars} characters; the limit is {max}. It was not added; your draft so far is kept. Submit it, or send a shorter message."
            ),
            NoHints => "This question has no hints.".into(),
            NoMoreHints => "You have seen every hint for this question.".into(),
            NoSuchChecklistItem { number, of } => {
                format!("There is no checklist item {number}; this checklist has items 1 to {of}.")
            }
            BadRating { got } => format!(
                "A rating is 1 to 4 (1 strong no hire, 2 lean no hire, 3 lean hire, 4 strong hire); got {got}."
            ),
            PerAreaOutOfRange { got, max } => format!("Questions per area must be between 1 and {max} (got {got})."),
            FollowUpsOutOfRange { max } => format!("Follow-ups per question must be between 0 and {max}."),
            UnknownArea { unknown, role, available } => format!(
                "Unknown area {} for {role}. Areas: {}.",
                unknown.join(", "),
                available.join(", ")
            ),
            UnknownRole { role, available } => format!("Unknown role '{role}'. Roles here: {}.", available.join(", ")),
            AlreadyLive { channel } => format!(
                "You already have an interview in progress{}. Use {} to see it, or {} to finish it first.",
                channel.map_or_else(String::new, |c| v.place(c)),
                v.action(Action::Status),
                v.action(Action::End)
            ),
            NotPeerSession => "This is not a peer-review session.".into(),
            NotPeerInput { input } => format!("'{input}' is not a peer-review action."),
            CandidateCannotJoin => "You are the candidate: you answer, and your teammates score. You can self-score on your own rubric.".into(),
            AlreadyReviewer => "You are already a reviewer here.".into(),
            RemovedCannotRejoin => "The host removed you from this review, so you can't rejoin it.".into(),
            NotReviewer => "You are not a reviewer here.".into(),
            CandidateNotReviewer => "The candidate is not a reviewer.".into(),
            AlreadyRemoved => "That person was already removed.".into(),
            AlreadyStarted => "The interview has already started.".into(),
            NoReviewers => "At least one reviewer must join before the interview starts.".into(),
            NoAnswerToScore { item } => format!("There is no answer to score for question {} yet.", item + 1),
            ScoringClosed => "Scoring for this answer has closed; your score was not recorded.".into(),
            OwnAnswers => "You can't peer-score your own answers. Use the self-score on your rubric instead.".into(),
            RemovedCannotScore => "The host removed you from this review; you can't score any more.".into(),
            NotJoined => format!("Only joined reviewers can score. Press {} first.", v.action(Action::JoinAsReviewer)),
            BadPeerRating { got } => format!("A rating is 1 to 4; got {got}."),
            BadNote { chars, max } => format!("A note is 1 to {max} characters (got {chars}); nothing was saved."),
            NotFinished => format!(
                "Only a finished interview can be shared for review; end it first with {}.",
                v.action(Action::End)
            ),
            NoAnswers => "That interview has no answers to review.".into(),
            PackNotHere(why) => format!(
                "That interview's question pack is not available in this server ({}).",
                why.explain(v)
            ),
            ShareFailed => "That session could not be shared.".into(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explain(&NEUTRAL))
    }
}

impl std::error::Error for Rejection {}
