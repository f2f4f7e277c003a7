//! The recording facade: one line at a call site (`metrics::rest("channel_post", fut).await`,
//! `metrics::outcome(&o)`, `let _t = metrics::handling("message")`). Counters live in one
//! process-wide registry, like `tracing`'s dispatcher, so call sites need no handle; the figures
//! read from the database (sessions, outbox) are taken when `/metrics` is scraped.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

use crate::engine::Outcome;

/// Upper bounds (seconds) of the latency histograms' buckets.
pub const BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

#[derive(Default, Clone, Debug)]
pub struct Histogram {
    /// Per bucket (same order as [`BUCKETS`]), not cumulative.
    pub counts: [u64; BUCKETS.len()],
    pub count: u64,
    pub sum: f64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.counts[i] += 1;
        }
        self.count += 1;
        self.sum += secs;
    }
}

/// What the process has counted since it started.
#[derive(Default)]
pub struct Registry {
    pub(super) applied: AtomicU64,
    pub(super) rejected: AtomicU64,
    pub(super) duplicate: AtomicU64,
    /// Events refused because shutdown had begun.
    pub(super) refused_draining: AtomicU64,
    /// Per route: (calls, errors).
    pub(super) rest: Mutex<BTreeMap<&'static str, (u64, u64)>>,
    /// Per event kind: time from receipt to the handler's end.
    pub(super) handling: Mutex<BTreeMap<&'static str, Histogram>>,
    /// Per route: time a REST call took.
    pub(super) rest_seconds: Mutex<BTreeMap<&'static str, Histogram>>,
}

pub(super) static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::default);

/// Counts what the engine did with an input (applied, rejected, duplicate).
pub fn outcome(o: &Outcome) {
    let c = match o {
        Outcome::Applied(_) => &REGISTRY.applied,
        Outcome::Rejected(_) => &REGISTRY.rejected,
        Outcome::Duplicate => &REGISTRY.duplicate,
    };
    c.fetch_add(1, Ordering::Relaxed);
}

/// Runs one Discord REST call, counting it (and its failure) under `route`, and timing it.
pub async fn rest<T, E>(route: &'static str, call: impl Future<Output = Result<T, E>>) -> Result<T, E> {
    crate::stages::rest_begins();
    let started = Instant::now();
    let result = call.await;
    if let Ok(mut m) = REGISTRY.rest.lock() {
        let e = m.entry(route).or_default();
        e.0 += 1;
        e.1 += u64::from(result.is_err());
    }
    if let Ok(mut m) = REGISTRY.rest_seconds.lock() {
        m.entry(route).or_default().observe(started.elapsed().as_secs_f64());
    }
    result
}

/// An event refused because the process is shutting down.
pub fn refused_draining() {
    REGISTRY.refused_draining.fetch_add(1, Ordering::Relaxed);
}

/// Times handling one event of `kind` until the returned guard drops.
pub fn handling(kind: &'static str) -> Timer {
    Timer {
        kind,
        started: Instant::now(),
    }
}

pub struct Timer {
    kind: &'static str,
    started: Instant,
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Ok(mut m) = REGISTRY.handling.lock() {
            m.entry(self.kind).or_default().observe(self.started.elapsed().as_secs_f64());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_puts_each_observation_in_its_first_fitting_bucket() {
        let mut h = Histogram::default();
        for s in [0.001, 0.005, 0.2, 100.0] {
            h.observe(s);
        }
        assert_eq!(h.counts[0], 2);
        assert_eq!(h.counts[5], 1);
        assert_eq!(h.counts.iter().sum::<u64>(), 3, "above the last bucket only +Inf counts it");
        assert_eq!(h.count, 4);
    }
}
