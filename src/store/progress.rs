//! Progress rows: every session of one candidate (in all scopes, for the engine to filter), the
//! spaced-repetition cards, and the reminders, whose due rows are leased and marked sent before
//! they are sent, so that several processes send each reminder once.

use anyhow::Context;
use sqlx::Row;

use super::Store;
use crate::interview::{ActorId, Millis, Mode};
use crate::progress::schedule::Card;
use crate::progress::SessionRow;

/// A user's reminder as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderRow {
    pub user: ActorId,
    pub local_time: String,
    pub timezone: String,
    pub days: String,
    pub next_at: Millis,
}

impl Store {
    /// Every session `candidate` was the candidate of, oldest first, with where a shared
    /// review was shared from.
    pub async fn session_rows(&self, candidate: &ActorId) -> anyhow::Result<Vec<SessionRow>> {
        let q = sqlx::query(
            "SELECT s.id, s.state, s.scope, s.mode, s.channel_id, s.role_id, s.created_at, e.input AS start_input
             FROM sessions s LEFT JOIN events e ON e.session_id = s.id AND e.kind = 'start'
             WHERE s.candidate = $1 ORDER BY s.created_at, s.id",
        )
        .bind(candidate.as_str());
        self.read(q)
            .await?
            .into_iter()
            .map(|(r, stored)| {
                let start: Option<String> = r.try_get("start_input")?;
                let shared_from = match (stored.mode, start) {
                    (Mode::Async, Some(json)) => serde_json::from_str::<serde_json::Value>(&json)
                        .ok()
                        .and_then(|v| v.get("shared_from")?.as_str().map(str::to_string)),
                    _ => None,
                };
                Ok(SessionRow {
                    id: r.try_get("id")?,
                    scope: stored.scope,
                    mode: stored.mode,
                    role: r.try_get("role_id")?,
                    created_at: r.try_get("created_at")?,
                    session: stored.session,
                    shared_from,
                })
            })
            .collect()
    }

    /// Replaces the candidate's cards with `cards` in one transaction.
    pub async fn save_cards(&self, candidate: &ActorId, cards: &[Card], now: Millis) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM review_cards WHERE candidate = $1")
            .bind(candidate.as_str())
            .execute(&mut *tx)
            .await?;
        for c in cards {
            sqlx::query(
                "INSERT INTO review_cards (candidate, role_id, question_id, area, due, card, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(candidate.as_str())
            .bind(&c.role)
            .bind(&c.question)
            .bind(&c.area)
            .bind(c.due)
            .bind(serde_json::to_string(c)?)
            .bind(now)
            .execute(&mut *tx)
            .await
            .context("storing a review card")?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The candidate's stored cards.
    pub async fn cards(&self, candidate: &ActorId) -> anyhow::Result<Vec<Card>> {
        let rows = sqlx::query("SELECT card FROM review_cards WHERE candidate = $1 ORDER BY due, question_id")
            .bind(candidate.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let json: String = r.try_get("card")?;
                serde_json::from_str(&json).context("decoding a review card")
            })
            .collect()
    }

    /// Sets (or replaces) a user's reminder.
    pub async fn set_reminder(&self, r: &ReminderRow, now: Millis) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO reminders (user_id, local_time, timezone, days, next_at, sent_at, created_at) VALUES ($1, $2, $3, $4, $5, NULL, $6)
             ON CONFLICT (user_id) DO UPDATE SET local_time = excluded.local_time, timezone = excluded.timezone,
                 days = excluded.days, next_at = excluded.next_at",
        )
        .bind(r.user.as_str())
        .bind(&r.local_time)
        .bind(&r.timezone)
        .bind(&r.days)
        .bind(r.next_at)
        .bind(now)
        .execute(&self.pool)
        .await
        .context("storing a reminder")?;
        Ok(())
    }

    /// Removes a user's reminder; whether there was one.
    pub async fn remove_reminder(&self, user: &ActorId) -> anyhow::Result<bool> {
        let done = sqlx::query("DELETE FROM reminders WHERE user_id = $1")
            .bind(user.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn reminder(&self, user: &ActorId) -> anyhow::Result<Option<ReminderRow>> {
        let row = sqlx::query("SELECT user_id, local_time, timezone, days, next_at FROM reminders WHERE user_id = $1")
            .bind(user.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(reminder_row).transpose()
    }

    /// The reminders due at `now`, each claimed for this process and marked sent: one statement
    /// leases the due rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL passes over rows another
    /// process is claiming), then each moves to `next(row)` with `sent_at` set, conditional on
    /// still holding the lease. A process that dies in between loses the lease after a minute;
    /// a reminder is marked sent before it is sent, so it is never sent twice.
    pub async fn claim_due_reminders(
        &self,
        now: Millis,
        limit: i64,
        next: impl Fn(&ReminderRow) -> Millis,
    ) -> anyhow::Result<Vec<ReminderRow>> {
        const LEASE_MS: Millis = 60_000;
        let lease = now + LEASE_MS;
        let claim = format!(
            "UPDATE reminders SET next_at = $1 WHERE user_id IN (SELECT user_id FROM reminders WHERE next_at <= $2 ORDER BY next_at LIMIT $3{}) \
             RETURNING user_id, local_time, timezone, days, next_at",
            self.skip_locked()
        );
        let rows = sqlx::query(&claim).bind(lease).bind(now).bind(limit).fetch_all(&self.pool).await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for r in rows.iter().map(reminder_row) {
            let mut r = r?;
            let at = next(&r);
            let done = sqlx::query("UPDATE reminders SET next_at = $1, sent_at = $2 WHERE user_id = $3 AND next_at = $4")
                .bind(at)
                .bind(now)
                .bind(r.user.as_str())
                .bind(lease)
                .execute(&self.pool)
                .await?;
            if done.rows_affected() == 1 {
                r.next_at = at;
                claimed.push(r);
            }
        }
        Ok(claimed)
    }

    /// Deletes a user's cards and reminder (part of forgetting them).
    pub async fn forget_progress(&self, who: &ActorId) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await?;
        for table in [
            "DELETE FROM review_cards WHERE candidate = $1",
            "DELETE FROM reminders WHERE user_id = $1",
        ] {
            sqlx::query(table).bind(who.as_str()).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

fn reminder_row(r: &sqlx::any::AnyRow) -> anyhow::Result<ReminderRow> {
    Ok(ReminderRow {
        user: ActorId::from_stored(r.try_get::<String, _>("user_id")?),
        local_time: r.try_get("local_time")?,
        timezone: r.try_get("timezone")?,
        days: r.try_get("days")?,
        next_at: r.try_get("next_at")?,
    })
}
