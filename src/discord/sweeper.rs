//! The background task that applies idle and time-limit deadlines. It reads due sessions from
//! the database, so deadlines survive restarts, and tells each candidate in their channel; it
//! also deletes ended sessions past the retention period (`PANELIST_RETENTION_DAYS`) and the
//! data of servers the bot left (`PANELIST_GUILD_PURGE_DAYS` after leaving).

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::Http;

use super::deliver::{deliver, Origin};
use crate::engine::{now_millis, Engine, Outcome};
use crate::interview::Millis;

/// Sweeps every `every` until `stop` turns true (the client stopped).
pub async fn run(http: Arc<Http>, engine: Engine, every: Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = sweep_once(&http, &engine, now_millis()).await {
            tracing::warn!(error = ?e, "applying deadlines failed; will retry");
        }
        match engine.purge_expired(now_millis()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "deleted ended sessions past the retention period"),
            Err(e) => tracing::warn!(error = ?e, "purging old sessions failed; will retry"),
        }
        if let Err(e) = super::commands::progress::send_reminders(&http, &engine, now_millis()).await {
            tracing::warn!(error = ?e, "sending reminders failed; will retry");
        }
        match engine.purge_departed(now_millis()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(servers = n, "purged the data of servers the bot left"),
            Err(e) => tracing::warn!(error = ?e, "purging departed servers failed; will retry"),
        }
    }
}

/// Applies every deadline due at `now` and posts what happened; returns how many sessions moved.
pub async fn sweep_once(http: &Http, engine: &Engine, now: Millis) -> anyhow::Result<usize> {
    let moved = engine.sweep(now).await?;
    let n = moved.len();
    for applied in moved {
        let id = applied.session().id.clone();
        if let Err(e) = deliver(http, engine, Origin::Background, Outcome::Applied(applied)).await {
            tracing::warn!(error = %e, session = %id, "could not tell the candidate about a deadline");
        }
    }
    Ok(n)
}
