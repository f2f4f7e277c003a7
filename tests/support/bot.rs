//! Starting the real bot in-process against the fake Discord, on a fresh database, and the
//! small helpers the end-to-end tests share (find a message, click a button, read a callback).

use std::path::Path;
use std::time::Duration;

use panelist::bank::load_path;
use panelist::config::{DiscordConfig, Secret};
use panelist::engine::Engine;
use panelist::interview::Settings;
use panelist::store::Store;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::fake_discord::payloads::{button_click, message_create, slash_command};
use super::fake_discord::{opt, FakeDiscord, FakeUser, Origin, Place, RecordedRequest};

pub const WAIT: Duration = Duration::from_secs(10);

/// A running bot; `stop` shuts its shards down like Ctrl-C would.
pub struct Bot {
    pub engine: Engine,
    /// The bot's database, for assertions on what it stored.
    pub store: Store,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

pub async fn engine(db_dir: &Path) -> Engine {
    with_store(db_dir).await.0
}

/// The bot's engine and a handle on its database.
pub async fn with_store(db_dir: &Path) -> (Engine, Store) {
    let url = format!("sqlite://{}?mode=rwc", db_dir.join("bot.db").display());
    let store = Store::connect(&url).await.expect("database");
    let bank = load_path(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/prompts"))).expect("packs");
    (Engine::new(store.clone(), bank, Settings::default()), store)
}

pub fn config(fake: &FakeDiscord) -> DiscordConfig {
    DiscordConfig {
        token: Secret::new(fake.token()),
        api_base: Some(fake.api_base()),
        tls_proxy: None,
        guild_id: Some(fake.guild_id()),
        sweep_secs: 3600,
    }
}

/// [`config`] with REST going to https://discord.com through the fake's TLS-intercepting proxy,
/// so serenity's own rate limiter runs.
pub fn config_limited(fake: &FakeDiscord) -> DiscordConfig {
    DiscordConfig {
        api_base: None,
        tls_proxy: Some(panelist::config::TlsProxy {
            url: fake.tls_proxy(),
            ca_pem: fake.tls_ca_pem().as_bytes().to_vec(),
        }),
        ..config(fake)
    }
}

impl Bot {
    /// Starts the bot and waits until it has registered its commands in the fake guild.
    pub async fn start(fake: &FakeDiscord, db_dir: &Path) -> Bot {
        Bot::start_with(fake, db_dir, config(fake)).await
    }

    /// [`Bot::start`] with its Discord settings given (e.g. [`config_limited`]).
    pub async fn start_with(fake: &FakeDiscord, db_dir: &Path, cfg: DiscordConfig) -> Bot {
        let registered = commands_put(fake);
        let (engine, store) = with_store(db_dir).await;
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(panelist::discord::run(cfg, engine.clone(), async move {
            let _ = rx.await;
        }));
        fake.wait_for("the bot to register its commands", WAIT, |f| {
            (commands_put(f) > registered).then_some(())
        })
        .await;
        Bot {
            engine,
            store,
            stop: Some(tx),
            task,
        }
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let result = tokio::time::timeout(WAIT, self.task)
            .await
            .expect("the bot stops in time")
            .expect("bot task");
        result.expect("the bot stopped cleanly");
        self.engine.close().await;
    }
}

fn commands_put(fake: &FakeDiscord) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.method == "PUT" && r.path.ends_with("/commands"))
        .count()
}

/// The callback the bot sent for interaction `id`.
pub async fn callback(fake: &FakeDiscord, id: &str) -> RecordedRequest {
    let prefix = format!("/interactions/{id}/");
    fake.wait_for_request(|r| r.method == "POST" && r.path.starts_with(&prefix), WAIT)
        .await
}

pub fn interaction_id(interaction: &Value) -> String {
    interaction["id"].as_str().expect("interaction id").to_string()
}

pub fn token(interaction: &Value) -> String {
    interaction["token"].as_str().expect("interaction token").to_string()
}

