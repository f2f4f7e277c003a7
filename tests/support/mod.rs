//! Shared support code for the integration tests: the in-process fake Discord and the harness
//! that runs the real bot against it.
#![allow(dead_code)]

pub mod bot;
pub mod db;
pub mod fake_discord;
pub mod process;
