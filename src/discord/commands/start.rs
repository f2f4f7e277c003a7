//! Starting interviews: `/interview start` (a thread in a server, or right here in a DM) and
//! `/practice` (in the candidate's DMs).

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::{ChannelId, ChannelType, CreateThread};

use super::{ac_areas, ac_role, default_role, say, say_all};
use crate::bank::Pack;
use crate::discord::render::{clip, render, Reply};
use crate::discord::send::{discord_code, post};
use crate::discord::{actor, scope, words, Context, Error};
use crate::engine::{now_millis, NewSession};
use crate::interview::{ActorId, PlanOptions};
use crate::store::Stored;

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
            .unwrap_or_else(|| default_role(ctx.data()));
        Request {
            role,
            options,
            time_limit_secs: time_limit.map(|m| m * 60),
            key: format!("ix:{}", ctx.id()),
        }
    }

    /// The session this request starts for `candidate`, living in `channel_id`.
    pub fn session<'a>(
        &'a self,
        scope: &'a str,
        mode: &'a str,
        candidate: &'a ActorId,
        channel_id: &'a str,
        peer: Option<(&'a ActorId, u32)>,
    ) -> NewSession<'a> {
        NewSession {
            scope,
            candidate,
            mode,
            role: &self.role,
            options: self.options.clone(),
            time_limit_secs: self.time_limit_secs,
            channel_id: Some(channel_id),
            key: &self.key,
            peer,
        }
    }
}

/// Checks the request against the packs of the scope the session will live in, before anything
/// is created.
pub(super) async fn precheck(ctx: &Context<'_>, req: &Request, pack_scope: &str) -> Result<Result<Arc<Pack>, String>, Error> {
    let pack = match ctx.data().engine.pack_in(pack_scope, &req.role, true).await? {
        Ok(p) => p,
        Err(r) => return Ok(Err(r.explain(&words::DISCORD))),
    };
    Ok(crate::interview::plan::select(&pack, &req.options)
        .map(|_| pack)
        .map_err(|r| r.explain(&words::DISCORD)))
}

async fn live_here(ctx: Context<'_>, scope: &str) -> Result<Option<Stored>, Error> {
    ctx.data().engine.live(scope, &actor(ctx.author().id)).await
}

fn live_message(s: &Stored) -> String {
    let place = s.channel_id.as_ref().map_or(String::new(), |c| format!(" in <#{c}>"));
    format!("You already have an interview in progress{place}. Use `/interview status` to see it, or `/interview end` to finish it first.")
}

/// `/interview start` in a server: a thread for the candidate, the interview inside it.
async fn begin_in_thread(ctx: Context<'_>, req: Request, private: bool) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let scope = scope(ctx.guild_id());
    let pack = match precheck(&ctx, &req, &scope).await? {
        Ok(p) => p,
        Err(msg) => return say(ctx, Reply::text(msg).ephemeral()).await,
    };
    if let Some(live) = live_here(ctx, &scope).await? {
        return say(ctx, Reply::text(live_message(&live)).ephemeral()).await;
    }
    let name = clip(&format!("Mock interview · {} · {}", ctx.author().name, pack.role.name), 100);
    let kind = if private {
        ChannelType::PrivateThread
    } else {
        ChannelType::PublicThread
    };
    let thread = match ctx.channel_id().create_thread(ctx.http(), CreateThread::new(name).kind(kind)).await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "creating an interview thread failed");
            let msg = "I couldn't open a thread here. Use `/interview start` in a text channel where I may create threads (Create Public/Private Threads and Send Messages in Threads), or use `/practice` for DMs.";
            return say(ctx, Reply::text(msg).ephemeral()).await;
        }
    };
    thread.id.add_thread_member(ctx.http(), ctx.author().id).await.ok();
    let msg = match start_session(ctx, &req, &pack, &scope, "channel", thread.id).await? {
        Ok(()) => format!("Your interview is ready in <#{}>.", thread.id),
        Err(m) => m,
    };
    say(ctx, Reply::text(msg).ephemeral()).await
}

/// `/practice` in a server: the interview moves to the candidate's DMs (built-in packs only:
/// a server's own packs stay in that server).
async fn begin_in_dm(ctx: Context<'_>, req: Request) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let pack = match precheck(&ctx, &req, "dm").await? {
        Ok(p) => p,
        Err(msg) => return say(ctx, Reply::text(msg).ephemeral()).await,
    };
    if let Some(live) = live_here(ctx, "dm").await? {
        return say(ctx, Reply::text(live_message(&live)).ephemeral()).await;
    }
    let dm = ctx.author().id.create_dm_channel(ctx.http()).await?;
    let msg = match start_session(ctx, &req, &pack, "dm", "dm", dm.id).await? {
        Ok(()) => "I sent you a DM: your practice interview is waiting there.".to_string(),
        Err(m) => m,
    };
    say(ctx, Reply::text(msg).ephemeral()).await
}

/// Starts the session living in `channel` and posts its first messages there. A DM that cannot
/// be delivered removes the session again, so nothing half-started is left behind.
async fn start_session(
    ctx: Context<'_>,
    req: &Request,
    pack: &Pack,
    scope: &str,
    mode: &str,
    channel: ChannelId,
) -> Result<Result<(), String>, Error> {
    let engine = &ctx.data().engine;
    let (channel_id, candidate) = (channel.to_string(), actor(ctx.author().id));
    let (session, effects) = match engine
        .start(req.session(scope, mode, &candidate, &channel_id, None), now_millis())
        .await?
    {
        Ok(x) => x,
        Err(r) => return Ok(Err(r.explain(&words::DISCORD))),
    };
    if let Err(e) = post(ctx.http(), channel, render(&session, pack, &effects, None)).await {
        // The candidate never saw it: remove it, so it does not block their next start.
        engine.store.discard(&session.id).await?;
        if discord_code(&e) == Some(50007) {
            return Ok(Err("I can't send you direct messages. Allow DMs from this server (server name → Privacy Settings → Direct Messages), then run `/practice` again.".into()));
        }
        return Err(e.into());
    }
    Ok(Ok(()))
}

/// `/interview start` or `/practice` inside a DM: the interview runs right here.
async fn begin_here(ctx: Context<'_>, req: Request) -> Result<(), Error> {
    ctx.defer().await?;
    let pack = match precheck(&ctx, &req, "dm").await? {
        Ok(p) => p,
        Err(msg) => return say(ctx, Reply::text(msg)).await,
    };
    if let Some(live) = live_here(ctx, "dm").await? {
        return say(ctx, Reply::text(live_message(&live))).await;
    }
    let (channel_id, candidate) = (ctx.channel_id().to_string(), actor(ctx.author().id));
    match ctx
        .data()
        .engine
        .start(req.session("dm", "dm", &candidate, &channel_id, None), now_millis())
        .await?
    {
        Err(r) => say(ctx, Reply::text(r.explain(&words::DISCORD))).await,
        Ok((session, effects)) => say_all(ctx, render(&session, &pack, &effects, None)).await,
    }
}
