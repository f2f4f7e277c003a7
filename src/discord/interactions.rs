//! The candidate's buttons, checklist select menu and answer form become core inputs. Each
//! click is checked (is it the candidate's, is it for the current question, also after a
//! reload) before it is applied; the outcome goes to the one delivery path.

use poise::serenity_prelude as serenity;
use serenity::builder::Builder;
use serenity::{ComponentInteraction, CreateInteractionResponse, ModalInteraction, UserId};

use super::card::Reply;
use super::components::{answer_form, modal_text, selected, FORM_MAX};
use super::deliver::{deliver, rejection_text, returned, Origin};
use super::ids::{ComponentId, QuestionAction, RubricAction};
use super::render::render;
use super::review_render::mention;
use super::send::respond;
use super::{actor, Data};
use crate::bank::Pack;
use crate::engine::now_millis;
use crate::interview::{current_prompt, Input, Rejection, Session, Stage};
use crate::store::Stored;

/// The common checks; `Err(reply)` is a private message to the clicker and nothing changes.
async fn load(data: &Data, id: &ComponentId, user: UserId) -> anyhow::Result<Result<Stored, Reply>> {
    let Some(stored) = data.engine.load(id.session()).await? else {
        return Ok(Err(Reply::text("This interview no longer exists.").ephemeral()));
    };
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

fn stale(s: &Session, pack: &Pack) -> Vec<Reply> {
    let mut replies = vec![Reply::text(rejection_text(&Rejection::StaleClick)).ephemeral()];
    let fx: Vec<_> = current_prompt(s, pack, true).into_iter().collect();
    replies.extend(render(s, pack, &fx, None).into_iter().map(Reply::ephemeral));
    replies
}

/// A click on a question's buttons or the self-scoring rubric.
pub async fn on_component(ctx: &serenity::Context, data: &Data, ci: &ComponentInteraction, id: ComponentId) -> anyhow::Result<()> {
    let stored = match load(data, &id, ci.user.id).await? {
        Ok(s) => s,
        Err(reply) => return Ok(respond(&ctx.http, ci.id, &ci.token, vec![reply]).await?),
    };
    let s = &stored.session;
    if !is_current(s, &id) {
        let pack = data.engine.session_pack(&stored).await?;
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
    let guard = |now: &Stored| {
        if is_current(&now.session, &id) {
            Ok(())
        } else {
            Err(Rejection::StaleClick)
        }
    };
    let key = format!("ix:{}", ci.id);
    let outcome = data
        .engine
        .apply_if(&s.id, &actor(ci.user.id), &input, &key, now_millis(), &guard)
        .await?;
    deliver(&ctx.http, Origin::Component(ci), outcome).await
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
    CreateInteractionResponse::Modal(answer_form(&s.id, item, part, &draft))
        .execute(&ctx.http, (ci.id, &ci.token))
        .await?;
    Ok(())
}

/// A submitted answer form.
pub async fn on_modal(ctx: &serenity::Context, data: &Data, mi: &ModalInteraction, id: ComponentId) -> anyhow::Result<()> {
    let text = modal_text(mi, "answer");
    let stored = match load(data, &id, mi.user.id).await? {
        Ok(s) => s,
        Err(reply) => return Ok(respond(&ctx.http, mi.id, &mi.token, vec![returned(reply, &text)]).await?),
    };
    if !is_current(&stored.session, &id) {
        let pack = data.engine.session_pack(&stored).await?;
        let mut replies = stale(&stored.session, &pack);
        replies[0] = returned(replies[0].clone(), &text);
        return Ok(respond(&ctx.http, mi.id, &mi.token, replies).await?);
    }
    let input = Input::SubmitForm { text: text.clone() };
    let guard = |now: &Stored| {
        if is_current(&now.session, &id) {
            Ok(())
        } else {
            Err(Rejection::StaleClick)
        }
    };
    let key = format!("ix:{}", mi.id);
    let outcome = data
        .engine
        .apply_if(&stored.session.id, &actor(mi.user.id), &input, &key, now_millis(), &guard)
        .await?;
    deliver(&ctx.http, Origin::Modal(mi, &text), outcome).await
}
