//! The process's life around the gateway: which shards it runs ([`Shards`], resolved from the
//! operator's plan), a framework wrapper ([`Gate`]) that counts and times every event handler
//! and refuses new events once shutdown began, and the task publishing each shard's stage and
//! latency for `/healthz` and `/metrics`.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::builder::Builder;
use serenity::{CreateInteractionResponse, FullEvent, Http, Interaction, ShardId, ShardManager};

use super::{Data, Error};
use crate::config::ShardPlan;
use crate::ops::{metrics, Ops, ShardState};

/// What an interaction hears once shutdown began (the next process takes it from there).
const RESTARTING: &str = "panelist is restarting; please try again in a few seconds.";

/// The shards this process runs: `first..=last` of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shards {
    pub first: u32,
    pub last: u32,
    pub total: u32,
    /// Shard 0 of 1 started without asking Discord (serenity's `start`).
    pub single: bool,
}

impl Shards {
    /// Resolves the plan; autosharding asks `GET /gateway/bot` for the recommended count.
    pub async fn resolve(http: &Http, plan: ShardPlan) -> anyhow::Result<Shards> {
        Ok(match plan {
            ShardPlan::Single => Shards {
                first: 0,
                last: 0,
                total: 1,
                single: true,
            },
            ShardPlan::Range { first, last, total } => Shards {
                first,
                last,
                total,
                single: false,
            },
            ShardPlan::Auto => {
                let gw = metrics::rest("gateway_bot", http.get_bot_gateway())
                    .await
                    .map_err(|e| anyhow::anyhow!("could not ask Discord how many shards to run (GET /gateway/bot): {e}"))?;
                tracing::info!(
                    recommended = gw.shards,
                    "Discord recommends this many shards; running all of them here"
                );
                let total = gw.shards.max(1);
                Shards {
                    first: 0,
                    last: total - 1,
                    total,
                    single: false,
                }
            }
        })
    }

    pub fn ids(&self) -> impl Iterator<Item = u32> {
        self.first..=self.last
    }
}

impl std::fmt::Display for Shards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{} of {}", self.first, self.last, self.total)
    }
}

/// poise's framework, behind a gate: each event is counted in flight (shutdown waits for it)
/// and timed; once draining, events are refused (a click or command is told to retry).
pub struct Gate {
    pub inner: poise::Framework<Data, Error>,
    pub ops: Ops,
}

fn kind(event: &FullEvent) -> Option<&'static str> {
    Some(match event {
        FullEvent::Message { .. } => "message",
        FullEvent::MessageUpdate { .. } => "message_edit",
        FullEvent::MessageDelete { .. } => "message_delete",
        FullEvent::InteractionCreate { interaction } => match interaction {
            Interaction::Command(_) => "command",
            Interaction::Component(_) => "component",
            Interaction::Modal(_) => "modal",
            Interaction::Autocomplete(_) => "autocomplete",
            _ => return None,
        },
        _ => return None,
    })
}

#[serenity::async_trait]
impl serenity::Framework for Gate {
    async fn init(&mut self, client: &serenity::Client) {
        self.inner.init(client).await;
    }

    async fn dispatch(&self, ctx: serenity::Context, event: FullEvent) {
        if self.ops.draining() {
            return refuse(&ctx.http, &event).await;
        }
        let _ticket = self.ops.in_flight().enter();
        let _timer = kind(&event).map(metrics::handling);
        self.inner.dispatch(ctx, event).await;
    }
}

async fn refuse(http: &Http, event: &FullEvent) {
    if kind(event).is_none() {
        return;
    }
    metrics::refused_draining();
    let FullEvent::InteractionCreate { interaction } = event else {
        return; // a typed part is not taken, so not confirmed: Submit says what was
    };
    if matches!(
        interaction,
        Interaction::Command(_) | Interaction::Component(_) | Interaction::Modal(_)
    ) {
        // A form's text was not taken: it comes back, to copy into the form again.
        let reply = super::deliver::with_form_text(super::card::Reply::text(RESTARTING).ephemeral(), interaction);
        let msg = super::send::response_message(reply);
        let call = CreateInteractionResponse::Message(msg).execute(http, (interaction.id(), interaction.token()));
        if let Err(e) = metrics::rest("interaction_response", call).await {
            tracing::debug!(error = %e, "could not tell an interaction we are restarting");
        }
    }
}

/// Publishes each shard's stage and latency every `every` until draining begins.
pub async fn publish_shards(manager: Arc<ShardManager>, shards: Shards, ops: Ops, every: Duration) {
    let mut tick = tokio::time::interval(every);
    while !ops.draining() {
        tick.tick().await;
        let runners = manager.runners.lock().await;
        let states = shards
            .ids()
            .map(|id| match runners.get(&ShardId(id)) {
                Some(r) => ShardState {
                    id,
                    stage: format!("{:?}", r.stage).to_lowercase(),
                    latency_ms: r.latency.map(|l| l.as_millis() as u64),
                },
                None => starting(id),
            })
            .collect();
        drop(runners);
        ops.set_shards(states);
    }
}

pub fn starting(id: u32) -> ShardState {
    ShardState {
        id,
        stage: "starting".into(),
        latency_ms: None,
    }
}
