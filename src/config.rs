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
    /// serenity's rate limiter cannot follow a redirected base, so it is off then.
    pub api_base: Option<String>,
    /// Sends REST calls to https://discord.com through an HTTPS proxy that terminates TLS, with
    /// serenity's rate limiter on: an egress proxy that intercepts TLS, or the tests' fake.
    pub tls_proxy: Option<TlsProxy>,
    /// Register slash commands in this server only (instant), instead of globally.
    pub guild_id: Option<u64>,
    /// How often idle deadlines are checked.
    pub sweep_secs: u64,
}

/// An HTTPS (CONNECT) proxy for Discord's REST API and the root certificate its TLS is signed by.
#[derive(Clone)]
pub struct TlsProxy {
    pub url: String,
    /// PEM of the certificate authority the proxy's certificate for discord.com chains to.
    pub ca_pem: Vec<u8>,
}

impl std::fmt::Debug for TlsProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsProxy").field("url", &self.url).finish_non_exhaustive()
    }
}

impl DiscordConfig {
    /// Reads `DISCORD_TOKEN` (required), `DISCORD_API_BASE` or `DISCORD_TLS_PROXY` with
    /// `DISCORD_TLS_PROXY_CA`, `DISCORD_GUILD_ID`, `PANELIST_SWEEP_SECONDS`. Errors name the
    /// variable, never its secret value.
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
        let tls_proxy = match (var("DISCORD_TLS_PROXY"), var("DISCORD_TLS_PROXY_CA")) {
            (None, None) => None,
            (Some(url), Some(ca)) => {
                if api_base.is_some() {
                    bail!("set DISCORD_API_BASE or DISCORD_TLS_PROXY, not both");
                }
                if !url.starts_with("http://") && !url.starts_with("https://") {
                    bail!("DISCORD_TLS_PROXY must be an http:// or https:// URL, got '{url}'");
                }
                let ca_pem = std::fs::read(&ca).with_context(|| format!("cannot read DISCORD_TLS_PROXY_CA '{ca}'"))?;
                Some(TlsProxy { url, ca_pem })
            }
            _ => bail!("DISCORD_TLS_PROXY and DISCORD_TLS_PROXY_CA go together: the proxy and the PEM file of the CA it signs with"),
        };
        Ok(DiscordConfig {
            token: Secret::new(token),
            api_base,
            tls_proxy,
            guild_id,
            sweep_secs: number("PANELIST_SWEEP_SECONDS", 30, 1, 3600)? as u64,
        })
    }
}

/// Which gateway shards this process runs (`panelist serve --shards A-B --total-shards N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShardPlan {
    /// Shard 0 of 1 without asking Discord (what the in-process tests run).
    #[default]
    Single,
    /// As many shards as `GET /gateway/bot` recommends, all in this process.
    Auto,
    /// Shards `first..=last` of `total`; other processes run the rest.
    Range { first: u32, last: u32, total: u32 },
}

impl ShardPlan {
    /// Validates the `--shards` / `--total-shards` pair (both or neither; `A-B` or `A`, with
    /// `A <= B < N` and `N >= 1`). Neither means autosharding.
    pub fn parse(shards: Option<&str>, total: Option<u32>) -> anyhow::Result<ShardPlan> {
        let (raw, total) = match (shards.map(str::trim).filter(|s| !s.is_empty()), total) {
            (None, None) => return Ok(ShardPlan::Auto),
            (Some(_), None) => bail!(
                "--shards needs --total-shards (PANELIST_TOTAL_SHARDS): the total number of shards across all processes, the same in every one"
            ),
            (None, Some(_)) => bail!("--total-shards needs --shards (PANELIST_SHARDS): which of them this process runs, e.g. --shards 0-3"),
            (Some(raw), Some(total)) => (raw, total),
        };
        if total == 0 {
            bail!("--total-shards must be at least 1 (got 0)");
        }
        let id = |s: &str| {
            s.trim()
                .parse::<u32>()
                .with_context(|| format!("--shards must be a shard id or a range A-B such as 0-3 (got '{raw}')"))
        };
        let (first, last) = match raw.split_once('-') {
            Some((a, b)) => (id(a)?, id(b)?),
            None => (id(raw)?, id(raw)?),
        };
        if first > last {
            bail!("--shards {raw}: the first shard ({first}) is above the last ({last})");
        }
        if last >= total {
            bail!(
                "--shards {raw} --total-shards {total}: shard ids run from 0 to {} (the total minus one)",
                total - 1
            );
        }
        Ok(ShardPlan::Range { first, last, total })
    }
}

impl std::fmt::Display for ShardPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShardPlan::Single => f.write_str("shard 0 of 1"),
            ShardPlan::Auto => f.write_str("the shard count Discord recommends"),
            ShardPlan::Range { first, last, total } if first == last => write!(f, "shard {first} of {total}"),
            ShardPlan::Range { first, last, total } => write!(f, "shards {first}-{last} of {total}"),
        }
    }
}

/// What `panelist serve` offers operators: `PANELIST_METRICS_ADDR` (off when unset).
#[derive(Debug, Clone, Default)]
pub struct OpsConfig {
    /// Where `/healthz` and `/metrics` are served.
    pub metrics_addr: Option<std::net::SocketAddr>,
}

impl OpsConfig {
    pub fn from_env() -> anyhow::Result<OpsConfig> {
        let Some(raw) = var("PANELIST_METRICS_ADDR") else {
            return Ok(OpsConfig::default());
        };
        let bad = || format!("PANELIST_METRICS_ADDR must be HOST:PORT such as 127.0.0.1:9100 (got '{raw}')");
        let addr = match raw.trim().parse::<std::net::SocketAddr>() {
            Ok(a) => a,
            Err(_) => std::net::ToSocketAddrs::to_socket_addrs(raw.trim())
                .with_context(bad)?
                .next()
                .with_context(bad)?,
        };
        Ok(OpsConfig { metrics_addr: Some(addr) })
    }
}

#[cfg(test)]
mod tests {
    use super::ShardPlan;

    fn err(shards: Option<&str>, total: Option<u32>) -> String {
        ShardPlan::parse(shards, total).unwrap_err().to_string()
    }

    #[test]
    fn shard_ranges_parse_inclusive_and_refuse_what_cannot_run() {
        assert_eq!(ShardPlan::parse(None, None).unwrap(), ShardPlan::Auto);
        assert_eq!(
            ShardPlan::parse(Some("0-3"), Some(8)).unwrap(),
            ShardPlan::Range {
                first: 0,
                last: 3,
                total: 8
            }
        );
        assert_eq!(
            ShardPlan::parse(Some("3"), Some(4)).unwrap(),
            ShardPlan::Range {
                first: 3,
                last: 3,
                total: 4
            }
        );
        assert_eq!(ShardPlan::parse(Some("0"), Some(1)).unwrap().to_string(), "shard 0 of 1");
        assert!(err(Some("0-3"), None).contains("needs --total-shards"));
        assert!(err(None, Some(4)).contains("needs --shards"));
        assert!(err(Some("0-3"), Some(0)).contains("at least 1"));
        assert!(err(Some("4-2"), Some(8)).contains("above the last"));
        assert!(err(Some("0-8"), Some(8)).contains("from 0 to 7"));
        assert!(err(Some("3"), Some(3)).contains("from 0 to 2"));
        assert!(err(Some("a-b"), Some(8)).contains("a range A-B"));
        assert!(err(Some("-1"), Some(8)).contains("a range A-B"));
    }
}
