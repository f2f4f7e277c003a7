//! `/review start` (a live peer-review session in a thread), `/review remove` (the host removes
//! a reviewer) and `/review share` (a finished interview shared for asynchronous review).

use poise::serenity_prelude as serenity;
use serenity::User;

use super::start::{open_thread, remove_empty_thread, start_session, Request};
use super::{ac_areas, ac_role};
use crate::discord::ack::within_budget;
use crate::discord::card::{clip, Card, Reply, GREY};
use crate::discord::deliver::{deliver, rejection_text, Origin};
use crate::discord::render::render;
use crate::discord::send::{post, say};
use crate::discord::{actor, scope, Context, Error};
use crate::engine::now_millis;
use crate::interview::audience::for_audience;
use crate::interview::{Audience, Effect, Input, Mode, Scope};

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
    if candidate.id != ctx.author().id && ctx.data().engine.live(scope, &cand).await?.is_some() {
        let msg = format!("<@{}> already has an interview in progress in this server.", candidate.id);
        return say(ctx, Reply::text(msg).ephemeral()).await;
    }
    let pack = match req.check(&ctx, scope, &cand).await? {
        Ok(p) => p,
        Err(msg) => return say(ctx, Reply::text(msg).ephemeral()).await,
    };
    let thread = match open_thread(ctx, format!("Peer review · {} · {}", candidate.name, pack.role.name), false).await? {
        Ok(t) => t,
        Err(m) => return say(ctx, Reply::text(m).ephemeral()).await,
    };
    for u in [candidate.id, ctx.author().id] {
        thread.add_thread_member(ctx.http(), u).await.ok();
    }
    let secs = scoring_minutes.unwrap_or(10) * 60;
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
    deliver(ctx.http(), Origin::Command(ctx), outcome).await
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
