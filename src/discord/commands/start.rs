//! Starting interviews: `/interview start` (a thread in a server, or right here in a DM) and
//! `/practice` (in the candidate's DMs).

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::{ChannelId, ChannelType, CreateThread};

use super::{ac_areas, ac_role};
use crate::bank::Pack;
use crate::discord::card::{clip, Reply};
use crate::discord::deliver::{deliver, rejection_text, Origin};
use crate::discord::send::{discord_code, say};
use crate::discord::{actor, scope, Context, Error};
use crate::engine::{now_millis, NewSession, Outcome};
use crate::interview::{ActorId, Mode, PlanOptions, Scope};

/// Start a mock interview: in a server, in a thread for you; in DMs, right here.
#[poise::command(slash_command)]
pub async fn start(
    ctx: Context<'_>,
    #[description = "Role to interview for"]
    #[autocomplete = "ac_role"]
    role: Option<String>,
    #[description = "Areas, comma-separated (default: every area)"]
    #[autocomplete = "ac_areas"]
    areas: Option<String>,
    #[description = "Questions per area (1-5, default 3)"]
    #[min = 1]
    #[max = 5]
    per_area: Option<u8>,
    #[description = "Minutes per question (default: untimed)"]
    #[min = 1]
    #[max = 60]
    time_limit: Option<u32>,
    #[description = "Use a private thread (default: public)"] private: Option<bool>,
) -> Result<(), Error> {
    let req = Request::new(&ctx, role, areas, per_area.unwrap_or(3), time_limit);
    match ctx.guild_id() {
        Some(_) => begin_in_thread(ctx, req, private.unwrap_or(false)).await,
        None => begin_here(ctx, req).await,
    }
}

/// Practise alone: the interview runs in your DMs with the bot.
#[poise::command(slash_command)]
pub async fn practice(
    ctx: Context<'_>,
    #[description = "Role to practise for"]
    #[autocomplete = "ac_role"]
    role: Option<String>,
    #[description = "Areas, comma-separated (default: every area)"]
    #[autocomplete = "ac_areas"]
    areas: Option<String>,
    #[description = "Questions per area (1-5, default 3)"]
    #[min = 1]
    #[max = 5]
    per_area: Option<u8>,
) -> Result<(), Error> {
    let req = Request::new(&ctx, role, areas, per_area.unwrap_or(3), None);
    match ctx.guild_id() {
        Some(_) => begin_in_dm(ctx, req).await,
        None => begin_here(ctx, req).await,
    }
}

/// What a start command (`/interview start`, `/practice`, `/review start`) asked for.
pub(super) struct Request {
    pub role: String,
    pub options: PlanOptions,
    pub time_limit_secs: Option<u32>,
    /// The interaction id: a re-delivered start starts nothing twice.
    pub key: String,
}

impl Request {
    pub fn new(ctx: &Context<'_>, role: Option<String>, areas: Option<String>, per_area: u8, time_limit: Option<u32>) -> Request {
        let areas = areas.map_or_else(Vec::new, |a| {
            a.split(',').map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()).collect()
        });
        let seed = uuid::Uuid::new_v4().as_u64_pair().0;
        let options = PlanOptions {
            areas,
            per_area,
            follow_ups: 1,
            seed,
        };
        let role = role
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| ctx.data().engine.default_role());
        Request {
            role,
            options,
            time_limit_secs: time_limit.map(|m| m * 60),
            key: format!("ix:{}", ctx.id()),
        }
    }

    /// The session this request starts for `candidate` in `scope`, living in `channel`.
    pub fn session(&self, scope: Scope, mode: Mode, candidate: ActorId, channel: ChannelId, peer: Option<(ActorId, u32)>) -> NewSession {
        NewSession {
            scope,
            candidate,
            mode,
            role: self.role.clone(),
            options: self.options.clone(),
            time_limit_secs: self.time_limit_secs,
            channel: Some(channel.get()),
            key: self.key.clone(),
            peer,
        }
    }

    /// Whether `candidate` may start this in `scope` (pack, plan, one live interview per
    /// scope), asked before anything is created for it; `Err` is the refusal to show.
    pub async fn check(&self, ctx: &Context<'_>, scope: Scope, candidate: &ActorId) -> Result<Result<Arc<Pack>, String>, Error> {
        Ok(ctx
            .data()
            .engine
            .check_start(scope, candidate, &self.role, &self.options)
            .await?
            .map_err(|r| rejection_text(&r)))
    }
}

/// `/interview start` in a server: a thread for the candidate, the interview inside it.
async fn begin_in_thread(ctx: Context<'_>, req: Request, private: bool) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let scope = scope(ctx.guild_id());
    let me = actor(ctx.author().id);
    let pack = match req.check(&ctx, scope, &me).await? {
        Ok(p) => p,
        Err(msg) => return say(ctx, Reply::text(msg).ephemeral()).await,
    };
    let name = format!("Mock interview · {} · {}", ctx.author().name, pack.role.name);
    let thread = match open_thread(ctx, name, private).await? {
        Ok(t) => t,
        Err(m) => return say(ctx, Reply::text(m).ephemeral()).await,
    };
    thread.add_thread_member(ctx.http(), ctx.author().id).await.ok();
    let msg = match start_session(ctx, req.session(scope, Mode::Channel, me, thread, None)).await? {
        Ok(()) => format!("Your interview is ready in <#{thread}>."),
        Err(m) => {
            remove_empty_thread(ctx, thread).await;
            m
        }
    };
    say(ctx, Reply::text(msg).ephemeral()).await
}

