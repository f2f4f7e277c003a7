//! SQLite serves one bot process: `panelist serve` holds an OS lock (`flock`) on a sidecar file
//! next to the database (`panelist.db.lock`) for as long as it runs, and a second `serve` on the
//! same file refuses to start, naming the holder's pid. The OS drops the lock when the process
//! ends, however it ends (SIGKILL included), so a restart never finds a stale lock. Short
//! commands (`practice`, `history`, ...) take no lock: SQLite's WAL lets them run beside the bot.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Held while the process serves; dropping it releases the lock.
#[derive(Debug)]
pub struct ProcessLock {
    _file: File,
    pub path: PathBuf,
}

/// The database file of a `sqlite:` URL (`None` for other backends and in-memory databases).
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Takes the one-process lock for the SQLite database at `url`; `Ok(None)` when `url` is not a
/// SQLite file (PostgreSQL serves many processes).
pub fn lock_sqlite(url: &str) -> anyhow::Result<Option<ProcessLock>> {
    let Some(db) = sqlite_file(url) else {
        return Ok(None);
    };
    let path = sidecar(&db);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let pid = holder.trim();
            let pid = if pid.is_empty() { "unknown" } else { pid };
            anyhow::bail!(
                "the SQLite database {} is in use by another panelist process (pid {pid}); SQLite serves one process — use PostgreSQL (DATABASE_URL=postgres://...) to run several",
                db.display()
            );
        }
        Err(TryLockError::Error(e)) => return Err(e).with_context(|| format!("cannot lock {}", path.display())),
    }
    file.set_len(0)?;
    file.rewind()?;
    writeln!(file, "{}", std::process::id())?;
    file.flush()?;
    Ok(Some(ProcessLock { _file: file, path }))
}

fn sidecar(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".lock");
    db.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file_and_others_none() {
        assert_eq!(sqlite_file("sqlite://panelist.db?mode=rwc"), Some(PathBuf::from("panelist.db")));
        assert_eq!(sqlite_file("sqlite:///tmp/x/bot.db"), Some(PathBuf::from("/tmp/x/bot.db")));
        assert_eq!(sqlite_file("sqlite:bot.db"), Some(PathBuf::from("bot.db")));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://u@h/db"), None);
        assert_eq!(sidecar(Path::new("/a/bot.db")), PathBuf::from("/a/bot.db.lock"));
    }

    #[test]
    fn a_second_lock_on_the_same_file_is_refused_and_free_once_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("bot.db").display());
        let first = lock_sqlite(&url).unwrap().expect("a lock");
        let err = lock_sqlite(&url).unwrap_err().to_string();
        assert!(err.contains("is in use by another panelist process"), "{err}");
        assert!(err.contains(&format!("pid {}", std::process::id())), "{err}");
        drop(first);
        assert!(lock_sqlite(&url).unwrap().is_some());
    }
}
