//! Persisting one accepted input in one transaction: the snapshot with its version check, its
//! event (whose idempotency key makes a re-delivery a no-op), the item records it changed, and
//! the answer and score rows it added. On SQLite the input goes to the store's one writer
//! (`writer`: a bounded queue, group commit); on PostgreSQL each input is its own transaction
//! on the pool, which takes concurrent writers.

use anyhow::Context;

use super::sessions::{is_unique_violation, Persisted};
use super::snapshot::{write_rows, Change};
use super::Store;
use crate::interview::{ActorId, Input, Millis, Session};

/// The event row of one input, encoded before any transaction begins (SQLite's write lock is
/// held from the first write on, and every other input waits while it is).
pub(super) struct Event {
    pub key: String,
    pub actor: String,
    pub kind: &'static str,
    pub input: String,
    pub now: Millis,
}

/// What writing one input inside a transaction came to; the caller commits or rolls back.
pub(super) enum Wrote {
    Done,
    /// The session is not at the version the input was applied to: nothing was written.
    Conflict,
    /// The event's idempotency key is taken (a re-delivery, or a conflict; see [`key_outcome`]).
    /// The transaction must be rolled back before anything else is asked in it.
    KeyTaken,
    /// A new session's row (or its start's key) exists already: nothing to write.
    Exists,
}

/// Writes one input inside `tx`: the snapshot (with its version check) first, so the write
/// takes SQLite's write lock (and PostgreSQL's row lock) at once, then the event, then the rows.
pub(super) async fn write_input(tx: &mut sqlx::Transaction<'_, sqlx::Any>, c: &Change, ev: &Event) -> anyhow::Result<Wrote> {
    let updated = sqlx::query(
        "UPDATE sessions SET state = $1, version = $2, status = $3, next_deadline = $4, updated_at = $5 WHERE id = $6 AND version = $7",
    )
    .bind(&c.snapshot)
    .bind(c.version)
    .bind(c.status)
    .bind(c.next_deadline)
    .bind(ev.now)
    .bind(&c.id)
    .bind(c.before_version)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(Wrote::Conflict);
    }
    // The unique key turns a re-delivered input into a no-op.
    if !insert_event(tx, c, ev).await? {
        return Ok(Wrote::KeyTaken);
    }
    write_rows(tx, c).await?;
    Ok(Wrote::Done)
}

/// Records `ev` as version `c.version` of session `c.id`; `Ok(false)` when its idempotency
/// key is taken (a re-delivered input or start: the caller rolls back).
pub(super) async fn insert_event(tx: &mut sqlx::Transaction<'_, sqlx::Any>, c: &Change, ev: &Event) -> anyhow::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO events (session_id, version, idempotency_key, actor, kind, input, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&c.id)
    .bind(c.version)
    .bind(&ev.key)
    .bind(&ev.actor)
    .bind(ev.kind)
    .bind(&ev.input)
    .bind(ev.now)
    .execute(&mut **tx)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e).context("recording an event"),
    }
}

/// After [`Wrote::KeyTaken`] (rolled back): a duplicate if the key's event is stored, else the
/// insert lost a race with one that was itself rolled back, a conflict to retry.
pub(super) async fn key_outcome<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(db: E, key: &str) -> anyhow::Result<Persisted> {
    let row = sqlx::query("SELECT 1 AS one FROM events WHERE idempotency_key = $1")
        .bind(key)
        .fetch_optional(db)
        .await?;
    Ok(if row.is_some() { Persisted::Duplicate } else { Persisted::Conflict })
}

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

    /// Like [`Store::persist`] with the change already worked out. Returns once the input is
    /// durable (committed), or refused; on SQLite an input that cannot even be queued within
    /// the admission wait is refused with [`super::Busy`] (nothing of it was written).
    pub async fn persist_change(&self, c: &Change, actor: &ActorId, input: &Input, key: &str, now: Millis) -> anyhow::Result<Persisted> {
        let event = Event {
            key: key.to_owned(),
            actor: actor.as_str().to_owned(),
            kind: input.name(),
            input: serde_json::to_string(input)?,
            now,
        };
        if let Some(writer) = &self.writer {
            return writer.queue_input(c.clone(), event).await;
        }
        let mut tx = self.pool.begin().await?;
        match write_input(&mut tx, c, &event).await? {
            Wrote::Done => {}
            Wrote::Conflict | Wrote::Exists => {
                tx.rollback().await?;
                return Ok(Persisted::Conflict);
            }
            Wrote::KeyTaken => {
                // PostgreSQL aborts a transaction at its first error: ask after the rollback.
                tx.rollback().await?;
                return key_outcome(&self.pool, key).await;
            }
        }
        tx.commit().await?;
        if c.upgrade {
            self.unmark_legacy(&c.id);
        }
        Ok(Persisted::Done)
    }
}
