//! The one writer of accepted inputs on SQLite, with group commit. SQLite lets one connection
//! write at a time; inputs from many tasks each taking a pooled connection and contending for
//! its write lock spend their time in the busy handler's sleeps and in thread hand-offs. Here
//! every input goes into one bounded queue, in the order it came, and one task writes them:
//! it takes what is queued (up to [`MAX_BATCH`]), writes each input inside a savepoint of one
//! transaction (so each keeps its own rules: the version check, the idempotency key; a
//! conflict or a duplicate rolls back that input alone), commits once, and only then tells
//! each caller its result. Nothing is acknowledged before the commit that made it durable; a
//! failed commit fails every input of the batch (none of them was stored).
//!
//! The queue is the admission control: a burst waits in it in order (instead of timing out on
//! the pool), and only an input that cannot even get into the queue within [`ADMIT_WAIT`] is
//! refused, with [`Busy`]. The writer's connection is taken from the pool once (so it has the
//! pool's pragmas) and detached from it; reads keep the pool.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::{Acquire, AnyConnection, AnyPool, Connection};
use tokio::sync::{mpsc, oneshot};

use super::persist::{write_input, Event, Wrote};
use super::sessions::Persisted;
use super::snapshot::Change;
use super::start::{write_start, Start};

/// Inputs committed together at most (a batch holds the write lock while it is written).
pub(super) const MAX_BATCH: usize = 64;
/// Inputs waiting at most; a sender beyond it waits for room, in order.
pub(super) const QUEUE: usize = 8192;
/// How often the WAL is checkpointed beside the writer (when it committed meanwhile).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);
/// How long an input may wait for room in a full queue before it is refused as [`Busy`].
pub(super) const ADMIT_WAIT: Duration = Duration::from_secs(20);

/// The database is overloaded: the input was not stored (nothing of it was written); the user
/// may try again in a moment.
#[derive(Debug, thiserror::Error)]
#[error("the database is busy: the input was not stored")]
pub struct Busy;

/// What one job writes: an accepted input, or a new session.
enum Work {
    Input(Change, Event),
    Start(Start),
}

struct Job {
    work: Work,
    /// The result, with when the batch holding the input began (for [`crate::stages`]).
    reply: oneshot::Sender<(anyhow::Result<Persisted>, Instant)>,
}

enum Msg {
    Write(Box<Job>),
    /// Finish what is queued, close the connection, stop.
    Close(oneshot::Sender<()>),
}

/// The handle every clone of the store shares.
#[derive(Clone)]
pub(super) struct Writer {
    tx: mpsc::Sender<Msg>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").field("queued", &(QUEUE - self.tx.capacity())).finish()
    }
}

impl Writer {
    /// Starts the writer task on the current runtime. A committed input that rewrote a session
    /// of the older layout takes its id out of `legacy` (the store's set of them).
    pub(super) fn start(pool: AnyPool, legacy: Arc<Mutex<HashSet<String>>>) -> Writer {
        let (tx, rx) = mpsc::channel(QUEUE);
        let commits = Arc::new(AtomicU64::new(0));
        tokio::spawn(checkpoints(pool.clone(), commits.clone(), tx.downgrade()));
        tokio::spawn(run(pool, rx, legacy, commits));
        Writer { tx }
    }

    /// Queues one accepted input and waits for the commit that stores it (or for its refusal).
    pub(super) async fn queue_input(&self, change: Change, event: Event) -> anyhow::Result<Persisted> {
        self.write(Work::Input(change, event)).await
    }

    /// Queues a new session likewise; one whose row or key exists already comes back as
    /// [`Persisted::Duplicate`].
    pub(super) async fn queue_start(&self, start: Start) -> anyhow::Result<Persisted> {
        self.write(Work::Start(start)).await
    }

    async fn write(&self, work: Work) -> anyhow::Result<Persisted> {
        let (reply, answer) = oneshot::channel();
        let msg = Msg::Write(Box::new(Job { work, reply }));
        match tokio::time::timeout(ADMIT_WAIT, self.tx.send(msg)).await {
            Err(_) => return Err(Busy.into()),
            Ok(Err(_)) => anyhow::bail!("the store is closed"),
            Ok(Ok(())) => {}
        }
        let (result, began) = answer
            .await
            .map_err(|_| anyhow::anyhow!("the store's writer stopped before the input was stored"))?;
        crate::stages::mark_at(crate::stages::Stage::Queue, began);
        crate::stages::mark(crate::stages::Stage::Commit);
        result
    }

