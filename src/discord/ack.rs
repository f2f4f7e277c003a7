//! Acknowledging interactions within Discord's 3 seconds, whatever the database does. A click or
//! form is answered directly when its work is quick (one REST call); when it is not, a watchdog
//! defers it at [`BUDGET`] (a "deferred update": nothing visible changes) and the answer follows
//! as follow-ups and an edit of the clicked message. Slash commands wrap their database reads
//! in [`within_budget`], which defers the command the same way.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::builder::Builder;
use serenity::{
    CreateActionRow, CreateEmbed, CreateInteractionResponse, CreateInteractionResponseMessage, CreateModal, EditInteractionResponse, Http,
    InteractionId,
};
use tokio::sync::Mutex;

use super::card::{no_mentions, Reply};
use super::send::{response_message, send_followups};
use super::Context;
use crate::ops::metrics::rest;

/// How long the work behind an interaction may take before it is deferred: Discord allows 3 s
/// from its side, and the acknowledgement itself needs a round trip.
pub const BUDGET: Duration = Duration::from_millis(1500);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing sent yet.
    Pending,
    /// Deferred by the watchdog: everything else is a follow-up or an edit.
    Deferred,
    /// The user has their answer (a response, or follow-ups after the deferral).
    Answered,
}

/// The one way a component or modal interaction is answered.
pub struct Ack {
    http: Arc<Http>,
    id: InteractionId,
    token: String,
    state: Mutex<State>,
}

/// What a click changes in the message it was on.
#[derive(Default)]
pub struct Update {
    pub content: Option<String>,
    pub embed: Option<CreateEmbed>,
    /// New components (an empty list removes the buttons); `None` keeps them.
    pub components: Option<Vec<CreateActionRow>>,
}

impl Ack {
    /// Starts the watchdog: if nothing was sent within `budget`, the interaction is deferred.
    pub fn start(http: Arc<Http>, id: InteractionId, token: String, budget: Duration) -> Arc<Ack> {
        let ack = Arc::new(Ack {
            http,
            id,
            token,
            state: Mutex::new(State::Pending),
        });
        let watchdog = ack.clone();
        tokio::spawn(async move {
            tokio::time::sleep(budget).await;
            watchdog.defer().await;
        });
        ack
    }

    async fn defer(&self) {
        let mut state = self.state.lock().await;
        if *state != State::Pending {
            return;
        }
        match rest(
            "interaction_defer",
            CreateInteractionResponse::Acknowledge.execute(&*self.http, (self.id, &self.token)),
        )
        .await
        {
            Ok(()) => {
                tracing::info!(interaction = %self.id, "the work took longer than the budget; deferred");
                *state = State::Deferred;
            }
            Err(e) => tracing::warn!(error = %e, "could not defer an interaction"),
        }
    }

    /// The interaction's token (valid 15 minutes): for editing what it sent, later.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Acknowledges the click without a message (what it showed went elsewhere) and marks it
    /// answered.
    pub async fn acknowledge(&self) {
        self.defer().await;
        let mut state = self.state.lock().await;
        if *state == State::Deferred {
            *state = State::Answered;
        }
    }

    /// Marks the interaction answered without sending anything: a re-delivered interaction was
    /// answered the first time.
    pub async fn settle(&self) {
        let mut state = self.state.lock().await;
        if *state == State::Pending {
            *state = State::Answered;
        }
    }

    /// Sends `reply` if the user has no answer yet (nothing sent, or only the deferral): no
    /// interaction is left unanswered.
    pub async fn reply_if_unanswered(&self, reply: Reply) -> serenity::Result<()> {
        if *self.state.lock().await == State::Answered {
            return Ok(());
        }
        self.reply(vec![reply]).await
    }

    /// Sends `replies`: the first as the response (while nothing was sent), the rest (or all,
    /// once deferred) as follow-ups.
    pub async fn reply(&self, replies: Vec<Reply>) -> serenity::Result<()> {
        let mut state = self.state.lock().await;
        let mut replies = replies.into_iter();
        if *state == State::Pending {
            let first = replies.next().unwrap_or_else(|| Reply::text("Done.").ephemeral());
            let call = CreateInteractionResponse::Message(response_message(first)).execute(&*self.http, (self.id, &self.token));
            rest("interaction_response", call).await?;
        }
        *state = State::Answered;
        drop(state);
        send_followups(&self.http, &self.token, replies).await
    }

    /// Sends `replies` as follow-ups of an interaction already answered (a public one appears in
    /// the interaction's channel). On a failure, the error and the replies not sent, in order.
    pub async fn follow_up(&self, replies: Vec<Reply>) -> Result<(), (serenity::Error, Vec<Reply>)> {
        let mut replies = replies.into_iter();
        while let Some(r) = replies.next() {
            if let Err(e) = send_followups(&self.http, &self.token, [r.clone()]).await {
                return Err((e, std::iter::once(r).chain(replies).collect()));
            }
        }
        Ok(())
    }

    /// Changes the message the component was on (the response, or an edit once deferred).
    pub async fn update(&self, update: Update) -> serenity::Result<()> {
        let mut state = self.state.lock().await;
        if *state == State::Pending {
            let mut msg = CreateInteractionResponseMessage::new().allowed_mentions(no_mentions());
            if let Some(c) = update.content {
                msg = msg.content(c);
            }
            if let Some(e) = update.embed {
                msg = msg.embed(e);
            }
            if let Some(c) = update.components {
                msg = msg.components(c);
            }
            rest(
                "interaction_response",
                CreateInteractionResponse::UpdateMessage(msg).execute(&*self.http, (self.id, &self.token)),
            )
            .await?;
            *state = State::Answered;
            return Ok(());
        }
        *state = State::Answered;
        drop(state);
        let mut edit = EditInteractionResponse::new().allowed_mentions(no_mentions());
        if let Some(c) = update.content {
            edit = edit.content(c);
        }
        if let Some(e) = update.embed {
            edit = edit.embed(e);
        }
        if let Some(c) = update.components {
            edit = edit.components(c);
        }
        rest("interaction_edit", edit.execute(&*self.http, &self.token)).await.map(|_| ())
    }

    /// Opens a form; only possible as the first response. `false` once deferred: the user is
    /// asked to press the button again.
    pub async fn modal(&self, modal: CreateModal) -> serenity::Result<bool> {
        let mut state = self.state.lock().await;
        if *state != State::Pending {
            *state = State::Answered;
            drop(state);
            let again = Reply::text("That took me too long to open the form; press the button again.").ephemeral();
            send_followups(&self.http, &self.token, [again]).await?;
            return Ok(false);
        }
        rest(
            "interaction_response",
            CreateInteractionResponse::Modal(modal).execute(&*self.http, (self.id, &self.token)),
        )
        .await?;
        *state = State::Answered;
        Ok(true)
    }
}

/// Runs a slash command's database work; if it takes longer than [`BUDGET`], the command is
/// deferred (privately or publicly, as its answer will be) while it finishes. `work` must not
/// answer the command itself.
pub async fn within_budget<T>(ctx: Context<'_>, ephemeral: bool, work: impl Future<Output = T>) -> T {
    tokio::pin!(work);
    tokio::select! {
        biased;
        done = &mut work => return done,
        _ = tokio::time::sleep(BUDGET) => {}
    }
    let deferred = if ephemeral {
        ctx.defer_ephemeral().await
    } else {
        ctx.defer().await
    };
    if let Err(e) = deferred {
        tracing::warn!(error = %e, "could not defer a command");
    }
    work.await
}
