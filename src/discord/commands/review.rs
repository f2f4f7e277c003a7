//! `/review start` (a live peer-review session in a thread), `/review remove` (the host removes
//! a reviewer) and `/review share` (a finished interview shared for asynchronous review).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use poise::serenity_prelude as serenity;
use serenity::{ButtonStyle, ComponentInteraction, CreateActionRow, CreateButton, User, UserId};

use super::start::{open_thread, open_thread_in, remove_empty_thread, remove_empty_thread_in, start_session, start_session_with, Request};
use super::{ac_areas, ac_role};
use crate::discord::ack::{within_budget, Ack, Update};
use crate::discord::card::{clip, Card, Reply, GREY};
use crate::discord::deliver::{deliver, rejection_text, Origin};
use crate::discord::ids::invitation_id;
use crate::discord::render::render;
use crate::discord::send::{post, say};
use crate::discord::{actor, scope, Context, Error};
use crate::engine::now_millis;
use crate::interview::audience::for_audience;
use crate::interview::{Audience, Effect, Input, Mode, Rejection, Scope};

/// Peer review: a teammate answers, colleagues score each answer privately.
#[poise::command(slash_command, guild_only, subcommands("start", "remove", "share"), subcommand_required)]
pub async fn review(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Start a peer-review interview: the candidate answers, teammates join and score privately.
#[poise::command(slash_command, guild_only)]
pub async fn start(
    ctx: Context<'_>,
    #[description = "Who answers"] candidate: User,
    #[description = "Role to interview for"]
    #[autocomplete = "ac_role"]
    role: Option<String>,
    #[description = "Areas, comma-separated (default: every area)"]
    #[autocomplete = "ac_areas"]
    areas: Option<String>,
    #[description = "Questions per area (1-5, default 1)"]
    #[min = 1]
    #[max = 5]
    per_area: Option<u8>,
    #[description = "Minutes each answer stays open for scoring (default 10)"]
    #[min = 1]
    #[max = 1440]
    scoring_minutes: Option<u32>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    if candidate.bot {
        return say(ctx, Reply::text("The candidate must be a person, not a bot.").ephemeral()).await;
    }
    let scope = scope(ctx.guild_id());
    let req = Request::new(&ctx, role, areas, per_area.unwrap_or(1), None);
    let cand = actor(candidate.id);
    let pack = match ctx.data().engine.check_start(scope, &cand, &req.role, &req.options).await? {
        Ok(p) => p,
        // The refusal speaks to the caller; here the live interview is someone else's.
        Err(Rejection::AlreadyLive { .. }) if candidate.id != ctx.author().id => {
            let msg = format!("<@{}> already has an interview in progress in this server.", candidate.id);
            return say(ctx, Reply::text(msg).ephemeral()).await;
        }
        Err(r) => return say(ctx, Reply::text(rejection_text(&r)).ephemeral()).await,
    };
    let secs = scoring_minutes.unwrap_or(10) * 60;
    if candidate.id != ctx.author().id {
        // Someone else's live slot is theirs to give: ask them first.
        return invite(ctx, &candidate, req, secs, &pack.role.name).await;
    }
    let thread = match open_thread(ctx, format!("Peer review · {} · {}", candidate.name, pack.role.name), false).await? {
        Ok(t) => t,
        Err(m) => return say(ctx, Reply::text(m).ephemeral()).await,
    };
    for u in [candidate.id, ctx.author().id] {
        thread.add_thread_member(ctx.http(), u).await.ok();
    }
    let new = req.session(scope, Mode::Peer, cand, thread, Some((actor(ctx.author().id), secs)));
    let msg = match start_session(ctx, new).await? {
        Ok(()) => format!("The review lobby is open in <#{thread}>."),
        Err(m) => {
            remove_empty_thread(ctx, thread).await;
            m
        }
    };
    say(ctx, Reply::text(msg).ephemeral()).await
}

/// How long a candidate has to accept a peer review someone else started for them.
const INVITATION_TTL: Duration = Duration::from_secs(10 * 60);

/// A peer review waiting for its candidate's consent: nothing is started (no thread, no live
/// slot taken) until they accept. Kept in memory: after a restart the buttons say it expired.
pub(crate) struct Invitation {
    host: UserId,
    candidate: UserId,
    candidate_name: String,
    role_name: String,
    req: Request,
    scoring_secs: u32,
    guild: u64,
    at: Instant,
}

#[derive(Default)]
pub(crate) struct Invitations(Mutex<HashMap<String, Invitation>>);

impl Invitations {
    fn put(&self, token: String, inv: Invitation) {
        if let Ok(mut m) = self.0.lock() {
            m.retain(|_, i| i.at.elapsed() < INVITATION_TTL);
            m.insert(token, inv);
        }
    }

    fn take_if(&self, token: &str, candidate: UserId) -> Result<Invitation, Option<UserId>> {
        let Ok(mut m) = self.0.lock() else { return Err(None) };
        match m.get(token) {
            Some(i) if i.at.elapsed() >= INVITATION_TTL => {
                m.remove(token);
                Err(None)
            }
            Some(i) if i.candidate != candidate => Err(Some(i.candidate)),
            Some(_) => m.remove(token).ok_or(None),
            None => Err(None),
        }
    }
}

/// Asks `candidate` (publicly, with buttons only they can use) to accept a peer review.
async fn invite(ctx: Context<'_>, candidate: &User, req: Request, scoring_secs: u32, role_name: &str) -> Result<(), Error> {
    let Some(guild) = ctx.guild_id() else { return Ok(()) };
    let token = uuid::Uuid::new_v4().simple().to_string()[..16].to_string();
    let buttons = vec![CreateActionRow::Buttons(vec![
        CreateButton::new(invitation_id(true, &token))
            .label("Accept")
            .style(ButtonStyle::Success),
        CreateButton::new(invitation_id(false, &token))
            .label("Decline")
            .style(ButtonStyle::Secondary),
    ])];
    let text = format!(
        "<@{}> would like to run a **{role_name}** peer-review mock interview with <@{}> as the candidate. <@{}>: press **Accept** to open the lobby, or **Decline**. The invitation lasts 10 minutes.",
        ctx.author().id,
        candidate.id,
        candidate.id
    );
    ctx.data().invitations.put(
        token,
        Invitation {
            host: ctx.author().id,
            candidate: candidate.id,
            candidate_name: candidate.name.clone(),
            role_name: role_name.to_string(),
            req,
            scoring_secs,
            guild: guild.get(),
            at: Instant::now(),
        },
    );
    // The command was deferred privately: its first follow-up is the host's private note, the
    // second the public invitation in the channel (an interaction call, exempt from the global
    // rate limit, instead of a channel post). If that fails, the invitation is posted.
    let said = format!("I asked <@{}> to accept; the lobby opens when they do.", candidate.id);
    say(ctx, Reply::text(said).ephemeral()).await?;
    let invitation = Reply {
        content: Some(text),
        components: buttons,
        ..Reply::default()
    };
    if let Err(e) = say(ctx, invitation.clone()).await {
        tracing::warn!(error = %e, "the invitation's follow-up failed; posting it in the channel");
        post(ctx.http(), ctx.channel_id(), [invitation]).await?;
    }
    Ok(())
}

/// **Accept** or **Decline** on an invitation: only its candidate may answer; accepting starts
/// the review as `/review start` would have.
pub async fn on_invitation(
    ctx: &serenity::Context,
    data: &crate::discord::Data,
    ci: &ComponentInteraction,
    ack: &Ack,
    accept: bool,
    token: &str,
) -> anyhow::Result<()> {
    let inv = match data.invitations.take_if(token, ci.user.id) {
        Ok(inv) => inv,
        Err(Some(cand)) => {
            let msg = Reply::text(format!("Only <@{cand}> can answer this invitation.")).ephemeral();
            return Ok(ack.reply(vec![msg]).await?);
        }
        Err(None) => {
            let msg = Reply::text("This invitation expired or was already answered; ask for a new one.").ephemeral();
            return Ok(ack.reply(vec![msg]).await?);
        }
    };
    let done = |text: String| Update {
        content: Some(text),
        components: Some(Vec::new()),
        ..Update::default()
    };
    if !accept {
        return Ok(ack.update(done(format!("<@{}> declined the peer review.", inv.candidate))).await?);
    }
    let (scope, cand) = (Scope::Server(inv.guild), actor(inv.candidate));
    let engine = &data.engine;
    let refused = match engine.check_start(scope, &cand, &inv.req.role, &inv.req.options).await? {
        Err(r) => Some(rejection_text(&r)),
        Ok(_) => None,
    };
    if let Some(why) = refused {
        return Ok(ack.update(done(format!("The peer review could not start: {why}"))).await?);
    }
    let name = format!("Peer review · {} · {}", inv.candidate_name, inv.role_name);
    let thread = match open_thread_in(&ctx.http, ci.channel_id, name, false).await? {
        Ok(t) => t,
        Err(m) => return Ok(ack.update(done(m)).await?),
    };
    for u in [inv.candidate, inv.host] {
        thread.add_thread_member(&ctx.http, u).await.ok();
    }
    let new = inv
        .req
        .session(scope, Mode::Peer, cand, thread, Some((actor(inv.host), inv.scoring_secs)));
    let text = match start_session_with(&ctx.http, engine, new).await? {
        Ok(()) => format!("<@{}> accepted: the review lobby is open in <#{thread}>.", inv.candidate),
        Err(m) => {
            remove_empty_thread_in(&ctx.http, thread).await;
            format!("The peer review could not start: {m}")
        }
    };
    Ok(ack.update(done(text)).await?)
}

/// Host only: remove a reviewer from your review session (their scores so far stay).
#[poise::command(slash_command, guild_only)]
pub async fn remove(ctx: Context<'_>, #[description = "The reviewer to remove"] reviewer: User) -> Result<(), Error> {
    let engine = &ctx.data().engine;
    let here = within_budget(ctx, true, engine.by_channel(ctx.channel_id().get())).await?;
    let Some(stored) = here.filter(|s| s.session.peer.is_some()) else {
        return say(ctx, Reply::text("Use `/review remove` inside the review's thread.").ephemeral()).await;
    };
    let input = Input::RemoveReviewer {
        reviewer: actor(reviewer.id),
    };
    let key = format!("ix:{}", ctx.id());
    let outcome = engine
        .apply(&stored.session.id, &actor(ctx.author().id), &input, &key, now_millis())
        .await?;
    deliver(ctx.http(), &ctx.data().engine, Origin::Command(ctx), outcome).await
}

/// Share a finished interview of yours (from a server or your DMs) here for teammates to score.
#[poise::command(slash_command, guild_only)]
pub async fn share(
    ctx: Context<'_>,
    #[description = "Days the answers stay open for scoring (default 7)"]
    #[min = 1]
    #[max = 30]
    days: Option<u32>,
    #[description = "Share your newest finished DM practice instead: its answers become visible here"] from_dm: Option<bool>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let engine = &ctx.data().engine;
    let me = actor(ctx.author().id);
    let here = scope(ctx.guild_id());
    // Your newest finished interview from this server; DM practice only when asked for by name,
    // since nothing from a DM is shown in a server unless its owner shares it explicitly.
    let from = if from_dm.unwrap_or(false) { Scope::Dm } else { here };
    let Some(original) = engine.newest_shareable(from, &me).await? else {
        return say(
            ctx,
            Reply::text(if from == Scope::Dm {
                "You have no finished DM practice to share. Finish one with `/interview end` in your DMs first."
            } else {
                "You have no finished interview in this server to share (use `from_dm:True` to share a DM practice). Finish one with `/interview end` first."
            })
            .ephemeral(),
        )
        .await;
    };
    let pack = match engine.pack_in(here, &original.session.plan.role, false).await? {
        Ok(p) => p,
        Err(_) => {
            return say(
                ctx,
                Reply::text("That interview's question pack is not available in this server.").ephemeral(),
            )
            .await
        }
    };
    let thread = match open_thread(ctx, format!("Review · {} · {}", ctx.author().name, pack.role.name), false).await? {
        Ok(t) => t,
        Err(m) => return say(ctx, Reply::text(m).ephemeral()).await,
    };
    let secs = days.unwrap_or(7) * 24 * 3600;
    let key = format!("ix:{}", ctx.id());
    let applied = match engine.share(&original, here, thread.get(), &key, secs, now_millis()).await? {
        Ok(a) => a,
        Err(r) => return say(ctx, Reply::text(rejection_text(&r)).ephemeral()).await,
    };
    let session = applied.session();
    let intro = Reply::text(format!(
        "<@{}> shared a finished **{}** interview for review. Each answer below is open for scoring for {} day(s): press **Score this answer** to score it privately.",
        ctx.author().id,
        pack.role.name,
        secs / 86_400
    ));
    post(ctx.http(), thread, vec![intro]).await?;
    for e in &for_audience(&applied.effects, Audience::Channel) {
        let Effect::ScoringOpened { item, .. } = e else {
            continue;
        };
        let prompt = pack.question(&session.plan.items[*item].question).map_or("", |q| q.prompt.as_str());
        let shown = std::iter::once(shared_answer(*item, prompt, &session.answer_text(*item)));
        post(
            ctx.http(),
            thread,
            shown.chain(render(session, &pack, std::slice::from_ref(e), None)),
        )
        .await?;
    }
    say(
        ctx,
        Reply::text(format!("Shared for review in <#{thread}>. I'll DM you as scores arrive.")).ephemeral(),
    )
    .await
}

/// One shared answer as reviewers see it: the question and the whole answer (in the message when
/// it fits, attached as a file when it does not).
fn shared_answer(item: usize, prompt: &str, answer: &str) -> Reply {
    const ROOM: usize = 3500;
    let body = format!("{}\n\n**Answer**\n{}", clip(prompt, 500), clip(answer, ROOM));
    let card = Card {
        title: format!("Question {}", item + 1),
        body,
        footer: None,
        colour: GREY,
    };
    let mut reply = Reply {
        embeds: vec![card.embed()],
        ..Reply::default()
    };
    if answer.chars().count() > ROOM {
        reply.content = Some("The whole answer is attached.".into());
        reply.files.push(serenity::CreateAttachment::bytes(
            answer.as_bytes().to_vec(),
            format!("answer-{}.md", item + 1),
        ));
    }
    reply
}
