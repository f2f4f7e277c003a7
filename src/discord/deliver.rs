//! The one delivery path: an engine [`Outcome`] becomes Discord calls, for where its input came
//! from. Who sees an effect was decided by the core (its audience); this decides only how:
//! an interaction response or follow-up (exempt from the global rate limit), a message edited in
//! place, a channel message, or a direct message to the candidate.

use poise::serenity_prelude as serenity;
use serenity::builder::Builder;
use serenity::{
    ChannelId, ComponentInteraction, CreateInteractionResponseFollowup, CreateMessage, EditMessage, Http, Message, MessageId, UserId,
};

use super::ack::{Ack, Update};
use super::card::{clip, no_mentions, Reply};
use super::ids::{ComponentId, LobbyAction, PeerAction, RubricAction};
use super::outbox::{post, retryable};
use super::render::render;
use super::review_render::{closed_text, lobby_card, mention, scoring_title};
use super::scoring_msgs;
use super::send::say_all;
use super::Context;
use crate::engine::{Applied, Engine, Outcome};
use crate::interview::audience::for_audience;
use crate::interview::{Audience, Effect, Rejection, Session, Stage};

/// Where an input came from, which decides how its outcome is shown.
pub enum Origin<'a> {
    /// A slash command (deferred or not: poise sends the first reply as the response).
    Command(Context<'a>),
    /// A button or select menu, and how it is acknowledged.
    Component(&'a ComponentInteraction, &'a Ack),
    /// A submitted form (how it is acknowledged) and the text typed into it: echoed when
    /// accepted, handed back when not.
    Modal(&'a Ack, &'a str),
    /// A typed message in the session's thread or DM.
    Message(&'a Message),
    /// No user is waiting: deadlines, or the first messages of a new session's thread or DM.
    Background,
}

/// Shows `outcome` for `origin`. The candidate's direct messages (a report, score notices) go
/// out even when answering the input failed: what they tell is already stored.
pub async fn deliver(http: &Http, engine: &Engine, origin: Origin<'_>, outcome: Outcome) -> anyhow::Result<()> {
    crate::ops::metrics::outcome(&outcome);
    match outcome {
        Outcome::Duplicate => {
            // A re-delivered input was answered when it was first applied.
            if let Origin::Component(_, ack) | Origin::Modal(ack, _) = origin {
                ack.settle().await;
            }
            Ok(())
        }
        Outcome::Rejected(r) => refuse(http, &origin, &r).await,
        Outcome::Applied(applied) => {
            let to = To { http, engine };
            let shown = show(&to, &origin, &applied).await;
            to_candidate(&to, &applied).await;
            shown
        }
    }
}

/// How a refusal reads in Discord.
pub fn rejection_text(r: &Rejection) -> String {
    r.explain(&super::words::DISCORD)
}

/// Tells the actor, privately where Discord allows it, why nothing changed. A form's text comes
/// back with the refusal, so nothing typed is lost.
pub async fn refuse(http: &Http, origin: &Origin<'_>, r: &Rejection) -> anyhow::Result<()> {
    let reply = Reply::text(rejection_text(r)).ephemeral();
    match origin {
        Origin::Command(ctx) => say_all(*ctx, vec![reply]).await,
        Origin::Component(_, ack) => Ok(ack.reply(vec![reply]).await?),
        Origin::Modal(ack, typed) => Ok(ack.reply(vec![returned(reply, typed)]).await?),
        Origin::Message(msg) => reply_to(http, msg, &rejection_text(r)).await,
        Origin::Background => {
            if !r.is_quiet() {
                tracing::debug!(reason = %r, "a background input was refused");
            }
            Ok(())
        }
    }
}

/// A refusal of a form answer carries the text back, so nothing typed is lost.
/// Why an input failed inside the bot, as the user hears it: overload is said as such (the
/// database was too busy to take it in time; nothing of it was stored), anything else with an
/// error id that points at the log line.
pub fn apology(error: &anyhow::Error, id: &str) -> String {
    if error.downcast_ref::<crate::store::Busy>().is_some() {
        "panelist is very busy right now; please try again in a moment.".into()
    } else {
        format!("Something went wrong on my side (error {id}); please try again.")
    }
}

/// `reply` with the text of a form (`interaction`, when it is one) handed back to copy.
pub fn with_form_text(reply: Reply, interaction: &serenity::Interaction) -> Reply {
    match interaction {
        serenity::Interaction::Modal(m) => {
            let typed = ["answer", "note"]
                .iter()
                .map(|f| super::components::modal_text(m, f))
                .find(|t| !t.is_empty())
                .unwrap_or_default();
            returned(reply, &typed)
        }
        _ => reply,
    }
}

pub fn returned(mut reply: Reply, text: &str) -> Reply {
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
                .push(serenity::CreateAttachment::bytes(text.as_bytes().to_vec(), "your-text.txt"));
        }
    }
    reply
}

