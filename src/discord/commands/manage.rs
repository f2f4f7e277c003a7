//! Managing your interview: `/interview status`, `/interview end`, `/interview resume`
//! (`/interview history` is in progress.rs).

use crate::discord::ack::within_budget;
use crate::discord::card::Reply;
use crate::discord::deliver::{deliver, Origin};
use crate::discord::render::render;
use crate::discord::send::{say, say_all};
use crate::discord::{actor, scope, Context, Error};
use crate::engine::now_millis;
use crate::interview::{current_prompt, Input, Stage};
use crate::store::Stored;

const NONE_LIVE: &str = "You have no interview in progress here. Start one with `/interview start` (or `/practice` for DMs).";

/// The session a command is about: the one living in this channel, else the caller's live one
/// in this scope.
async fn find(ctx: Context<'_>) -> Result<Option<Stored>, Error> {
    let engine = &ctx.data().engine;
    let me = actor(ctx.author().id);
    if let Some(s) = engine.by_channel(ctx.channel_id().get()).await? {
        if s.session.candidate == me && !s.session.stage.is_over() {
            return Ok(Some(s));
        }
    }
    engine.live(scope(ctx.guild_id()), &me).await
}

fn lives_here(ctx: &Context<'_>, s: &Stored) -> bool {
    s.channel == Some(ctx.channel_id().get())
}

/// Where you are in your interview; shows the current question again.
#[poise::command(slash_command)]
pub async fn status(ctx: Context<'_>) -> Result<(), Error> {
    let found = within_budget(ctx, true, async {
        match find(ctx).await? {
            Some(s) => Ok::<_, Error>(Some((ctx.data().engine.session_pack(&s).await?, s))),
            None => Ok(None),
        }
    })
    .await?;
    let Some((pack, s)) = found else {
        return say(ctx, Reply::text(NONE_LIVE).ephemeral()).await;
    };
    let item = s.session.stage.item().map_or(0, |i| i + 1);
    let place = s.channel.map_or(String::new(), |c| format!(" in <#{c}>"));
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
    let fx: Vec<_> = current_prompt(&s.session, &pack, true).into_iter().collect();
    replies.extend(render(&s.session, &pack, &fx, None));
    say_all(ctx, replies.into_iter().map(Reply::ephemeral).collect()).await
}

/// End your interview now and get the summary (unsubmitted text is kept as your answer).
#[poise::command(slash_command)]
pub async fn end(ctx: Context<'_>) -> Result<(), Error> {
    apply(ctx, Input::End).await
}

/// Resume a paused interview (or show where you are).
#[poise::command(slash_command)]
pub async fn resume(ctx: Context<'_>) -> Result<(), Error> {
    let Some(s) = within_budget(ctx, true, find(ctx)).await? else {
        return say(ctx, Reply::text(NONE_LIVE).ephemeral()).await;
    };
    if matches!(s.session.stage, Stage::Paused { .. }) {
        return apply(ctx, Input::Resume).await;
    }
    let pack = ctx.data().engine.session_pack(&s).await?;
    let fx: Vec<_> = current_prompt(&s.session, &pack, true).into_iter().collect();
    let mut replies = vec![Reply::text("Your interview is not paused; here is where you are.")];
    replies.extend(render(&s.session, &pack, &fx, None));
    let here = lives_here(&ctx, &s);
    replies.iter_mut().for_each(|r| r.ephemeral |= !here);
    say_all(ctx, replies).await
}

async fn apply(ctx: Context<'_>, input: Input) -> Result<(), Error> {
    // A slow lookup defers privately; a quick one lets the answer be public where the session lives.
    let Some(s) = within_budget(ctx, true, find(ctx)).await? else {
        return say(ctx, Reply::text(NONE_LIVE).ephemeral()).await;
    };
    // Decide visibility before deferring: the first message after a defer keeps the defer's
    // (and once deferred, another defer does nothing).
    if lives_here(&ctx, &s) {
        ctx.defer().await?;
    } else {
        ctx.defer_ephemeral().await?;
    }
    let key = format!("ix:{}", ctx.id());
    let outcome = ctx
        .data()
        .engine
        .apply(&s.session.id, &actor(ctx.author().id), &input, &key, now_millis())
        .await?;
    deliver(ctx.http(), &ctx.data().engine, Origin::Command(ctx), outcome).await
}
