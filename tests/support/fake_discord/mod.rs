//! An in-process fake Discord (REST under `/api/v10` + WebSocket gateway) on 127.0.0.1 that
//! the real serenity/poise client talks to; `FakeDiscord` is the handle tests hold.
//! The bot reaches it through `DISCORD_API_BASE` (serenity's `proxy`, with its rate limiter off),
//! or through `DISCORD_TLS_PROXY` (requests to https://discord.com tunnelled to the fake, which
//! speaks TLS as discord.com: serenity's rate limiter on, see `tls`);
//! serenity finds the gateway through `GET /api/v10/gateway`, so a broken fake shows as a hang.

mod faults;
mod gateway;
mod guild;
mod inspect;
mod interactions;
mod models;
pub mod payloads;
mod rest;
mod routes;
mod state;
mod tls;
mod validate;

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use serenity::http::{Http, HttpBuilder};
use serenity::model::id::ApplicationId;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

// Re-exports for the test files; each uses a different subset.
#[allow(unused_imports)]
pub use faults::{Fault, FaultKind};
#[allow(unused_imports)]
pub use guild::{guild_create_json, ready_json, shard_of, GuildSpec};
#[allow(unused_imports)]
pub use models::{
    application_info_json, attachment_json, command_json, dm_channel_json, member_json, message_json, now, perms, role_json, snowflake,
    text_channel_json, thread_json, FakeUser, ATTACHMENT_SIZE_LIMIT,
};
#[allow(unused_imports)]
pub use payloads::{opt, Origin, Place};
#[allow(unused_imports)]
pub use state::{FakeConfig, LateAck, RecordedFile, RecordedRequest, Violation, CONTRACT_CODES};
#[allow(unused_imports)]
pub use validate::{check_dispatch, limits};

use gateway::Out;
use state::{Shared, State};

/// A running fake Discord. Dropping it stops accepting new connections, and panics (failing
/// the test) if the fake refused a request the way Discord refuses a broken contract (a late
/// or second acknowledgement, an expired token, an empty or oversized body), unless the test
/// called `expect_refusals`. Waits check the same on every poll.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    server: JoinHandle<()>,
    /// The TLS-intercepting proxy (`tls_proxy`) and its port.
    tls: JoinHandle<()>,
    tls_port: u16,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        self.server.abort();
        self.tls.abort();
        if !std::thread::panicking() {
            self.assert_contract_kept();
        }
    }
}

impl FakeDiscord {
    /// Starts a fake with `FakeConfig::default()` (one guild, one text channel).
    pub async fn start() -> Self {
        Self::start_with(FakeConfig::default()).await
    }

