//! Session rows: create, load (always scoped or by id, each read one consistent snapshot of the
//! session row, its item records and its answers), claim due deadlines, list history, delete.

use anyhow::Context;
use sqlx::any::AnyRow;
use sqlx::{Executor, Row};

use super::codec::{channel_from, mode_from, scope_from, scope_text, status, TERMINAL_SCOPE};
use super::snapshot::{assemble, decode, Part};
use super::{Backend, Store};
use crate::interview::state::Answer;
use crate::interview::{ActorId, Millis, Mode, Scope, Session};

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

pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

const SELECT: &str = "SELECT id, state, scope, mode, channel_id FROM sessions";

/// A session's item records (`part` -1) and answers, in item then part order.
const PARTS: &str = "SELECT item, -1 AS part, record AS body, 0 AS over_time, 0 AS submitted_at FROM session_items WHERE session_id = $1
     UNION ALL SELECT item, part, body, over_time, submitted_at FROM answers WHERE session_id = $1 ORDER BY item, part";

/// The session row decoded; `true` when its items are still to be read from their rows.
fn head(row: &AnyRow) -> anyhow::Result<(Stored, bool)> {
    let state: String = row.try_get("state")?;
    let (session, rows) = decode(&state)?;
    Ok((
        Stored {
            session,
            scope: scope_from(&row.try_get::<String, _>("scope")?)?,
            mode: mode_from(&row.try_get::<String, _>("mode")?)?,
            channel: channel_from(row.try_get("channel_id")?)?,
        },
        rows,
    ))
}

/// Reads a session's item records and answers into it.
async fn complete(conn: &mut sqlx::AnyConnection, s: &mut Session) -> anyhow::Result<()> {
    let rows = sqlx::query(PARTS).bind(&s.id).fetch_all(&mut *conn).await?;
    let mut parts = Vec::with_capacity(rows.len());
    for r in &rows {
        let item = usize::try_from(r.try_get::<i64, _>("item")?).context("a negative item index")?;
        let part: i64 = r.try_get("part")?;
        let body: String = r.try_get("body")?;
        parts.push(if part < 0 {
            Part::Record(item, body)
        } else {
            Part::Answer(
                item,
                Answer {
                    part: part as usize,
                    text: body,
                    submitted_at: r.try_get("submitted_at")?,
                    over_time: r.try_get::<i64, _>("over_time")? != 0,
                },
            )
        });
    }
    assemble(s, parts).with_context(|| format!("reading session {}", s.id))
}

