//! The session state: what the state machine carries between inputs, peer review's reviewers,
//! rounds and scores included. It is serialised whole as the snapshot the store keeps after every
//! accepted input.

use std::ops::{Index, IndexMut};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::coverage::Coverage;
use super::ids::ActorId;
use super::plan::Plan;

/// Milliseconds since the Unix epoch; always passed in, never read by the core.
pub type Millis = i64;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub id: String,
    pub candidate: ActorId,
    pub plan: Plan,
    pub settings: Settings,
    pub stage: Stage,
    /// One record per plan item, in plan order.
    pub items: Items,
    /// Grows by exactly one per accepted input; the store uses it for optimistic concurrency.
    pub version: u64,
    pub created_at: Millis,
    pub last_activity: Millis,
    /// Present in peer-review sessions: host, reviewers and scoring rounds.
    #[serde(default)]
    pub peer: Option<Peer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Per-question time limit; `None` means untimed.
    pub time_limit_secs: Option<u32>,
    /// Inactivity after which an active session is paused.
    pub idle_pause_secs: u32,
    /// Time paused after which the session is abandoned.
    pub idle_abandon_secs: u32,
    /// Asynchronous review: the least time between two notices to the candidate about scores.
    #[serde(default = "default_notice_secs")]
    pub notice_secs: u32,
}

fn default_notice_secs() -> u32 {
    3600
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            time_limit_secs: None,
            idle_pause_secs: 30 * 60,
            idle_abandon_secs: 7 * 24 * 3600,
            notice_secs: default_notice_secs(),
        }
    }
}

/// One typed message of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    pub id: u64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum Stage {
    /// Peer review: waiting for reviewers to join and the host to start.
    Lobby,
    /// Waiting for the answer to `part` (0 = main question, then follow-ups) of plan item `item`.
    Asking {
        item: usize,
        part: usize,
        draft: String,
        asked_at: Millis,
        /// The typed messages the draft is made of, by their adapter's id (Discord message ids,
        /// so in send order), so an edit or a deletion changes its own part; empty when the
        /// draft came without ids (the terminal).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pieces: Vec<Piece>,
    },
    /// Waiting for the candidate's self-score of `item`; `ticks` once the checklist was sent.
    Scoring {
        item: usize,
        ticks: Option<Vec<u8>>,
    },
    /// Paused by the user or for inactivity; `resume` is where it continues, draft included.
    Paused {
        resume: Box<Stage>,
        since: Millis,
        idle: bool,
    },
    Finished {
        at: Millis,
    },
    Abandoned {
        at: Millis,
    },
}

impl Stage {
    pub fn is_over(&self) -> bool {
        matches!(self, Stage::Finished { .. } | Stage::Abandoned { .. })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Stage::Lobby => "in the lobby",
            Stage::Asking { .. } => "asking",
            Stage::Scoring { .. } => "scoring",
            Stage::Paused { .. } => "paused",
            Stage::Finished { .. } => "finished",
            Stage::Abandoned { .. } => "abandoned",
        }
    }

    /// The plan item this stage is on, looking through a pause.
    pub fn item(&self) -> Option<usize> {
        match self {
            Stage::Asking { item, .. } | Stage::Scoring { item, .. } => Some(*item),
            Stage::Paused { resume, .. } => resume.item(),
            _ => None,
        }
    }
}

/// What happened to one plan item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemRecord {
    /// The question was put to the candidate (the interview reached it).
    #[serde(default)]
    pub asked: bool,
    /// Submitted answers: the main answer, then follow-ups, in order.
    pub answers: Vec<Answer>,
    pub skipped: bool,
    pub hints_used: u8,
    pub coverage: Option<Coverage>,
    pub self_score: Option<SelfScore>,
}

/// The item records of a session, each shared between a session and the next one `step` makes
/// from it until one of them changes it (copy on write): a step copies the records it changes,
/// not every answer of the interview so far. Read and written like a `Vec` (`items[i]`,
/// `iter()`); serialised as the list of records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Items(Vec<Arc<ItemRecord>>);

impl Items {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&ItemRecord> {
        self.0.get(i).map(|r| &**r)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &ItemRecord> + DoubleEndedIterator + Clone + '_ {
        self.0.iter().map(|r| &**r)
    }

    /// Whether record `i` is the same shared record in both (so it cannot have changed).
    pub fn shared_with(&self, other: &Items, i: usize) -> bool {
        matches!((self.0.get(i), other.0.get(i)), (Some(a), Some(b)) if Arc::ptr_eq(a, b))
    }
}

impl Index<usize> for Items {
    type Output = ItemRecord;

    fn index(&self, i: usize) -> &ItemRecord {
        &self.0[i]
    }
}

impl IndexMut<usize> for Items {
    /// Copies the record first if another session still shares it.
    fn index_mut(&mut self, i: usize) -> &mut ItemRecord {
        Arc::make_mut(&mut self.0[i])
    }
}

impl From<Vec<ItemRecord>> for Items {
    fn from(v: Vec<ItemRecord>) -> Items {
        Items(v.into_iter().map(Arc::new).collect())
    }
}

impl FromIterator<ItemRecord> for Items {
    fn from_iter<I: IntoIterator<Item = ItemRecord>>(iter: I) -> Items {
        Items(iter.into_iter().map(Arc::new).collect())
    }
}

