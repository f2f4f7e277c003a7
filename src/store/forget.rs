//! Deleting data: a user's on request (every session they were the candidate of, with its events, answers,
//! drafts and the scores they received; in everyone else's sessions, the scores they gave stay
//! but lose their id and note, and the events they sent lose their content), and ended sessions
//! past the retention period.

use anyhow::Context;
use sqlx::{Executor, Row};

use super::sessions::delete_sessions;
use super::snapshot::reencode;
use super::Store;
use crate::interview::forget::forget_reviewer;
use crate::interview::{ActorId, Millis, Session};

/// What [`Store::forget`] deleted or anonymised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// Sessions the user was the candidate of (deleted, with everything in them).
    pub sessions: u64,
    /// Their submitted answers (deleted).
    pub answers: u64,
    /// Scores on their answers: their own and their reviewers' (deleted).
    pub scores_received: u64,
    /// Scores they gave on others' answers (kept for those candidates, without id or note).
    pub scores_given: u64,
    /// Events in the log: theirs deleted with their sessions, or emptied in others'.
    pub events: u64,
    /// Other people's sessions in which they were host or reviewer (their id replaced).
    pub sessions_reviewed: u64,
}

impl Store {
    /// Forgets `who` in one transaction, naming them `placeholder` where a trace must stay.
    pub async fn forget(&self, who: &ActorId, placeholder: &ActorId, now: Millis) -> anyhow::Result<Forgotten> {
        let mut out = Forgotten::default();
        let mut tx = self.pool.begin().await?;
        let ids = ids(sqlx::query("SELECT id FROM sessions WHERE candidate = $1")
            .bind(who.as_str())
            .fetch_all(&mut *tx)
            .await?)?;
        let removed = delete_sessions(&mut tx, &ids).await?;
        out.sessions = removed.sessions;
        out.answers = removed.answers;
        out.scores_received = removed.scores;
        out.events = removed.events;
        // Others' snapshots that may name them (as host or reviewer).
        let pattern = format!("%\"{}\"%", who.as_str());
        let named = sqlx::query("SELECT id, state FROM sessions WHERE state LIKE $1")
            .bind(&pattern)
            .fetch_all(&mut *tx)
            .await?;
        for row in &named {
            let id: String = row.try_get("id")?;
            let state: String = row.try_get("state")?;
            let mut s: Session = serde_json::from_str(&state).context("decoding a session snapshot")?;
            if !forget_reviewer(&mut s, who, placeholder).1 {
                continue;
            }
            // A new version, with its event, so a writer holding the old snapshot retries.
            let before = s.version;
            s.version += 1;
            sqlx::query("UPDATE sessions SET state = $1, version = $2, updated_at = $3 WHERE id = $4 AND version = $5")
                .bind(reencode(&state, &s)?)
                .bind(s.version as i64)
                .bind(now)
                .bind(&id)
                .bind(before as i64)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO events (session_id, version, idempotency_key, actor, kind, input, created_at) VALUES ($1, $2, $3, $4, 'forget', $5, $6)",
            )
            .bind(&id)
            .bind(s.version as i64)
            .bind(format!("forget:{}:{}", placeholder.as_str(), id))
            .bind(ActorId::system().as_str())
            .bind(r#"{"type":"forget"}"#)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            out.sessions_reviewed += 1;
        }
        out.scores_given = sqlx::query("UPDATE scores SET scorer = $1, note = NULL WHERE scorer = $2")
            .bind(placeholder.as_str())
            .bind(who.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        out.events += sqlx::query(r#"UPDATE events SET actor = $1, input = '{"type":"forgotten"}' WHERE actor = $2"#)
            .bind(placeholder.as_str())
            .bind(who.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("UPDATE server_packs SET uploaded_by = $1 WHERE uploaded_by = $2")
            .bind(placeholder.as_str())
            .bind(who.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        if self.backend == super::Backend::Sqlite {
            // Deleted rows were zeroed (secure_delete); move them out of the write-ahead log too.
            if let Err(e) = self.pool.execute("PRAGMA wal_checkpoint(TRUNCATE);").await {
                tracing::warn!(error = %e, "could not checkpoint after forgetting a user");
            }
        }
        Ok(out)
    }
}

impl Store {
    /// Deletes every session that ended (finished or abandoned, no scoring still open) before
    /// `cutoff`, with its events, answers and scores; returns how many.
    pub async fn purge_ended_before(&self, cutoff: Millis) -> anyhow::Result<u64> {
        let mut tx = self.pool.begin().await?;
        let ended = "SELECT id FROM sessions WHERE status IN ('finished', 'abandoned') AND next_deadline IS NULL AND updated_at < $1";
        let ids = ids(sqlx::query(ended).bind(cutoff).fetch_all(&mut *tx).await?)?;
        let removed = delete_sessions(&mut tx, &ids).await?;
        tx.commit().await?;
        Ok(removed.sessions)
    }
}

impl Store {
    /// The bot was removed from `guild` at `now` (kept if already recorded).
    pub async fn mark_departed(&self, guild: u64, now: Millis) -> anyhow::Result<()> {
        sqlx::query("INSERT INTO departed_guilds (guild_id, left_at) VALUES ($1, $2) ON CONFLICT (guild_id) DO NOTHING")
            .bind(guild.to_string())
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The bot is (back) in `guild`: nothing of it is purged.
    pub async fn mark_present(&self, guild: u64) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM departed_guilds WHERE guild_id = $1")
            .bind(guild.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes everything of every server the bot left before `cutoff`: its sessions (with
    /// events, answers and scores) and its packs. Returns how many servers were purged.
    pub async fn purge_departed_before(&self, cutoff: Millis) -> anyhow::Result<u64> {
        let guilds: Vec<String> = sqlx::query("SELECT guild_id FROM departed_guilds WHERE left_at < $1")
            .bind(cutoff)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get("guild_id"))
            .collect::<Result<_, _>>()?;
        for g in &guilds {
            let Ok(id) = g.parse::<u64>() else { continue };
            let mut tx = self.pool.begin().await?;
            let scope = super::codec::scope_text(crate::interview::Scope::Server(id));
            let of_guild = ids(sqlx::query("SELECT id FROM sessions WHERE scope = $1")
                .bind(&scope)
                .fetch_all(&mut *tx)
                .await?)?;
            delete_sessions(&mut tx, &of_guild).await?;
            sqlx::query("DELETE FROM server_packs WHERE guild_id = $1")
                .bind(g)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM departed_guilds WHERE guild_id = $1")
                .bind(g)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(guilds.len() as u64)
    }
}

/// The `id` column of `rows`.
fn ids(rows: Vec<sqlx::any::AnyRow>) -> anyhow::Result<Vec<String>> {
    Ok(rows.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?)
}