impl Store {
    /// Rows of `sessions` selected by `q`, each completed with its items and answers, all in one
    /// read transaction (REPEATABLE READ on PostgreSQL), so no row is seen half-written.
    /// Runs a query selecting at least `id, state, scope, mode, channel_id` of sessions, in one
    /// consistent read, and completes each session with its item records and answers.
    pub(super) async fn read<'q>(
        &self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> anyhow::Result<Vec<(AnyRow, Stored)>> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            (&mut *tx).execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").await?;
        }
        let rows = q.fetch_all(&mut *tx).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let (mut stored, rows) = head(&row)?;
            if rows {
                complete(&mut tx, &mut stored.session).await?;
            } else {
                self.mark_legacy(&stored.session.id);
            }
            out.push((row, stored));
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn read_one<'q>(&self, q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>) -> anyhow::Result<Option<Stored>> {
        Ok(self.read(q).await?.pop().map(|(_, s)| s))
    }

    pub async fn load(&self, id: &str) -> anyhow::Result<Option<Stored>> {
        let sql = format!("{SELECT} WHERE id = $1");
        self.read_one(sqlx::query(&sql).bind(id)).await
    }

    /// The session's stored version, if it exists (one small read: is a copy still current?).
    pub async fn version(&self, id: &str) -> anyhow::Result<Option<u64>> {
        let row = sqlx::query("SELECT version FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get::<i64, _>("version")).transpose()?.map(|v| v as u64))
    }

    /// The id and version of the newest session living in a Discord channel (one small read:
    /// is a kept copy of it still current?).
    pub async fn by_channel_version(&self, channel: u64) -> anyhow::Result<Option<(String, u64)>> {
        let row = sqlx::query("SELECT id, version FROM sessions WHERE channel_id = $1 ORDER BY created_at DESC LIMIT 1")
            .bind(channel.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get("id")?, r.try_get::<i64, _>("version")? as u64)))
            .transpose()
    }

    /// The candidate's unfinished session in this scope, if any.
    pub async fn live(&self, scope: Scope, candidate: &ActorId) -> anyhow::Result<Option<Stored>> {
        let sql = format!("{SELECT} WHERE scope = $1 AND candidate = $2 AND status IN ('active', 'paused')");
        self.read_one(sqlx::query(&sql).bind(scope_text(scope)).bind(candidate.as_str()))
            .await
    }

    /// The newest session living in a Discord channel (thread or DM).
    pub async fn by_channel(&self, channel: u64) -> anyhow::Result<Option<Stored>> {
        let sql = format!("{SELECT} WHERE channel_id = $1 ORDER BY created_at DESC LIMIT 1");
        self.read_one(sqlx::query(&sql).bind(channel.to_string())).await
    }

    /// Claims up to `limit` sessions whose deadline has passed, oldest first, for `lease`
    /// milliseconds: their `next_deadline` moves to `now + lease` in the same statement, so no
    /// other process sweeps them meanwhile (on PostgreSQL `FOR UPDATE SKIP LOCKED` passes over
    /// rows another process is claiming), and a process that dies holding a claim loses it when
    /// the lease runs out. Applying the deadline writes the session's real next deadline.
    /// Terminal (`local`) sessions are left to the terminal, which applies its own clock.
    pub async fn claim_due(&self, now: Millis, lease: Millis, limit: i64) -> anyhow::Result<Vec<Stored>> {
        let claim = format!(
            "UPDATE sessions SET next_deadline = $1 WHERE id IN (SELECT id FROM sessions \
             WHERE next_deadline IS NOT NULL AND next_deadline <= $2 AND scope <> $3 ORDER BY next_deadline LIMIT $4{}) RETURNING id",
            self.skip_locked()
        );
        let ids: Vec<String> = sqlx::query_scalar(&claim)
            .bind(now + lease)
            .bind(now)
            .bind(TERMINAL_SCOPE)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .context("claiming due deadlines")?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!("{SELECT} WHERE id IN ({})", marks.join(", "));
        let q = ids.iter().fold(sqlx::query(&sql), |q, id| q.bind(id));
        Ok(self.read(q).await?.into_iter().map(|(_, s)| s).collect())
    }

    /// Every unfinished session that lives in a Discord channel: its id, scope, channel and
    /// when its last input was applied.
    pub async fn live_channels(&self) -> anyhow::Result<Vec<(String, Scope, u64, Millis)>> {
        let rows = sqlx::query(
            "SELECT id, scope, channel_id, updated_at FROM sessions WHERE status IN ('active', 'paused') AND channel_id IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let Some(channel) = channel_from(r.try_get("channel_id")?)? else {
                continue;
            };
            out.push((
                r.try_get("id")?,
                scope_from(&r.try_get::<String, _>("scope")?)?,
                channel,
                r.try_get("updated_at")?,
            ));
        }
        Ok(out)
    }

    /// The candidate's sessions in this scope, newest first.
    pub async fn history(&self, scope: Scope, candidate: &ActorId, limit: i64) -> anyhow::Result<Vec<HistoryRow>> {
        let q = sqlx::query(
            "SELECT id, role_id, mode, status, created_at, state, scope, channel_id FROM sessions WHERE scope = $1 AND candidate = $2 ORDER BY created_at DESC LIMIT $3",
        )
        .bind(scope_text(scope))
        .bind(candidate.as_str())
        .bind(limit);
        self.read(q)
            .await?
            .into_iter()
            .map(|(r, stored)| {
                Ok(HistoryRow {
                    id: r.try_get("id")?,
                    role_id: r.try_get("role_id")?,
                    mode: stored.mode,
                    status: r.try_get("status")?,
                    created_at: r.try_get("created_at")?,
                    session: stored.session,
                })
            })
            .collect()
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
        sqlx::query("DELETE FROM session_items WHERE session_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
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
        sqlx::query("DELETE FROM outbox WHERE session_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        out.sessions += sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    }
    Ok(out)
}
