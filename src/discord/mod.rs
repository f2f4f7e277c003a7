//! The Discord adapter (serenity + poise): slash commands, typed answers, buttons, select menus
//! and forms become core inputs; effects become messages. `run` is the single entry point, so
//! tests start the real client in-process against a fake Discord.

mod ack;
mod card;
mod catchup;
mod commands;
mod components;
mod deliver;
mod ids;
mod interactions;
mod lifecycle;
mod messages;
mod outbox;
mod render;
mod review;
mod review_render;
mod scoring_msgs;
mod send;
mod sweeper;
pub(crate) mod words;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use serenity::{GatewayIntents, GuildId, HttpBuilder, UserId};

use crate::config::{DiscordConfig, ShardPlan};
use crate::engine::Engine;
use crate::interview::{ActorId, Rejection, Scope};
use crate::ops::Ops;
use crate::store::Stored;
use ack::Ack;
use lifecycle::{Gate, Shards};

pub use commands::progress::send_reminders;
pub use ids::ComponentId;
pub use outbox::flush as flush_outbox;
pub use sweeper::sweep_once;

/// How often queued messages are retried when due (their backoff decides when they are).
const OUTBOX_EVERY: Duration = Duration::from_secs(1);

/// How long shutdown waits for event handlers in flight, and then for the background tasks
/// (the outbox's and the sweeper's current pass), before it lets them go.
const DRAIN_BOUND: Duration = Duration::from_secs(10);

/// How long `Client::start` may take to return once every shard was told to close.
const CLOSE_BOUND: Duration = Duration::from_secs(10);

/// How a process runs beyond [`DiscordConfig`]: its shards, and the state health checks and
/// shutdown share. The default (shard 0 of 1, nobody watching) is what the in-process tests run.
#[derive(Clone, Default)]
pub struct Launch {
    pub shards: ShardPlan,
    pub ops: Ops,
}

/// What every handler gets: the engine (store, packs, settings).
pub struct Data {
    pub engine: Engine,
    /// Peer reviews waiting for their candidate's consent (`/review start` by someone else).
    pub(crate) invitations: commands::Invitations,
}

pub type Error = anyhow::Error;
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// The actor id the core sees for a Discord user.
pub fn actor(user: UserId) -> ActorId {
    ActorId::discord(user.get())
}

/// Sessions are scoped by server; DMs share one scope per user.
pub fn scope(guild: Option<GuildId>) -> Scope {
    guild.map_or(Scope::Dm, |g| Scope::Server(g.get()))
}

/// Whether an interaction from `guild`/`channel` may act on `stored`: only where the session
/// lives (its server and channel or thread, or its DM). A forged id from elsewhere is refused.
pub fn belongs_here(stored: &Stored, guild: Option<GuildId>, channel: serenity::ChannelId) -> Result<(), Rejection> {
    if stored.scope == scope(guild) && stored.channel == Some(channel.get()) {
        Ok(())
    } else {
        Err(Rejection::WrongPlace)
    }
}

/// The intents panelist needs: servers and their messages, DMs, and message text for typed answers.
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES | GatewayIntents::MESSAGE_CONTENT
}

/// Runs the bot (shard 0 of 1) until `shutdown` completes; see [`run_with`].
pub async fn run(cfg: DiscordConfig, engine: Engine, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
    run_with(cfg, engine, Launch::default(), shutdown).await
}

