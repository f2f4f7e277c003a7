//! Applying the schema migrations and saying which ones: `panelist migrate` prints them and
//! `serve` logs them. Each run holds sqlx's migration lock for its whole pass (on PostgreSQL
//! `pg_advisory_lock` on a key derived from the database name, taken on one connection before
//! the `_sqlx_migrations` table is even created; on SQLite, one writer at a time), so processes
//! starting together apply each migration once and the others see it applied.

use anyhow::Context;
use sqlx::migrate::{Migrate, Migrator};

use super::{Backend, Store, POSTGRES, SQLITE};

/// One migration this run applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub version: i64,
    pub description: String,
}

/// What a migration run found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    /// Applied now, in order.
    pub applied: Vec<Applied>,
    /// How many migrations the schema has in all.
    pub known: usize,
}

impl Store {
    /// Applies the migrations not yet recorded, under the migration lock, and says which.
    pub async fn migrate(&self) -> anyhow::Result<Migrated> {
        let (migrator, what) = match self.backend {
            Backend::Sqlite => (&SQLITE, "SQLite"),
            Backend::Postgres => (&POSTGRES, "PostgreSQL"),
        };
        let mut conn = self.pool.acquire().await.context("connecting to apply migrations")?;
        let result = run(migrator, &mut conn).await;
        // A failed run may still hold the lock; it goes with the connection.
        if result.is_err() {
            let _ = conn.close().await;
        }
        result.with_context(|| format!("applying {what} migrations"))
    }
}

async fn run(migrator: &Migrator, conn: &mut sqlx::AnyConnection) -> anyhow::Result<Migrated> {
    conn.lock().await?;
    conn.ensure_migrations_table().await?;
    if let Some(v) = conn.dirty_version().await? {
        anyhow::bail!("migration {v} was left half applied; repair the database before starting");
    }
    let recorded = conn.list_applied_migrations().await?;
    let mut applied = Vec::new();
    let mut known = 0;
    for m in migrator.iter().filter(|m| !m.migration_type.is_down_migration()) {
        known += 1;
        match recorded.iter().find(|r| r.version == m.version) {
            Some(r) if r.checksum != m.checksum => {
                anyhow::bail!("migration {} changed after it was applied (checksum differs)", m.version)
            }
            Some(_) => {}
            None => {
                conn.apply(m).await?;
                applied.push(Applied {
                    version: m.version,
                    description: m.description.to_string(),
                });
            }
        }
    }
    conn.unlock().await?;
    Ok(Migrated { applied, known })
}
