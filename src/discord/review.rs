//! Peer-review clicks: the lobby (join, leave, start), "Score this answer" (a private rubric),
//! the reviewer's checklist, note and rating, and "Close scoring". Public messages show only
//! progress until scoring closes; the aggregate and the final report follow.

use poise::serenity_prelude as serenity;
use serenity::builder::Builder;
use serenity::{
    ChannelId, ComponentInteraction, CreateActionRow, CreateInputText, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateModal, EditMessage, Http, InputTextStyle, MessageId, ModalInteraction, UserId,
};

use super::ids::{ComponentId, LobbyAction, PeerAction};
use super::render::{no_mentions, render, Reply};
use super::review_render::{lobby_card, mention, progress_text, reviewer_rubric};
use super::send::{post, respond};
use super::{actor, interactions, words, Data};
use crate::engine::{now_millis, Outcome};
use crate::interview::peer::{check_may_score, MAX_NOTE_CHARS};
use crate::interview::{ActorId, Effect, Input, Session};
use crate::store::Stored;

pub async fn on_component(ctx: &serenity::Context, data: &Data, ci: &ComponentInteraction, id: ComponentId) -> anyhow::Result<()> {
    let Some(stored) = data.engine.store.load(id.session()).await? else {
        return Ok(respond(
            &ctx.http,
            ci.id,
            &ci.token,
            vec![Reply::text("This review no longer exists.").ephemeral()],
        )
        .await?);
    };
    let me = actor(ci.user.id);
    let key = format!("ix:{}", ci.id);
    let now = now_millis();
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
        } => return open_note(ctx, ci, &stored.session, item, message).await,
        ComponentId::Peer {
            action: PeerAction::Close,
            item,
            ..
        } => Input::CloseScoring { item },
        ComponentId::Peer {
            action: PeerAction::Ticks,
            item,
            ..
        } => Input::PeerTicks {
            item,
            ticks: interactions::selected(ci),
        },
        ComponentId::Peer {
            action: PeerAction::Rate(rating),
            item,
            ..
        } => Input::PeerRate { item, rating },
        _ => return Ok(()),
    };
    let outcome = data.engine.apply(&stored.session.id, &me, &input, &key, now).await?;
    let (session, effects) = match outcome {
        Outcome::Applied { session, effects } => (session, effects),
        Outcome::Rejected(r) => {
            return Ok(respond(
                &ctx.http,
                ci.id,
                &ci.token,
                vec![Reply::text(r.explain(&words::DISCORD)).ephemeral()],
            )
            .await?)
        }
        Outcome::Duplicate => return Ok(()),
    };
    let pack = data.engine.session_pack(&stored).await?;
    let sent: serenity::Result<()> = async {
        match input {
            // Joining and leaving update the lobby in place.
            Input::Join | Input::Leave if session.stage == crate::interview::Stage::Lobby => {
                let host = session.peer.as_ref().map_or(ActorId::from_stored(""), |p| p.host.clone());
                let card = lobby_card(&session, &host);
                let msg = CreateInteractionResponseMessage::new()
                    .embed(card.embed())
                    .allowed_mentions(no_mentions());
                CreateInteractionResponse::UpdateMessage(msg)
                    .execute(&ctx.http, (ci.id, &ci.token))
                    .await?;
                post(&ctx.http, ci.channel_id, public(&session, &pack, &effects)).await?;
            }
            // A reviewer's own choices are answered privately, in their rubric message.
            Input::PeerTicks { .. } | Input::PeerRate { .. } => {
                let mine = render(&session, &pack, &private(&effects), None)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Reply::text("Saved."));
                let msg = CreateInteractionResponseMessage::new()
                    .content(mine.content.unwrap_or_default())
                    .allowed_mentions(no_mentions());
                CreateInteractionResponse::UpdateMessage(msg)
                    .execute(&ctx.http, (ci.id, &ci.token))
                    .await?;
                if let ComponentId::Peer { message, .. } = id {
                    update_progress(&ctx.http, ci.channel_id, message, &session, &effects).await;
                }
                post(&ctx.http, ci.channel_id, public(&session, &pack, &effects)).await?;
            }
            _ => {
                if let Input::CloseScoring { .. } = input {
                    update_progress(&ctx.http, ci.channel_id, ci.message.id.get(), &session, &effects).await;
                }
                respond(&ctx.http, ci.id, &ci.token, render(&session, &pack, &effects, None)).await?;
            }
        }
        Ok(())
    }
    .await;
    // The report DM and async notices go out even if answering the click failed: the round's
    // closing is already stored and would otherwise never be told.
    after(&ctx.http, &data.engine, &stored, &session, &effects).await;
    sent?;
    Ok(())
}

