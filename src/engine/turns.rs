//! One input at a time per session in this process: inputs to the same session (parts typed
//! quickly, a click among them) take turns instead of racing on its version and reloading.
//! Other processes can still race; the stored version settles that (see `apply`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::{Mutex as Turn, OwnedMutexGuard};

/// Sessions with an input in flight or waiting, by id; entries die with their last holder.
#[derive(Default)]
pub(super) struct Turns {
    by_id: Mutex<HashMap<String, Weak<Turn<()>>>>,
}

impl Turns {
    /// Waits until no other input of this process is being applied to session `id`; the turn
    /// lasts as long as the guard.
    pub(super) async fn take(&self, id: &str) -> OwnedMutexGuard<()> {
        let turn = {
            let mut map = self.by_id.lock().unwrap_or_else(|e| e.into_inner());
            match map.get(id).and_then(Weak::upgrade) {
                Some(t) => t,
                None => {
                    // Forget sessions nobody waits for any more, so the map stays as small as
                    // the number of sessions with inputs in flight.
                    if map.len() >= 64 {
                        map.retain(|_, w| w.strong_count() > 0);
                    }
                    let t = Arc::new(Turn::new(()));
                    map.insert(id.to_string(), Arc::downgrade(&t));
                    t
                }
            }
        };
        turn.lock_owned().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn inputs_to_one_session_take_turns_and_others_do_not_wait() {
        let turns = Arc::new(Turns::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (turns, inside, most) = (turns.clone(), inside.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                let _turn = turns.take("s1").await;
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                inside.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        // Another session's turn is free while s1's are taken.
        let held = turns.take("s1").await;
        let other = tokio::time::timeout(std::time::Duration::from_secs(1), turns.take("s2")).await;
        assert!(other.is_ok(), "s2 does not wait for s1");
        drop(held);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1, "never two inputs of s1 at once");
        drop(other);
        assert!(
            turns.by_id.lock().unwrap().values().all(|w| w.strong_count() == 0),
            "no turn outlives its holders"
        );
    }
}
