//! Running the bot as a service: what an operator sees and controls of one process. Counters
//! and histograms behind a one-line facade ([`metrics`]), the per-process state that health and
//! shutdown share ([`Ops`]: shard status, draining, handlers in flight), and the HTTP endpoint
//! `PANELIST_METRICS_ADDR` serves (`/healthz`, Prometheus `/metrics`). It sits above `engine`
//! and `store` (it reads their figures) and below the adapters that record into it.

pub mod health;
mod inflight;
pub mod metrics;
mod server;
mod text;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

pub use health::ShardState;
pub use inflight::{InFlight, Ticket};
pub use server::{bind, serve};

/// What health checks and shutdown share in one process; cheap to clone.
#[derive(Clone, Default)]
pub struct Ops {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    shards: Mutex<Vec<ShardState>>,
    draining: AtomicBool,
    in_flight: InFlight,
}

impl Ops {
    /// The shards this process runs and how each is doing (published by the adapter).
    pub fn set_shards(&self, shards: Vec<ShardState>) {
        if let Ok(mut s) = self.inner.shards.lock() {
            *s = shards;
        }
    }

    pub fn shards(&self) -> Vec<ShardState> {
        self.inner.shards.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// From now on no new event is taken (shutdown has begun).
    pub fn start_draining(&self) {
        self.inner.draining.store(true, Ordering::SeqCst);
    }

    pub fn draining(&self) -> bool {
        self.inner.draining.load(Ordering::SeqCst)
    }

    /// Event handlers still running.
    pub fn in_flight(&self) -> &InFlight {
        &self.inner.in_flight
    }
}
