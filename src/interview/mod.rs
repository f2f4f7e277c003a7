//! The pure interview core: plan selection, the per-user state machine, talking-point coverage
//! and the summary. No I/O, no clock, no async: adapters pass `now` in and render the effects.
//!
//! - [`plan`]: which questions an interview asks, from a seed.
//! - [`state`]: the session snapshot the store persists after every input.
//! - [`ids`]: who acts, where a session lives and how it runs.
//! - [`io`]: inputs, effects and rejections.
//! - [`audience`]: who may see each effect.
//! - [`step`](mod@step): `start` and `step`, the transitions.
//! - [`coverage`]: which talking points an answer covered.
//! - [`summary`]: per-area and overall results.
//! - [`peer`], `rounds`, [`aggregate`]: peer review (reviewers and rules, scoring rounds,
//!   aggregates and the report).

// Input an adapter may send must never panic the core: refuse it with a Rejection instead.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable))]

pub mod aggregate;
pub mod audience;
mod clock;
pub mod coverage;
pub mod ids;
pub mod io;
pub mod peer;
pub mod plan;
mod rounds;
pub mod state;
pub mod step;
pub mod summary;
pub mod transcript;
mod view;

pub use audience::{address, Addressed, Audience};
pub use ids::{ActorId, Mode, Scope};
pub use io::{Ask, Effect, Feedback, Input, Rejection, MAX_ANSWER_CHARS};
pub use plan::{Plan, PlanItem, PlanOptions};
pub use state::{Actor, Millis, Rating, Session, Settings, Stage, SYSTEM};
pub use step::{start, start_peer, step};
pub use summary::Summary;
pub use view::{ask, current_prompt};

#[cfg(test)]
mod tests;

#[cfg(test)]
mod peer_tests;
