//! Slash commands: `/interview start|status|end|resume|history` and `/practice`, their
//! autocomplete, and the error handler that keeps internal errors away from users.

use poise::serenity_prelude as serenity;
use serenity::{
    AutocompleteChoice, ChannelId, ChannelType, CreateAutocompleteResponse, CreateThread,
};

use super::render::{clip, render, totals_line, Reply};
use super::send::discord_code;
use super::{actor, scope, Context, Data, Error};
use crate::engine::{NewSession, Outcome};
use crate::interview::summary::summarize;
use crate::interview::{current_prompt, Input, PlanOptions, Stage};
use crate::store::Stored;

pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![interview(), practice()]
}

/// Mock interviews: start one, see where you are, end or resume it, see your history.
#[poise::command(
    slash_command,
    subcommands("start", "status", "end", "resume", "history"),
    subcommand_required
)]
pub async fn interview(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Start a mock interview: in a server, in a thread for you; in DMs, right here.
#[poise::command(slash_command)]
async fn start(
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
    let req = Request::new(&ctx, role, areas, per_area, time_limit);
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
    let req = Request::new(&ctx, role, areas, per_area, None);
    match ctx.guild_id() {
        Some(_) => begin_in_dm(ctx, req).await,
        None => begin_here(ctx, req).await,
    }
}

/// What a start command asked for.
struct Request {
    role: String,
    options: PlanOptions,
    time_limit_secs: Option<u32>,
    key: String,
}

impl Request {
    fn new(
        ctx: &Context<'_>,
        role: Option<String>,
        areas: Option<String>,
        per_area: Option<u8>,
        time_limit: Option<u32>,
    ) -> Request {
        let areas = areas.map_or_else(Vec::new, |a| {
            a.split(',')
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        });
        let options = PlanOptions {
            areas,
            per_area: per_area.unwrap_or(3),
            follow_ups: 1,
            seed: rand_seed(),
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
}

fn rand_seed() -> u64 {
    uuid::Uuid::new_v4().as_u64_pair().0
}

fn default_role(data: &Data) -> String {
    let packs = data.engine.bank.packs();
    packs
        .iter()
        .find(|p| p.role.id == "senior-python-developer")
        .or(packs.first())
        .map_or_else(String::new, |p| p.role.id.clone())
}

async fn say(ctx: Context<'_>, reply: Reply) -> Result<(), Error> {
    let mut r = poise::CreateReply::default()
        .ephemeral(reply.ephemeral)
        .allowed_mentions(super::render::no_mentions());
    if let Some(c) = reply.content {
        r = r.content(c);
    }
    for e in reply.embeds {
        r = r.embed(e);
    }
    for f in reply.files {
        r = r.attachment(f);
    }
    r = r.components(reply.components);
    ctx.send(r).await?;
    Ok(())
}

/// Checks the request against the packs before anything is created.
fn precheck(ctx: &Context<'_>, req: &Request) -> Result<(), String> {
    let pack = ctx.data().engine.pack(&req.role).map_err(|r| r.message)?;
    crate::interview::plan::select(pack, &req.options)
        .map(|_| ())
        .map_err(|r| r.message)
}

async fn already_live(ctx: Context<'_>, scope: &str) -> Result<Option<Stored>, Error> {
    ctx.data().engine.live(scope, &actor(ctx.author().id)).await
}

fn live_message(s: &Stored) -> String {
    let place = s
        .channel_id
        .as_ref()
        .map_or(String::new(), |c| format!(" in <#{c}>"));
    format!("You already have an interview in progress{place}. Use `/interview status` to see it, or `/interview end` to finish it first.")
}

/// `/interview start` in a server: a thread for the candidate, the interview inside it.
async fn begin_in_thread(ctx: Context<'_>, req: Request, private: bool) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    if let Err(msg) = precheck(&ctx, &req) {
        return say(ctx, Reply::text(msg).ephemeral()).await;
    }
    let scope = scope(ctx.guild_id());
    if let Some(live) = already_live(ctx, &scope).await? {
        return say(ctx, Reply::text(live_message(&live)).ephemeral()).await;
    }
    let engine = &ctx.data().engine;
    let role_name = engine
        .pack(&req.role)
        .map(|p| p.role.name.clone())
        .unwrap_or_default();
    let name = clip(
        &format!("Mock interview · {} · {role_name}", ctx.author().name),
        100,
    );
    let kind = if private {
        ChannelType::PrivateThread
    } else {
        ChannelType::PublicThread
    };
    let thread = match ctx
        .channel_id()
        .create_thread(ctx.http(), CreateThread::new(name).kind(kind))
        .await
    {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "creating an interview thread failed");
            let msg = "I couldn't open a thread here. Use `/interview start` in a text channel where I may create threads (Create Public/Private Threads and Send Messages in Threads), or use `/practice` for DMs.";
            return say(ctx, Reply::text(msg).ephemeral()).await;
        }
    };
    thread
        .id
        .add_thread_member(ctx.http(), ctx.author().id)
        .await
        .ok();
    let posted = start_session(ctx, &req, &scope, "channel", thread.id).await?;
    let msg = match posted {
        Ok(()) => format!("Your interview is ready in <#{}>.", thread.id),
        Err(m) => m,
    };
    say(ctx, Reply::text(msg).ephemeral()).await
}

