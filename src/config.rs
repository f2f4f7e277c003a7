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
    /// `PANELIST_RETENTION_DAYS`: ended sessions older than this are deleted (unset: kept).
    pub retention_days: Option<u32>,
    /// `PANELIST_GUILD_PURGE_DAYS`: a server the bot left is purged this many days later.
    pub guild_purge_days: u32,
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
    /// `PANELIST_IDLE_ABANDON_HOURS`, `PANELIST_SCORE_NOTICE_MINUTES`, `PANELIST_RETENTION_DAYS`, `PANELIST_GUILD_PURGE_DAYS`;
    /// every error names the variable.
    pub fn from_env() -> anyhow::Result<Config> {
        let pause = number("PANELIST_IDLE_PAUSE_MINUTES", 30, 1, 24 * 60)?;
        let abandon = number("PANELIST_IDLE_ABANDON_HOURS", 7 * 24, 1, 90 * 24)?;
        let notice = number("PANELIST_SCORE_NOTICE_MINUTES", 60, 1, 7 * 24 * 60)?;
        let retention_days = match var("PANELIST_RETENTION_DAYS") {
            None => None,
            Some(_) => Some(number("PANELIST_RETENTION_DAYS", 0, 1, 36_500)?),
        };
        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        if let Some(pw) = crate::logging::url_password(&database_url) {
            crate::logging::redact_secret(&pw);
        }
        Ok(Config {
            database_url,
            prompts: var("PANELIST_PROMPTS").map_or_else(|| PathBuf::from("prompts"), PathBuf::from),
            settings: Settings {
                time_limit_secs: None,
                idle_pause_secs: pause * 60,
                idle_abandon_secs: abandon * 3600,
                notice_secs: notice * 60,
            },
            retention_days,
            guild_purge_days: number("PANELIST_GUILD_PURGE_DAYS", 30, 1, 3650)?,
        })
    }
}

/// What `panelist serve` needs beyond [`Config`].
#[derive(Debug, Clone)]
pub struct DiscordConfig {
    pub token: Secret,
    /// Redirects every REST call (and so the gateway URL); tests point it at a fake Discord.
    pub api_base: Option<String>,
    /// Register slash commands in this server only (instant), instead of globally.
    pub guild_id: Option<u64>,
    /// How often idle deadlines are checked.
    pub sweep_secs: u64,
}

impl DiscordConfig {
    /// Reads `DISCORD_TOKEN` (required), `DISCORD_API_BASE`, `DISCORD_GUILD_ID`,
    /// `PANELIST_SWEEP_SECONDS`. Errors name the variable, never its secret value.
    pub fn from_env() -> anyhow::Result<DiscordConfig> {
        let Some(token) = var("DISCORD_TOKEN") else {
            bail!("DISCORD_TOKEN is not set. Create a bot in the Discord developer portal and put its token in .env (see README: Running the Discord bot).");
        };
        let token = token.trim().trim_start_matches("Bot ").to_string();
        if token.len() < 20 || token.chars().any(char::is_whitespace) {
            bail!("DISCORD_TOKEN does not look like a bot token (too short or contains spaces); copy it again from the developer portal.");
        }
        crate::logging::redact_secret(&token);
        let guild_id = match var("DISCORD_GUILD_ID") {
            None => None,
            Some(raw) => Some(
                raw.trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|g| *g > 0)
                    .with_context(|| format!("DISCORD_GUILD_ID must be a server id (a number), got '{raw}'"))?,
            ),
        };
        let api_base = var("DISCORD_API_BASE").map(|b| b.trim_end_matches('/').to_string());
        if let Some(b) = &api_base {
            if !(b.starts_with("http://") || b.starts_with("https://")) {
                bail!("DISCORD_API_BASE must be an http:// or https:// URL, got '{b}'");
            }
        }
        Ok(DiscordConfig {
            token: Secret::new(token),
            api_base,
            guild_id,
            sweep_secs: number("PANELIST_SWEEP_SECONDS", 30, 1, 3600)? as u64,
        })
    }
}
