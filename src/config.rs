//! Configuration from the environment (and `.env`), validated once at start-up. The Discord
//! token is held as a [`Secret`] whose `Debug` and `Display` never show it.

use std::path::PathBuf;

use anyhow::{bail, Context};

use crate::interview::Settings;
use crate::store::DEFAULT_DATABASE_URL;

/// A value that must never reach logs or error messages.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub prompts: PathBuf,
    pub settings: Settings,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn number(name: &str, default: u32, min: u32, max: u32) -> anyhow::Result<u32> {
    let Some(raw) = var(name) else {
        return Ok(default);
    };
    let n: u32 = raw
        .trim()
        .parse()
        .with_context(|| format!("{name} must be a whole number (got '{raw}')"))?;
    if !(min..=max).contains(&n) {
        bail!("{name} must be between {min} and {max} (got {n})");
    }
    Ok(n)
}

impl Config {
    /// Reads `DATABASE_URL`, `PANELIST_PROMPTS`, `PANELIST_IDLE_PAUSE_MINUTES`,
    /// `PANELIST_IDLE_ABANDON_HOURS`; every error names the variable.
    pub fn from_env() -> anyhow::Result<Config> {
        let pause = number("PANELIST_IDLE_PAUSE_MINUTES", 30, 1, 24 * 60)?;
        let abandon = number("PANELIST_IDLE_ABANDON_HOURS", 7 * 24, 1, 90 * 24)?;
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            prompts: var("PANELIST_PROMPTS")
                .map_or_else(|| PathBuf::from("prompts"), PathBuf::from),
            settings: Settings {
                time_limit_secs: None,
                idle_pause_secs: pause * 60,
                idle_abandon_secs: abandon * 3600,
            },
        })
    }
}