    pub async fn start_with(config: FakeConfig) -> Self {
        assert!(config.heartbeat_interval_ms >= 1000, "serenity needs heartbeat_interval >= 1000");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        let mut state = State::default();
        state.users.insert(config.bot.id, config.bot.clone());
        for guild in &config.guilds {
            for user in std::iter::once(&guild.owner).chain(&guild.members) {
                state.users.insert(user.id, user.clone());
            }
            for (i, (id, name)) in guild.channels.iter().enumerate() {
                state.channels.insert(*id, text_channel_json(guild.id, *id, name, i as u16));
            }
        }
        let shared = Arc::new(Shared {
            config,
            port,
            state: Mutex::new(state),
            changed: Notify::new(),
        });
        let app = rest::router(Arc::clone(&shared));
        let tls_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let tls_port = tls_listener.local_addr().expect("local addr").port();
        let tls = tokio::spawn(tls::serve(tls_listener, app.clone()));
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("fake Discord server");
        });
        Self {
            shared,
            server,
            tls,
            tls_port,
        }
    }

    // ---- addresses and identities ----

    /// What to give `HttpBuilder::proxy`: `http://127.0.0.1:PORT`.
    pub fn api_base(&self) -> String {
        format!("http://127.0.0.1:{}", self.shared.port)
    }

    /// What to give `DISCORD_TLS_PROXY`: an HTTPS proxy that intercepts discord.com, whose
    /// certificate chains to [`FakeDiscord::tls_ca_pem`].
    pub fn tls_proxy(&self) -> String {
        format!("http://127.0.0.1:{}", self.tls_port)
    }

    /// The PEM of the test CA the bot must trust to talk through [`FakeDiscord::tls_proxy`].
    pub fn tls_ca_pem(&self) -> &'static str {
        tls::CA_PEM
    }

    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url()
    }

    pub fn config(&self) -> &FakeConfig {
        &self.shared.config
    }

    pub fn token(&self) -> &str {
        &self.shared.config.token
    }

    pub fn bot_user(&self) -> &FakeUser {
        &self.shared.config.bot
    }

    pub fn application_id(&self) -> u64 {
        self.shared.config.application_id
    }

    /// The first configured guild.
    pub fn guild(&self) -> &GuildSpec {
        self.shared.config.guilds.first().expect("no guild configured")
    }

    pub fn guild_id(&self) -> u64 {
        self.guild().id
    }

    /// The first text channel of the first guild.
    pub fn channel_id(&self) -> u64 {
        self.guild().default_channel()
    }

    /// A serenity `Http` wired to the fake (proxy, rate limiter off, application id set).
    pub fn http(&self) -> Http {
        self.http_with_token(self.token())
    }

    pub fn http_with_token(&self, token: &str) -> Http {
        HttpBuilder::new(token)
            .proxy(self.api_base())
            .ratelimiter_disabled(true)
            .application_id(ApplicationId::new(self.application_id()))
            .build()
    }

    // ---- origins for payload builders ----

    /// `user` acting in the default guild channel.
    pub fn in_guild(&self, user: &FakeUser) -> Origin {
        self.in_channel(self.guild_id(), self.channel_id(), user)
    }

    pub fn in_channel(&self, guild_id: u64, channel_id: u64, user: &FakeUser) -> Origin {
        self.remember_user(user);
        Origin::new(self.application_id(), Place::Guild { guild_id, channel_id }, user)
    }

    /// `user` acting in a thread the fake knows (e.g. one the bot created).
    pub fn in_thread(&self, thread_id: u64, user: &FakeUser) -> Origin {
        self.remember_user(user);
        let thread = self.channel(thread_id).unwrap_or_else(|| panic!("unknown thread {thread_id}"));
        let id = |key: &str| state::id_of(thread.get(key)).unwrap_or_else(|| panic!("thread without {key}"));
        let place = Place::Thread {
            guild_id: id("guild_id"),
            parent_id: id("parent_id"),
            thread_id,
            private: thread["type"] == 12,
        };
        Origin::new(self.application_id(), place, user)
    }

    /// `user` acting in their DM with the bot (the DM channel is created if needed).
    pub fn in_dm(&self, user: &FakeUser) -> Origin {
        let channel_id = self.dm_channel_id(user);
        Origin::new(self.application_id(), Place::Dm { channel_id }, user)
    }

    /// The id of the DM channel between the bot and `user`.
    pub fn dm_channel_id(&self, user: &FakeUser) -> u64 {
        self.shared.lock().dm_channel(user)
    }

    fn remember_user(&self, user: &FakeUser) {
        self.shared.lock().users.entry(user.id).or_insert_with(|| user.clone());
    }

    /// Hosts `bytes` on the fake's CDN and returns the attachment object pointing at them (for
    /// `resolved.attachments` of a slash command).
    pub fn host_attachment(&self, filename: &str, bytes: &[u8], content_type: Option<&str>) -> Value {
        let id = snowflake();
        self.shared.lock().cdn.insert(id, bytes.to_vec());
        let mut a = attachment_json(id, filename, bytes.len(), content_type);
        let url = format!("{}/cdn/attachments/{id}/{filename}", self.api_base());
        a["url"] = json!(url);
        a["proxy_url"] = json!(url);
        a
    }

    // ---- failure switches ----

    /// DMs to `user_id` fail with 403 / 50007 from now on.
    pub fn close_dms(&self, user_id: u64) {
        self.shared.lock().closed_dms.insert(user_id);
    }

    pub fn open_dms(&self, user_id: u64) {
        self.shared.lock().closed_dms.remove(&user_id);
    }

    /// Reject every token: REST answers 401, IDENTIFY/RESUME get close code 4004.
    /// (A token other than `config.token` is always rejected.)
    pub fn set_reject_token(&self, reject: bool) {
        self.shared.lock().reject_token = reject;
    }

    // ---- gateway ----

    /// Sends a dispatch (op 0) to the sessions whose shard receives it, after checking that
    /// serenity accepts it (panics otherwise). Before any client identified, it is held and
    /// delivered right after the next READY/GUILD_CREATE. The fake learns the channel, user
    /// and interaction it mentions, so replies to it work.
    pub fn dispatch(&self, event: &str, data: Value) {
        if let Err(e) = check_dispatch(event, &data) {
            panic!("invalid {event} payload: {e}\n{data:#}");
        }
        self.dispatch_unchecked(event, data);
    }

    /// `dispatch` without the serenity check (for deliberately malformed events).
    pub fn dispatch_unchecked(&self, event: &str, data: Value) {
        let mut st = self.shared.lock();
        st.learn_from_event(event, &data);
        st.gateway.dispatch(event, &data, true);
        drop(st);
        self.shared.changed.notify_waiters();
    }

    /// Sends a dispatch to shard `shard`'s session only, whatever the event's guild (checked
    /// like `dispatch`); `false` when no client identified as that shard.
    pub fn dispatch_on_shard(&self, shard: u32, event: &str, data: Value) -> bool {
        if let Err(e) = check_dispatch(event, &data) {
            panic!("invalid {event} payload: {e}\n{data:#}");
        }
        let mut st = self.shared.lock();
        st.learn_from_event(event, &data);
        let sent = st.gateway.dispatch_on_shard(shard, event, &data);
        drop(st);
        self.shared.changed.notify_waiters();
        sent
    }

    /// The shards clients have identified as, `[id, total]` each, in the order they did.
    pub fn identified_shards(&self) -> Vec<[u32; 2]> {
        self.shared.lock().gateway.sessions.iter().map(|s| s.shard).collect()
    }

    pub fn push_interaction(&self, interaction: Value) {
        self.dispatch("INTERACTION_CREATE", interaction);
    }

    pub fn push_message(&self, message: Value) {
        self.dispatch("MESSAGE_CREATE", message);
    }

    /// Sends op 7 RECONNECT on every connection; serenity then RESUMEs on a new one.
    pub fn reconnect(&self) {
        self.shared
            .lock()
            .gateway
            .broadcast(&Out::Text(json!({"op": 7, "d": null}).to_string()));
    }

    /// Closes every connection with `code` (4000 unknown error: serenity resumes; 4004:
    /// authentication failed: serenity gives up).
    pub fn close_connections(&self, code: u16) {
        self.shared
            .lock()
            .gateway
            .broadcast(&Out::Close(code, "closed by the test".to_owned()));
    }

    /// Every REST request from now on, as it is recorded (for a load generator).
    pub fn tap(&self) -> tokio::sync::mpsc::UnboundedReceiver<RecordedRequest> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        self.shared.lock().tap = Some(tx);
        rx
    }

    /// Injects a REST fault (from outside the bot); faults apply in the order added.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    /// Removes every injected fault not yet used up.
    pub fn heal(&self) {
        self.shared.lock().faults.clear();
    }

    /// From now on a RESUME also replays the last `n` dispatches the client had already seen.
    pub fn replay_on_resume(&self, n: usize) {
        self.shared.lock().gateway.replay_seen = n;
    }

    /// How many already-seen dispatches RESUMEs have replayed so far.
    pub fn replayed_count(&self) -> usize {
        self.shared.lock().gateway.replayed
    }

    /// Sends op 9 INVALID SESSION on every connection.
    pub fn invalidate_session(&self, resumable: bool) {
        let frame = json!({"op": 9, "d": resumable}).to_string();
        self.shared.lock().gateway.broadcast(&Out::Text(frame));
    }

    pub fn identify_count(&self) -> usize {
        self.shared.lock().gateway.identifies
    }

    pub fn resume_count(&self) -> usize {
        self.shared.lock().gateway.resumes
    }

    pub fn heartbeat_count(&self) -> usize {
        self.shared.lock().gateway.heartbeats
    }

    pub fn open_connections(&self) -> usize {
        self.shared.lock().gateway.conns.len()
    }

    /// Every frame clients sent (op, d), tokens redacted.
    pub fn gateway_frames(&self) -> Vec<Value> {
        self.shared.lock().gateway.received.clone()
    }
}
