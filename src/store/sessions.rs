//! Session rows: create, load (always scoped or by id), persist an accepted input in one
//! transaction, find due deadlines, and list history.

use anyhow::Context;
use sqlx::Row;

use super::codec::{channel_from, channel_text, mode_from, mode_text, scope_from, scope_text, TERMINAL_SCOPE};
use super::Store;
use crate::interview::{ActorId, Input, Millis, Mode, Scope, Session, Stage};

/// A session as stored, with where it lives.
#[derive(Debug, Clone)]
pub struct Stored {
    pub session: Session,
    pub scope: Scope,
    pub mode: Mode,
    /// The Discord channel, thread or DM channel it lives in (none in the terminal).
    pub channel: Option<u64>,
}

impl Stored {
    /// The stored status column's value for this session.
    pub fn status_name(&self) -> &'static str {
        status(&self.session.stage)
    }
}

/// Where a new session lives, and the start event that created it.
pub struct NewRow<'a> {
    pub scope: Scope,
    pub mode: Mode,
    pub channel: Option<u64>,
    /// Idempotency key of the start (a Discord interaction id, or a local one).
    pub key: &'a str,
    /// JSON of what was asked for (role and plan options).
    pub start_input: &'a str,
}

/// The result of persisting one accepted input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Persisted {
    Done,
    /// The idempotency key was already applied: nothing was written.
    Duplicate,
    /// Another writer moved the session on first: reload and try again.
    Conflict,
}

#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub id: String,
    pub role_id: String,
    pub mode: Mode,
    pub status: String,
    pub created_at: Millis,
    pub session: Session,
}