/// Every `custom_id` of a message's components, with their labels (select menus: placeholder).
pub fn components(message: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for row in message["components"].as_array().into_iter().flatten() {
        for c in row["components"].as_array().into_iter().flatten() {
            let label = c["label"].as_str().or(c["placeholder"].as_str()).unwrap_or("").to_string();
            out.push((c["custom_id"].as_str().unwrap_or("").to_string(), label));
        }
    }
    out
}

/// The custom_id of the component labelled `label` on `message`.
pub fn custom_id(message: &Value, label: &str) -> String {
    components(message)
        .into_iter()
        .find(|(_, l)| l.starts_with(label))
        .unwrap_or_else(|| panic!("no component '{label}' on {message:#}"))
        .0
}

/// All embed titles and descriptions of a message or response body, joined, for assertions.
pub fn text_of(message: &Value) -> String {
    let mut out = message["content"].as_str().unwrap_or("").to_string();
    for e in message["embeds"].as_array().into_iter().flatten() {
        for key in ["title", "description"] {
            out.push('\n');
            out.push_str(e[key].as_str().unwrap_or(""));
        }
        if let Some(f) = e["footer"]["text"].as_str() {
            out.push('\n');
            out.push_str(f);
        }
    }
    out
}

/// Pushes an interaction and returns it.
pub fn push(fake: &FakeDiscord, ix: Value) -> Value {
    fake.push_interaction(ix.clone());
    ix
}

/// The message the bot created in answer to an interaction (type 4 callback or follow-up).
pub async fn response(fake: &FakeDiscord, ix: &Value) -> Value {
    let t = token(ix);
    fake.wait_for("the interaction's response message", WAIT, |f| f.original_response(&t))
        .await
}

/// The newest message in `channel` that carries a component labelled `label`.
pub async fn message_with(fake: &FakeDiscord, channel: u64, label: &str) -> Value {
    fake.wait_for(&format!("a message with '{label}' in {channel}"), WAIT, |f| {
        f.messages_in(channel)
            .into_iter()
            .rev()
            .find(|m| components(m).iter().any(|(_, l)| l.starts_with(label)))
    })
    .await
}

/// What the bot said after deferring `ix`: the edit of its original reply or its first follow-up.
pub async fn after_defer(fake: &FakeDiscord, ix: &Value) -> Value {
    let prefix = format!("/webhooks/{}/{}", fake.application_id(), token(ix));
    let r = fake
        .wait_for_request(|r| (r.method == "POST" || r.method == "PATCH") && r.path.starts_with(&prefix), WAIT)
        .await;
    r.body
}

/// Types one part of an answer and waits until the bot has stored it. A typed part costs no
/// Discord call (Submit confirms the parts), so the wait is on the bot's own event log.
pub async fn type_answer(bot: &Bot, fake: &FakeDiscord, place: &Place, user: &FakeUser, text: &str) {
    let msg = message_create(place, user, text);
    let id = msg["id"].as_str().unwrap().to_string();
    fake.push_message(msg);
    stored(bot, &format!("msg:{id}")).await;
}

/// Waits until the bot has applied the input with idempotency key `key`.
pub async fn stored(bot: &Bot, key: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !bot.engine.seen(key).await.expect("event log") {
        assert!(tokio::time::Instant::now() < deadline, "the bot never stored input {key}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

pub async fn click(fake: &FakeDiscord, origin: &Origin, message: &Value, label: &str) -> Value {
    push(fake, button_click(origin, message, &custom_id(message, label)))
}

/// `/interview start` (python, one question) in the default channel; returns the thread it opened.
pub async fn open_thread(fake: &FakeDiscord, user: &FakeUser) -> u64 {
    let options = vec![opt::subcommand(
        "start",
        vec![opt::string("areas", "python"), opt::integer("per_area", 1)],
    )];
    push(fake, slash_command(&fake.in_guild(user), "interview", options));
    let created = fake
        .wait_for_request(|r| r.is("POST", &format!("/channels/{}/threads", fake.channel_id())), WAIT)
        .await;
    created.response["id"].as_str().unwrap().parse().unwrap()
}
