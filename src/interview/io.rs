//! What goes into the state machine ([`Input`]) and what comes out of an accepted one ([`Effect`]).
//! Effects say what to show, never how: the Discord and terminal adapters render them.

use serde::{Deserialize, Serialize};

use super::coverage::Coverage;
use super::ids::ActorId;
use super::state::Rating;
use super::summary::Summary;
use crate::bank::Kind;

/// Longest answer (draft or form) accepted, in characters.
pub const MAX_ANSWER_CHARS: usize = 20_000;

/// One input to a session. Stored verbatim in the event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    /// A message of answer text, added to the draft; `message` is the adapter's id for it
    /// (Discord: the message id), which orders the parts and lets an edit or delete find it.
    Answer {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<u64>,
    },
    /// A typed message of the draft was edited before submitting: its part becomes `text`.
    EditMessage {
        message: u64,
        text: String,
    },
    /// A typed message of the draft was deleted before submitting: its part goes.
    RetractMessage {
        message: u64,
    },
    /// Submit the draft as the answer.
    Submit,
    /// Submit this text as the answer (a form/modal), replacing the draft.
    SubmitForm {
        text: String,
    },
    Hint,
    Skip,
    Repeat,
    Pause,
    Resume,
    End,
    /// The checklist items (0-based) the candidate ticks while self-scoring.
    Checklist {
        ticks: Vec<u8>,
    },
    /// The candidate's 1-4 rating; completes the self-score.
    Rate {
        rating: u8,
    },
    /// Time passes: applies due time limits, idle deadlines and scoring deadlines.
    Clock,
    /// Peer review: the actor joins as a reviewer.
    Join,
    /// Peer review: the actor stops reviewing (their scores stay).
    Leave,
    /// Peer review: the host removes a reviewer (their scores stay; they may not rejoin).
    RemoveReviewer {
        reviewer: ActorId,
    },
    /// Peer review: the host starts the interview from the lobby.
    StartInterview,
    /// Peer review: a reviewer's checklist ticks (0-based) for an answer, before rating.
    PeerTicks {
        item: usize,
        ticks: Vec<u8>,
    },
    /// Peer review: a reviewer's note on an answer, before rating.
    PeerNote {
        item: usize,
        note: String,
    },
    /// Peer review: a reviewer's 1-4 rating; submits (or replaces) their score.
    PeerRate {
        item: usize,
        rating: u8,
    },
    /// Peer review: the host closes scoring of an answer.
    CloseScoring {
        item: usize,
    },
}

impl Input {
    /// Answer text without an adapter id (the terminal, tests).
    pub fn answer(text: impl Into<String>) -> Input {
        Input::Answer {
            text: text.into(),
            message: None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Input::Answer { .. } => "answer",
            Input::EditMessage { .. } => "edit_message",
            Input::RetractMessage { .. } => "retract_message",
            Input::Submit => "submit",
            Input::SubmitForm { .. } => "submit_form",
            Input::Hint => "hint",
            Input::Skip => "skip",
            Input::Repeat => "repeat",
            Input::Pause => "pause",
            Input::Resume => "resume",
            Input::End => "end",
            Input::Checklist { .. } => "checklist",
            Input::Rate { .. } => "rate",
            Input::Clock => "clock",
            Input::Join => "join",
            Input::Leave => "leave",
            Input::RemoveReviewer { .. } => "remove_reviewer",
            Input::StartInterview => "start_interview",
            Input::PeerTicks { .. } => "peer_ticks",
            Input::PeerNote { .. } => "peer_note",
            Input::PeerRate { .. } => "peer_rate",
            Input::CloseScoring { .. } => "close_scoring",
        }
    }
}

/// A question (or follow-up) to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    pub item: usize,
    pub total: usize,
    pub part: usize,
    pub parts: usize,
    pub question_id: String,
    pub area: String,
    pub kind: Kind,
    pub difficulty: u8,
    pub minutes: u8,
    pub text: String,
    /// Shown again on request, not newly asked.
    pub repeat: bool,
    /// Draft kept so far (after a resume or repeat).
    pub draft_chars: usize,
    pub time_limit_secs: Option<u32>,
}

impl Ask {
    pub fn is_follow_up(&self) -> bool {
        self.part > 0
    }
}

/// What the candidate learns after scoring (or skipping the score of) a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub item: usize,
    pub question_id: String,
    pub coverage: Coverage,
    pub checklist: Vec<String>,
    pub ticks: Vec<u8>,
    pub rating: Option<Rating>,
    pub outline: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Started {
        role: String,
        areas: Vec<String>,
        questions: usize,
        time_limit_secs: Option<u32>,
    },
    Ask(Ask),
    DraftSaved {
        chars: usize,
    },
    Hint {
        text: String,
        number: usize,
        of: usize,
    },
    Submitted {
        item: usize,
        part: usize,
        chars: usize,
        /// How many typed messages made the answer (0: a form, or the clock sending a draft).
        messages: usize,
        over_time: bool,
    },
    TimeUp {
        item: usize,
    },
    /// Show the checklist of `item` for self-scoring.
    Rubric {
        item: usize,
        question_id: String,
        checklist: Vec<String>,
        ticks: Option<Vec<u8>>,
        /// The area's general signals (communication, structure), to weigh in the rating.
        area_rubric: Vec<String>,
    },
    /// Checklist received; ask for the 1-4 rating.
    AskRating {
        item: usize,
        ticked: usize,
        of: usize,
    },
    Feedback(Feedback),
    Skipped {
        item: usize,
        timed_out: bool,
    },
    Paused {
        idle: bool,
    },
    Resumed,
    Finished(Summary),
    Abandoned,
    /// Peer review: the lobby is open (show Join as reviewer / Start interview).
    Lobby {
        host: ActorId,
    },
    ReviewerJoined {
        reviewer: ActorId,
        reviewers: usize,
    },
    ReviewerLeft {
        reviewer: ActorId,
        removed: bool,
        reviewers: usize,
    },
    /// An answer is complete: reviewers may score it until `closes_at`.
    ScoringOpened {
        item: usize,
        reviewers: usize,
        closes_at: super::state::Millis,
    },
    /// A reviewer's ticks were kept (for them only).
    PeerDraft {
        item: usize,
        ticked: usize,
        of: usize,
    },
    NoteSaved {
        item: usize,
    },
    /// A reviewer's score is in (for them); `scored` of `of` reviewers (public progress).
    /// Asynchronous review: tell the candidate that `new` scores arrived since the last notice
    /// (`total` on this answer so far); at most one per `Settings::notice_secs`.
    ScoreNotice {
        item: usize,
        new: usize,
        total: usize,
    },
    ScoreSaved {
        item: usize,
        reviewer: ActorId,
        replaced: bool,
        scored: usize,
        of: usize,
    },
    Aggregate(super::aggregate::Aggregate),
    Report(super::aggregate::Report),
}
