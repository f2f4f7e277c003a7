//! The background task that applies idle and time-limit deadlines. It reads due sessions from
//! the database, so deadlines survive restarts, and tells each candidate in their channel.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{ChannelId, Http};

use super::render::render;
use super::send::post;
use crate::engine::{now_millis, Engine};
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
    }
}

/// Applies every deadline due at `now` and posts what happened; returns how many sessions moved.
pub async fn sweep_once(http: &Http, engine: &Engine, now: Millis) -> anyhow::Result<usize> {
    let moved = engine.sweep(now).await?;
    for (stored, effects) in &moved {
        let (Some(channel), Ok(pack)) = (&stored.channel_id, engine.session_pack(stored).await) else {
            continue;
        };
        let Ok(channel) = channel.parse::<u64>() else {
            continue;
        };
        let replies = render(&stored.session, &pack, effects, None);
        if let Err(e) = post(http, ChannelId::new(channel), replies).await {
            tracing::warn!(error = %e, session = %stored.session.id, "could not tell the candidate about a deadline");
        }
        super::review::after(http, engine, stored, &stored.session, effects).await;
    }
    Ok(moved.len())
}
