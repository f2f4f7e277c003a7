//! What tests read back from the fake: recorded REST requests, stored messages, channels and
//! commands, and the waits (each with a timeout that panics with everything recorded).

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use super::state::{self, LateAck, RecordedRequest, Violation};
use super::FakeDiscord;

impl FakeDiscord {
    /// Waits until a client has sent IDENTIFY (and got READY, if its token was accepted).
    pub async fn wait_identified(&self, timeout: Duration) {
        self.wait_identify_count(1, timeout).await;
    }

    pub async fn wait_identify_count(&self, n: usize, timeout: Duration) {
        self.wait_for(&format!("{n} IDENTIFY"), timeout, |fake| (fake.identify_count() >= n).then_some(()))
            .await;
    }

    pub async fn wait_resume_count(&self, n: usize, timeout: Duration) {
        self.wait_for(&format!("{n} RESUME"), timeout, |fake| (fake.resume_count() >= n).then_some(()))
            .await;
    }

    // ---- recorded requests ----

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Recorded requests with this method whose path (without `/api/v10`) starts with `path_prefix`.
    pub fn requests_matching(&self, method: &str, path_prefix: &str) -> Vec<RecordedRequest> {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.is(method, path_prefix))
            .cloned()
            .collect()
    }

    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }

    /// The first recorded request matching `predicate` (earlier ones count), waiting for it.
    pub async fn wait_for_request(&self, predicate: impl Fn(&RecordedRequest) -> bool, timeout: Duration) -> RecordedRequest {
        self.wait_for_requests(1, predicate, timeout).await.remove(0)
    }

    /// The first `n` recorded requests matching `predicate`, waiting until there are `n`.
    pub async fn wait_for_requests(
        &self,
        n: usize,
        predicate: impl Fn(&RecordedRequest) -> bool,
        timeout: Duration,
    ) -> Vec<RecordedRequest> {
        self.wait_for(&format!("{n} matching request(s)"), timeout, |fake| {
            let requests = fake.requests(); // a snapshot: `predicate` may call the fake
            let found: Vec<_> = requests.into_iter().filter(|r| predicate(r)).take(n).collect();
            (found.len() == n).then_some(found)
        })
        .await
    }

    /// Calls `check` on every change of the fake (and every 20 ms) until it yields, or panics
    /// after `timeout` naming `what` and listing the recorded requests and gateway counters.
    /// E.g. `fake.wait_for("a thread", WAIT, |f| f.threads().pop()).await`.
    /// Panics at once if the fake refused a request for breaking Discord's contract (see
    /// `assert_contract_kept`).
    pub async fn wait_for<T>(&self, what: &str, timeout: Duration, check: impl Fn(&FakeDiscord) -> Option<T>) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            self.assert_contract_kept();
            let changed = self.shared.changed.notified();
            if let Some(found) = check(self) {
                return found;
            }
            let now = Instant::now();
            if now >= deadline {
                panic!("fake Discord: timed out after {timeout:?} waiting for {what}\n{}", self.describe());
            }
            let _ = tokio::time::timeout((deadline - now).min(Duration::from_millis(20)), changed).await;
        }
    }

    // ---- Discord's contract ----

    /// Every request the fake refused with a contract code (10062 late or unknown interaction,
    /// 40060 second acknowledgement, 50027 expired interaction token, 50006 empty message,
    /// 50035 a body over Discord's limits), oldest first.
    pub fn violations(&self) -> Vec<Violation> {
        self.shared.lock().violations.clone()
    }

    /// Callbacks that came after `FakeConfig::ack_deadline` (and got 10062).
    pub fn late_acknowledgements(&self) -> Vec<LateAck> {
        self.shared.lock().late_acks.clone()
    }

    /// For each interaction acknowledged in time, how long after the dispatch: (interaction id,
    /// callback type, delay), slowest first. Shows how close the bot comes to the deadline.
    pub fn acknowledgement_delays(&self) -> Vec<(u64, u64, Duration)> {
        let st = self.shared.lock();
        let mut out: Vec<_> = st
            .interactions
            .values()
            .filter_map(|r| Some((r.id, r.acknowledged?, r.acknowledged_after?)))
            .collect();
        out.sort_by_key(|&(_, _, after)| std::cmp::Reverse(after));
        out
    }

    pub fn assert_no_late_acknowledgements(&self) {
        let late = self.late_acknowledgements();
        assert!(
            late.is_empty(),
            "fake Discord: {} interaction(s) acknowledged after {:?}: {late:?}\n{}",
            late.len(),
            self.shared.config.ack_deadline,
            self.describe()
        );
    }

    /// For tests that provoke refusals on purpose: waits and teardown no longer panic on them
    /// (they are still recorded in `violations`).
    pub fn expect_refusals(&self) {
        self.shared.lock().refusals_expected = true;
    }

    /// Panics, listing them, if the fake refused any request for breaking Discord's contract
    /// and the test did not call `expect_refusals`.
    pub fn assert_contract_kept(&self) {
        let st = self.shared.lock();
        if st.refusals_expected || st.violations.is_empty() {
            return;
        }
        let list: Vec<String> = st.violations.iter().map(|v| format!("  {v}")).collect();
        drop(st);
        panic!(
            "fake Discord refused {} request(s) as Discord would (late/second acknowledgement, expired token, \
             empty or oversized body):\n{}\n{}",
            list.len(),
            list.join("\n"),
            self.describe()
        );
    }

    /// The recorded requests and gateway counters, for failure messages.
    pub fn describe(&self) -> String {
        let st = self.shared.lock();
        let gw = &st.gateway;
        let mut out = format!(
            "gateway: {} connection(s), {} IDENTIFY, {} RESUME, {} heartbeat(s), {} pending dispatch(es)\n",
            gw.conns.len(),
            gw.identifies,
            gw.resumes,
            gw.heartbeats,
            gw.pending.len()
        );
        for late in &st.late_acks {
            out.push_str(&format!(
                "late acknowledgement: interaction {} (callback type {}) after {:?}\n",
                late.interaction_id, late.callback_type, late.after
            ));
        }
        let skipped = st.requests.len().saturating_sub(100);
        out.push_str(&format!("{} recorded request(s):\n", st.requests.len()));
        if skipped > 0 {
            out.push_str(&format!("  ... {skipped} earlier, then:\n"));
        }
        for request in &st.requests[skipped..] {
            out.push_str(&format!("  {request}\n"));
        }
        out
    }

    // ---- what the fake stores ----

    pub fn message(&self, id: u64) -> Option<Value> {
        self.shared.lock().messages.get(&id).cloned()
    }

    /// Messages in a channel, oldest first.
    pub fn messages_in(&self, channel_id: u64) -> Vec<Value> {
        let st = self.shared.lock();
        st.messages
            .values()
            .filter(|m| state::id_of(m.get("channel_id")) == Some(channel_id))
            .cloned()
            .collect()
    }

    pub fn channel(&self, id: u64) -> Option<Value> {
        self.shared.lock().channels.get(&id).cloned()
    }

    /// Threads the fake knows, oldest first.
    pub fn threads(&self) -> Vec<Value> {
        let st = self.shared.lock();
        let mut threads: Vec<Value> = st
            .channels
            .values()
            .filter(|c| c["type"] == 11 || c["type"] == 12)
            .cloned()
            .collect();
        threads.sort_by_key(|c| state::id_of(c.get("id")));
        threads
    }

    /// Commands registered globally (`None`) or in a guild.
    pub fn registered_commands(&self, guild_id: Option<u64>) -> Vec<Value> {
        self.shared.lock().commands.get(&guild_id).cloned().unwrap_or_default()
    }

    /// The original response of the interaction with this token, once there is one.
    pub fn original_response(&self, interaction_token: &str) -> Option<Value> {
        let st = self.shared.lock();
        let id = st.interactions.get(interaction_token)?.original?;
        st.messages.get(&id).cloned()
    }
}