/// Where outcomes are sent from: the REST client, and the engine's outbox for posts that must
/// arrive.
struct To<'a> {
    http: &'a Http,
    engine: &'a Engine,
}

impl To<'_> {
    /// Posts into a channel of session `s`; a post Discord fails is queued and retried.
    async fn post(&self, s: &Session, channel: ChannelId, replies: Vec<super::card::Reply>) -> serenity::Result<()> {
        post(self.http, self.engine, Some(&s.id), channel, replies).await
    }
}

async fn show(to: &To<'_>, origin: &Origin<'_>, a: &Applied) -> anyhow::Result<()> {
    let s = a.session();
    let public = for_audience(&a.effects, Audience::Channel);
    let private = for_audience(&a.effects, Audience::Actor);
    let mine = || render(s, &a.pack, &private, None).into_iter().map(Reply::ephemeral);
    match origin {
        Origin::Command(ctx) => {
            // Public where the session lives, private anywhere else.
            let here = a.stored.channel == Some(ctx.channel_id().get());
            let mut replies = render(s, &a.pack, &public, None);
            replies.iter_mut().for_each(|r| r.ephemeral |= !here);
            replies.extend(mine());
            say_all(*ctx, replies).await
        }
        Origin::Component(ci, ack) => component(to, ci, ack, a, &public, &private).await,
        Origin::Modal(ack, text) => {
            let mut replies = render(s, &a.pack, &public, Some(text));
            replies.extend(mine());
            answer(to, ack, a, replies).await
        }
        Origin::Message(msg) => {
            // A typed part costs no call: Submit confirms how many messages it took (README).
            if public.iter().all(|e| matches!(e, Effect::DraftSaved { .. })) {
                return Ok(());
            }
            Ok(to.post(s, msg.channel_id, render(s, &a.pack, &public, None)).await?)
        }
        Origin::Background => {
            if let Some(c) = a.stored.channel {
                to.post(s, ChannelId::new(c), render(s, &a.pack, &public, None)).await?;
            }
            // No user acted (the clock): what is private to the actor is the candidate's.
            if !private.is_empty() {
                dm_candidate(to, s, render(s, &a.pack, &private, None)).await?;
            }
            Ok(())
        }
    }
}

