//! What must arrive is kept until it does: the outbox's retry policy (backoff, giving up) and the
//! engine's calls onto the outbox table. The adapter decides what a message is and how to send
//! it; this decides when to try again.

use super::Engine;
use crate::interview::Millis;
pub use crate::store::Queued;

/// Attempts before a message is given up (with a log line): the first send and eleven retries,
/// spread over about 37 minutes.
pub const MAX_ATTEMPTS: u32 = 12;

/// How long a claimed message is reserved for the process sending it; after that another
/// process (or this one after a restart) may take it over.
pub const LEASE_MS: Millis = 60_000;

/// The wait before attempt `attempts + 1`: 2 s doubling up to 10 minutes.
pub fn backoff_ms(attempts: u32) -> Millis {
    let exp = attempts.saturating_sub(1).min(12);
    (2_000i64 << exp).min(600_000)
}

/// What became of an attempt to send a queued message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Delivered,
    /// Worth trying again (a server error, a timeout, a connection refused).
    Failed(String),
    /// Discord refused the message itself (not found, no access): retrying cannot help.
    Refused(String),
}

/// What to do with a queued message after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Remove,
    GiveUp(String),
    RetryAt(Millis),
}

pub fn next(attempts: u32, result: &Attempt, now: Millis) -> Next {
    match result {
        Attempt::Delivered => Next::Remove,
        Attempt::Refused(e) => Next::GiveUp(e.clone()),
        Attempt::Failed(e) if attempts >= MAX_ATTEMPTS => Next::GiveUp(e.clone()),
        Attempt::Failed(_) => Next::RetryAt(now + backoff_ms(attempts)),
    }
}

impl Engine {
    /// Keeps a message that could not be sent; its first retry follows the backoff.
    pub async fn queue_message(&self, q: Queued, now: Millis, error: &str) -> anyhow::Result<()> {
        self.store.outbox_add(&q, now, error).await
    }

    /// Claims the messages due now (each for [`LEASE_MS`]).
    pub async fn due_messages(&self, now: Millis, limit: i64) -> anyhow::Result<Vec<Queued>> {
        self.store.outbox_claim(now, LEASE_MS, limit).await
    }

    /// Records what became of an attempt; returns what was decided.
    pub async fn attempted(&self, q: &Queued, result: &Attempt, now: Millis) -> anyhow::Result<Next> {
        let attempts = q.attempts + 1;
        let next = next(attempts, result, now);
        match (&next, result) {
            (Next::RetryAt(at), Attempt::Failed(why) | Attempt::Refused(why)) => self.store.outbox_later(&q.id, *at, attempts, why).await?,
            _ => self.store.outbox_remove(&q.id).await?,
        }
        Ok(next)
    }

    /// Not tried this time (an earlier message to its channel is still failing): due at `at`,
    /// attempts unchanged.
    pub async fn postpone(&self, q: &Queued, at: Millis) -> anyhow::Result<()> {
        self.store
            .outbox_later(&q.id, at, q.attempts, "waiting behind an earlier message")
            .await
    }

    /// How many messages wait to be sent.
    pub async fn outbox_depth(&self) -> anyhow::Result<i64> {
        self.store.outbox_depth().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_then_caps_and_gives_up_after_the_last_attempt() {
        let waits: Vec<Millis> = (1..=MAX_ATTEMPTS).map(backoff_ms).collect();
        assert_eq!(&waits[..4], &[2_000, 4_000, 8_000, 16_000]);
        assert_eq!(backoff_ms(20), 600_000);
        assert_eq!(next(3, &Attempt::Failed("503".into()), 100), Next::RetryAt(100 + 8_000));
        assert_eq!(next(MAX_ATTEMPTS, &Attempt::Failed("503".into()), 0), Next::GiveUp("503".into()));
        assert_eq!(next(1, &Attempt::Refused("10003".into()), 0), Next::GiveUp("10003".into()));
        assert_eq!(next(5, &Attempt::Delivered, 0), Next::Remove);
        let total: Millis = (1..MAX_ATTEMPTS).map(backoff_ms).sum();
        assert!((30 * 60_000..40 * 60_000).contains(&total), "{total}");
    }
}
