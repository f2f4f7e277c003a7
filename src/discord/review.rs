//! Peer-review clicks become core inputs: the lobby (join, leave, start), "Score this answer"
//! (a private rubric), the reviewer's checklist, note and rating, and "Close scoring". The
//! outcome goes to the one delivery path.

use poise::serenity_prelude as serenity;
use serenity::builder::Builder;
use serenity::{ComponentInteraction, CreateInteractionResponse, ModalInteraction};

use super::card::Reply;
use super::components::{modal_text, note_form, reviewer_rubric_rows, selected};
use super::deliver::{deliver, refuse, Origin};
use super::ids::{ComponentId, LobbyAction, PeerAction};
use super::review_render::reviewer_rubric_card;
use super::send::respond;
use super::{actor, Data};
use crate::engine::now_millis;
use crate::interview::peer::check_may_score;
use crate::interview::Input;
use crate::store::Stored;

pub async fn on_component(ctx: &serenity::Context, data: &Data, ci: &ComponentInteraction, id: ComponentId) -> anyhow::Result<()> {
    let Some(stored) = data.engine.load(id.session()).await? else {
        let gone = Reply::text("This review no longer exists.").ephemeral();
        return Ok(respond(&ctx.http, ci.id, &ci.token, vec![gone]).await?);
    };
    let input = match id {
        ComponentId::Lobby {
            action: LobbyAction::Join, ..
        } => Input::Join,
        ComponentId::Lobby {
            action: LobbyAction::Leave,
            ..
        } => Input::Leave,
        ComponentId::Lobby {
            action: LobbyAction::Start,
            ..
        } => Input::StartInterview,
        ComponentId::Peer {
            action: PeerAction::Score,
            item,
            ..
        } => return open_rubric(ctx, data, ci, &stored, item).await,
        ComponentId::Peer {
            action: PeerAction::Note,
            item,
            message,
            ..
        } => return open_note(ctx, ci, &stored, item, message).await,
        ComponentId::Peer {
            action: PeerAction::Close,
            item,
            ..
        } => Input::CloseScoring { item },
        ComponentId::Peer {
            action: PeerAction::Ticks,
            item,
            ..
        } => Input::PeerTicks { item, ticks: selected(ci) },
        ComponentId::Peer {
            action: PeerAction::Rate(rating),
            item,
            ..
        } => Input::PeerRate { item, rating },
        _ => return Ok(()),
    };
    let key = format!("ix:{}", ci.id);
    let outcome = data
        .engine
        .apply(&stored.session.id, &actor(ci.user.id), &input, &key, now_millis())
        .await?;
    deliver(&ctx.http, Origin::Component(ci), outcome).await
}

/// "Score this answer": the reviewer's private rubric, if they may score.
async fn open_rubric(ctx: &serenity::Context, data: &Data, ci: &ComponentInteraction, stored: &Stored, item: usize) -> anyhow::Result<()> {
    if let Err(r) = check_may_score(&stored.session, &actor(ci.user.id), item) {
        return refuse(&ctx.http, &Origin::Component(ci), &r).await;
    }
    let pack = data.engine.session_pack(stored).await?;
    let checklist = stored
        .session
        .plan
        .items
        .get(item)
        .and_then(|i| pack.question(&i.question))
        .map(|q| q.checklist.clone())
        .unwrap_or_default();
    let message = ci.message.id.get();
    let reply = Reply {
        embeds: vec![reviewer_rubric_card(item, &checklist).embed()],
        components: reviewer_rubric_rows(&stored.session.id, item, message, &checklist),
        ..Reply::default()
    }
    .ephemeral();
    Ok(respond(&ctx.http, ci.id, &ci.token, vec![reply]).await?)
}

async fn open_note(ctx: &serenity::Context, ci: &ComponentInteraction, stored: &Stored, item: usize, message: u64) -> anyhow::Result<()> {
    if let Err(r) = check_may_score(&stored.session, &actor(ci.user.id), item) {
        return refuse(&ctx.http, &Origin::Component(ci), &r).await;
    }
    CreateInteractionResponse::Modal(note_form(&stored.session.id, item, message))
        .execute(&ctx.http, (ci.id, &ci.token))
        .await?;
    Ok(())
}

/// A reviewer's submitted note (a refusal hands the note back).
pub async fn on_note(ctx: &serenity::Context, data: &Data, mi: &ModalInteraction, id: ComponentId) -> anyhow::Result<()> {
    let ComponentId::Note { session, item, .. } = &id else {
        return Ok(());
    };
    let note = modal_text(mi, "note");
    let input = Input::PeerNote {
        item: *item,
        note: note.clone(),
    };
    let key = format!("ix:{}", mi.id);
    let outcome = data.engine.apply(session, &actor(mi.user.id), &input, &key, now_millis()).await?;
    deliver(&ctx.http, Origin::Modal(mi, &note), outcome).await
}