/// A click: some update the message clicked in place (the checklist, the lobby, a reviewer's
/// private rubric); the rest answer with the effects, private ones ephemeral.
async fn component(
    to: &To<'_>,
    ci: &ComponentInteraction,
    ack: &Ack,
    a: &Applied,
    public: &[Effect],
    private: &[Effect],
) -> anyhow::Result<()> {
    let (http, s) = (to.http, a.session());
    match ComponentId::parse(&ci.data.custom_id) {
        Some(ComponentId::Rubric {
            action: RubricAction::Ticks,
            ..
        }) => {
            let line = public.iter().find_map(|e| match e {
                Effect::AskRating { ticked, of, .. } => Some(format!("Ticked {ticked} of {of}. Now rate your answer 1-4.")),
                _ => None,
            });
            ack.update(Update {
                content: Some(line.unwrap_or_default()),
                embed: None,
                ..Update::default()
            })
            .await?;
        }
        Some(ComponentId::Lobby {
            action: LobbyAction::Join | LobbyAction::Leave,
            ..
        }) if s.stage == Stage::Lobby => {
            let Some(host) = s.peer.as_ref().map(|p| &p.host) else {
                return Ok(());
            };
            ack.update(Update {
                content: None,
                embed: Some(lobby_card(s, host).embed()),
                ..Update::default()
            })
            .await?;
            let rest: Vec<Effect> = public
                .iter()
                .filter(|e| !matches!(e, Effect::ReviewerJoined { .. } | Effect::ReviewerLeft { .. }))
                .cloned()
                .collect();
            to.post(s, ci.channel_id, render(s, &a.pack, &rest, None)).await?;
        }
        Some(ComponentId::Peer {
            action: PeerAction::Ticks | PeerAction::Rate(_),
            message,
            ..
        }) => {
            // A reviewer's own choices are answered in their private rubric message.
            let mine = render(s, &a.pack, private, None)
                .into_iter()
                .next()
                .unwrap_or_else(|| Reply::text("Saved."));
            let updated = ack
                .update(Update {
                    content: Some(mine.content.unwrap_or_default()),
                    embed: None,
                    ..Update::default()
                })
                .await;
            // The score that closed the round: the public message says so, once.
            mark_closed(http, ci.channel_id, message, s, &a.effects).await;
            // What the score made public (the aggregate, the report) follows on the same
            // interaction, in the thread; if the click could not be answered, it is posted there.
            let public = render(s, &a.pack, public, None);
            match updated {
                Ok(()) => follow_up(to, ack, a, ci.channel_id, public).await?,
                Err(e) => {
                    to.post(s, ci.channel_id, public).await?;
                    return Err(e.into());
                }
            }
        }
        id => {
            if let Some(ComponentId::Peer {
                action: PeerAction::Close, ..
            }) = id
            {
                mark_closed(http, ci.channel_id, ci.message.id.get(), s, &a.effects).await;
            }
            let mut replies = render(s, &a.pack, public, None);
            replies.extend(render(s, &a.pack, private, None).into_iter().map(Reply::ephemeral));
            answer(to, ack, a, replies).await?;
        }
    }
    Ok(())
}