/// Runs the bot's shards until `shutdown` completes, then shuts down in order: no new events,
/// shards closed, handlers in flight finished, the outbox's and sweeper's current pass done
/// (each wait bounded). Fails fast, without echoing the token, if Discord rejects it.
pub async fn run_with(
    cfg: DiscordConfig,
    engine: Engine,
    launch: Launch,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let http = http(&cfg)?;
    let me = http.get_current_user().await.map_err(|e| match &e {
        serenity::Error::Http(h) if h.status_code().is_some_and(|s| s.as_u16() == 401) => {
            anyhow::anyhow!("Discord rejected DISCORD_TOKEN (401 Unauthorized). Copy the bot token again from the developer portal (Bot -> Reset Token).")
        }
        _ => anyhow::anyhow!("could not reach Discord to check the token: {e}"),
    })?;
    tracing::info!(bot = %me.name, id = %me.id, "token accepted");
    let shards = Shards::resolve(&http, launch.shards).await?;
    tracing::info!(
        first = shards.first,
        last = shards.last,
        total = shards.total,
        "running shards {shards} in this process"
    );
    let ops = launch.ops;
    ops.set_shards(shards.ids().map(lifecycle::starting).collect());
    let (stop_background, background_stopped) = tokio::sync::watch::channel(false);
    let background = Arc::new(std::sync::Mutex::new(Vec::new()));
    let framework = framework(
        cfg.guild_id.map(GuildId::new),
        cfg.sweep_secs,
        engine,
        background_stopped,
        background.clone(),
    );
    let mut client = serenity::ClientBuilder::new_with_http(http, intents())
        .framework(Gate {
            inner: framework,
            ops: ops.clone(),
        })
        .await
        .context("building the Discord client")?;
    let manager = client.shard_manager.clone();
    tokio::spawn(lifecycle::publish_shards(
        manager.clone(),
        shards,
        ops.clone(),
        Duration::from_millis(500),
    ));
    let (closed_tx, closed) = tokio::sync::oneshot::channel::<()>();
    let stopper = ops.clone();
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down: taking no new events, closing the shards");
        stopper.start_draining();
        manager.shutdown_all().await;
        let _ = closed_tx.send(());
    });
    let started = async {
        if shards.single {
            client.start().await
        } else {
            // serenity's range is inclusive of its end (`4..7` runs shards 4, 5, 6 and 7).
            client.start_shard_range(shards.first..shards.last, shards.total).await
        }
    };
    // shutdown_all cannot stop a shard still waiting to boot, so once it returned `start` gets
    // a bounded time to follow.
    let result = tokio::select! {
        r = started => r,
        _ = async { if closed.await.is_ok() { tokio::time::sleep(CLOSE_BOUND).await } else { std::future::pending().await } } => Ok(()),
    };
    ops.start_draining();
    let left = ops.in_flight().drained(DRAIN_BOUND).await;
    if left > 0 {
        tracing::warn!(handlers = left, "shutting down with event handlers still running");
    }
    let _ = stop_background.send(true);
    let tasks: Vec<_> = std::mem::take(&mut *background.lock().unwrap_or_else(|p| p.into_inner()));
    for task in tasks {
        if tokio::time::timeout(DRAIN_BOUND, task).await.is_err() {
            tracing::warn!("a background pass did not finish in time; its leased messages return when the lease ends");
        }
    }
    tracing::info!("stopped");
    result.map_err(|e| match e {
        serenity::Error::Gateway(serenity::GatewayError::InvalidAuthentication) => {
            anyhow::anyhow!("Discord rejected DISCORD_TOKEN at the gateway. Copy the bot token again from the developer portal.")
        }
        serenity::Error::Gateway(serenity::GatewayError::DisallowedGatewayIntents) => anyhow::anyhow!(
            "Discord refused the Message Content intent: enable it under Bot -> Privileged Gateway Intents in the developer portal."
        ),
        other => anyhow::anyhow!("the Discord client stopped: {other}"),
    })
}