/// A thread opened for a session that was then refused (say, a start re-delivered or raced by
/// another) is deleted, so no empty thread is left behind.
pub(super) async fn remove_empty_thread(ctx: Context<'_>, thread: ChannelId) {
    remove_empty_thread_in(ctx.http(), thread).await
}

pub(super) async fn remove_empty_thread_in(http: &serenity::Http, thread: ChannelId) {
    if let Err(e) = thread.delete(http).await {
        tracing::warn!(error = %e, "could not delete an empty thread");
    }
}

/// Opens a thread in the command's channel for a session; `Err` explains why it could not.
pub(super) async fn open_thread(ctx: Context<'_>, name: String, private: bool) -> Result<Result<ChannelId, String>, Error> {
    open_thread_in(ctx.http(), ctx.channel_id(), name, private).await
}

/// [`open_thread`] in `channel`, outside a command (a button).
pub(super) async fn open_thread_in(
    http: &serenity::Http,
    channel: ChannelId,
    name: String,
    private: bool,
) -> Result<Result<ChannelId, String>, Error> {
    let kind = if private {
        ChannelType::PrivateThread
    } else {
        ChannelType::PublicThread
    };
    match crate::ops::metrics::rest(
        "thread_create",
        channel.create_thread(http, CreateThread::new(clip(&name, 100)).kind(kind)),
    )
    .await
    {
        Ok(t) => Ok(Ok(t.id)),
        Err(e) => {
            tracing::warn!(error = %e, "creating a thread failed");
            Ok(Err("I couldn't open a thread here. Use this command in a text channel where I may create threads (Create Public/Private Threads and Send Messages in Threads), or `/practice` for DMs.".into()))
        }
    }
}

/// `/practice` in a server: the interview moves to the candidate's DMs (built-in packs only:
/// a server's own packs stay in that server).
async fn begin_in_dm(ctx: Context<'_>, req: Request) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let me = actor(ctx.author().id);
    if let Err(msg) = req.check(&ctx, Scope::Dm, &me).await? {
        return say(ctx, Reply::text(msg).ephemeral()).await;
    }
    let dm = ctx.author().id.create_dm_channel(ctx.http()).await?;
    let msg = match start_session(ctx, req.session(Scope::Dm, Mode::Dm, me, dm.id, None)).await? {
        Ok(()) => "I sent you a DM: your practice interview is waiting there.".to_string(),
        Err(m) => m,
    };
    say(ctx, Reply::text(msg).ephemeral()).await
}

/// Starts the session and posts its first messages where it lives. A first message that cannot
/// be delivered removes the session again, so nothing half-started is left behind.
pub(super) async fn start_session(ctx: Context<'_>, new: NewSession) -> Result<Result<(), String>, Error> {
    start_session_with(ctx.http(), &ctx.data().engine, new).await
}

/// [`start_session`] outside a command (a button).
pub(super) async fn start_session_with(
    http: &serenity::Http,
    engine: &crate::engine::Engine,
    new: NewSession,
) -> Result<Result<(), String>, Error> {
    let applied = match engine.start(new, now_millis()).await? {
        Ok(a) => a,
        Err(r) => return Ok(Err(rejection_text(&r))),
    };
    let id = applied.session().id.clone();
    if let Err(e) = deliver(http, engine, Origin::Background, Outcome::Applied(applied)).await {
        // The candidate never saw it: remove it, so it does not block their next start.
        engine.discard(&id).await?;
        let code = e.downcast_ref::<serenity::Error>().and_then(discord_code);
        if code == Some(50007) {
            return Ok(Err("I can't send you direct messages. Allow DMs from this server (server name → Privacy Settings → Direct Messages), then run `/practice` again.".into()));
        }
        return Err(e);
    }
    Ok(Ok(()))
}

/// `/interview start` or `/practice` inside a DM: the interview runs right here.
async fn begin_here(ctx: Context<'_>, req: Request) -> Result<(), Error> {
    ctx.defer().await?;
    let me = actor(ctx.author().id);
    if let Err(msg) = req.check(&ctx, Scope::Dm, &me).await? {
        return say(ctx, Reply::text(msg)).await;
    }
    let new = req.session(Scope::Dm, Mode::Dm, me, ctx.channel_id(), None);
    match ctx.data().engine.start(new, now_millis()).await? {
        Err(r) => say(ctx, Reply::text(rejection_text(&r))).await,
        Ok(applied) => deliver(ctx.http(), &ctx.data().engine, Origin::Command(ctx), Outcome::Applied(applied)).await,
    }
}
