//! Writing a new session inside a transaction: its row, its start event and its item records.
//! On SQLite the start goes through the store's one writer (`writer`), beside the inputs,
//! instead of contending with it for the write lock; on PostgreSQL it is its own transaction.

use anyhow::Context;

use super::codec::{channel_text, mode_text, scope_text, status};
use super::persist::{insert_event, Event};
use super::sessions::{is_unique_violation, NewRow, Persisted};
use super::snapshot::{write_rows, Change};
use super::Store;
use crate::interview::{Millis, Session};

impl Store {
    /// Inserts a new session and its start event in one transaction. `Ok(false)` when the
    /// candidate already has a live session in this scope, or the start's key was seen (nothing
    /// is written then).
    pub async fn insert_session(&self, s: &Session, new: &NewRow<'_>, now: Millis) -> anyhow::Result<bool> {
        let start = Start::new(s, new, now)?;
        // On SQLite through the one writer: a start beside it would contend for the write lock.
        if let Some(writer) = &self.writer {
            return Ok(writer.queue_start(start).await? == Persisted::Done);
        }
        let mut tx = self.pool.begin().await?;
        if !write_start(&mut tx, &start).await? {
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }
}

/// Everything a start writes, owned (it may wait in the writer's queue).
pub(super) struct Start {
    pub change: Change,
    pub scope: String,
    pub mode: &'static str,
    pub role: String,
    pub channel: Option<String>,
    pub status: &'static str,
    /// The start event: its key, the candidate as actor, the start input and the time.
    pub event: Event,
}

impl Start {
    pub(super) fn new(s: &Session, new: &NewRow<'_>, now: Millis) -> anyhow::Result<Start> {
        Ok(Start {
            change: Change::whole(s)?,
            scope: scope_text(new.scope),
            mode: mode_text(new.mode),
            role: s.plan.role.clone(),
            channel: channel_text(new.channel),
            status: status(&s.stage),
            event: Event {
                key: new.key.to_owned(),
                actor: s.candidate.as_str().to_owned(),
                kind: "start",
                input: new.start_input.to_owned(),
                now,
            },
        })
    }
}

/// Writes `s` inside `tx`; `Ok(false)` when a row it inserts exists already (the candidate's
/// live session in this scope, or the start's key): then the caller rolls back.
pub(super) async fn write_start(tx: &mut sqlx::Transaction<'_, sqlx::Any>, s: &Start) -> anyhow::Result<bool> {
    let (c, ev) = (&s.change, &s.event);
    let res = sqlx::query(
        "INSERT INTO sessions (id, scope, candidate, mode, role_id, channel_id, status, version, state, next_deadline, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&c.id)
    .bind(&s.scope)
    .bind(&ev.actor)
    .bind(s.mode)
    .bind(&s.role)
    .bind(&s.channel)
    .bind(s.status)
    .bind(c.version)
    .bind(&c.snapshot)
    .bind(c.next_deadline)
    .bind(ev.now)
    .bind(ev.now)
    .execute(&mut **tx)
    .await;
    match res {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(false),
        Err(e) => return Err(e).context("inserting a session"),
    }
    // A re-delivered start whose first session has ended: it starts nothing again (and, in the
    // writer's batch, fails no other input).
    if !insert_event(tx, c, ev).await? {
        return Ok(false);
    }
    write_rows(tx, c).await?;
    Ok(true)
}
