//! `/interview forget-me`: after a confirmation button that only its caller can press, deletes
//! everything of theirs in every server and DM, and says what was deleted.

use poise::serenity_prelude as serenity;
use serenity::{ButtonStyle, ComponentInteraction, CreateActionRow, CreateButton};

use crate::discord::ack::{Ack, Update};
use crate::discord::card::Reply;
use crate::discord::ids::forget_id;
use crate::discord::send::say;
use crate::discord::{actor, Context, Data, Error};
use crate::engine::now_millis;
use crate::store::Forgotten;

/// Delete all your interviews, answers and scores here and everywhere (asks to confirm first).
#[poise::command(slash_command, rename = "forget-me")]
pub async fn forget_me(ctx: Context<'_>) -> Result<(), Error> {
    let me = ctx.author().id.get();
    let buttons = vec![CreateActionRow::Buttons(vec![
        CreateButton::new(forget_id(true, me))
            .label("Delete my data")
            .style(ButtonStyle::Danger),
        CreateButton::new(forget_id(false, me))
            .label("Cancel")
            .style(ButtonStyle::Secondary),
    ])];
    let reply = Reply {
        content: Some(
            "This deletes, in every server and in your DMs, every interview you were the candidate of: \
             your answers, drafts, what you typed, your self-scores and the scores teammates gave you. \
             Scores you gave on others' answers stay for them, without your name or your notes. \
             This cannot be undone."
                .into(),
        ),
        components: buttons,
        ..Reply::default()
    }
    .ephemeral();
    say(ctx, reply).await
}

/// A press of "Delete my data" or "Cancel".
pub async fn on_click(data: &Data, ci: &ComponentInteraction, ack: &Ack, confirm: bool, user: u64) -> anyhow::Result<()> {
    if ci.user.id.get() != user {
        let not_yours = Reply::text("Only the person who asked can confirm deleting their data.").ephemeral();
        return Ok(ack.reply(vec![not_yours]).await?);
    }
    let text = if confirm {
        let gone = data.engine.forget(&actor(ci.user.id), now_millis()).await?;
        tracing::info!(sessions = gone.sessions, "a user's data was deleted on request");
        summary(&gone)
    } else {
        "Nothing was deleted.".to_string()
    };
    let update = Update {
        content: Some(text),
        components: Some(Vec::new()),
        ..Update::default()
    };
    Ok(ack.update(update).await?)
}

fn summary(g: &Forgotten) -> String {
    format!(
        "Done. Deleted {} interview(s) with {} answer(s), {} score(s) you received and {} logged event(s) of yours. \
         {} score(s) you gave others stay for them without your name or notes ({} session(s) no longer name you).",
        g.sessions, g.answers, g.scores_received, g.events, g.scores_given, g.sessions_reviewed
    )
}
