//! The fake's shared state: configuration, recorded REST requests, what it knows (users,
//! channels, messages, interactions, commands), failure switches and gateway bookkeeping.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::Notify;

use super::gateway::GatewayState;
use super::guild::GuildSpec;
use super::models::{self, FakeUser};

/// How the fake is set up. `FakeConfig::default()` gives one guild with one text channel.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// The token the fake accepts (`Authorization: Bot <token>`, IDENTIFY's `token`).
    pub token: String,
    pub bot: FakeUser,
    pub application_id: u64,
    pub guilds: Vec<GuildSpec>,
    /// HELLO's `heartbeat_interval` (>= 1000).
    pub heartbeat_interval_ms: u64,
    /// `GET /gateway/bot`'s recommended `shards`.
    pub recommended_shards: u32,
    /// Like Discord, dispatch MESSAGE_CREATE / THREAD_CREATE for what the bot itself creates
    /// through REST, so a bot that reacts to its own messages is caught.
    pub echo_bot_events: bool,
    /// How long after the fake dispatched an interaction its first callback is accepted
    /// (Discord: 3 s); later ones get 404 / 10062 "Unknown interaction".
    pub ack_deadline: Duration,
    /// How long the interaction token works for follow-ups and `@original` edits (Discord:
    /// 15 min); later calls get 401 / 50027 "Invalid Webhook Token".
    pub interaction_token_lifetime: Duration,
}

impl Default for FakeConfig {
    fn default() -> Self {
        let bot_id = models::snowflake();
        Self {
            token: "fake-bot-token".to_owned(),
            bot: FakeUser::bot(bot_id, "fake-bot"),
            application_id: bot_id,
            guilds: vec![GuildSpec::new("Fake Guild")],
            heartbeat_interval_ms: 41_250,
            recommended_shards: 1,
            echo_bot_events: true,
            ack_deadline: Duration::from_secs(3),
            interaction_token_lifetime: Duration::from_secs(15 * 60),
        }
    }
}

/// A file part of a multipart request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedFile {
    /// The form field name (`files[0]`, ...).
    pub field: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// One REST call the fake received, with its answer.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// The path without the `/api/v10` prefix, e.g. `/channels/1/messages`.
    pub path: String,
    pub query: Option<String>,
    /// The JSON body, or a multipart request's `payload_json`; `Null` without either.
    pub body: Value,
    pub files: Vec<RecordedFile>,
    pub status: u16,
    /// The JSON answer (`Null` for 204).
    pub response: Value,
    /// When the request arrived.
    pub at: Instant,
}

impl RecordedRequest {
    /// A request answered with `status` and not routed (an injected fault).
    pub fn refused(method: String, path: String, query: Option<String>, body: Value, files: Vec<RecordedFile>, status: u16) -> Self {
        RecordedRequest {
            method,
            path,
            query,
            body,
            files,
            status,
            response: Value::Null,
            at: Instant::now(),
        }
    }

    /// True for this method and a path starting with `path_prefix`.
    pub fn is(&self, method: &str, path_prefix: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && self.path.starts_with(path_prefix)
    }

    /// The path's segments, e.g. `["channels", "1", "messages"]`.
    pub fn segments(&self) -> Vec<&str> {
        self.path.trim_matches('/').split('/').collect()
    }
}

impl fmt::Display for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut body = self.body.to_string();
        if body.len() > 300 {
            let cut = (0..=300).rev().find(|&i| body.is_char_boundary(i)).unwrap_or(0);
            body.truncate(cut);
            body.push_str("...");
        }
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(query) = &self.query {
            write!(f, "?{query}")?;
        }
        write!(f, " -> {} body={body}", self.status)?;
        if !self.files.is_empty() {
            let names: Vec<&str> = self.files.iter().map(|x| x.filename.as_str()).collect();
            write!(f, " files={names:?}")?;
        }
        Ok(())
    }
}

/// What the fake remembers about an interaction it dispatched.
#[derive(Clone, Debug)]
pub struct InteractionRec {
    pub id: u64,
    /// The interaction type (2 command, 3 component, 4 autocomplete, 5 modal).
    pub kind: u64,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    /// The message a component or modal sits on.
    pub message: Option<Value>,
    /// The callback type once acknowledged.
    pub acknowledged: Option<u64>,
    /// Time from the dispatch to the accepted first callback.
    pub acknowledged_after: Option<Duration>,
    /// The original response message id.
    pub original: Option<u64>,
    /// When the fake dispatched it (the 3-second and 15-minute clocks start here).
    pub created: Instant,
}

/// A callback that came after `FakeConfig::ack_deadline`.
#[derive(Clone, Debug)]
pub struct LateAck {
    pub interaction_id: u64,
    /// The callback type the bot sent.
    pub callback_type: u64,
    /// Time from the dispatch to the callback.
    pub after: Duration,
}

/// A request the fake refused because Discord would have: a late or unknown interaction
/// (10062), a second acknowledgement (40060), an expired interaction token (50027), an empty
/// message (50006), or a body over a size limit (50035).
#[derive(Clone, Debug)]
pub struct Violation {
    pub code: u64,
    /// `METHOD /path -> status`.
    pub request: String,
    /// The error body the fake answered.
    pub response: Value,
}

/// Discord error codes that mean the bot broke Discord's contract (see `Violation`).
pub const CONTRACT_CODES: [u64; 5] = [10062, 40060, 50027, 50006, 50035];

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.code, self.request, self.response)
    }
}

