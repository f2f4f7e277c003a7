//! Durable storage with sqlx: sessions (snapshot + version, one record row per plan item), the
//! append-only event log with idempotency keys, and answer and score rows. One code path for
//! SQLite (the embedded default) and PostgreSQL through sqlx's `Any` driver; the SQL is kept
//! portable.

mod codec;
mod forget;
mod gauges;
mod lock;
mod migrate;
mod outbox;
mod packs;
mod persist;
mod progress;
mod sessions;
mod snapshot;
mod start;
mod writer;

use std::collections::HashSet;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use forget::Forgotten;
pub use lock::{lock_sqlite, sqlite_file, ProcessLock};
pub use migrate::{Applied, Migrated};
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
    /// Connects (creating a SQLite file if needed) and applies migrations (logging any it applied).
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        let store = Store::open(url).await?;
        let done = store.migrate().await?;
        for m in &done.applied {
            tracing::info!(version = m.version, description = %m.description, "applied a migration");
        }
        Ok(store)
    }

    /// Connects without touching the schema (`panelist migrate` applies it, and says what it did).
    pub async fn open(url: &str) -> anyhow::Result<Store> {
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
        Ok(Store {
            pool,
            backend,
            legacy,
            writer,
        })
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

    /// The clause that makes a claiming sub-select pass over rows another transaction holds:
    /// PostgreSQL's `FOR UPDATE SKIP LOCKED`; SQLite has one writer, so nothing.
    fn skip_locked(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        }
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