/// Effects only the acting reviewer sees.
fn private(effects: &[Effect]) -> Vec<Effect> {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::PeerDraft { .. } | Effect::NoteSaved { .. } | Effect::ScoreSaved { .. }))
        .cloned()
        .collect()
}

/// Effects everyone sees (aggregates, report, joins through scoring in an asynchronous review).
fn public(s: &Session, pack: &crate::bank::Pack, effects: &[Effect]) -> Vec<Reply> {
    let shown: Vec<Effect> = effects
        .iter()
        .filter(|e| matches!(e, Effect::Aggregate(_) | Effect::Report(_) | Effect::ReviewerJoined { .. }))
        .cloned()
        .collect();
    let in_lobby = s.stage == crate::interview::Stage::Lobby;
    let shown: Vec<Effect> = shown
        .into_iter()
        .filter(|e| !(in_lobby && matches!(e, Effect::ReviewerJoined { .. })))
        .collect();
    if shown.is_empty() {
        Vec::new()
    } else {
        render(s, pack, &shown, None)
    }
}

/// Rewrites the public "Score this answer" message: progress only, or closed.
async fn update_progress(http: &Http, channel: ChannelId, message: u64, s: &Session, effects: &[Effect]) {
    if message == 0 {
        return;
    }
    let (scored, of, closed) = effects.iter().fold((None, None, false), |acc, e| match e {
        Effect::ScoreSaved { scored, of, .. } => (Some(*scored), Some(*of), acc.2),
        Effect::Aggregate(_) => (acc.0, acc.1, true),
        _ => acc,
    });
    let item = effects.iter().find_map(|e| match e {
        Effect::ScoreSaved { item, .. } => Some(*item),
        Effect::Aggregate(a) => Some(a.item),
        _ => None,
    });
    let Some(item) = item else { return };
    let round = s.peer.as_ref().and_then(|p| p.rounds.get(item).cloned().flatten());
    let Some(round) = round else { return };
    let reviewers = s.peer.as_ref().map_or(0, |p| p.active().count());
    let text = if closed {
        format!("Scoring closed: {} reviewer(s) scored. The aggregate is below.", round.scores.len())
    } else {
        progress_text(scored.unwrap_or(round.scores.len()), of.unwrap_or(reviewers), round.closes_at)
    };
    let embed = serenity::CreateEmbed::new()
        .title(format!("Score this answer · question {} of {}", item + 1, s.plan.items.len()))
        .description(text);
    let mut edit = EditMessage::new().embed(embed);
    if closed {
        edit = edit.components(Vec::new());
    }
    if let Err(e) = channel.edit_message(http, MessageId::new(message), edit).await {
        tracing::warn!(error = %e, "could not update a scoring progress message");
    }
}

/// "Score this answer": the reviewer's private rubric, if they may score.
async fn open_rubric(ctx: &serenity::Context, data: &Data, ci: &ComponentInteraction, stored: &Stored, item: usize) -> anyhow::Result<()> {
    if let Err(r) = check_may_score(&stored.session, &actor(ci.user.id), item) {
        return Ok(respond(
            &ctx.http,
            ci.id,
            &ci.token,
            vec![Reply::text(r.explain(&words::DISCORD)).ephemeral()],
        )
        .await?);
    }
    let pack = data.engine.session_pack(stored).await?;
    let checklist = pack
        .question(&stored.session.plan.items[item].question)
        .map(|q| q.checklist.clone())
        .unwrap_or_default();
    let message = ci.message.id.get();
    let (card, rows) = reviewer_rubric(&stored.session.id, item, message, &checklist);
    let reply = Reply {
        embeds: vec![card.embed()],
        components: rows,
        ..Reply::default()
    }
    .ephemeral();
    Ok(respond(&ctx.http, ci.id, &ci.token, vec![reply]).await?)
}