#[derive(Default)]
pub struct State {
    pub requests: Vec<RecordedRequest>,
    pub users: HashMap<u64, FakeUser>,
    /// Channel objects by id (guild text channels, threads, DM channels).
    pub channels: HashMap<u64, Value>,
    /// Message objects by id (ids grow with time, so this is creation order).
    pub messages: BTreeMap<u64, Value>,
    pub dm_by_user: HashMap<u64, u64>,
    pub closed_dms: HashSet<u64>,
    pub reject_token: bool,
    /// Dispatched interactions by token.
    pub interactions: HashMap<String, InteractionRec>,
    /// Registered commands by guild (None = global).
    pub commands: HashMap<Option<u64>, Vec<Value>>,
    pub gateway: GatewayState,
    /// Attachment bytes served under `/cdn/attachments/{id}/{filename}` (see `host_attachment`).
    pub cdn: HashMap<u64, Vec<u8>>,
    /// Every refusal with a contract code, in order.
    pub violations: Vec<Violation>,
    pub late_acks: Vec<LateAck>,
    /// Set by tests that provoke refusals on purpose: waits and teardown stay quiet.
    pub refusals_expected: bool,
    /// Injected REST faults, first match wins (see `faults`).
    pub faults: Vec<super::faults::Fault>,
    /// Messages created with a nonce, by (channel, nonce), for `enforce_nonce`.
    pub nonces: HashMap<(u64, String), u64>,
    /// Where every recorded request is also sent (a load generator's router), if anywhere.
    pub tap: Option<tokio::sync::mpsc::UnboundedSender<RecordedRequest>>,
}

impl State {
    /// Records a request (and hands it to the tap).
    pub fn record(&mut self, r: RecordedRequest) {
        if let Some(tap) = &self.tap {
            let _ = tap.send(r.clone());
        }
        self.requests.push(r);
    }
}

impl State {
    pub fn user(&self, id: u64) -> FakeUser {
        self.users
            .get(&id)
            .cloned()
            .unwrap_or_else(|| FakeUser::new(id, &format!("user{id}")))
    }

    /// The DM channel with `user`, created (and remembered) on first use.
    pub fn dm_channel(&mut self, user: &FakeUser) -> u64 {
        self.users.entry(user.id).or_insert_with(|| user.clone());
        if let Some(id) = self.dm_by_user.get(&user.id) {
            return *id;
        }
        let id = models::snowflake();
        self.dm_by_user.insert(user.id, id);
        self.channels.insert(id, models::dm_channel_json(id, user));
        id
    }

    /// Learns the channel, user and interaction an incoming event refers to, so later REST
    /// calls about them (replies, DMs, callbacks) work.
    pub fn learn_from_event(&mut self, event: &str, data: &Value) {
        let user_value = data.get("member").and_then(|m| m.get("user")).or_else(|| data.get("user"));
        let user_value = user_value.or_else(|| data.get("author"));
        let user = user_value.and_then(parse_user);
        if let Some(user) = &user {
            self.users.entry(user.id).or_insert_with(|| user.clone());
        }
        let channel_id = id_of(data.get("channel_id"));
        let guild_id = id_of(data.get("guild_id"));
        if let Some(channel_id) = channel_id {
            if !self.channels.contains_key(&channel_id) {
                let channel = match (guild_id, data.get("channel"), &user) {
                    (_, Some(channel), _) if channel.get("type").is_some() => {
                        let mut channel = channel.clone();
                        if let Some(g) = guild_id {
                            channel["guild_id"] = Value::String(g.to_string());
                        }
                        channel
                    }
                    (Some(g), _, _) => models::text_channel_json(g, channel_id, "channel", 0),
                    (None, _, Some(user)) => models::dm_channel_json(channel_id, user),
                    (None, _, None) => return,
                };
                if channel["type"] == 1 {
                    if let Some(user) = &user {
                        self.dm_by_user.entry(user.id).or_insert(channel_id);
                    }
                }
                self.channels.insert(channel_id, channel);
            }
        }
        match event {
            "INTERACTION_CREATE" => {
                let (Some(id), Some(token)) = (id_of(data.get("id")), data["token"].as_str()) else {
                    return;
                };
                let message = data.get("message").cloned();
                if let Some(message) = &message {
                    if let Some(mid) = id_of(message.get("id")) {
                        self.messages.entry(mid).or_insert_with(|| message.clone());
                    }
                }
                let rec = InteractionRec {
                    id,
                    kind: data["type"].as_u64().unwrap_or(0),
                    channel_id: channel_id.unwrap_or_default(),
                    guild_id,
                    message,
                    acknowledged: None,
                    acknowledged_after: None,
                    original: None,
                    created: Instant::now(),
                };
                self.interactions.insert(token.to_owned(), rec);
            }
            "MESSAGE_CREATE" => {
                if let Some(id) = id_of(data.get("id")) {
                    self.messages.entry(id).or_insert_with(|| data.clone());
                }
            }
            _ => {}
        }
    }
}

/// A snowflake from a JSON string or number.
pub fn id_of(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

fn parse_user(value: &Value) -> Option<FakeUser> {
    Some(FakeUser {
        id: id_of(value.get("id"))?,
        username: value["username"].as_str().unwrap_or("user").to_owned(),
        bot: value["bot"].as_bool().unwrap_or(false),
    })
}

/// The state behind every handle to one fake.
pub struct Shared {
    pub config: FakeConfig,
    pub port: u16,
    pub state: Mutex<State>,
    /// Woken on every recorded request and gateway change (waits also poll).
    pub changed: Notify,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn gateway_url(&self) -> String {
        format!("ws://127.0.0.1:{}/gateway", self.port)
    }

    pub fn token_ok(&self, state: &State, token: &str) -> bool {
        let token = token.strip_prefix("Bot ").unwrap_or(token);
        !state.reject_token && token == self.config.token
    }
}
