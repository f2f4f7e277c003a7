//! Peer-review clicks become core inputs: the lobby (join, leave, start), "Score this answer"
//! (a private rubric), the reviewer's checklist, note and rating, and "Close scoring". The
//! outcome goes to the one delivery path.

use poise::serenity_prelude as serenity;
use serenity::{ComponentInteraction, ModalInteraction};

use super::ack::Ack;
use super::card::Reply;
use super::components::{modal_text, not_offered, note_form, reviewer_rubric_rows, selected};
use super::deliver::{deliver, refuse, Origin};
use super::ids::{ComponentId, LobbyAction, PeerAction};
use super::review_render::reviewer_rubric_card;
use super::{actor, belongs_here, Data};
use crate::engine::now_millis;
use crate::interview::peer::check_may_score;
use crate::interview::Input;
use crate::store::Stored;

pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    ci: &ComponentInteraction,
    ack: &Ack,
    id: ComponentId,
) -> anyhow::Result<()> {
    let Some(stored) = data.engine.load(id.session()).await? else {
        let gone = Reply::text("This review no longer exists.").ephemeral();
        return Ok(ack.reply(vec![gone]).await?);
    };
    let place = (ci.guild_id, ci.channel_id);
    if let Err(r) = belongs_here(&stored, place.0, place.1) {
        return refuse(&ctx.http, &Origin::Component(ci, ack), &r).await;
    }
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
        } => return open_rubric(ctx, data, ci, ack, &stored, item).await,
        ComponentId::Peer {
            action: PeerAction::Note,
            item,
            message,
            ..
        } => return open_note(ctx, ci, ack, &stored, item, message).await,
        ComponentId::Peer {
            action: PeerAction::Close,
            item,
            ..
        } => Input::CloseScoring { item },
        ComponentId::Peer {
            action: PeerAction::Ticks,
            item,
            ..
        } => match selected(ci) {
            Some(ticks) => Input::PeerTicks { item, ticks },
            None => return Ok(ack.reply(vec![not_offered()]).await?),
        },
        ComponentId::Peer {
            action: PeerAction::Rate(rating),
            item,
            ..
        } => Input::PeerRate { item, rating },
        _ => return Ok(()),
    };
    let key = format!("ix:{}", ci.id);
    let guard = |now: &Stored| belongs_here(now, place.0, place.1);
    let outcome = data
        .engine
        .apply_to(stored, &actor(ci.user.id), &input, &key, now_millis(), &guard)
        .await?;
    deliver(&ctx.http, &data.engine, Origin::Component(ci, ack), outcome).await
}

/// "Score this answer": the reviewer's private rubric, if they may score.
async fn open_rubric(
    ctx: &serenity::Context,
    data: &Data,
    ci: &ComponentInteraction,
    ack: &Ack,
    stored: &Stored,
    item: usize,
) -> anyhow::Result<()> {
    if let Err(r) = check_may_score(&stored.session, &actor(ci.user.id), item) {
        return refuse(&ctx.http, &Origin::Component(ci, ack), &r).await;
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
    Ok(ack.reply(vec![reply]).await?)
}

async fn open_note(
    ctx: &serenity::Context,
    ci: &ComponentInteraction,
    ack: &Ack,
    stored: &Stored,
    item: usize,
    message: u64,
) -> anyhow::Result<()> {
    if let Err(r) = check_may_score(&stored.session, &actor(ci.user.id), item) {
        return refuse(&ctx.http, &Origin::Component(ci, ack), &r).await;
    }
    ack.modal(note_form(&stored.session.id, item, message)).await?;
    Ok(())
}

/// A reviewer's submitted note (a refusal hands the note back).
pub async fn on_note(ctx: &serenity::Context, data: &Data, mi: &ModalInteraction, ack: &Ack, id: ComponentId) -> anyhow::Result<()> {
    let ComponentId::Note { session, item, .. } = &id else {
        return Ok(());
    };
    let note = modal_text(mi, "note");
    let input = Input::PeerNote {
        item: *item,
        note: note.clone(),
    };
    let key = format!("ix:{}", mi.id);
    let guard = |now: &Stored| belongs_here(now, mi.guild_id, mi.channel_id);
    let outcome = data
        .engine
        .apply_if(session, &actor(mi.user.id), &input, &key, now_millis(), &guard)
        .await?;
    deliver(&ctx.http, &data.engine, Origin::Modal(ack, &note), outcome).await
}
