//! Messages that must arrive: a channel or DM post that Discord refused with a server error, or
//! never answered, goes into the engine's outbox (with every post queued behind it, in order)
//! and a background task retries it with backoff, after a restart too, until it is delivered or
//! given up with a log line. Every post carries a nonce Discord enforces, so a retry after a
//! lost response is not posted twice.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serde::{Deserialize, Serialize};
use serenity::{ChannelId, CreateAttachment, Http, Nonce};

use super::card::Reply;
use super::send::message;
use crate::engine::outbox::{Attempt, Next, Queued};
use crate::engine::{now_millis, Engine};
use crate::interview::Millis;

/// A queued message as stored: Discord's JSON for it and its files (ours are all text).
#[derive(Serialize, Deserialize)]
struct Payload {
    message: serde_json::Value,
    files: Vec<(String, String)>,
}

/// A fresh nonce (Discord allows up to 25 characters).
fn nonce() -> String {
    format!("{:x}", uuid::Uuid::new_v4().as_u64_pair().0)
}

/// Worth retrying: Discord's own failures, requests that never got an answer, and a 429 that
/// got through (serenity's rate limiter waits most out before they reach here).
pub fn retryable(e: &serenity::Error) -> bool {
    match e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => {
            r.status_code.is_server_error() || r.status_code.as_u16() == 429
        }
        serenity::Error::Http(serenity::HttpError::Request(_)) => true,
        _ => false,
    }
}

/// Posts `replies` into `channel` in order. When one fails in a way worth retrying, it and
/// every reply after it are queued (so they arrive in order) and this returns `Ok`; a refusal
/// that retrying cannot fix is returned.
pub async fn post(http: &Http, engine: &Engine, session: Option<&str>, channel: ChannelId, replies: Vec<Reply>) -> serenity::Result<()> {
    let mut replies = replies.into_iter();
    while let Some(r) = replies.next() {
        let (id, m, files) = with_nonce(r);
        let Err(e) = crate::ops::metrics::rest("channel_post", channel.send_message(http, m.clone())).await else {
            continue;
        };
        if !retryable(&e) {
            return Err(e);
        }
        // The failed post (its nonce kept: it may have arrived) and every post behind it, in order.
        let (now, why) = (now_millis(), short(&e));
        let due = now + crate::engine::outbox::backoff_ms(1);
        let behind = replies.map(|r| (with_nonce(r), 0));
        let mut queued = 0;
        for (i, ((id, m, files), attempts)) in std::iter::once(((id, m, files), 1)).chain(behind).enumerate() {
            let q = Queued {
                id,
                session_id: session.map(str::to_owned),
                channel: channel.get(),
                payload: encode(&m, &files),
                attempts,
                next_at: due + i as Millis,
            };
            match engine.queue_message(q, now, &why).await {
                Ok(()) => queued += 1,
                Err(err) => tracing::error!(error = ?err, "could not keep a failed post for retry; it is lost"),
            }
        }
        tracing::warn!(error = %why, channel = channel.get(), queued, "a post failed; queued for retry");
        return Ok(());
    }
    Ok(())
}

/// The message for `r` with a fresh nonce Discord enforces, and its files.
fn with_nonce(r: Reply) -> (String, serenity::CreateMessage, Vec<CreateAttachment>) {
    let id = nonce();
    let files = r.files.clone();
    let m = message(r).nonce(Nonce::String(id.clone())).enforce_nonce(true);
    (id, m, files)
}

fn encode(m: &serenity::CreateMessage, files: &[CreateAttachment]) -> String {
    let p = Payload {
        message: serde_json::to_value(m).unwrap_or_default(),
        files: files
            .iter()
            .map(|f| (f.filename.clone(), String::from_utf8_lossy(&f.data).into_owned()))
            .collect(),
    };
    serde_json::to_string(&p).unwrap_or_default()
}

/// An error fit for a log line and the outbox row (never a token: serenity's errors name the
/// route, not the headers).
fn short(e: &serenity::Error) -> String {
    match e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => format!("HTTP {}", r.status_code.as_u16()),
        serenity::Error::Http(serenity::HttpError::Request(r)) if r.is_timeout() => "timed out".into(),
        serenity::Error::Http(serenity::HttpError::Request(_)) => "no answer from Discord".into(),
        other => other.to_string(),
    }
}

/// One attempt at a queued message.
async fn send(http: &Http, q: &Queued) -> Attempt {
    let Ok(p) = serde_json::from_str::<Payload>(&q.payload) else {
        return Attempt::Refused("unreadable payload".into());
    };
    let files = p
        .files
        .into_iter()
        .map(|(name, text)| CreateAttachment::bytes(text.into_bytes(), name))
        .collect();
    match crate::ops::metrics::rest(
        "outbox_post",
        http.send_message(ChannelId::new(q.channel.max(1)), files, &p.message),
    )
    .await
    {
        Ok(_) => Attempt::Delivered,
        Err(e) if retryable(&e) => Attempt::Failed(short(&e)),
        Err(e) => Attempt::Refused(short(&e)),
    }
}

/// Sends what is due at `now`, in order; a channel whose message fails keeps its later
/// messages behind it. Returns how many were delivered.
pub async fn flush(http: &Http, engine: &Engine, now: Millis) -> anyhow::Result<usize> {
    let mut delivered = 0;
    let mut blocked: Vec<(u64, Millis)> = Vec::new();
    for q in engine.due_messages(now, 50).await? {
        if let Some((_, at)) = blocked.iter_mut().find(|(c, _)| *c == q.channel) {
            *at += 1;
            engine.postpone(&q, *at).await?;
            continue;
        }
        let result = send(http, &q).await;
        match engine.attempted(&q, &result, now_millis()).await? {
            Next::Remove => delivered += 1,
            Next::GiveUp(why) => {
                tracing::error!(channel = q.channel, attempts = q.attempts + 1, error = %why, "gave up delivering a message");
            }
            Next::RetryAt(at) => blocked.push((q.channel, at)),
        }
    }
    Ok(delivered)
}

/// Flushes the outbox every `every` until `stop` turns true.
pub async fn run(http: Arc<Http>, engine: Engine, every: Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        match flush(&http, &engine, now_millis()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(messages = n, "delivered queued messages"),
            Err(e) => tracing::warn!(error = ?e, "flushing the outbox failed; will retry"),
        }
    }
}
