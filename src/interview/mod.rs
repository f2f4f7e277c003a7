//! The pure interview core: plan selection, the per-user state machine, talking-point coverage
//! and the summary. No I/O, no clock, no async: adapters pass `now` in and render the effects.
//!
//! - [`ids`]: who acts, where a session lives and how it runs.
//! - [`rejection`]: why an input was refused; [`wording`]: the sentences for it, in an
//!   adapter's [`Vocabulary`].
//! - [`coverage`]: which talking points an answer covered.
//! - [`plan`]: which questions an interview asks, from a seed.
//! - [`state`]: the session snapshot the store persists after every input.
//! - [`summary`]: per-area and overall results; [`transcript`]: a session as text.
//! - [`io`]: inputs and effects.
//! - `view`: the question, prompt and feedback to show; [`audience`]: who may see each effect.
//! - `rounds`, [`peer`], [`aggregate`]: peer review (scoring rounds, reviewers and rules,
//!   aggregates and the report).
//! - [`forget`]: a reviewer forgotten in someone else's session.
//! - `advance`: moving on through the plan; `clock`: time limits, pauses, deadlines.
//! - [`step`](mod@step): `start` and `step`, the transitions.
//!
//! Layers, lowest first: a module imports only modules of the layers before its own (a test
//! reads this list and checks every `super::` path against it):
//! `ids`, `rejection`, `coverage` → `wording`, `plan` → `state` → `summary`, `aggregate` →
//! `transcript`, `io`, `forget` → `view`, `audience` → `rounds` → `peer`, `advance` → `clock` → `step`

// Input an adapter may send must never panic the core: refuse it with a Rejection instead.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable))]

mod advance;
pub mod aggregate;
pub mod audience;
mod clock;
pub mod coverage;
pub mod forget;
pub mod ids;
pub mod io;
pub mod peer;
pub mod plan;
pub mod rejection;
mod rounds;
pub mod state;
pub mod step;
pub mod summary;
pub mod transcript;
mod view;
pub mod wording;

pub use audience::{address, Addressed, Audience};
pub use ids::{ActorId, Mode, Scope};
pub use io::{Ask, Effect, Feedback, Input, MAX_ANSWER_CHARS};
pub use plan::{Plan, PlanItem, PlanItems, PlanOptions};
pub use rejection::{HostOnly, Rejection};
pub use state::{Millis, Rating, Session, Settings, Stage};
pub use step::{start, start_peer, start_with, step};
pub use summary::Summary;
pub use view::{ask, current_prompt};
pub use wording::{Action, Vocabulary};

#[cfg(test)]
mod tests;

#[cfg(test)]
mod peer_tests;
