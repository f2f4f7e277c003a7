//! The candidate's buttons, checklist select menu and answer form become core inputs. Each
//! click is checked (is it the candidate's, is it for the current question, also after a
//! reload) before it is applied; the outcome goes to the one delivery path.

use poise::serenity_prelude as serenity;
use serenity::{ComponentInteraction, ModalInteraction, UserId};

use super::ack::Ack;
use super::card::Reply;
use super::components::{answer_form, modal_text, not_offered, selected, FORM_MAX};
use super::deliver::{deliver, rejection_text, returned, Origin};
use super::ids::{ComponentId, QuestionAction, RubricAction};
use super::render::render;
use super::review_render::mention;
use super::{actor, belongs_here, Data};

/// Where an interaction came from: its server (none in a DM) and channel.
type Place = (Option<serenity::GuildId>, serenity::ChannelId);
use crate::bank::Pack;
use crate::engine::now_millis;
use crate::interview::{current_prompt, Input, Rejection, Session, Stage};
use crate::store::Stored;

/// The common checks; `Err(reply)` is a private message to the clicker and nothing changes.
async fn load(data: &Data, id: &ComponentId, user: UserId, place: Place) -> anyhow::Result<Result<Stored, Reply>> {
    let loaded = data.engine.load(id.session()).await?;
    crate::stages::mark(crate::stages::Stage::Load);
    let Some(stored) = loaded else {
        return Ok(Err(Reply::text(rejection_text(&Rejection::NoSuchSession)).ephemeral()));
    };
    if let Err(r) = belongs_here(&stored, place.0, place.1) {
        return Ok(Err(Reply::text(rejection_text(&r)).ephemeral()));
    }
    if stored.session.candidate != actor(user) {
        let owner = mention(&stored.session.candidate);
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

/// The guard re-checked on every reload: still where the session lives, still the current step.
fn current(now: &Stored, id: &ComponentId, place: Place) -> Result<(), Rejection> {
    belongs_here(now, place.0, place.1)?;
    if is_current(&now.session, id) {
        Ok(())
    } else {
        Err(Rejection::StaleClick)
    }
}

fn stale(s: &Session, pack: &Pack) -> Vec<Reply> {
    let mut replies = vec![Reply::text(rejection_text(&Rejection::StaleClick)).ephemeral()];
    let fx: Vec<_> = current_prompt(s, pack, true).into_iter().collect();
    replies.extend(render(s, pack, &fx, None).into_iter().map(Reply::ephemeral));
    replies
}

/// A click on a question's buttons or the self-scoring rubric.
pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    ci: &ComponentInteraction,
    ack: &Ack,
    id: ComponentId,
) -> anyhow::Result<()> {
    let place = (ci.guild_id, ci.channel_id);
    let stored = match load(data, &id, ci.user.id, place).await? {
        Ok(s) => s,
        Err(reply) => return Ok(ack.reply(vec![reply]).await?),
    };
    let s = &stored.session;
    if !is_current(s, &id) {
        let pack = data.engine.session_pack(&stored).await?;
        return Ok(ack.reply(stale(s, &pack)).await?);
    }
    let input = match &id {
        ComponentId::Question {
            action: QuestionAction::Form,
            item,
            part,
            ..
        } => return open_form(ack, s, *item, *part).await,
        ComponentId::Question { action, .. } => match action {
            QuestionAction::Submit => Input::Submit,
            QuestionAction::Hint => Input::Hint,
            QuestionAction::Skip => Input::Skip,
            QuestionAction::End | QuestionAction::Form => Input::End,
        },
        ComponentId::Rubric {
            action: RubricAction::Ticks,
            ..
        } => match selected(ci) {
            Some(ticks) => Input::Checklist { ticks },
            None => return Ok(ack.reply(vec![not_offered()]).await?),
        },
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
    let guard = |now: &Stored| current(now, &id, place);
    let key = format!("ix:{}", ci.id);
    let outcome = data
        .engine
        .apply_to(stored, &actor(ci.user.id), &input, &key, now_millis(), &guard)
        .await?;
    deliver(&ctx.http, &data.engine, Origin::Component(ci, ack), outcome).await
}

/// Opens the answer form, pre-filled with the draft typed so far. A draft longer than the form
/// holds is not put at risk: the candidate is asked to submit it as typed.
async fn open_form(ack: &Ack, s: &Session, item: usize, part: usize) -> anyhow::Result<()> {
    let draft = match live_stage(s) {
        Stage::Asking { draft, .. } => draft.clone(),
        _ => String::new(),
    };
    if draft.chars().count() > FORM_MAX {
        let msg = format!(
            "Your typed draft is {} characters, more than the form holds ({FORM_MAX}). Press **Submit answer** to submit it as typed, or keep typing messages.",
            draft.chars().count()
        );
        return Ok(ack.reply(vec![Reply::text(msg).ephemeral()]).await?);
    }
    ack.modal(answer_form(&s.id, item, part, &draft)).await?;
    Ok(())
}

/// A submitted answer form.
pub async fn on_modal(ctx: &serenity::Context, data: &Data, mi: &ModalInteraction, ack: &Ack, id: ComponentId) -> anyhow::Result<()> {
    let text = modal_text(mi, "answer");
    let place = (mi.guild_id, mi.channel_id);
    let stored = match load(data, &id, mi.user.id, place).await? {
        Ok(s) => s,
        Err(reply) => return Ok(ack.reply(vec![returned(reply, &text)]).await?),
    };
    if !is_current(&stored.session, &id) {
        let pack = data.engine.session_pack(&stored).await?;
        let mut replies = stale(&stored.session, &pack);
        replies[0] = returned(replies[0].clone(), &text);
        return Ok(ack.reply(replies).await?);
    }
    let input = Input::SubmitForm { text: text.clone() };
    let guard = |now: &Stored| current(now, &id, place);
    let key = format!("ix:{}", mi.id);
    let outcome = data
        .engine
        .apply_to(stored, &actor(mi.user.id), &input, &key, now_millis(), &guard)
        .await?;
    deliver(&ctx.http, &data.engine, Origin::Modal(ack, &text), outcome).await
}
