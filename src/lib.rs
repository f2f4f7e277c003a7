//! panelist: mock job interviews in team chat (Discord) and in a terminal.
//!
//! Data flows one way: adapter -> [`interview::Input`] -> [`store`] (load) -> [`interview::step`]
//! -> [`store`] (persist in one transaction) -> [`interview::Effect`]s -> adapter renders.
//!
//! - [`text`]: words, stems, clauses and concept patterns (used by `bank` and `interview`).
//! - [`bank`]: question packs (TOML in `prompts/`), loading and validation.
//! - [`interview`]: the pure core: plan, state machine, coverage, summary. No I/O.
//! - [`authoring`]: tools for pack authors: answer sets (`packs check --fixtures`), `packs lab`.
//! - [`store`]: sqlx persistence (SQLite by default).
//! - [`engine`]: load, step, persist; shared by every adapter.
//! - [`discord`]: the Discord adapter (`panelist serve`).
//! - [`practice`]: the terminal adapter (`panelist practice`).
//! - [`cli`]: command-line parsing and dispatch.
//! - [`config`]: environment -> validated configuration.

pub mod authoring;
pub mod bank;
pub mod cli;
pub mod config;
pub mod discord;
pub mod engine;
pub mod interview;
pub mod practice;
pub mod store;
pub mod text;
