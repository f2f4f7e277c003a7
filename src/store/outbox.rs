//! The outbox table: messages that must arrive, kept until delivered. Due rows are claimed by moving
//! `next_at` past a lease in one conditional statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL),
//! so two processes never send the same row at once and a process that dies holding a claim
//! loses it when the lease runs out.

use sqlx::Row;

use super::Store;
use crate::interview::Millis;

/// One message waiting to be (re)sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// Also the message's Discord nonce.
    pub id: String,
    pub session_id: Option<String>,
    pub channel: u64,
    /// The message to create, as Discord's JSON (files inline, see the adapter).
    pub payload: String,
    /// Attempts made so far (the first, failed send included).
    pub attempts: u32,
    pub next_at: Millis,
}

impl Store {
    pub async fn outbox_add(&self, q: &Queued, now: Millis, error: &str) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO outbox (id, session_id, channel_id, payload, attempts, next_at, created_at, last_error) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&q.id)
        .bind(q.session_id.as_deref())
        .bind(q.channel.to_string())
        .bind(&q.payload)
        .bind(q.attempts as i64)
        .bind(q.next_at)
        .bind(now)
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Claims up to `limit` rows due at `now` for `lease` milliseconds (each claimed row's
    /// `next_at` moves to `now + lease`), in the order they are due. The claim is one statement,
    /// conditional on the row still being due; on PostgreSQL `FOR UPDATE SKIP LOCKED` passes
    /// over rows another process is claiming at that moment.
    pub async fn outbox_claim(&self, now: Millis, lease: Millis, limit: i64) -> anyhow::Result<Vec<Queued>> {
        // Which rows are due, in order (a plain read: the claim below decides who has them).
        let due: Vec<String> = sqlx::query_scalar("SELECT id FROM outbox WHERE next_at <= $1 ORDER BY next_at LIMIT $2")
            .bind(now)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (0..due.len()).map(|i| format!("${}", i + 3)).collect();
        let claim = format!(
            "UPDATE outbox SET next_at = $1 WHERE id IN (SELECT id FROM outbox WHERE next_at <= $2 AND id IN ({}){}) \
             RETURNING id, session_id, channel_id, payload, attempts",
            marks.join(", "),
            self.skip_locked()
        );
        let q = due.iter().fold(sqlx::query(&claim).bind(now + lease).bind(now), |q, id| q.bind(id));
        let mut won: std::collections::HashMap<String, Queued> = q
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                let q = Queued {
                    id: r.get(0),
                    session_id: r.get(1),
                    channel: r.get::<String, _>(2).parse().unwrap_or(0),
                    payload: r.get(3),
                    attempts: r.get::<i64, _>(4) as u32,
                    next_at: now + lease,
                };
                (q.id.clone(), q)
            })
            .collect();
        Ok(due.iter().filter_map(|id| won.remove(id)).collect())
    }

    /// Delivered, or given up: the row goes.
    pub async fn outbox_remove(&self, id: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM outbox WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    /// Not delivered yet: try at `next_at`, with `attempts` made so far.
    pub async fn outbox_later(&self, id: &str, next_at: Millis, attempts: u32, error: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE outbox SET next_at = $1, attempts = $2, last_error = $3 WHERE id = $4")
            .bind(next_at)
            .bind(attempts as i64)
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many messages wait.
    pub async fn outbox_depth(&self) -> anyhow::Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM outbox").fetch_one(&self.pool).await?.get(0))
    }
}