    /// Writes what is queued, then stops the writer and closes its connection.
    pub(super) async fn close(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Msg::Close(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

/// Checkpoints the WAL from a pooled connection while the writer commits: the writer's own
/// connection never checkpoints (`wal_autocheckpoint = 0`), since SQLite would run it inside
/// the commit that crossed the threshold and every input queued behind it would wait. PASSIVE:
/// it copies what no reader still needs and never blocks the writer. Stops with the writer.
async fn checkpoints(pool: AnyPool, commits: Arc<AtomicU64>, writer: mpsc::WeakSender<Msg>) {
    let mut seen = 0;
    loop {
        tokio::time::sleep(CHECKPOINT_EVERY).await;
        if writer.upgrade().is_none() || pool.is_closed() {
            return;
        }
        let now = commits.load(Ordering::Relaxed);
        if now == seen {
            continue;
        }
        seen = now;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            tracing::debug!(error = %e, "a WAL checkpoint failed; the next one catches up");
        }
    }
}

async fn run(pool: AnyPool, mut rx: mpsc::Receiver<Msg>, legacy: Arc<Mutex<HashSet<String>>>, commits: Arc<AtomicU64>) {
    let mut conn: Option<AnyConnection> = None;
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    let mut closing = None;
    while closing.is_none() {
        let Some(first) = rx.recv().await else { break };
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Write(job) => batch.push(*job),
                Msg::Close(done) => {
                    closing = Some(done);
                    break;
                }
            }
            if batch.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        if !batch.is_empty() {
            commit_batch(&pool, &mut conn, &mut batch, &legacy).await;
            commits.fetch_add(1, Ordering::Relaxed);
        }
    }
    if let Some(c) = conn.take() {
        let _ = c.close().await;
    }
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

/// Writes `batch` in one transaction and answers each job; empties `batch`.
async fn commit_batch(pool: &AnyPool, conn: &mut Option<AnyConnection>, batch: &mut Vec<Job>, legacy: &Mutex<HashSet<String>>) {
    let began = Instant::now();
    let results = match write_batch(pool, conn, batch).await {
        Ok(results) => results,
        Err(e) => {
            // The connection may be what failed: the next batch takes a fresh one.
            *conn = None;
            let msg = format!("{e:#}");
            for job in batch.drain(..) {
                let _ = job.reply.send((Err(anyhow::anyhow!("storing the input failed: {msg}")), began));
            }
            return;
        }
    };
    for (job, result) in batch.drain(..).zip(results) {
        if let Work::Input(change, _) = &job.work {
            if change.upgrade && matches!(result, Ok(Persisted::Done)) {
                if let Ok(mut l) = legacy.lock() {
                    l.remove(&change.id);
                }
            }
        }
        let _ = job.reply.send((result, began));
    }
}

/// One transaction for the batch, a savepoint per input; `Err` when the transaction as a whole
/// failed (then no input of it was stored).
async fn write_batch(pool: &AnyPool, conn: &mut Option<AnyConnection>, batch: &[Job]) -> anyhow::Result<Vec<anyhow::Result<Persisted>>> {
    if conn.is_none() {
        let mut c = pool.acquire().await?.detach();
        // Checkpoints run beside the writer (see `checkpoints`), not inside its commits.
        sqlx::query("PRAGMA wal_autocheckpoint = 0").execute(&mut c).await?;
        *conn = Some(c);
    }
    let Some(c) = conn.as_mut() else { unreachable!() };
    let mut tx = Connection::begin(c).await?;
    let mut results = Vec::with_capacity(batch.len());
    // Until one input is written the batch does not hold the write lock: an error then (the
    // lock held elsewhere past busy_timeout) would repeat for every input, one timeout each,
    // so it fails the batch at once. After that, an error is the input's own.
    let mut locked = false;
    for job in batch {
        let mut sp = (&mut tx).begin().await?;
        let wrote = match &job.work {
            Work::Input(change, event) => write_input(&mut sp, change, event).await,
            Work::Start(start) => write_start(&mut sp, start)
                .await
                .map(|new| if new { Wrote::Done } else { Wrote::Exists }),
        };
        let result = match wrote {
            Ok(Wrote::Done) => {
                sp.commit().await?;
                locked = true;
                Ok(Persisted::Done)
            }
            Ok(Wrote::Conflict) => {
                sp.rollback().await?;
                Ok(Persisted::Conflict)
            }
            Ok(Wrote::KeyTaken) => {
                sp.rollback().await?;
                // Inside the transaction: an earlier input of this batch counts.
                match &job.work {
                    Work::Input(_, event) => super::persist::key_outcome(&mut *tx, &event.key).await,
                    Work::Start(_) => Ok(Persisted::Duplicate),
                }
            }
            Ok(Wrote::Exists) => {
                sp.rollback().await?;
                Ok(Persisted::Duplicate)
            }
            Err(e) if !locked => return Err(e),
            Err(e) => {
                sp.rollback().await?;
                Err(e)
            }
        };
        results.push(result);
    }
    tx.commit().await?;
    Ok(results)
}
