//! Shared support code for the integration tests: the in-process fake Discord.
#![allow(dead_code)]

pub mod fake_discord;
