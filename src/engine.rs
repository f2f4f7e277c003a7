//! The one path every adapter drives: load the session, apply the core's `step`, persist the
//! result in one transaction, hand back the effects. Re-delivered inputs are applied once;
//! concurrent writers are resolved by the snapshot version (reload and retry).

use std::sync::Arc;

use anyhow::Context;

use crate::bank::{Bank, Pack};
use crate::interview::{self, Effect, Input, Millis, PlanOptions, Rejection, Session, Settings};
use crate::store::{NewRow, Persisted, Store, Stored};

/// Everything an adapter needs, built once at start-up.
#[derive(Clone)]
pub struct Engine {
    pub store: Store,
    pub bank: Arc<Bank>,
    pub settings: Settings,
}

/// What became of one input.
#[derive(Debug)]
pub enum Outcome {
    Applied {
        session: Session,
        effects: Vec<Effect>,
    },
    /// Seen before (same idempotency key): nothing changed, nothing to show again.
    Duplicate,
    /// Refused: tell the actor why; nothing changed.
    Rejected(Rejection),
}

/// Where a new session lives and who it is for.
pub struct NewSession<'a> {
    pub scope: &'a str,
    pub candidate: &'a str,
    pub mode: &'a str,
    pub role: &'a str,
    pub options: PlanOptions,
    pub time_limit_secs: Option<u32>,
    pub channel_id: Option<&'a str>,
    /// Idempotency key of the start: a re-delivered start command starts nothing twice.
    pub key: &'a str,
}

const MAX_RETRIES: usize = 8;

impl Engine {
    pub fn pack(&self, role: &str) -> Result<&Pack, Rejection> {
        self.bank.role(role).ok_or_else(|| {
            let roles: Vec<&str> = self
                .bank
                .packs()
                .iter()
                .map(|p| p.role.id.as_str())
                .collect();
            Rejection::new(format!(
                "Unknown role '{role}'. Roles: {}.",
                roles.join(", ")
            ))
        })
    }

    /// Starts a session unless the candidate already has a live one in this scope.
    pub async fn start(
        &self,
        new: NewSession<'_>,
        now: Millis,
    ) -> anyhow::Result<Result<(Session, Vec<Effect>), Rejection>> {
        let pack = match self.pack(new.role) {
            Ok(p) => p,
            Err(r) => return Ok(Err(r)),
        };
        let settings = Settings {
            time_limit_secs: new.time_limit_secs,
            ..self.settings.clone()
        };
        let id = uuid::Uuid::new_v4().simple().to_string();
        let (session, effects) = match interview::start(
            id,
            new.candidate.to_string(),
            pack,
            &new.options,
            settings,
            now,
        ) {
            Ok(x) => x,
            Err(r) => return Ok(Err(r)),
        };
        let start_input = serde_json::json!({ "role": new.role, "options": new.options, "time_limit_secs": new.time_limit_secs }).to_string();
        let row = NewRow {
            scope: new.scope,
            mode: new.mode,
            channel_id: new.channel_id,
            key: new.key,
            start_input: &start_input,
        };
        if !self.store.insert_session(&session, &row, now).await? {
            return Ok(Err(Rejection::new(
                "You already have an interview in progress here. Continue it, or end it before starting a new one.",
            )));
        }
        Ok(Ok((session, effects)))
    }

    /// Applies `input` from `actor` to the session `id`, exactly once per `key`.
    #[tracing::instrument(skip(self, input), fields(input = input.name()))]
    pub async fn apply(
        &self,
        id: &str,
        actor: &str,
        input: &Input,
        key: &str,
        now: Millis,
    ) -> anyhow::Result<Outcome> {
        if self.store.event_exists(key).await? {
            return Ok(Outcome::Duplicate);
        }
        for _ in 0..MAX_RETRIES {
            let stored = self
                .store
                .load(id)
                .await?
                .with_context(|| format!("session {id} not found"))?;
            let pack = self
                .pack(&stored.session.plan.role)
                .map_err(|r| anyhow::anyhow!("{r}"))?;
            let (next, effects) = match interview::step(&stored.session, actor, input, pack, now) {
                Ok(x) => x,
                Err(r) => return Ok(Outcome::Rejected(r)),
            };
            match self
                .store
                .persist(&stored.session, &next, actor, input, key, now)
                .await?
            {
                Persisted::Done => {
                    return Ok(Outcome::Applied {
                        session: next,
                        effects,
                    })
                }
                Persisted::Duplicate => return Ok(Outcome::Duplicate),
                Persisted::Conflict => tracing::debug!(session = id, "version conflict; retrying"),
            }
        }
        anyhow::bail!("session {id}: gave up after {MAX_RETRIES} concurrent-update retries")
    }

    pub async fn live(&self, scope: &str, candidate: &str) -> anyhow::Result<Option<Stored>> {
        self.store.live(scope, candidate).await
    }

    /// Applies due deadlines to every session whose deadline has passed; returns what happened.
    pub async fn sweep(&self, now: Millis) -> anyhow::Result<Vec<(Stored, Vec<Effect>)>> {
        let mut out = Vec::new();
        for stored in self.store.due(now, 100).await? {
            let s = &stored.session;
            let key = format!("clock:{}:{}", s.id, s.version);
            if let Outcome::Applied { session, effects } = self
                .apply(&s.id, interview::SYSTEM, &Input::Clock, &key, now)
                .await?
            {
                out.push((Stored { session, ..stored }, effects));
            }
        }
        Ok(out)
    }
}

/// Milliseconds since the Unix epoch, from the system clock (adapters only; the core takes `now`).
pub fn now_millis() -> Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as Millis)
}
