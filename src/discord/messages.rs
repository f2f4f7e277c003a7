//! Typed answers: messages in a session's thread or DM from its candidate grow the draft.
//! Other people may talk in a public thread; their messages are left alone.

use poise::serenity_prelude as serenity;
use serenity::Message;

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
    let input = Input::Answer { text: msg.content.clone() };
    let key = format!("msg:{}", msg.id);
    let outcome = data.engine.apply(&stored.session.id, &me, &input, &key, now_millis()).await?;
    deliver(&ctx.http, Origin::Message(msg), outcome).await
}