fn http(cfg: &DiscordConfig) -> anyhow::Result<serenity::Http> {
    let mut builder = HttpBuilder::new(cfg.token.expose());
    if let Some(base) = &cfg.api_base {
        // `proxy` swaps Discord's base URL in each request, but serenity's rate limiter sends to
        // the real base and ignores it, so a redirected base runs without it.
        builder = builder.proxy(base.as_str()).ratelimiter_disabled(true);
    } else if let Some(tls) = &cfg.tls_proxy {
        // Requests keep https://discord.com and go through the proxy's tunnel, so the rate
        // limiter works as it does against Discord.
        let ca = reqwest::Certificate::from_pem(&tls.ca_pem).context("DISCORD_TLS_PROXY_CA is not a PEM certificate")?;
        let proxy = reqwest::Proxy::https(tls.url.as_str()).context("DISCORD_TLS_PROXY is not a proxy URL")?;
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .add_root_certificate(ca)
            .proxy(proxy)
            .build()
            .context("cannot build the HTTPS client for DISCORD_TLS_PROXY")?;
        builder = builder.client(client);
    }
    Ok(builder.build())
}

type Background = Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>;

/// poise with panelist's commands; on the first READY it registers them and starts the
/// sweeper and the outbox (their handles go to `background`, so shutdown can wait for them).
fn framework(
    guild: Option<GuildId>,
    sweep_secs: u64,
    engine: Engine,
    stopped: tokio::sync::watch::Receiver<bool>,
    background: Background,
) -> poise::Framework<Data, Error> {
    let sweep_every = Duration::from_secs(sweep_secs.max(1));
    poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            event_handler: |fw, event| Box::pin(on_event(fw, event)),
            on_error: |err| Box::pin(commands::on_error(err)),
            ..Default::default()
        })
        .setup(move |ctx, _ready, framework| {
            Box::pin(async move {
                let cmds = &framework.options().commands;
                match guild {
                    Some(g) => poise::builtins::register_in_guild(ctx, cmds, g).await?,
                    None => poise::builtins::register_globally(ctx, cmds).await?,
                }
                tracing::info!(guild = ?guild, "slash commands registered");
                let sweeper = tokio::spawn(sweeper::run(ctx.http.clone(), engine.clone(), sweep_every, stopped.clone()));
                let outbox = tokio::spawn(outbox::run(ctx.http.clone(), engine.clone(), OUTBOX_EVERY, stopped));
                background.lock().unwrap_or_else(|p| p.into_inner()).extend([sweeper, outbox]);
                Ok(Data {
                    engine,
                    invitations: Default::default(),
                })
            })
        })
        .build()
}

