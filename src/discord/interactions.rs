//! Buttons, the checklist select menu and the answer form. Each click is checked (is it ours,
//! is it the candidate, is it for the current question) before it becomes a core input.

use poise::serenity_prelude as serenity;
use serenity::builder::Builder;
use serenity::{
    ActionRowComponent, ComponentInteraction, ComponentInteractionDataKind, CreateActionRow,
    CreateInputText, CreateInteractionResponse, CreateModal, InputTextStyle, Interaction,
    ModalInteraction, UserId,
};

use super::ids::{ComponentId, QuestionAction, RubricAction};
use super::render::{render, Reply};
use super::send::{respond, response_message};
use super::{actor, Data};
use crate::bank::Pack;
use crate::engine::{now_millis, Outcome};
use crate::interview::{current_prompt, Input, Session, Stage, MAX_ANSWER_CHARS};
use crate::store::Stored;

/// The form's text box holds at most this (Discord's limit for a paragraph input).
const FORM_MAX: u16 = 4000;

/// The common checks; `Err(reply)` is a private message to the clicker and nothing changes.
async fn load(
    data: &Data,
    id: &ComponentId,
    user: UserId,
) -> anyhow::Result<Result<Stored, Reply>> {
    let Some(stored) = data.engine.store.load(id.session()).await? else {
        return Ok(Err(
            Reply::text("This interview no longer exists.").ephemeral()
        ));
    };
    if stored.session.candidate != actor(user) {
        let owner = stored.session.candidate.trim_start_matches("discord:");
        let msg = format!("This is <@{owner}>'s interview: only they can answer or score it. Start your own with `/interview start`.");
        return Ok(Err(Reply::text(msg).ephemeral()));
    }
    if stored.session.stage.is_over() {
        return Ok(Err(Reply::text(
            "This interview has ended. Start a new one with `/interview start`.",
        )
        .ephemeral()));
    }
    Ok(Ok(stored))
}

/// The stage the session is really in, looking through a pause.
fn live_stage(s: &Session) -> &Stage {
    match &s.stage {
        Stage::Paused { resume, .. } => resume,
        other => other,
    }
}

fn is_current(s: &Session, id: &ComponentId) -> bool {
    match (id, live_stage(s)) {
        (
            ComponentId::Question { item, part, .. } | ComponentId::Form { item, part, .. },
            Stage::Asking {
                item: i, part: p, ..
            },
        ) => item == i && part == p,
        (ComponentId::Rubric { item, .. }, Stage::Scoring { item: i, .. }) => item == i,
        _ => false,
    }
}

fn stale(s: &Session, pack: &Pack) -> Vec<Reply> {
    let mut replies = vec![Reply::text(
        "That button belongs to an earlier step of your interview; this is where you are now:",
    )
    .ephemeral()];
    let fx: Vec<_> = current_prompt(s, pack, true).into_iter().collect();
    replies.extend(render(s, pack, &fx, None).into_iter().map(Reply::ephemeral));
    replies
}

pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    ci: &ComponentInteraction,
) -> anyhow::Result<()> {
    let Some(id) = ComponentId::parse(&ci.data.custom_id) else {
        return Ok(());
    };
    let key = format!("ix:{}", ci.id);
    if data.engine.store.event_exists(&key).await? {
        return Ok(()); // a re-delivered interaction: applied once already, answered once already
    }
    let stored = match load(data, &id, ci.user.id).await? {
        Ok(s) => s,
        Err(reply) => return Ok(respond(&ctx.http, ci.id, &ci.token, vec![reply]).await?),
    };
    let s = &stored.session;
    let pack = data.engine.session_pack(&stored).await?;
    if !is_current(s, &id) {
        return Ok(respond(&ctx.http, ci.id, &ci.token, stale(s, &pack)).await?);
    }
    let input = match &id {
        ComponentId::Question {
            action: QuestionAction::Form,
            item,
            part,
            ..
        } => return open_form(ctx, ci, s, *item, *part).await,
        ComponentId::Question { action, .. } => match action {
            QuestionAction::Submit => Input::Submit,
            QuestionAction::Hint => Input::Hint,
            QuestionAction::Skip => Input::Skip,
            QuestionAction::End | QuestionAction::Form => Input::End,
        },
        ComponentId::Rubric {
            action: RubricAction::Ticks,
            ..
        } => Input::Checklist {
            ticks: selected(ci),
        },
        ComponentId::Rubric {
            action: RubricAction::Rate(n),
            ..
        } => Input::Rate { rating: *n },
        ComponentId::Rubric {
            action: RubricAction::SkipScore,
            ..
        } => Input::Skip,
        ComponentId::Form { .. } => return Ok(()),
    };
    let outcome = data
        .engine
        .apply(&s.id, &actor(ci.user.id), &input, &key, now_millis())
        .await?;
    if matches!(input, Input::Checklist { .. }) {
        return acknowledge_ticks(ctx, ci, outcome).await;
    }
    answer(ctx, &pack, ci.id, &ci.token, outcome, None).await
}