impl<'a> IntoIterator for &'a Items {
    type Item = &'a ItemRecord;
    type IntoIter = std::iter::Map<std::slice::Iter<'a, Arc<ItemRecord>>, fn(&'a Arc<ItemRecord>) -> &'a ItemRecord>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|r| &**r)
    }
}

impl Serialize for Items {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Items, D::Error> {
        Vec::<ItemRecord>::deserialize(d).map(Items::from)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub part: usize,
    pub text: String,
    pub submitted_at: Millis,
    /// Submitted after the question's time limit.
    pub over_time: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfScore {
    /// Indices (0-based) of the checklist items the candidate ticked.
    pub ticks: Vec<u8>,
    pub rating: Rating,
}

/// The four hiring bands, as a 1-4 rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Rating(u8);

impl Rating {
    pub fn new(n: u8) -> Option<Rating> {
        (1..=4).contains(&n).then_some(Rating(n))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    pub fn label(self) -> &'static str {
        band(self.0 as f64)
    }
}

/// The band name for a (possibly averaged) rating.
pub fn band(r: f64) -> &'static str {
    match r {
        r if r < 1.5 => "strong no hire",
        r if r < 2.5 => "lean no hire",
        r if r < 3.5 => "lean hire",
        _ => "strong hire",
    }
}

impl Session {
    /// All submitted answer text of an item, joined; what coverage is computed on.
    pub fn answer_text(&self, item: usize) -> String {
        let answers = &self.items[item].answers;
        answers.iter().map(|a| a.text.as_str()).collect::<Vec<_>>().join("\n\n")
    }

    /// When the clock must next look at this session, if ever.
    pub fn next_deadline(&self) -> Option<Millis> {
        let rounds = self.peer.as_ref().and_then(|p| p.next_deadline());
        let stage = self.stage_deadline();
        match (stage, rounds) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn stage_deadline(&self) -> Option<Millis> {
        let idle = self.last_activity + self.settings.idle_pause_secs as i64 * 1000;
        match &self.stage {
            Stage::Lobby => Some(self.last_activity + self.settings.idle_abandon_secs as i64 * 1000),
            Stage::Asking { asked_at, .. } => {
                let limit = self.settings.time_limit_secs.map(|s| asked_at + s as i64 * 1000);
                Some(limit.map_or(idle, |l| l.min(idle)))
            }
            Stage::Scoring { .. } => Some(idle),
            Stage::Paused { since, .. } => Some(since + self.settings.idle_abandon_secs as i64 * 1000),
            Stage::Finished { .. } | Stage::Abandoned { .. } => None,
        }
    }
}

/// One reviewer's score of one answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerScore {
    pub reviewer: ActorId,
    pub ticks: Vec<u8>,
    pub rating: Rating,
    pub note: Option<String>,
    pub at: Millis,
}

/// Peer review's part of the snapshot; the rules that change it live in `peer` and `rounds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Peer {
    /// Starts the interview, removes reviewers and closes scoring (may be the candidate).
    pub host: ActorId,
    pub reviewers: Vec<Reviewer>,
    /// Per plan item: the scoring round, opened once the answer is complete.
    pub rounds: Vec<Option<Round>>,
    /// How long a round stays open.
    pub scoring_secs: u32,
    /// A shared finished session: rounds close only at their deadline or by the host, and
    /// anyone but the candidate joins by scoring.
    pub asynchronous: bool,
    /// The end report was emitted.
    pub reported: bool,
    /// Asynchronous review: when the candidate was last told about new scores, and how many
    /// arrived since (told in the next notice, at most one per `Settings::notice_secs`).
    #[serde(default)]
    pub noticed_at: Option<Millis>,
    #[serde(default)]
    pub unnoticed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reviewer {
    pub actor: ActorId,
    pub joined_at: Millis,
    pub active: bool,
    /// Removed by the host: may not rejoin.
    pub removed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Round {
    pub opened_at: Millis,
    pub closes_at: Millis,
    pub closed_at: Option<Millis>,
    pub scores: Vec<PeerScore>,
    /// Ticks and notes a reviewer chose before submitting their rating.
    pub drafts: Vec<(ActorId, Vec<u8>, Option<String>)>,
}

impl Peer {
    pub fn new(host: ActorId, items: usize, scoring_secs: u32, asynchronous: bool) -> Peer {
        Peer {
            host,
            reviewers: Vec::new(),
            rounds: vec![None; items],
            scoring_secs,
            asynchronous,
            reported: false,
            noticed_at: None,
            unnoticed: 0,
        }
    }

    pub fn active(&self) -> impl Iterator<Item = &Reviewer> {
        self.reviewers.iter().filter(|r| r.active)
    }

    pub fn reviewer(&self, a: &ActorId) -> Option<&Reviewer> {
        self.reviewers.iter().find(|r| r.actor == *a)
    }

    /// The earliest deadline of an open round.
    pub fn next_deadline(&self) -> Option<Millis> {
        self.rounds
            .iter()
            .flatten()
            .filter(|r| r.closed_at.is_none())
            .map(|r| r.closes_at)
            .min()
    }

    pub fn all_closed(&self) -> bool {
        self.rounds.iter().flatten().all(|r| r.closed_at.is_some())
    }

    /// Each round's scores (closed or not), for the report.
    pub fn scores(&self) -> Vec<Option<Vec<PeerScore>>> {
        self.rounds.iter().map(|r| r.as_ref().map(|r| r.scores.clone())).collect()
    }
}