pub fn status(stage: &Stage) -> &'static str {
    match stage {
        Stage::Lobby | Stage::Asking { .. } | Stage::Scoring { .. } => "active",
        Stage::Paused { .. } => "paused",
        Stage::Finished { .. } => "finished",
        Stage::Abandoned { .. } => "abandoned",
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

const SELECT: &str = "SELECT state, scope, mode, channel_id FROM sessions";

fn stored(row: &sqlx::any::AnyRow) -> anyhow::Result<Stored> {
    let state: String = row.try_get("state")?;
    Ok(Stored {
        session: serde_json::from_str(&state).context("decoding a session snapshot")?,
        scope: scope_from(&row.try_get::<String, _>("scope")?)?,
        mode: mode_from(&row.try_get::<String, _>("mode")?)?,
        channel: channel_from(row.try_get("channel_id")?)?,
    })
}

impl Store {
    /// Inserts a new session and its start event in one transaction. `Ok(false)` when the
    /// candidate already has a live session in this scope (nothing is written then).
    pub async fn insert_session(&self, s: &Session, new: &NewRow<'_>, now: Millis) -> anyhow::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let res = sqlx::query(
            "INSERT INTO sessions (id, scope, candidate, mode, role_id, channel_id, status, version, state, next_deadline, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&s.id)
        .bind(scope_text(new.scope))
        .bind(s.candidate.as_str())
        .bind(mode_text(new.mode))
        .bind(&s.plan.role)
        .bind(channel_text(new.channel))
        .bind(status(&s.stage))
        .bind(s.version as i64)
        .bind(serde_json::to_string(s)?)
        .bind(s.next_deadline())
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match res {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(false),
            Err(e) => return Err(e).context("inserting a session"),
        }
        sqlx::query(
            "INSERT INTO events (session_id, version, idempotency_key, actor, kind, input, created_at) VALUES ($1, $2, $3, $4, 'start', $5, $6)",
        )
        .bind(&s.id)
        .bind(s.version as i64)
        .bind(new.key)
        .bind(s.candidate.as_str())
        .bind(new.start_input)
        .bind(now)
        .execute(&mut *tx)
        .await
        .context("recording the start event")?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn load(&self, id: &str) -> anyhow::Result<Option<Stored>> {
        let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(stored).transpose()
    }

    /// The candidate's unfinished session in this scope, if any.
    pub async fn live(&self, scope: Scope, candidate: &ActorId) -> anyhow::Result<Option<Stored>> {
        let row = sqlx::query(&format!(
            "{SELECT} WHERE scope = $1 AND candidate = $2 AND status IN ('active', 'paused')"
        ))
        .bind(scope_text(scope))
        .bind(candidate.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(stored).transpose()
    }

    /// The newest session living in a Discord channel (thread or DM).
    pub async fn by_channel(&self, channel: u64) -> anyhow::Result<Option<Stored>> {
        let row = sqlx::query(&format!("{SELECT} WHERE channel_id = $1 ORDER BY created_at DESC LIMIT 1"))
            .bind(channel.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(stored).transpose()
    }

    pub async fn set_channel(&self, id: &str, channel: u64) -> anyhow::Result<()> {
        sqlx::query("UPDATE sessions SET channel_id = $1 WHERE id = $2")
            .bind(channel.to_string())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn event_exists(&self, key: &str) -> anyhow::Result<bool> {
        let row = sqlx::query("SELECT 1 AS one FROM events WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Writes one accepted input atomically: the event, the new snapshot (only if `before` is
    /// still the stored version) and the answer and score rows it produced.
    pub async fn persist(
        &self,
        before: &Session,
        after: &Session,
        actor: &ActorId,
        input: &Input,
        key: &str,
        now: Millis,
    ) -> anyhow::Result<Persisted> {
        // Encoded before the transaction: SQLite's write lock is held from the first INSERT,
        // and every other writer waits while it is.
        let input_json = serde_json::to_string(input)?;
        let snapshot = serde_json::to_string(after)?;
        let mut tx = self.pool.begin().await?;
        // The event goes first: a write up front takes SQLite's write lock at once, and the
        // unique key turns a re-delivered input into a no-op.
        let ev = sqlx::query(
            "INSERT INTO events (session_id, version, idempotency_key, actor, kind, input, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&after.id)
        .bind(after.version as i64)
        .bind(key)
        .bind(actor.as_str())
        .bind(input.name())
        .bind(input_json)
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
        let updated = sqlx::query(
            "UPDATE sessions SET state = $1, version = $2, status = $3, next_deadline = $4, updated_at = $5 WHERE id = $6 AND version = $7",
        )
        .bind(snapshot)
        .bind(after.version as i64)
        .bind(status(&after.stage))
        .bind(after.next_deadline())
        .bind(now)
        .bind(&after.id)
        .bind(before.version as i64)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(Persisted::Conflict);
        }
        write_rows(&mut tx, before, after, now).await?;
        write_peer_rows(&mut tx, before, after).await?;
        tx.commit().await?;
        Ok(Persisted::Done)
    }

    /// Sessions whose deadline has passed, oldest first. Terminal (`local`) sessions are left to
    /// the terminal, which applies its own clock while it runs.
    pub async fn due(&self, now: Millis, limit: i64) -> anyhow::Result<Vec<Stored>> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE next_deadline IS NOT NULL AND next_deadline <= $1 AND scope <> $2 ORDER BY next_deadline LIMIT $3"
        ))
        .bind(now)
        .bind(TERMINAL_SCOPE)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored).collect()
    }

    /// The candidate's sessions in this scope, newest first.
    pub async fn history(&self, scope: Scope, candidate: &ActorId, limit: i64) -> anyhow::Result<Vec<HistoryRow>> {
        let rows = sqlx::query(
            "SELECT id, role_id, mode, status, created_at, state FROM sessions WHERE scope = $1 AND candidate = $2 ORDER BY created_at DESC LIMIT $3",
        )
        .bind(scope_text(scope))
        .bind(candidate.as_str())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let state: String = r.try_get("state")?;
                Ok(HistoryRow {
                    id: r.try_get("id")?,
                    role_id: r.try_get("role_id")?,
                    mode: mode_from(&r.try_get::<String, _>("mode")?)?,
                    status: r.try_get("status")?,
                    created_at: r.try_get("created_at")?,
                    session: serde_json::from_str(&state)?,
                })
            })
            .collect()
    }
}

/// Peer score rows: inserted, or replaced when a reviewer resubmits before scoring closes.
async fn write_peer_rows(tx: &mut sqlx::Transaction<'_, sqlx::Any>, before: &Session, after: &Session) -> anyhow::Result<()> {
    let (Some(old), Some(new)) = (&before.peer, &after.peer) else {
        return Ok(());
    };
    for (item, round) in new.rounds.iter().enumerate() {
        let Some(round) = round else { continue };
        let previous = old.rounds.get(item).and_then(|r| r.as_ref()).map_or(&[][..], |r| &r.scores[..]);
        for sc in round.scores.iter().filter(|sc| !previous.contains(sc)) {
            sqlx::query(
                "INSERT INTO scores (session_id, item, scorer, kind, ticks, rating, note, created_at) VALUES ($1, $2, $3, 'peer', $4, $5, $6, $7)
                 ON CONFLICT (session_id, item, scorer) DO UPDATE SET ticks = excluded.ticks, rating = excluded.rating,
                     note = excluded.note, created_at = excluded.created_at",
            )
            .bind(&after.id)
            .bind(item as i64)
            .bind(sc.reviewer.as_str())
            .bind(serde_json::to_string(&sc.ticks)?)
            .bind(sc.rating.get() as i64)
            .bind(sc.note.as_deref())
            .bind(sc.at)
            .execute(&mut **tx)
            .await
            .context("storing a peer score")?;
        }
    }
    Ok(())
}

/// Answer and self-score rows for whatever the step added.
async fn write_rows(tx: &mut sqlx::Transaction<'_, sqlx::Any>, before: &Session, after: &Session, now: Millis) -> anyhow::Result<()> {
    for (i, (old, new)) in before.items.iter().zip(&after.items).enumerate() {
        if old == new {
            continue;
        }
        let plan = &after.plan.items[i];
        let coverage = new.coverage.as_ref().map_or(0.0, |c| c.fraction());
        for a in new.answers.iter().skip(old.answers.len()) {
            sqlx::query(
                "INSERT INTO answers (session_id, item, part, question_id, area, body, over_time, coverage, submitted_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&after.id)
            .bind(i as i64)
            .bind(a.part as i64)
            .bind(&plan.question)
            .bind(&plan.area)
            .bind(&a.text)
            .bind(a.over_time as i64)
            .bind(coverage)
            .bind(a.submitted_at)
            .execute(&mut **tx)
            .await
            .context("storing an answer")?;
        }
        if let (None, Some(score)) = (&old.self_score, &new.self_score) {
            sqlx::query(
                "INSERT INTO scores (session_id, item, scorer, kind, ticks, rating, note, created_at) VALUES ($1, $2, $3, 'self', $4, $5, NULL, $6)",
            )
            .bind(&after.id)
            .bind(i as i64)
            .bind(after.candidate.as_str())
            .bind(serde_json::to_string(&score.ticks)?)
            .bind(score.rating.get() as i64)
            .bind(now)
            .execute(&mut **tx)
            .await
            .context("storing a self-score")?;
        }
    }
    Ok(())
}

impl Store {
    /// Moves a session's deadline (after a failure to apply it), so it does not block others.
    pub async fn postpone(&self, id: &str, until: Millis) -> anyhow::Result<()> {
        sqlx::query("UPDATE sessions SET next_deadline = $1 WHERE id = $2")
            .bind(until)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes a session that never reached its candidate (e.g. their DMs were closed).
    pub async fn discard(&self, id: &str) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await?;
        delete_sessions(&mut tx, &[id.to_string()]).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What [`delete_sessions`] removed.
#[derive(Debug, Default)]
pub(super) struct Removed {
    pub sessions: u64,
    pub answers: u64,
    pub scores: u64,
    pub events: u64,
}

/// Deletes sessions with everything in them (answers, scores, events), inside `tx`: the one
/// way sessions are deleted (discarded, forgotten, past retention, of a server left behind).
pub(super) async fn delete_sessions(tx: &mut sqlx::Transaction<'_, sqlx::Any>, ids: &[String]) -> anyhow::Result<Removed> {
    let mut out = Removed::default();
    for id in ids {
        for (table, count) in [
            ("answers", &mut out.answers),
            ("scores", &mut out.scores),
            ("events", &mut out.events),
        ] {
            let done = sqlx::query(&format!("DELETE FROM {table} WHERE session_id = $1"))
                .bind(id)
                .execute(&mut **tx)
                .await?;
            *count += done.rows_affected();
        }
        // Messages still waiting to be sent about the session go with it.
        sqlx::query("DELETE FROM outbox WHERE session_id = $1").bind(id).execute(&mut **tx).await?;
        out.sessions += sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    }
    Ok(out)
}
