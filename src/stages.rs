//! Where the time of one interaction goes, stage by stage (bench instrumentation, off unless
//! [`enable`]d): the adapter wraps the handling of an interaction in [`traced`], and the
//! engine, the store and the REST facade [`mark`] the end of each stage they run in that task.
//! Imports nothing of the crate, so every layer may record into it.

use std::cell::RefCell;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The stages, in the order an interaction passes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The idempotency read: was this interaction applied before?
    Seen,
    /// The adapter's load of the session (a version read, and the session when not kept).
    Load,
    /// Waiting for the session's turn (another input to it in flight in this process).
    Turn,
    /// Reloads after a version conflict, and the wait before each.
    Reload,
    /// The pack, the core's `step`, the change to write.
    Step,
    /// Waiting in the SQLite writer's queue until the batch holding the input began.
    Queue,
    /// Writing the batch and its commit.
    Commit,
    /// From the commit to the first REST call: rendering, building the response.
    Render,
}

/// Every stage, in order (indexes into [`Trace::spent`]).
pub const ALL: [Stage; 8] = [
    Stage::Seen,
    Stage::Load,
    Stage::Turn,
    Stage::Reload,
    Stage::Step,
    Stage::Queue,
    Stage::Commit,
    Stage::Render,
];

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Seen => "seen",
            Stage::Load => "load",
            Stage::Turn => "turn",
            Stage::Reload => "reload",
            Stage::Step => "step",
            Stage::Queue => "queue",
            Stage::Commit => "commit",
            Stage::Render => "render",
        }
    }
}

/// One interaction's timings.
#[derive(Clone, Debug)]
pub struct Trace {
    /// The interaction's token (what the bench knows it by).
    pub key: String,
    /// When the handler began.
    pub start: Instant,
    /// When the first REST call began (none: the handler sent nothing itself).
    pub rest_at: Option<Instant>,
    /// Time spent in each stage of [`ALL`], by index.
    pub spent: [Duration; ALL.len()],
    last: Instant,
}

static ON: AtomicBool = AtomicBool::new(false);
static DONE: Mutex<Vec<Trace>> = Mutex::new(Vec::new());

tokio::task_local! {
    static CURRENT: RefCell<Trace>;
}

/// Records from now on (the bench calls it; nothing is recorded otherwise).
pub fn enable() {
    ON.store(true, Ordering::Relaxed);
}

/// Runs `work` with a trace named by `key` when recording is on.
pub async fn traced<T>(key: impl FnOnce() -> String, work: impl Future<Output = T>) -> T {
    if !ON.load(Ordering::Relaxed) {
        return work.await;
    }
    let now = Instant::now();
    let trace = Trace {
        key: key(),
        start: now,
        rest_at: None,
        spent: [Duration::ZERO; ALL.len()],
        last: now,
    };
    let (out, trace) = CURRENT
        .scope(RefCell::new(trace), async {
            let out = work.await;
            (out, CURRENT.with(|t| t.borrow().clone()))
        })
        .await;
    if let Ok(mut done) = DONE.lock() {
        done.push(trace);
    }
    out
}

/// The stage `stage` of the current trace (if any) ended now.
pub fn mark(stage: Stage) {
    mark_at(stage, Instant::now());
}

/// The stage `stage` of the current trace (if any) ended at `at` (not before the last mark).
pub fn mark_at(stage: Stage, at: Instant) {
    let _ = CURRENT.try_with(|t| {
        let mut t = t.borrow_mut();
        let last = t.last;
        let at = at.max(last);
        let i = ALL.iter().position(|s| *s == stage).unwrap_or(0);
        t.spent[i] += at - last;
        t.last = at;
    });
}

/// A REST call begins: the first of the current trace ends its render stage.
pub fn rest_begins() {
    let first = CURRENT.try_with(|t| t.borrow().rest_at.is_none()).unwrap_or(false);
    if first {
        mark(Stage::Render);
        let _ = CURRENT.try_with(|t| t.borrow_mut().rest_at = Some(Instant::now()));
    }
}

/// Takes every finished trace recorded so far.
pub fn take() -> Vec<Trace> {
    DONE.lock().map(|mut d| std::mem::take(&mut *d)).unwrap_or_default()
}