/// `/practice` in a server: the interview moves to the candidate's DMs.
async fn begin_in_dm(ctx: Context<'_>, req: Request) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    if let Err(msg) = precheck(&ctx, &req) {
        return say(ctx, Reply::text(msg).ephemeral()).await;
    }
    if let Some(live) = already_live(ctx, "dm").await? {
        return say(ctx, Reply::text(live_message(&live)).ephemeral()).await;
    }
    let dm = ctx.author().id.create_dm_channel(ctx.http()).await?;
    let msg = match start_session(ctx, &req, "dm", "dm", dm.id).await? {
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
    scope: &str,
    mode: &str,
    channel: ChannelId,
) -> Result<Result<(), String>, Error> {
    let engine = &ctx.data().engine;
    let channel_id = channel.to_string();
    let candidate = actor(ctx.author().id);
    let new = NewSession {
        scope,
        candidate: &candidate,
        mode,
        role: &req.role,
        options: req.options.clone(),
        time_limit_secs: req.time_limit_secs,
        channel_id: Some(&channel_id),
        key: &req.key,
    };
    let (session, effects) = match engine.start(new, crate::engine::now_millis()).await? {
        Ok(x) => x,
        Err(r) => return Ok(Err(r.message)),
    };
    let pack = engine.pack(&req.role).map_err(|r| anyhow::anyhow!("{r}"))?;
    if let Err(e) =
        super::send::post(ctx.http(), channel, render(&session, pack, &effects, None)).await
    {
        if discord_code(&e) == Some(50007) {
            engine.store.discard(&session.id).await?;
            return Ok(Err("I can't send you direct messages. Allow DMs from this server (server name → Privacy Settings → Direct Messages), then run `/practice` again.".into()));
        }
        return Err(e.into());
    }
    Ok(Ok(()))
}

/// `/interview start` or `/practice` inside a DM: the interview runs right here.
async fn begin_here(ctx: Context<'_>, req: Request) -> Result<(), Error> {
    if let Err(msg) = precheck(&ctx, &req) {
        return say(ctx, Reply::text(msg)).await;
    }
    if let Some(live) = already_live(ctx, "dm").await? {
        return say(ctx, Reply::text(live_message(&live))).await;
    }
    ctx.defer().await?;
    let engine = &ctx.data().engine;
    let channel_id = ctx.channel_id().to_string();
    let candidate = actor(ctx.author().id);
    let new = NewSession {
        scope: "dm",
        candidate: &candidate,
        mode: "dm",
        role: &req.role,
        options: req.options.clone(),
        time_limit_secs: req.time_limit_secs,
        channel_id: Some(&channel_id),
        key: &req.key,
    };
    match engine.start(new, crate::engine::now_millis()).await? {
        Err(r) => say(ctx, Reply::text(r.message)).await,
        Ok((session, effects)) => {
            let pack = engine.pack(&req.role).map_err(|r| anyhow::anyhow!("{r}"))?;
            for reply in render(&session, pack, &effects, None) {
                say(ctx, reply).await?;
            }
            Ok(())
        }
    }
}

