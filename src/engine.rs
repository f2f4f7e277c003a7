//! The one path every adapter drives: load the session, apply the core's `step`, persist the
//! result in one transaction, hand back the effects. Re-delivered inputs are applied once;
//! concurrent writers are resolved by the snapshot version (reload and retry). Packs are
//! resolved per scope: built-in packs everywhere, a server's uploaded packs only in that server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Context;

use crate::bank::{parse_pack, Bank, Pack};
use crate::interview::{self, ActorId, Effect, Input, Millis, PlanOptions, Rejection, Session, Settings};
use crate::store::{NewRow, Persisted, Store, Stored};

/// Parsed server packs by (guild scope, role), with the stored version they were parsed from.
type PackCache = Mutex<HashMap<(String, String), (i64, Arc<Pack>)>>;

/// Everything an adapter needs, built once at start-up.
#[derive(Clone)]
pub struct Engine {
    pub store: Store,
    pub bank: Arc<Bank>,
    pub settings: Settings,
    cache: Arc<PackCache>,
}

/// What became of one input.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // short-lived, returned once per input; boxing buys nothing
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
    pub candidate: &'a ActorId,
    pub mode: &'a str,
    pub role: &'a str,
    pub options: PlanOptions,
    pub time_limit_secs: Option<u32>,
    pub channel_id: Option<&'a str>,
    /// Idempotency key of the start: a re-delivered start command starts nothing twice.
    pub key: &'a str,
    /// A peer-review session: its host and how long each answer's scoring stays open.
    pub peer: Option<(&'a ActorId, u32)>,
}

const MAX_RETRIES: usize = 8;

/// The guild id of a `guild:<id>` scope.
pub fn guild_of(scope: &str) -> Option<&str> {
    scope.strip_prefix("guild:")
}

impl Engine {
    pub fn new(store: Store, bank: Bank, settings: Settings) -> Engine {
        Engine {
            store,
            bank: Arc::new(bank),
            settings,
            cache: Arc::default(),
        }
    }

    /// The packs a user in `scope` can start: built-in ones, then the server's own.
    pub async fn packs_in(&self, scope: &str) -> anyhow::Result<Vec<Arc<Pack>>> {
        let mut out: Vec<Arc<Pack>> = self.bank.packs().to_vec();
        if let Some(guild) = guild_of(scope) {
            for row in self.store.server_packs(guild).await? {
                if let Some(p) = self.server_pack(scope, &row.role_id, true).await? {
                    out.push(p);
                }
            }
        }
        Ok(out)
    }

    /// The pack of `role` as seen from `scope`. `for_new` hides removed server packs (existing
    /// sessions still resolve theirs).
    pub async fn pack_in(&self, scope: &str, role: &str, for_new: bool) -> anyhow::Result<Result<Arc<Pack>, Rejection>> {
        if let Some(p) = self.bank.role(role) {
            return Ok(Ok(p.clone()));
        }
        if let Some(p) = self.server_pack(scope, role, for_new).await? {
            return Ok(Ok(p));
        }
        let roles: Vec<String> = self.packs_in(scope).await?.iter().map(|p| p.role.id.clone()).collect();
        Ok(Err(Rejection::UnknownRole {
            role: role.to_string(),
            available: roles,
        }))
    }

    /// Like [`Engine::pack_in`] for a session that exists: its pack must resolve.
    pub async fn session_pack(&self, stored: &Stored) -> anyhow::Result<Arc<Pack>> {
        self.pack_in(&stored.scope, &stored.session.plan.role, false)
            .await?
            .map_err(|r| anyhow::anyhow!("session {}: {r}", stored.session.id))
    }

    async fn server_pack(&self, scope: &str, role: &str, live_only: bool) -> anyhow::Result<Option<Arc<Pack>>> {
        let Some(guild) = guild_of(scope) else {
            return Ok(None);
        };
        let Some(row) = self.store.server_pack(guild, role).await? else {
            return Ok(None);
        };
        if live_only && row.removed {
            return Ok(None);
        }
        let key = (scope.to_string(), role.to_string());
        if let Some((v, p)) = self.cache.lock().expect("pack cache").get(&key) {
            if *v == row.version {
                return Ok(Some(p.clone()));
            }
        }
        let pack = Arc::new(
            parse_pack(&row.body, &format!("server pack {role}"))
                .map_err(|e| anyhow::anyhow!("stored server pack {role} no longer parses: {e:?}"))?,
        );
        self.cache.lock().expect("pack cache").insert(key, (row.version, pack.clone()));
        Ok(Some(pack))
    }

    /// Starts a session unless the candidate already has a live one in this scope.
    pub async fn start(&self, new: NewSession<'_>, now: Millis) -> anyhow::Result<Result<(Session, Vec<Effect>), Rejection>> {
        let pack = match self.pack_in(new.scope, new.role, true).await? {
            Ok(p) => p,
            Err(r) => return Ok(Err(r)),
        };
        let settings = Settings {
            time_limit_secs: new.time_limit_secs,
            ..self.settings.clone()
        };
        let id = uuid::Uuid::new_v4().simple().to_string();
        let started = match new.peer {
            None => interview::start(id, new.candidate, &pack, &new.options, settings, now),
            Some((host, secs)) => interview::start_peer(id, new.candidate, host, &pack, &new.options, settings, secs, now),
        };
        let (session, effects) = match started {
            Ok(x) => x,
            Err(r) => return Ok(Err(r)),
        };
        let start_input =
            serde_json::json!({ "role": new.role, "options": new.options, "time_limit_secs": new.time_limit_secs }).to_string();
        let row = NewRow {
            scope: new.scope,
            mode: new.mode,
            channel_id: new.channel_id,
            key: new.key,
            start_input: &start_input,
        };
        if !self.store.insert_session(&session, &row, now).await? {
            return Ok(Err(Rejection::AlreadyLive));
        }
        Ok(Ok((session, effects)))
    }

