//! The candidate's buttons, checklist select menu and answer form. Each click is checked (is it
//! ours, is it the candidate, is it for the current question, also after a reload) before it
//! becomes a core input. Peer-review components are routed to `review.rs`.

use poise::serenity_prelude as serenity;
use serenity::builder::Builder;
use serenity::{
    ActionRowComponent, ComponentInteraction, ComponentInteractionDataKind, CreateActionRow, CreateInputText, CreateInteractionResponse,
    CreateModal, InputTextStyle, Interaction, ModalInteraction, UserId,
};

use super::ids::{ComponentId, QuestionAction, RubricAction};
use super::render::{clip, render, Reply};
use super::send::{respond, response_message};
use super::{actor, review, words, Data};
use crate::bank::Pack;
use crate::engine::{now_millis, Outcome};
use crate::interview::{current_prompt, Effect, Input, Rejection, Session, Stage};
use crate::store::Stored;

/// The form's text box holds at most this (Discord's limit for a paragraph input).
const FORM_MAX: usize = 4000;

/// The common checks; `Err(reply)` is a private message to the clicker and nothing changes.
async fn load(data: &Data, id: &ComponentId, user: UserId) -> anyhow::Result<Result<Stored, Reply>> {
    let Some(stored) = data.engine.store.load(id.session()).await? else {
        return Ok(Err(Reply::text("This interview no longer exists.").ephemeral()));
    };
    if stored.session.candidate != actor(user) {
        let owner = super::review_render::mention(&stored.session.candidate);
        let msg = format!("This is {owner}'s interview: only they can answer or score it. Start your own with `/interview start`.");
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
        (ComponentId::Question { item, part, .. } | ComponentId::Form { item, part, .. }, Stage::Asking { item: i, part: p, .. }) => {
            item == i && part == p
        }
        (ComponentId::Rubric { item, .. }, Stage::Scoring { item: i, .. }) => item == i,
        _ => false,
    }
}

fn stale(s: &Session, pack: &Pack) -> Vec<Reply> {
    let mut replies = vec![Reply::text(Rejection::StaleClick.explain(&words::DISCORD)).ephemeral()];
    let fx: Vec<_> = current_prompt(s, pack, true).into_iter().collect();
    replies.extend(render(s, pack, &fx, None).into_iter().map(Reply::ephemeral));
    replies
}

pub async fn on_component(ctx: &serenity::Context, data: &Data, ci: &ComponentInteraction) -> anyhow::Result<()> {
    let Some(id) = ComponentId::parse(&ci.data.custom_id) else {
        return Ok(());
    };
    let key = format!("ix:{}", ci.id);
    if data.engine.store.event_exists(&key).await? {
        return Ok(()); // a re-delivered interaction: applied once already, answered once already
    }
    if matches!(id, ComponentId::Lobby { .. } | ComponentId::Peer { .. }) {
        return review::on_component(ctx, data, ci, id).await;
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
        } => Input::Checklist { ticks: selected(ci) },
        ComponentId::Rubric {
            action: RubricAction::Rate(n),
            ..
        } => Input::Rate { rating: *n },
        ComponentId::Rubric {
            action: RubricAction::SkipScore,
            ..
        } => Input::Skip,
        _ => return Ok(()),
    };
    let guard = |now: &Session| if is_current(now, &id) { Ok(()) } else { Err(Rejection::StaleClick) };
    let outcome = data
        .engine
        .apply_if(&s.id, &actor(ci.user.id), &input, &key, now_millis(), &guard)
        .await?;
    if matches!(input, Input::Checklist { .. }) {
        return acknowledge_ticks(ctx, ci, outcome).await;
    }
    answer(ctx, data, &stored, &pack, ci.id, &ci.token, outcome, None).await
}

pub fn selected(ci: &ComponentInteraction) -> Vec<u8> {
    match &ci.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => values.iter().filter_map(|v| v.parse().ok()).collect(),
        _ => Vec::new(),
    }
}

/// The checklist choice updates the rubric message in place (no new message in the thread).
async fn acknowledge_ticks(ctx: &serenity::Context, ci: &ComponentInteraction, outcome: Outcome) -> anyhow::Result<()> {
    let response = match outcome {
        Outcome::Applied { effects, .. } => {
            let line = effects.iter().find_map(|e| match e {
                Effect::AskRating { ticked, of, .. } => Some(format!("Ticked {ticked} of {of}. Now rate your answer 1-4.")),
                _ => None,
            });
            let msg = serenity::CreateInteractionResponseMessage::new()
                .content(line.unwrap_or_default())
                .allowed_mentions(super::render::no_mentions());
            CreateInteractionResponse::UpdateMessage(msg)
        }
        Outcome::Rejected(r) => CreateInteractionResponse::Message(response_message(Reply::text(r.explain(&words::DISCORD)).ephemeral())),
        Outcome::Duplicate => return Ok(()),
    };
    response.execute(&ctx.http, (ci.id, &ci.token)).await?;
    Ok(())
}

