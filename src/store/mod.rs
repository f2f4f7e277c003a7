//! Durable storage with sqlx: sessions (snapshot + version, one record row per plan item), the
//! append-only event log with idempotency keys, and answer and score rows. One code path for
//! SQLite (the embedded default) and PostgreSQL through sqlx's `Any` driver; the SQL is kept
//! portable.

mod codec;
mod forget;
mod outbox;
mod packs;
mod persist;
mod progress;
mod sessions;
mod snapshot;
mod writer;

use std::collections::HashSet;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use forget::Forgotten;
pub use outbox::Queued;
pub use packs::{PackUpload, ServerPackRow};
pub use progress::ReminderRow;
pub use sessions::{HistoryRow, NewRow, Persisted, Stored};
pub use snapshot::{AnswerRow, Change, ScoreRow};
pub use writer::Busy;

/// The default database when `DATABASE_URL` is unset: a file next to where panelist runs.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://panelist.db?mode=rwc";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Sessions read in the older layout (the whole session in one snapshot), rewritten whole
    /// on their next write.
    legacy: Arc<Mutex<HashSet<String>>>,
    /// SQLite's one writer of accepted inputs (see `writer`); none on PostgreSQL.
    writer: Option<writer::Writer>,
}

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Connects (creating a SQLite file if needed) and applies migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres: (got '{}')", redact_url(url));
        };
        let opts = AnyConnectOptions::from_str(url).with_context(|| format!("invalid DATABASE_URL '{}'", redact_url(url)))?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
            .acquire_timeout(Duration::from_secs(10))
            // An embedded SQLite connection cannot go stale, and each ping is a hand-off to its
            // worker thread and back; a PostgreSQL connection is still checked.
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    if conn.backend_name() == "SQLite" {
                        conn.execute(
                            // secure_delete: deleted text is overwritten, not left in free pages.
                            "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;",
                        )
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await
            .with_context(|| format!("cannot open the database at '{}'", redact_url(url)))?;
        if backend == Backend::Sqlite {
            // WAL is a property of the database file: set once, it stays.
            pool.execute("PRAGMA journal_mode = WAL;").await.context("enabling WAL")?;
        }
        let legacy: Arc<Mutex<HashSet<String>>> = Arc::default();
        let writer = (backend == Backend::Sqlite).then(|| writer::Writer::start(pool.clone(), legacy.clone()));
        let store = Store {
            pool,
            backend,
            legacy,
            writer,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        match self.backend {
            Backend::Sqlite => SQLITE.run(&self.pool).await.context("applying SQLite migrations")?,
            Backend::Postgres => POSTGRES.run(&self.pool).await.context("applying PostgreSQL migrations")?,
        }
        Ok(())
    }

    fn mark_legacy(&self, id: &str) {
        if let Ok(mut l) = self.legacy.lock() {
            l.insert(id.to_string());
        }
    }

    fn unmark_legacy(&self, id: &str) {
        if let Ok(mut l) = self.legacy.lock() {
            l.remove(id);
        }
    }

    fn is_legacy(&self, id: &str) -> bool {
        self.legacy.lock().is_ok_and(|l| !l.is_empty() && l.contains(id))
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        if let Some(w) = &self.writer {
            w.close().await;
        }
        self.pool.close().await;
    }
}

/// A database URL fit for messages: any password is replaced.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}
