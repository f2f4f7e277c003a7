//! Counting the event handlers still running, so shutdown can wait for them (boundedly) before
//! it closes the database under them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

#[derive(Default, Clone)]
pub struct InFlight {
    count: Arc<AtomicUsize>,
    idle: Arc<Notify>,
}

/// One handler in flight; dropping it (however the handler ends) counts it out.
pub struct Ticket(InFlight);

impl InFlight {
    pub fn enter(&self) -> Ticket {
        self.count.fetch_add(1, Ordering::SeqCst);
        Ticket(self.clone())
    }

    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// Waits until no handler runs, at most `bound`; returns how many still run.
    pub async fn drained(&self, bound: Duration) -> usize {
        let wait = async {
            loop {
                let idle = self.idle.notified();
                if self.count() == 0 {
                    return;
                }
                idle.await;
            }
        };
        let _ = tokio::time::timeout(bound, wait).await;
        self.count()
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn drained_waits_for_every_ticket_and_gives_up_at_the_bound() {
        let f = InFlight::default();
        let a = f.enter();
        let b = f.enter();
        assert_eq!(f.count(), 2);
        let waiter = tokio::spawn({
            let f = f.clone();
            async move { f.drained(Duration::from_secs(30)).await }
        });
        drop(a);
        assert_eq!(f.count(), 1);
        drop(b);
        assert_eq!(waiter.await.unwrap(), 0);
        let _c = f.enter();
        assert_eq!(
            f.drained(Duration::from_millis(20)).await,
            1,
            "a handler that never ends is left behind"
        );
    }
}
