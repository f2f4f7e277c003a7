//! Why an input was refused: one [`Rejection`] kind per situation, carrying the data its wording
//! needs. The sentences live in [`wording`](super::wording), not here.

/// A refused input: nothing changed. [`Rejection::explain`] words it for the user who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    // Who may act.
    /// Someone other than the candidate tried to answer or control the interview.
    NotCandidate,
    /// A user sent the clock's input.
    NotClock,
    /// Only the peer-review host may do this.
    NotHost(HostOnly),

    // Where the session is.
    /// The interview has finished or was abandoned.
    Ended,
    /// Peer review: the interview is still in its lobby.
    InLobby,
    AlreadyPaused,
    NotPaused,
    /// No question is waiting for an answer.
    NotAsking,
    /// Answer input while the candidate's self-score is due.
    AwaitingSelfScore,
    /// Scoring input before there is an answer to score.
    NothingToScore,
    /// Repeat before any question was asked.
    NothingToRepeat,
    /// Any other input that does not fit the stage (input and stage names).
    NotNow {
        input: &'static str,
        stage: &'static str,
    },
    /// A clock tick with nothing due: nothing to tell anyone.
    NothingDue,
    /// A click meant for an earlier step of the interview.
    StaleClick,
    /// The session a click or command names no longer exists.
    NoSuchSession,
    /// An edited or deleted message that is not part of the current draft (already submitted,
    /// or never an answer): nothing to change, nothing to say.
    NotInDraft,
    /// A click or form that names a session living somewhere else (another server, channel or
    /// a DM).
    WrongPlace,
    /// The session's question pack no longer has its questions.
    PackChanged,

    // Answers and self-scoring.
    /// A submitted answer is empty.
    EmptyAnswer,
    /// A message added to the draft is empty.
    EmptyMessage,
    /// A submitted answer is over the limit.
    TooLong {
        chars: usize,
        max: usize,
    },
    /// A message would take the draft over the limit.
    DraftTooLong {
        chars: usize,
        max: usize,
    },
    /// The question has no hints at all.
    NoHints,
    /// Every hint was already shown.
    NoMoreHints,
    /// A tick outside the checklist (`number` 1-based, `of` items).
    NoSuchChecklistItem {
        number: usize,
        of: usize,
    },
    /// A self-score rating outside 1-4.
    BadRating {
        got: u8,
    },

    // Starting.
    PerAreaOutOfRange {
        got: u8,
        max: u8,
    },
    FollowUpsOutOfRange {
        max: u8,
    },
    /// Areas the role does not have (`role` is its display name).
    UnknownArea {
        unknown: Vec<String>,
        role: String,
        available: Vec<String>,
    },
    /// A role no pack in this scope has.
    UnknownRole {
        role: String,
        available: Vec<String>,
    },
    /// The candidate already has a live interview in this scope.
    AlreadyLive {
        /// Where the live one is (a Discord channel or thread), when it lives somewhere.
        channel: Option<u64>,
    },

    // Peer review.
    NotPeerSession,
    /// A non-peer input reached the peer-review side.
    NotPeerInput {
        input: &'static str,
    },
    /// The candidate tried to join as a reviewer.
    CandidateCannotJoin,
    AlreadyReviewer,
    /// A removed reviewer tried to rejoin.
    RemovedCannotRejoin,
    /// Someone who is not (or no longer) a reviewer tried to leave.
    NotReviewer,
    /// The host tried to remove the candidate.
    CandidateNotReviewer,
    AlreadyRemoved,
    AlreadyStarted,
    /// The host tried to start with no reviewers.
    NoReviewers,
    /// No scoring round for plan item `item` (0-based): its answer is not in yet.
    NoAnswerToScore {
        item: usize,
    },
    ScoringClosed,
    /// The candidate tried to peer-score their own answers.
    OwnAnswers,
    /// A removed reviewer tried to score.
    RemovedCannotScore,
    /// Someone who has not joined tried to score a live review.
    NotJoined,
    /// A peer rating outside 1-4.
    BadPeerRating {
        got: u8,
    },
    /// A reviewer's note is empty or over the limit.
    BadNote {
        chars: usize,
        max: usize,
    },

    // Sharing for asynchronous review.
    /// Only a finished interview can be shared.
    NotFinished,
    /// The interview has no answers to review.
    NoAnswers,
    /// The session's pack is not available where it would be shared; why.
    PackNotHere(Box<Rejection>),
    /// The shared session could not be stored.
    ShareFailed,
}

/// What only the peer-review host may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostOnly {
    StartInterview,
    RemoveReviewers,
    CloseScoring,
}

impl Rejection {
    /// Nothing to tell anyone (a clock tick with nothing due).
    pub fn is_quiet(&self) -> bool {
        matches!(self, Rejection::NothingDue | Rejection::NotInDraft)
    }
}