/// Answers an interaction. If Discord fails the answer, what was public (the next question, an
/// aggregate) goes to the session's channel through the outbox, so the candidate can go on; what
/// was private is not posted anywhere else (`/interview status` shows the question again).
async fn answer(to: &To<'_>, ack: &Ack, a: &Applied, replies: Vec<Reply>) -> anyhow::Result<()> {
    let public: Vec<Reply> = replies.iter().filter(|r| !r.ephemeral).cloned().collect();
    match ack.reply(replies).await {
        Ok(()) => {
            // A scoring message this sent is edited through this interaction when it closes.
            for e in for_audience(&a.effects, Audience::Channel) {
                if let Effect::ScoringOpened { item, .. } = e {
                    scoring_msgs::remember(&a.session().id, item, ack.token());
                }
            }
            Ok(())
        }
        Err(e) if retryable(&e) && !public.is_empty() && a.stored.channel.is_some() => {
            let channel = ChannelId::new(a.stored.channel.unwrap_or(1));
            tracing::warn!(error = %e, "answering an interaction failed; its public part goes to the channel");
            to.post(a.session(), channel, public).await?;
            // The click is acknowledged without a message: what it showed is in the channel.
            ack.acknowledge().await;
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Sends `public` as non-ephemeral follow-ups of an answered click (they appear in its channel,
/// exempt from the global rate limit). What Discord fails goes to the channel through the
/// outbox, in order, so nothing public is lost.
async fn follow_up(to: &To<'_>, ack: &Ack, a: &Applied, channel: ChannelId, public: Vec<Reply>) -> anyhow::Result<()> {
    if let Err((e, unsent)) = ack.follow_up(public).await {
        tracing::warn!(error = %e, "a follow-up failed; what it showed goes to the channel");
        to.post(a.session(), channel, unsent).await?;
    }
    Ok(())
}

/// Rewrites the public "Score this answer" message once its round closed (among `effects`):
/// it says so and loses its buttons. The only edit the message gets (progress before closing
/// is in each reviewer's private confirmation): through the webhook of the interaction that
/// posted it while its token is valid, else (or if that fails) as a channel edit.
async fn mark_closed(http: &Http, channel: ChannelId, message: u64, s: &Session, effects: &[crate::interview::Addressed]) {
    let Some(item) = effects.iter().find_map(|a| match &a.effect {
        Effect::Aggregate(agg) => Some(agg.item),
        _ => None,
    }) else {
        return;
    };
    let round = s.peer.as_ref().and_then(|p| p.rounds.get(item).cloned().flatten());
    let (Some(round), true) = (round, message != 0) else {
        return;
    };
    let embed = serenity::CreateEmbed::new()
        .title(scoring_title(s, item))
        .description(closed_text(round.scores.len()));
    let id = MessageId::new(message);
    if let Some(token) = scoring_msgs::take(&s.id, item) {
        let edit = CreateInteractionResponseFollowup::new().embed(embed.clone()).components(Vec::new());
        match crate::ops::metrics::rest("interaction_followup_edit", edit.execute(http, (Some(id), token.as_str()))).await {
            Ok(_) => return,
            Err(e) => tracing::info!(error = %e, "could not edit a scoring message through its interaction; editing it in the channel"),
        }
    }
    let edit = EditMessage::new().embed(embed).components(Vec::new());
    if let Err(e) = crate::ops::metrics::rest("message_edit", channel.edit_message(http, id, edit)).await {
        tracing::warn!(error = %e, "could not mark a scoring message closed");
    }
}

/// The candidate's direct messages: the final peer report (the thread says so if their DMs
/// are closed) and, in an asynchronous review, a notice per new score.
async fn to_candidate(to: &To<'_>, a: &Applied) {
    let s = a.session();
    for e in for_audience(&a.effects, Audience::CandidateDm) {
        let replies = match &e {
            Effect::ScoreNotice { item, new, total } => vec![Reply::text(format!(
                "{new} new score(s) from teammates since my last message, latest on your answer to question {} ({total} score(s) on it so far). The aggregate is posted when scoring closes.",
                item + 1
            ))],
            _ => render(s, &a.pack, std::slice::from_ref(&e), None),
        };
        if let Err(err) = dm_candidate(to, s, replies).await {
            tracing::info!(error = %err, "could not DM the candidate");
            if let (Effect::Report(_), Some(ch)) = (&e, a.stored.channel) {
                let note = format!(
                    "I couldn't send the report to {} by DM (their DMs are closed); it is above.",
                    mention(&s.candidate)
                );
                let _ = to.post(s, ChannelId::new(ch), vec![Reply::text(note)]).await;
            }
        }
    }
}

/// Sends `replies` to the session's candidate by DM.
async fn dm_candidate(to: &To<'_>, s: &Session, replies: Vec<Reply>) -> serenity::Result<()> {
    let Some(user) = s.candidate.discord_user().map(UserId::new) else {
        return Ok(());
    };
    let dm = crate::ops::metrics::rest("dm_open", user.create_dm_channel(to.http)).await?;
    to.post(s, dm.id, replies).await
}

/// A reply to a typed message (the only way to answer one).
pub async fn reply_to(http: &Http, msg: &Message, text: &str) -> anyhow::Result<()> {
    let m = CreateMessage::new()
        .content(clip(text, 2000))
        .reference_message(msg)
        .allowed_mentions(no_mentions());
    crate::ops::metrics::rest("message_reply", msg.channel_id.send_message(http, m)).await?;
    Ok(())
}

/// After an internal error: a private apology with an id to quote (best effort). A form's text
/// comes back with it, so nothing typed is lost.
pub async fn apologise(ack: &Ack, interaction: &serenity::Interaction, error: &anyhow::Error, id: &str) {
    let msg = Reply::text(apology(error, id)).ephemeral();
    if let Err(e) = ack.reply(vec![with_form_text(msg, interaction)]).await {
        tracing::warn!(error = %e, "could not apologise for an internal error");
    }
}

#[cfg(test)]
mod apology_tests {
    use super::apology;

    #[test]
    fn overload_is_said_as_such_and_anything_else_names_its_error_id() {
        let busy = anyhow::Error::new(crate::store::Busy).context("storing an input");
        let said = apology(&busy, "ab12cd34");
        assert!(said.contains("very busy") && said.contains("try again in a moment"), "{said}");
        assert!(!said.contains("ab12cd34"));
        let other = apology(&anyhow::anyhow!("disk full"), "ab12cd34");
        assert!(other.contains("error ab12cd34") && !other.contains("disk full"), "{other}");
    }
}
