//! Typed answers: messages in a session's thread or DM from its candidate grow the draft, in
//! the order they were sent; editing one before submitting changes its part, deleting one
//! removes it (the way to take back a pasted secret). Other people may talk in a public thread;
//! their messages are left alone.

use poise::serenity_prelude as serenity;
use serenity::{ChannelId, Message, MessageId, MessageUpdateEvent};

use super::deliver::{deliver, reply_to, Origin};
use super::{actor, Data};
use crate::engine::now_millis;
use crate::interview::{Input, Stage};

pub async fn on_message(ctx: &serenity::Context, data: &Data, msg: &Message) -> anyhow::Result<()> {
    // Bots, and system messages (pins, thread member adds, renames): not answers.
    if msg.author.bot || !matches!(msg.kind, serenity::MessageType::Regular | serenity::MessageType::InlineReply) {
        return Ok(());
    }
    let Some(stored) = data.engine.by_channel(msg.channel_id.get()).await? else {
        return Ok(());
    };
    // Chat before a review starts (the lobby) or after the end is conversation, not an answer.
    let waiting = stored.session.stage.is_over() || stored.session.stage == Stage::Lobby;
    let me = actor(msg.author.id);
    if waiting || stored.session.candidate != me {
        return Ok(());
    }
    if msg.content.trim().is_empty() {
        let why = if msg.attachments.is_empty() {
            "I couldn't read any text in that message (in servers I need the Message Content intent to read it). Use **Answer in a form** on the question instead."
        } else {
            "I can only take typed text as an answer, not attachments. Paste the text, or use **Answer in a form**."
        };
        return reply_to(&ctx.http, msg, why).await;
    }
    let input = Input::Answer {
        text: msg.content.clone(),
        message: Some(msg.id.get()),
    };
    let key = format!("msg:{}", msg.id);
    let outcome = data.engine.apply(&stored.session.id, &me, &input, &key, now_millis()).await?;
    deliver(&ctx.http, &data.engine, Origin::Message(msg), outcome).await
}

/// An edit of a typed message: its part of the draft becomes the new text (quietly: nothing is
/// posted). After submitting, the stored answer stays what was submitted.
pub async fn on_edit(data: &Data, ev: &MessageUpdateEvent) -> anyhow::Result<()> {
    let (Some(author), Some(text)) = (&ev.author, &ev.content) else {
        return Ok(());
    };
    let Some(stored) = data.engine.by_channel(ev.channel_id.get()).await? else {
        return Ok(());
    };
    if author.bot || stored.session.candidate != actor(author.id) {
        return Ok(());
    }
    let at = ev.edited_timestamp.map_or(0, |t| t.unix_timestamp());
    let key = format!("edit:{}:{at}:{}", ev.id, text.len());
    let input = Input::EditMessage {
        message: ev.id.get(),
        text: text.clone(),
    };
    let outcome = data
        .engine
        .apply(&stored.session.id, &actor(author.id), &input, &key, now_millis())
        .await?;
    crate::ops::metrics::outcome(&outcome);
    Ok(())
}

/// A deleted typed message: its part leaves the draft (whoever deleted it).
pub async fn on_delete(data: &Data, channel: ChannelId, message: MessageId) -> anyhow::Result<()> {
    let Some(stored) = data.engine.by_channel(channel.get()).await? else {
        return Ok(());
    };
    let input = Input::RetractMessage { message: message.get() };
    let key = format!("delete:{message}");
    let candidate = stored.session.candidate.clone();
    let outcome = data
        .engine
        .apply(&stored.session.id, &candidate, &input, &key, now_millis())
        .await?;
    crate::ops::metrics::outcome(&outcome);
    Ok(())
}