fn selected(ci: &ComponentInteraction) -> Vec<u8> {
    match &ci.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => {
            values.iter().filter_map(|v| v.parse().ok()).collect()
        }
        _ => Vec::new(),
    }
}

/// The checklist choice updates the rubric message in place (no new message in the thread).
async fn acknowledge_ticks(
    ctx: &serenity::Context,
    ci: &ComponentInteraction,
    outcome: Outcome,
) -> anyhow::Result<()> {
    let response = match outcome {
        Outcome::Applied { effects, .. } => {
            let line = effects.iter().find_map(|e| match e {
                crate::interview::Effect::AskRating { ticked, of, .. } => Some(format!(
                    "Ticked {ticked} of {of}. Now rate your answer 1-4."
                )),
                _ => None,
            });
            let msg = serenity::CreateInteractionResponseMessage::new()
                .content(line.unwrap_or_default())
                .allowed_mentions(super::render::no_mentions());
            CreateInteractionResponse::UpdateMessage(msg)
        }
        Outcome::Rejected(r) => {
            CreateInteractionResponse::Message(response_message(Reply::text(r.message).ephemeral()))
        }
        Outcome::Duplicate => return Ok(()),
    };
    response.execute(&ctx.http, (ci.id, &ci.token)).await?;
    Ok(())
}

/// Shows the effects of an applied input, or the rejection privately.
async fn answer(
    ctx: &serenity::Context,
    pack: &Pack,
    id: serenity::InteractionId,
    token: &str,
    outcome: Outcome,
    echo: Option<&str>,
) -> anyhow::Result<()> {
    match outcome {
        Outcome::Applied { session, effects } => {
            respond(&ctx.http, id, token, render(&session, pack, &effects, echo)).await?;
        }
        Outcome::Rejected(r) => {
            respond(
                &ctx.http,
                id,
                token,
                vec![Reply::text(r.message).ephemeral()],
            )
            .await?
        }
        Outcome::Duplicate => {}
    }
    Ok(())
}

/// Opens the answer form, pre-filled with the draft typed so far when it fits.
async fn open_form(
    ctx: &serenity::Context,
    ci: &ComponentInteraction,
    s: &Session,
    item: usize,
    part: usize,
) -> anyhow::Result<()> {
    let draft = match live_stage(s) {
        Stage::Asking { draft, .. } => draft.clone(),
        _ => String::new(),
    };
    let mut input = CreateInputText::new(InputTextStyle::Paragraph, "Your answer", "answer")
        .max_length(FORM_MAX)
        .required(true);
    if !draft.is_empty() && draft.chars().count() <= FORM_MAX as usize {
        input = input.value(draft);
    }
    let title = if part == 0 {
        format!("Answer to question {}", item + 1)
    } else {
        format!("Answer to follow-up {part}")
    };
    let modal = CreateModal::new(
        ComponentId::Form {
            session: s.id.clone(),
            item,
            part,
        }
        .encode(),
        title,
    )
    .components(vec![CreateActionRow::InputText(input)]);
    CreateInteractionResponse::Modal(modal)
        .execute(&ctx.http, (ci.id, &ci.token))
        .await?;
    Ok(())
}

pub async fn on_modal(
    ctx: &serenity::Context,
    data: &Data,
    mi: &ModalInteraction,
) -> anyhow::Result<()> {
    let Some(id @ ComponentId::Form { .. }) = ComponentId::parse(&mi.data.custom_id) else {
        return Ok(());
    };
    let key = format!("ix:{}", mi.id);
    if data.engine.store.event_exists(&key).await? {
        return Ok(());
    }
    let stored = match load(data, &id, mi.user.id).await? {
        Ok(s) => s,
        Err(reply) => return Ok(respond(&ctx.http, mi.id, &mi.token, vec![reply]).await?),
    };
    let pack = data.engine.session_pack(&stored).await?;
    if !is_current(&stored.session, &id) {
        return Ok(respond(&ctx.http, mi.id, &mi.token, stale(&stored.session, &pack)).await?);
    }
    let text: String = mi
        .data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .find_map(|c| match c {
            ActionRowComponent::InputText(t) if t.custom_id == "answer" => t.value.clone(),
            _ => None,
        })
        .unwrap_or_default();
    debug_assert!(text.chars().count() <= MAX_ANSWER_CHARS);
    let input = Input::SubmitForm { text: text.clone() };
    let outcome = data
        .engine
        .apply(
            &stored.session.id,
            &actor(mi.user.id),
            &input,
            &key,
            now_millis(),
        )
        .await?;
    answer(ctx, &pack, mi.id, &mi.token, outcome, Some(&text)).await
}

/// After an internal error: a private apology with an id to quote (best effort).
pub async fn apologise(ctx: &serenity::Context, interaction: &Interaction, id: &str) {
    let msg = format!("Something went wrong on my side (error {id}). Nothing you typed was lost; please try again.");
    let (iid, token) = match interaction {
        Interaction::Component(c) => (c.id, c.token.as_str()),
        Interaction::Modal(m) => (m.id, m.token.as_str()),
        _ => return,
    };
    let _ = respond(&ctx.http, iid, token, vec![Reply::text(msg).ephemeral()]).await;
}