/// The session a management command is about: the one living in this channel, else the
/// caller's live one in this scope.
async fn find(ctx: Context<'_>) -> Result<Option<Stored>, Error> {
    let engine = &ctx.data().engine;
    let me = actor(ctx.author().id);
    if let Some(s) = engine
        .store
        .by_channel(&ctx.channel_id().to_string())
        .await?
    {
        if s.session.candidate == me && !s.session.stage.is_over() {
            return Ok(Some(s));
        }
    }
    already_live(ctx, &scope(ctx.guild_id())).await
}

const NONE_LIVE: &str = "You have no interview in progress here. Start one with `/interview start` (or `/practice` for DMs).";

/// Replies in public where the session lives, privately anywhere else.
fn visibility(ctx: &Context<'_>, s: &Stored, mut replies: Vec<Reply>) -> Vec<Reply> {
    let here = s.channel_id.as_deref() == Some(ctx.channel_id().to_string().as_str());
    if !here {
        for r in &mut replies {
            r.ephemeral = true;
        }
    }
    replies
}

/// Where you are in your interview; shows the current question again.
#[poise::command(slash_command)]
async fn status(ctx: Context<'_>) -> Result<(), Error> {
    let Some(s) = find(ctx).await? else {
        return say(ctx, Reply::text(NONE_LIVE).ephemeral()).await;
    };
    let pack = ctx
        .data()
        .engine
        .pack(&s.session.plan.role)
        .map_err(|r| anyhow::anyhow!("{r}"))?;
    let item = s.session.stage.item().map_or(0, |i| i + 1);
    let place = s
        .channel_id
        .as_ref()
        .map_or(String::new(), |c| format!(" in <#{c}>"));
    let paused = if matches!(s.session.stage, Stage::Paused { .. }) {
        " It is paused: `/interview resume` continues it."
    } else {
        ""
    };
    let mut replies = vec![Reply::text(format!(
        "{}: question {item} of {}{place}.{paused}",
        pack.role.name,
        s.session.plan.items.len()
    ))];
    if let Some(fx) = current_prompt(&s.session, pack, true) {
        replies.extend(render(&s.session, pack, &[fx], None));
    }
    for r in replies {
        say(ctx, r.ephemeral()).await?;
    }
    Ok(())
}

/// End your interview now and get the summary (unsubmitted text is kept as your answer).
#[poise::command(slash_command)]
async fn end(ctx: Context<'_>) -> Result<(), Error> {
    apply_command(ctx, Input::End).await
}

/// Resume a paused interview (or show where you are).
#[poise::command(slash_command)]
async fn resume(ctx: Context<'_>) -> Result<(), Error> {
    let Some(s) = find(ctx).await? else {
        return say(ctx, Reply::text(NONE_LIVE).ephemeral()).await;
    };
    if matches!(s.session.stage, Stage::Paused { .. }) {
        apply_command(ctx, Input::Resume).await
    } else {
        status_inner(ctx, s).await
    }
}

async fn status_inner(ctx: Context<'_>, s: Stored) -> Result<(), Error> {
    let pack = ctx
        .data()
        .engine
        .pack(&s.session.plan.role)
        .map_err(|r| anyhow::anyhow!("{r}"))?;
    let fx: Vec<_> = current_prompt(&s.session, pack, true).into_iter().collect();
    let mut replies = vec![Reply::text(
        "Your interview is not paused; here is where you are.",
    )];
    replies.extend(render(&s.session, pack, &fx, None));
    for r in visibility(&ctx, &s, replies) {
        say(ctx, r).await?;
    }
    Ok(())
}

async fn apply_command(ctx: Context<'_>, input: Input) -> Result<(), Error> {
    let Some(s) = find(ctx).await? else {
        return say(ctx, Reply::text(NONE_LIVE).ephemeral()).await;
    };
    ctx.defer_or_broadcast().await.ok();
    let engine = &ctx.data().engine;
    let key = format!("ix:{}", ctx.id());
    let outcome = engine
        .apply(
            &s.session.id,
            &actor(ctx.author().id),
            &input,
            &key,
            crate::engine::now_millis(),
        )
        .await?;
    match outcome {
        Outcome::Applied { session, effects } => {
            let pack = engine
                .pack(&session.plan.role)
                .map_err(|r| anyhow::anyhow!("{r}"))?;
            let replies = render(&session, pack, &effects, None);
            for r in visibility(&ctx, &s, replies) {
                say(ctx, r).await?;
            }
            Ok(())
        }
        Outcome::Rejected(r) => say(ctx, Reply::text(r.message).ephemeral()).await,
        Outcome::Duplicate => Ok(()),
    }
}

