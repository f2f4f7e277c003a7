//! panelist: mock job interviews in team chat (Discord) and in a terminal.
//!
//! Data flows one way: a Discord event or a terminal line -> [`interview::Input`] ->
//! [`engine::Engine::apply`] (load, guard, [`interview::step`], persist in one transaction) ->
//! [`engine::Outcome`] (the pack used, each [`interview::Effect`] addressed to its
//! [`interview::Audience`]) -> one delivery function per adapter (`discord::deliver`, the
//! terminal's printer).
//!
//! Layers, lowest first (no module imports one above it; `tests/architecture.rs` checks that
//! no two sibling modules import each other): `text` -> `bank` -> `interview` -> `authoring`,
//! `progress` -> `store` -> `engine` -> `ops` -> `discord`, `practice` -> `cli`, with `config` beside `cli`.
//!
//! - [`text`]: words, stems, clauses and concept patterns (used by `bank` and `interview`).
//! - [`bank`]: question packs (TOML in `prompts/`), loading and validation.
//! - [`interview`]: the pure core: plan, state machine, coverage, summary. No I/O.
//! - [`progress`]: across sessions, pure: reviews, the spaced-repetition schedule and drills,
//!   history pages, stats and the chart.
//! - [`authoring`]: tools for pack authors: answer sets (`packs check --fixtures`), `packs lab`.
//! - [`store`]: sqlx persistence (SQLite by default); the one place ids become database text.
//! - [`engine`]: load, step, persist, and the rules across sessions (one live interview per
//!   scope, sharing, pack uploads, history); its store is private.
//! - [`ops`]: running as a service: metrics, `/healthz`, what shutdown waits for.
//! - [`discord`]: the Discord adapter (`panelist serve`).
//! - [`practice`]: the terminal adapter (`panelist practice`).
//! - [`cli`]: command-line parsing and dispatch.
//! - [`logging`]: logs to stderr with every secret redacted.
//! - [`config`]: environment -> validated configuration.
//! - [`stages`]: per-stage timings of an interaction for the bench (below every layer).

pub mod authoring;
pub mod bank;
pub mod cli;
pub mod config;
pub mod discord;
pub mod engine;
pub mod interview;
pub mod logging;
pub mod ops;
pub mod practice;
pub mod progress;
pub mod stages;
pub mod store;
pub mod text;