async fn on_event(fw: poise::FrameworkContext<'_, Data, Error>, event: &serenity::FullEvent) -> Result<(), Error> {
    let ctx = fw.serenity_context;
    let data = fw.user_data;
    match event {
        serenity::FullEvent::Message { new_message } => {
            if let Err(e) = messages::on_message(ctx, data, new_message).await {
                let id = uuid::Uuid::new_v4().simple().to_string();
                tracing::error!(error = ?e, error_id = %&id[..8], "handling a typed message failed");
                // The part was not stored: say so, never drop it silently.
                let sorry = format!(
                    "I couldn't save that part of your answer. {} Nothing else was lost.",
                    deliver::apology(&e, &id[..8])
                );
                if let Err(e) = deliver::reply_to(&ctx.http, new_message, &sorry).await {
                    tracing::warn!(error = %e, "could not tell the candidate a part was not saved");
                }
            }
            Ok(())
        }
        serenity::FullEvent::MessageUpdate { event, .. } => {
            if let Err(e) = messages::on_edit(data, event).await {
                tracing::warn!(error = ?e, "applying an edited message failed");
            }
            Ok(())
        }
        serenity::FullEvent::MessageDelete {
            channel_id,
            deleted_message_id,
            ..
        } => {
            if let Err(e) = messages::on_delete(data, *channel_id, *deleted_message_id).await {
                tracing::warn!(error = ?e, "applying a deleted message failed");
            }
            Ok(())
        }
        serenity::FullEvent::InteractionCreate { interaction } => on_interaction(ctx, data, interaction).await,
        // A fresh gateway session (after a restart, or a resume that failed): Discord does not
        // send again what was typed meanwhile, so it is read back from the channels.
        serenity::FullEvent::Ready { data_about_bot } => {
            let shard = data_about_bot.shard.unwrap_or(serenity::ShardInfo {
                id: serenity::ShardId(0),
                total: 1,
            });
            match catchup::run(ctx, data, shard).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(shard = shard.id.0, messages = n, "read what was typed while away"),
                Err(e) => tracing::warn!(error = ?e, "could not read what was typed while away"),
            }
            Ok(())
        }
        // Removed from a server (not an outage): its data is purged after the grace period,
        // unless the bot is added back first.
        serenity::FullEvent::GuildDelete { incomplete, .. } if !incomplete.unavailable => {
            if let Err(e) = data.engine.guild_left(incomplete.id.get(), crate::engine::now_millis()).await {
                tracing::warn!(error = ?e, "could not record leaving a server");
            }
            Ok(())
        }
        serenity::FullEvent::GuildCreate { guild, .. } => {
            if let Err(e) = data.engine.guild_present(guild.id.get()).await {
                tracing::warn!(error = ?e, "could not record a server");
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A click or form: acknowledged within Discord's 3 seconds whatever the work costs (see
/// [`ack`]), parsed, and handed to its handler; an internal error is apologised for privately.
async fn on_interaction(ctx: &serenity::Context, data: &Data, interaction: &serenity::Interaction) -> Result<(), Error> {
    let (id, token, custom_id) = match interaction {
        serenity::Interaction::Component(c) => (c.id, &c.token, &c.data.custom_id),
        serenity::Interaction::Modal(m) => (m.id, &m.token, &m.data.custom_id),
        _ => return Ok(()),
    };
    let ack = Ack::start(ctx.http.clone(), id, token.clone(), ack::BUDGET);
    let result = crate::stages::traced(|| token.clone(), async {
        // A re-delivered interaction was applied and answered once already.
        let seen = data.engine.seen(&format!("ix:{id}")).await?;
        crate::stages::mark(crate::stages::Stage::Seen);
        if seen {
            ack.settle().await;
            return Ok(());
        }
        if let (serenity::Interaction::Component(c), Some((confirm, user))) = (interaction, ids::parse_forget(custom_id)) {
            return commands::forget::on_click(data, c, &ack, confirm, user).await;
        }
        if let (serenity::Interaction::Component(c), Some((user, page))) = (interaction, commands::progress::parse_page_id(custom_id)) {
            return commands::progress::on_page(data, c, &ack, user, page).await;
        }
        if let (serenity::Interaction::Component(c), Some((accept, token))) = (interaction, ids::parse_invitation(custom_id)) {
            return commands::review::on_invitation(ctx, data, c, &ack, accept, token).await;
        }
        let Some(parsed) = ComponentId::parse(custom_id) else {
            return Ok(());
        };
        match (interaction, parsed) {
            (serenity::Interaction::Component(c), id @ (ComponentId::Lobby { .. } | ComponentId::Peer { .. })) => {
                review::on_component(ctx, data, c, &ack, id).await
            }
            (serenity::Interaction::Component(c), id) => interactions::on_component(ctx, data, c, &ack, id).await,
            (serenity::Interaction::Modal(m), id @ ComponentId::Note { .. }) => review::on_note(ctx, data, m, &ack, id).await,
            (serenity::Interaction::Modal(m), id) => interactions::on_modal(ctx, data, m, &ack, id).await,
            _ => Ok(()),
        }
    })
    .await;
    match result {
        // Whatever was not answered (an id this version does not know) hears so, never silence.
        Ok(()) => {
            let stale = card::Reply::text("This button is no longer valid. `/interview status` shows where you are.").ephemeral();
            if let Err(e) = ack.reply_if_unanswered(stale).await {
                tracing::warn!(error = %e, "could not answer an interaction");
            }
        }
        Err(e) => {
            let err = uuid::Uuid::new_v4().simple().to_string();
            tracing::error!(error = ?e, error_id = %&err[..8], "handling an interaction failed");
            deliver::apologise(&ack, interaction, &e, &err[..8]).await;
        }
    }
    Ok(())
}