/// Your recent interviews here, with their scores.
#[poise::command(slash_command)]
async fn history(ctx: Context<'_>) -> Result<(), Error> {
    let engine = &ctx.data().engine;
    let rows = engine
        .store
        .history(&scope(ctx.guild_id()), &actor(ctx.author().id), 10)
        .await?;
    if rows.is_empty() {
        return say(
            ctx,
            Reply::text("No interviews here yet. Start one with `/interview start`.").ephemeral(),
        )
        .await;
    }
    let lines: Vec<String> = rows
        .iter()
        .map(|h| {
            let role = engine
                .bank
                .role(&h.role_id)
                .map_or(h.role_id.as_str(), |p| p.role.name.as_str());
            let totals = engine
                .bank
                .role(&h.role_id)
                .map(|p| totals_line(&summarize(&h.session, p).overall))
                .unwrap_or_default();
            format!(
                "<t:{}:d> **{role}** · {} · {totals}",
                h.created_at / 1000,
                h.status
            )
        })
        .collect();
    say(
        ctx,
        Reply::text(clip(
            &format!("Your recent interviews:\n{}", lines.join("\n")),
            2000,
        ))
        .ephemeral(),
    )
    .await
}

async fn ac_role(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let p = partial.to_lowercase();
    let choices = ctx
        .data()
        .engine
        .bank
        .packs()
        .iter()
        .filter(|pk| pk.role.id.contains(&p) || pk.role.name.to_lowercase().contains(&p))
        .take(25)
        .map(|pk| AutocompleteChoice::new(pk.role.name.clone(), pk.role.id.clone()))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Suggests areas of the role chosen so far, completing the last comma-separated entry.
async fn ac_areas(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let role = chosen_role(&ctx).unwrap_or_else(|| default_role(ctx.data()));
    let Some(pack) = ctx.data().engine.bank.role(&role) else {
        return CreateAutocompleteResponse::new();
    };
    let (done, last) = partial
        .rsplit_once(',')
        .map_or(("", partial), |(d, l)| (d, l));
    let prefix = if done.is_empty() {
        String::new()
    } else {
        format!("{},", done.trim())
    };
    let last = last.trim().to_lowercase();
    let choices = pack
        .areas
        .iter()
        .filter(|a| {
            (a.id.contains(&last) || a.name.to_lowercase().contains(&last))
                && !done.split(',').any(|d| d.trim() == a.id)
        })
        .take(25)
        .map(|a| {
            AutocompleteChoice::new(
                clip(&format!("{prefix}{} ({})", a.id, a.name), 100),
                clip(&format!("{prefix}{}", a.id), 100),
            )
        })
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

fn chosen_role(ctx: &Context<'_>) -> Option<String> {
    let poise::Context::Application(app) = ctx else {
        return None;
    };
    fn scan(opts: &[serenity::ResolvedOption<'_>]) -> Option<String> {
        opts.iter().find_map(|o| match &o.value {
            serenity::ResolvedValue::String(s) if o.name == "role" => Some(s.to_string()),
            serenity::ResolvedValue::SubCommand(inner) => scan(inner),
            _ => None,
        })
    }
    scan(&app.interaction.data.options())
}

/// User errors were already answered; anything else is logged and apologised for with an id.
pub async fn on_error(err: poise::FrameworkError<'_, Data, Error>) {
    match err {
        poise::FrameworkError::Command { error, ctx, .. } => {
            let id = uuid::Uuid::new_v4().simple().to_string();
            tracing::error!(error = ?error, error_id = %&id[..8], command = %ctx.command().qualified_name, "command failed");
            let msg = format!("Something went wrong on my side (error {}). Nothing you typed was lost; please try again.", &id[..8]);
            let _ = ctx
                .send(poise::CreateReply::default().content(msg).ephemeral(true))
                .await;
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = %e, "while handling a framework error");
            }
        }
    }
}
