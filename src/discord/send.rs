//! Delivering [`Reply`]s: through an interaction (response, then follow-ups: exempt from the
//! global rate limit), through poise for slash commands, or as channel messages (background
//! notices, threads, DMs).

use poise::serenity_prelude as serenity;
use serenity::builder::Builder;
use serenity::{ChannelId, CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage, Http};

use super::card::{no_mentions, Reply};
use super::Context;

pub fn response_message(r: Reply) -> CreateInteractionResponseMessage {
    let mut m = CreateInteractionResponseMessage::new()
        .allowed_mentions(no_mentions())
        .ephemeral(r.ephemeral);
    if let Some(c) = r.content {
        m = m.content(c);
    }
    m.embeds(r.embeds).components(r.components).files(r.files)
}

fn followup(r: Reply) -> CreateInteractionResponseFollowup {
    let mut m = CreateInteractionResponseFollowup::new()
        .allowed_mentions(no_mentions())
        .ephemeral(r.ephemeral);
    if let Some(c) = r.content {
        m = m.content(c);
    }
    m.embeds(r.embeds).components(r.components).files(r.files)
}

pub fn message(r: Reply) -> CreateMessage {
    let mut m = CreateMessage::new().allowed_mentions(no_mentions());
    if let Some(c) = r.content {
        m = m.content(c);
    }
    m.embeds(r.embeds).components(r.components).files(r.files)
}

/// Sends replies as follow-ups of an interaction that was already answered or deferred.
pub async fn send_followups(http: &Http, token: &str, replies: impl IntoIterator<Item = Reply>) -> serenity::Result<()> {
    for r in replies {
        crate::ops::metrics::rest("interaction_followup", followup(r).execute(http, (None, token))).await?;
    }
    Ok(())
}

/// Posts replies into a channel (thread or DM).
pub async fn post(http: &Http, channel: ChannelId, replies: impl IntoIterator<Item = Reply>) -> serenity::Result<()> {
    for r in replies {
        crate::ops::metrics::rest("channel_post", channel.send_message(http, message(r))).await?;
    }
    Ok(())
}

/// The Discord error code of a failed request, if Discord sent one (e.g. 50007: cannot DM).
pub fn discord_code(e: &serenity::Error) -> Option<isize> {
    match e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => Some(r.error.code),
        _ => None,
    }
}

/// Sends one reply to a slash command through poise (mentions disabled).
pub async fn say(ctx: Context<'_>, reply: Reply) -> anyhow::Result<()> {
    let mut r = poise::CreateReply::default()
        .ephemeral(reply.ephemeral)
        .allowed_mentions(no_mentions());
    if let Some(c) = reply.content {
        r = r.content(c);
    }
    for e in reply.embeds {
        r = r.embed(e);
    }
    for f in reply.files {
        r = r.attachment(f);
    }
    crate::ops::metrics::rest("command_reply", ctx.send(r.components(reply.components))).await?;
    Ok(())
}

pub async fn say_all(ctx: Context<'_>, replies: Vec<Reply>) -> anyhow::Result<()> {
    for r in replies {
        say(ctx, r).await?;
    }
    Ok(())
}