/// Shows the effects of an applied input (and delivers any peer report), or the rejection
/// privately.
#[allow(clippy::too_many_arguments)]
async fn answer(
    ctx: &serenity::Context,
    data: &Data,
    stored: &Stored,
    pack: &Pack,
    id: serenity::InteractionId,
    token: &str,
    outcome: Outcome,
    echo: Option<&str>,
) -> anyhow::Result<()> {
    match outcome {
        Outcome::Applied { session, effects } => {
            // In a live review the candidate's own feedback (self-score, coverage, model outline)
            // is private: shown in the thread it would anchor reviewers who have not scored yet.
            let reviewed = session.peer.is_some();
            let (mine, shared): (Vec<Effect>, Vec<Effect>) =
                effects.iter().cloned().partition(|e| reviewed && matches!(e, Effect::Feedback(_)));
            let mut replies = render(&session, pack, &shared, echo);
            replies.extend(render(&session, pack, &mine, None).into_iter().map(Reply::ephemeral));
            let sent = respond(&ctx.http, id, token, replies).await;
            review::after(&ctx.http, &data.engine, stored, &session, &effects).await;
            sent?;
        }
        Outcome::Rejected(r) => respond(&ctx.http, id, token, vec![Reply::text(r.explain(&words::DISCORD)).ephemeral()]).await?,
        Outcome::Duplicate => {}
    }
    Ok(())
}

/// Opens the answer form, pre-filled with the draft typed so far. A draft longer than the form
/// holds is not put at risk: the candidate is asked to submit it as typed.
async fn open_form(ctx: &serenity::Context, ci: &ComponentInteraction, s: &Session, item: usize, part: usize) -> anyhow::Result<()> {
    let draft = match live_stage(s) {
        Stage::Asking { draft, .. } => draft.clone(),
        _ => String::new(),
    };
    if draft.chars().count() > FORM_MAX {
        let msg = format!(
            "Your typed draft is {} characters, more than the form holds ({FORM_MAX}). Press **Submit answer** to submit it as typed, or keep typing messages.",
            draft.chars().count()
        );
        return Ok(respond(&ctx.http, ci.id, &ci.token, vec![Reply::text(msg).ephemeral()]).await?);
    }
    let mut input = CreateInputText::new(InputTextStyle::Paragraph, "Your answer", "answer")
        .max_length(FORM_MAX as u16)
        .required(true);
    if !draft.is_empty() {
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

/// The text of a modal's input `field`.
pub fn modal_text(mi: &ModalInteraction, field: &str) -> String {
    mi.data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .find_map(|c| match c {
            ActionRowComponent::InputText(t) if t.custom_id == field => t.value.clone(),
            _ => None,
        })
        .unwrap_or_default()
}

pub async fn on_modal(ctx: &serenity::Context, data: &Data, mi: &ModalInteraction) -> anyhow::Result<()> {
    let Some(id) = ComponentId::parse(&mi.data.custom_id) else {
        return Ok(());
    };
    let key = format!("ix:{}", mi.id);
    if data.engine.store.event_exists(&key).await? {
        return Ok(());
    }
    if let ComponentId::Note { .. } = id {
        return review::on_note(ctx, data, mi, id).await;
    }
    let text = modal_text(mi, "answer");
    let stored = match load(data, &id, mi.user.id).await? {
        Ok(s) => s,
        Err(reply) => return Ok(respond(&ctx.http, mi.id, &mi.token, vec![returned(reply, &text)]).await?),
    };
    let pack = data.engine.session_pack(&stored).await?;
    if !is_current(&stored.session, &id) {
        let mut replies = stale(&stored.session, &pack);
        replies[0] = returned(replies[0].clone(), &text);
        return Ok(respond(&ctx.http, mi.id, &mi.token, replies).await?);
    }
    let input = Input::SubmitForm { text: text.clone() };
    let guard = |now: &Session| if is_current(now, &id) { Ok(()) } else { Err(Rejection::StaleClick) };
    let outcome = data
        .engine
        .apply_if(&stored.session.id, &actor(mi.user.id), &input, &key, now_millis(), &guard)
        .await?;
    answer(ctx, data, &stored, &pack, mi.id, &mi.token, outcome, Some(&text)).await
}

/// A refusal of a form answer carries the text back, so nothing typed is lost.
fn returned(mut reply: Reply, text: &str) -> Reply {
    if !text.trim().is_empty() {
        let head = reply.content.take().unwrap_or_default();
        reply.content = Some(clip(
            &format!(
                "{head}\nYour text was not saved; here it is to copy:\n```\n{}\n```",
                text.replace("```", "'''")
            ),
            2000,
        ));
        if text.chars().count() > 1800 {
            reply
                .files
                .push(serenity::CreateAttachment::bytes(text.as_bytes().to_vec(), "your-answer.txt"));
        }
    }
    reply
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
