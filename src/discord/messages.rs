//! Typed answers: messages in a session's thread or DM from its candidate grow the draft.
//! Other people may talk in a public thread; their messages are left alone.

use poise::serenity_prelude as serenity;
use serenity::{CreateMessage, Message, ReactionType};

use super::render::no_mentions;
use super::{actor, words, Data};
use crate::engine::{now_millis, Outcome};

const SAVED: char = '📝';

pub async fn on_message(ctx: &serenity::Context, data: &Data, msg: &Message) -> anyhow::Result<()> {
    if msg.author.bot {
        return Ok(());
    }
    let Some(stored) = data.engine.store.by_channel(&msg.channel_id.to_string()).await? else {
        return Ok(());
    };
    // Chat before a review starts (the lobby) or after the end is conversation, not an answer.
    let waiting = stored.session.stage.is_over() || stored.session.stage == crate::interview::Stage::Lobby;
    if waiting || stored.session.candidate != actor(msg.author.id) {
        return Ok(());
    }
    if msg.content.trim().is_empty() {
        let why = if msg.attachments.is_empty() {
            "I couldn't read any text in that message (in servers I need the Message Content intent to read it). Use **Answer in a form** on the question instead."
        } else {
            "I can only take typed text as an answer, not attachments. Paste the text, or use **Answer in a form**."
        };
        return reply(ctx, msg, why).await;
    }
    let input = crate::interview::Input::Answer { text: msg.content.clone() };
    let key = format!("msg:{}", msg.id);
    match data
        .engine
        .apply(&stored.session.id, &actor(msg.author.id), &input, &key, now_millis())
        .await?
    {
        Outcome::Applied { .. } => {
            // A reaction says "added to your draft" without another message in the thread.
            if let Err(e) = msg.react(&ctx.http, ReactionType::Unicode(SAVED.to_string())).await {
                tracing::debug!(error = %e, "could not react to a draft message");
            }
            Ok(())
        }
        Outcome::Rejected(r) => reply(ctx, msg, &r.explain(&words::DISCORD)).await,
        Outcome::Duplicate => Ok(()),
    }
}

async fn reply(ctx: &serenity::Context, msg: &Message, text: &str) -> anyhow::Result<()> {
    let m = CreateMessage::new()
        .content(text)
        .reference_message(msg)
        .allowed_mentions(no_mentions());
    msg.channel_id.send_message(&ctx.http, m).await?;
    Ok(())
}