    /// Applies `input` from `actor` to the session `id`, exactly once per `key`.
    pub async fn apply(&self, id: &str, actor: &ActorId, input: &Input, key: &str, now: Millis) -> anyhow::Result<Outcome> {
        self.apply_if(id, actor, input, key, now, &|_| Ok(())).await
    }

    /// Like [`Engine::apply`], but `guard` must accept the session as it is when the input is
    /// applied (re-checked after every reload): a click meant for question 3 never acts on 4.
    #[tracing::instrument(skip(self, input, guard), fields(input = input.name()))]
    pub async fn apply_if(
        &self,
        id: &str,
        actor: &ActorId,
        input: &Input,
        key: &str,
        now: Millis,
        guard: &(dyn Fn(&Session) -> Result<(), Rejection> + Sync),
    ) -> anyhow::Result<Outcome> {
        if self.store.event_exists(key).await? {
            return Ok(Outcome::Duplicate);
        }
        for _ in 0..MAX_RETRIES {
            let stored = self.store.load(id).await?.with_context(|| format!("session {id} not found"))?;
            if let Err(r) = guard(&stored.session) {
                return Ok(Outcome::Rejected(r));
            }
            let pack = self.session_pack(&stored).await?;
            // The clock still closes rounds and pauses sessions whose pack changed.
            if *input != Input::Clock && !plan_fits(&stored.session, &pack) {
                return Ok(Outcome::Rejected(Rejection::PackChanged));
            }
            let (next, effects) = match interview::step(&stored.session, actor, input, &pack, now) {
                Ok(x) => x,
                Err(r) => return Ok(Outcome::Rejected(r)),
            };
            match self.store.persist(&stored.session, &next, actor.as_str(), input, key, now).await? {
                Persisted::Done => return Ok(Outcome::Applied { session: next, effects }),
                Persisted::Duplicate => return Ok(Outcome::Duplicate),
                Persisted::Conflict => tracing::debug!(session = id, "version conflict; retrying"),
            }
        }
        anyhow::bail!("session {id}: gave up after {MAX_RETRIES} concurrent-update retries")
    }

    /// Shares a finished session of the candidate's for asynchronous review in `scope`.
    pub async fn share(
        &self,
        original: &Stored,
        scope: &str,
        channel_id: &str,
        key: &str,
        scoring_secs: u32,
        now: Millis,
    ) -> anyhow::Result<Result<(Session, Vec<Effect>), Rejection>> {
        if let Err(r) = self.pack_in(scope, &original.session.plan.role, false).await? {
            return Ok(Err(Rejection::PackNotHere(Box::new(r))));
        }
        let id = uuid::Uuid::new_v4().simple().to_string();
        let (session, effects) = match interview::peer::share(&original.session, id, scoring_secs, now) {
            Ok(x) => x,
            Err(r) => return Ok(Err(r)),
        };
        let start_input = serde_json::json!({ "shared_from": original.session.id, "scoring_secs": scoring_secs }).to_string();
        let row = NewRow {
            scope,
            mode: "async",
            channel_id: Some(channel_id),
            key,
            start_input: &start_input,
        };
        if !self.store.insert_session(&session, &row, now).await? {
            return Ok(Err(Rejection::ShareFailed));
        }
        Ok(Ok((session, effects)))
    }

    pub async fn live(&self, scope: &str, candidate: &ActorId) -> anyhow::Result<Option<Stored>> {
        self.store.live(scope, candidate.as_str()).await
    }

    /// Applies due deadlines to every session whose deadline has passed; returns what happened.
    pub async fn sweep(&self, now: Millis) -> anyhow::Result<Vec<(Stored, Vec<Effect>)>> {
        let mut out = Vec::new();
        for stored in self.store.due(now, 100).await? {
            let s = &stored.session;
            let key = format!("clock:{}:{}", s.id, s.version);
            match self.apply(&s.id, &ActorId::system(), &Input::Clock, &key, now).await {
                Ok(Outcome::Applied { session, effects }) => out.push((Stored { session, ..stored }, effects)),
                Ok(_) => {}
                // One broken session must not stop everyone else's deadlines: look again later.
                Err(e) => {
                    tracing::error!(session = %s.id, error = ?e, "applying a deadline failed; retrying in an hour");
                    self.store.postpone(&s.id, now + 3_600_000).await?;
                }
            }
        }
        Ok(out)
    }
}

/// Every question (and follow-up) the session plans still exists in its pack. Packs in use are
/// not replaced (`/packs upload` refuses), but a deploy may edit `prompts/`.
fn plan_fits(s: &Session, pack: &Pack) -> bool {
    s.plan.items.iter().all(|i| {
        pack.question(&i.question)
            .is_some_and(|q| i.follow_ups.iter().all(|&f| f < q.follow_ups.len()))
    })
}

/// Milliseconds since the Unix epoch, from the system clock (adapters only; the core takes `now`).
pub fn now_millis() -> Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as Millis)
}
