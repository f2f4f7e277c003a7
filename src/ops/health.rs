//! `/healthz`: healthy when every shard this process runs is connected to the gateway and the
//! database answers; otherwise unavailable, with each part's status so the operator sees which.

use serde::Serialize;
use serde_json::json;

/// One gateway shard of this process, as the adapter last saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShardState {
    pub id: u32,
    /// serenity's connection stage in lower case (`connected`, `resuming`, ...), or `starting`
    /// before its runner exists.
    pub stage: String,
    /// Time from the last heartbeat to its acknowledgement.
    pub latency_ms: Option<u64>,
}

impl ShardState {
    pub fn connected(&self) -> bool {
        self.stage == "connected"
    }
}

/// Whether the process is healthy, and the JSON body saying why (or why not).
pub fn report(shards: &[ShardState], database_ok: bool, draining: bool) -> (bool, serde_json::Value) {
    let ok = !shards.is_empty() && shards.iter().all(ShardState::connected) && database_ok && !draining;
    let body = json!({
        "status": if ok { "ok" } else { "unavailable" },
        "shards": shards,
        "database": if database_ok { "ok" } else { "unreachable" },
        "draining": draining,
    });
    (ok, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(id: u32, stage: &str) -> ShardState {
        ShardState {
            id,
            stage: stage.into(),
            latency_ms: None,
        }
    }

    #[test]
    fn healthy_only_with_every_shard_connected_and_the_database_up() {
        let up = [shard(0, "connected"), shard(1, "connected")];
        assert!(report(&up, true, false).0);
        assert!(!report(&up, false, false).0);
        assert!(!report(&up, true, true).0, "a draining process takes no traffic");
        assert!(!report(&[], true, false).0, "no shard yet is not healthy");
        let (ok, body) = report(&[shard(0, "connected"), shard(1, "resuming")], true, false);
        assert!(!ok);
        assert_eq!(body["shards"][1]["stage"], "resuming");
        assert_eq!(body["status"], "unavailable");
    }
}
