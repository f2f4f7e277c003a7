//! Persisting one accepted input in one transaction: the snapshot with its version check, its
//! event (whose idempotency key makes a re-delivery a no-op), the item records it changed, and
//! the answer and score rows it added.

use anyhow::Context;

use super::sessions::{is_unique_violation, Persisted};
use super::snapshot::{write_rows, Change};
use super::Store;
use crate::interview::{ActorId, Input, Millis, Session};

impl Store {
    /// What storing `after` in place of `before` writes (see [`Change`]); a session this store
    /// read in the older layout is rewritten whole, once.
    pub fn change(&self, before: &Session, after: &Session, now: Millis) -> anyhow::Result<Change> {
        Change::between(before, after, now, self.is_legacy(&after.id))
    }

    /// Writes one accepted input atomically: the event, the new snapshot (only if `before` is
    /// still the stored version) and the item, answer and score rows it produced.
    pub async fn persist(
        &self,
        before: &Session,
        after: &Session,
        actor: &ActorId,
        input: &Input,
        key: &str,
        now: Millis,
    ) -> anyhow::Result<Persisted> {
        let change = self.change(before, after, now)?;
        self.persist_change(&change, actor, input, key, now).await
    }

    /// Like [`Store::persist`] with the change already worked out.
    pub async fn persist_change(&self, c: &Change, actor: &ActorId, input: &Input, key: &str, now: Millis) -> anyhow::Result<Persisted> {
        // Encoded before the transaction: SQLite's write lock is held from the first INSERT,
        // and every other writer waits while it is.
        let input_json = serde_json::to_string(input)?;
        let mut tx = self.pool.begin().await?;
        // The snapshot goes first: the write takes SQLite's write lock (and PostgreSQL's row
        // lock) at once, and its version check turns a stale or deleted session into a conflict.
        let updated = sqlx::query(
            "UPDATE sessions SET state = $1, version = $2, status = $3, next_deadline = $4, updated_at = $5 WHERE id = $6 AND version = $7",
        )
        .bind(&c.snapshot)
        .bind(c.version)
        .bind(c.status)
        .bind(c.next_deadline)
        .bind(now)
        .bind(&c.id)
        .bind(c.before_version)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(Persisted::Conflict);
        }
        // The unique key turns a re-delivered input into a no-op.
        let ev = sqlx::query(
            "INSERT INTO events (session_id, version, idempotency_key, actor, kind, input, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&c.id)
        .bind(c.version)
        .bind(key)
        .bind(actor.as_str())
        .bind(input.name())
        .bind(&input_json)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match ev {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                tx.rollback().await?;
                return Ok(if self.event_exists(key).await? {
                    Persisted::Duplicate
                } else {
                    Persisted::Conflict
                });
            }
            Err(e) => return Err(e).context("recording an event"),
        }
        write_rows(&mut tx, c).await?;
        tx.commit().await?;
        if c.upgrade {
            self.unmark_legacy(&c.id);
        }
        Ok(Persisted::Done)
    }
}
