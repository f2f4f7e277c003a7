//! Read-only figures for operators (`/healthz`, `/metrics`): whether the database answers, and
//! how many sessions are live by status.

use sqlx::Row;

use super::Store;

impl Store {
    /// One round trip to the database.
    pub async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await?;
        Ok(())
    }

    /// Live sessions by status (`active`, `paused`), both always present.
    pub async fn live_counts(&self) -> anyhow::Result<Vec<(String, i64)>> {
        let rows = sqlx::query("SELECT status, COUNT(*) FROM sessions WHERE status IN ('active', 'paused') GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        let mut out = vec![("active".to_string(), 0), ("paused".to_string(), 0)];
        for r in rows {
            let (status, n): (String, i64) = (r.try_get(0)?, r.try_get(1)?);
            if let Some(slot) = out.iter_mut().find(|(s, _)| *s == status) {
                slot.1 = n;
            }
        }
        Ok(out)
    }
}
