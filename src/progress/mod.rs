//! Progress across sessions, pure: from a candidate's stored sessions (rows in, values out) it
//! derives the reviews (one per answered question), the spaced-repetition schedule and the drill
//! plan, the history pages, the stats and the chart as PNG bytes. No database, no Discord: the
//! engine loads the rows and the adapters show the results.
//!
//! - [`reviews`]: each answered question as a review (self, peers, coverage) and its grade.
//! - [`schedule`]: FSRS cards replayed from the reviews, what is due, the drill plan.
//! - [`history`]: one line per session with the score per area, in pages.
//! - [`chart`]: the stats chart as PNG bytes (font shipped in `assets/fonts/`).
//! - [`remind`]: reminder times in the user's zone.
//! - [`stats`]: per-area series over time and the summary (strongest, weakest, trend,
//!   calibration).

pub mod chart;
pub mod history;
pub mod remind;
pub mod reviews;
pub mod schedule;
pub mod stats;

use crate::interview::{Millis, Mode, Scope, Session};

/// One stored session of the candidate's, as the store hands it over.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub scope: Scope,
    pub mode: Mode,
    pub role: String,
    pub created_at: Millis,
    pub session: Session,
    /// For a session shared for review (`Mode::Async`): the session it was shared from.
    pub shared_from: Option<String>,
}

pub const DAY_MS: Millis = 86_400_000;