async fn open_note(ctx: &serenity::Context, ci: &ComponentInteraction, s: &Session, item: usize, message: u64) -> anyhow::Result<()> {
    if let Err(r) = check_may_score(s, &actor(ci.user.id), item) {
        return Ok(respond(
            &ctx.http,
            ci.id,
            &ci.token,
            vec![Reply::text(r.explain(&words::DISCORD)).ephemeral()],
        )
        .await?);
    }
    let input = CreateInputText::new(InputTextStyle::Paragraph, "Your note for the candidate", "note")
        .max_length(MAX_NOTE_CHARS as u16)
        .required(true);
    let modal = CreateModal::new(
        ComponentId::Note {
            session: s.id.clone(),
            item,
            message,
        }
        .encode(),
        format!("Note on question {}", item + 1),
    )
    .components(vec![CreateActionRow::InputText(input)]);
    CreateInteractionResponse::Modal(modal)
        .execute(&ctx.http, (ci.id, &ci.token))
        .await?;
    Ok(())
}

pub async fn on_note(ctx: &serenity::Context, data: &Data, mi: &ModalInteraction, id: ComponentId) -> anyhow::Result<()> {
    let ComponentId::Note { session, item, .. } = &id else {
        return Ok(());
    };
    let note = interactions::modal_text(mi, "note");
    let input = Input::PeerNote {
        item: *item,
        note: note.clone(),
    };
    let key = format!("ix:{}", mi.id);
    let reply = match data.engine.apply(session, &actor(mi.user.id), &input, &key, now_millis()).await? {
        Outcome::Applied { .. } => Reply::text("Note saved. Pick a rating in your private rubric to submit your score."),
        Outcome::Rejected(r) => Reply::text(format!(
            "{}\nYour note was not saved; here it is to copy:\n> {}",
            r.explain(&words::DISCORD),
            note.replace('\n', "\n> ")
        )),
        Outcome::Duplicate => return Ok(()),
    };
    Ok(respond(&ctx.http, mi.id, &mi.token, vec![reply.ephemeral()]).await?)
}

/// After any applied input of a peer session: the final report goes to the candidate by DM
/// (the thread says so if their DMs are closed); in an asynchronous review, the candidate hears
/// about each new score.
pub async fn after(http: &Http, engine: &crate::engine::Engine, stored: &Stored, session: &Session, effects: &[Effect]) {
    let Some(peer) = &session.peer else { return };
    let candidate = session.candidate.discord_user().map(UserId::new);
    let Some(candidate) = candidate else { return };
    let channel = stored.channel_id.as_deref().and_then(|c| c.parse::<u64>().ok()).map(ChannelId::new);
    for e in effects {
        let text = match e {
            Effect::Report(_) => None,
            Effect::ScoreSaved { item, scored, .. } if peer.asynchronous => Some(format!(
                "A teammate scored your answer to question {} ({scored} score(s) so far). The aggregate is posted when scoring closes.",
                item + 1
            )),
            _ => continue,
        };
        let replies = match text {
            Some(t) => vec![Reply::text(t)],
            None => match engine.session_pack(stored).await {
                Ok(pack) => render(session, &pack, std::slice::from_ref(e), None),
                Err(_) => continue,
            },
        };
        let sent = async {
            let dm = candidate.create_dm_channel(http).await?;
            post(http, dm.id, replies).await
        };
        if let Err(err) = sent.await {
            tracing::info!(error = %err, "could not DM the candidate");
            if let (Effect::Report(_), Some(ch)) = (e, channel) {
                let note = format!(
                    "I couldn't send the report to {} by DM (their DMs are closed); it is above.",
                    mention(&session.candidate)
                );
                let _ = post(http, ch, vec![Reply::text(note)]).await;
            }
        }
    }
}
