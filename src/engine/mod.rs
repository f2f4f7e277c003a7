//! The one path every adapter drives: load the session, apply the core's `step`, persist the
//! result in one transaction, and hand back an [`Outcome`] that carries the pack it used and
//! the effects addressed to their audiences. Re-delivered inputs are applied once; concurrent
//! writers are resolved by the snapshot version (reload and retry). The rules that span
//! sessions live here too: one live interview per user per scope, sharing, pack uploads,
//! history. The store is private: adapters call the engine.

mod apply;
mod cache;
pub mod catchup;
pub mod outbox;
mod packs;
mod progress;
mod turns;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use packs::{PackRefusal, Uploaded, MAX_SERVER_PACKS};
pub use progress::{visible, DrillRequest, DueReminder, NoDrill, StatsReport, TranscriptFile, DRILL_SIZE};

use crate::bank::{Bank, Pack};
use crate::interview::{self, address, ActorId, Addressed, Input, Millis, Mode, PlanOptions, Rejection, Scope, Session, Settings};
use crate::store::{Forgotten, HistoryRow, NewRow, Store, Stored};

/// Parsed server packs by (guild, role), with the stored version they were parsed from.
type PackCache = Mutex<HashMap<(u64, String), (i64, Arc<Pack>)>>;

/// Everything an adapter needs, built once at start-up.
#[derive(Clone)]
pub struct Engine {
    store: Store,
    bank: Arc<Bank>,
    settings: Settings,
    cache: Arc<PackCache>,
    /// The sessions it last wrote (see `cache`).
    sessions: Arc<cache::Sessions>,
    turns: Arc<turns::Turns>,
    /// Ended sessions older than this many days are deleted by [`Engine::purge_expired`].
    retention_days: Option<u32>,
    /// A server the bot left is purged this many days later (unless it comes back).
    guild_purge_days: u32,
}

/// An applied input: the session after it (with where it lives), the pack it was applied
/// with, and its effects, each addressed to who may see it.
#[derive(Debug)]
pub struct Applied {
    pub stored: Stored,
    pub pack: Arc<Pack>,
    pub effects: Vec<Addressed>,
}

impl Applied {
    pub fn session(&self) -> &Session {
        &self.stored.session
    }
}

/// What became of one input.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // short-lived, returned once per input; boxing buys nothing
pub enum Outcome {
    Applied(Applied),
    /// Seen before (same idempotency key): nothing changed, nothing to show again.
    Duplicate,
    /// Refused: tell the actor why; nothing changed.
    Rejected(Rejection),
}

/// Where a new session lives and who it is for.
pub struct NewSession {
    pub scope: Scope,
    pub candidate: ActorId,
    pub mode: Mode,
    pub role: String,
    pub options: PlanOptions,
    pub time_limit_secs: Option<u32>,
    /// The Discord channel, thread or DM it lives in (none in the terminal).
    pub channel: Option<u64>,
    /// Idempotency key of the start: a re-delivered start command starts nothing twice.
    pub key: String,
    /// A peer-review session: its host and how long each answer's scoring stays open.
    pub peer: Option<(ActorId, u32)>,
}

/// Attempts at one input before giving up: each conflict means another writer went first.
const MAX_RETRIES: usize = 16;

/// How long a claimed deadline is this process's to apply; one that dies holding it loses it
/// after this, and another process applies the deadline.
const DEADLINE_LEASE_MS: Millis = 60_000;

/// A check the session must pass when an input is applied (re-run after every reload).
pub type Guard<'a> = &'a (dyn Fn(&Stored) -> Result<(), Rejection> + Sync);

impl Engine {
    pub fn new(store: Store, bank: Bank, settings: Settings) -> Engine {
        Engine {
            store,
            bank: Arc::new(bank),
            settings,
            cache: Arc::default(),
            sessions: Arc::default(),
            turns: Arc::default(),
            retention_days: None,
            guild_purge_days: 30,
        }
    }

    /// Purge a server's packs and sessions this many days after the bot is removed from it.
    pub fn with_guild_purge(mut self, days: u32) -> Engine {
        self.guild_purge_days = days;
        self
    }

    /// The bot was removed from `guild`: its data is purged after the grace period.
    pub async fn guild_left(&self, guild: u64, now: Millis) -> anyhow::Result<()> {
        self.store.mark_departed(guild, now).await
    }

    /// The bot is in `guild` (again): nothing of it is purged.
    pub async fn guild_present(&self, guild: u64) -> anyhow::Result<()> {
        self.store.mark_present(guild).await
    }

    /// Deletes the packs and sessions of servers the bot left more than the grace period ago;
    /// returns how many servers.
    pub async fn purge_departed(&self, now: Millis) -> anyhow::Result<u64> {
        self.sessions.clear();
        self.store
            .purge_departed_before(now - self.guild_purge_days as Millis * 86_400_000)
            .await
    }

    /// Keep ended sessions only this many days (`None`: keep them).
    pub fn with_retention(mut self, days: Option<u32>) -> Engine {
        self.retention_days = days;
        self
    }

    /// Deletes ended sessions (finished or abandoned, no scoring open) older than the retention
    /// period, with everything in them; returns how many.
    pub async fn purge_expired(&self, now: Millis) -> anyhow::Result<u64> {
        let Some(days) = self.retention_days else {
            return Ok(0);
        };
        self.sessions.clear();
        self.store.purge_ended_before(now - days as Millis * 86_400_000).await
    }

    /// Closes the database pool (at shutdown).
    pub async fn close(&self) {
        self.store.close().await;
    }

    fn cache_get(&self, key: &(u64, String)) -> Option<(i64, Arc<Pack>)> {
        self.cache.lock().ok()?.get(key).cloned()
    }

    fn cache_put(&self, key: (u64, String), version: i64, pack: Arc<Pack>) {
        if let Ok(mut c) = self.cache.lock() {
            c.insert(key, (version, pack));
        }
    }

    /// Like [`Engine::pack_in`] for a session that exists: its pack must resolve.
    pub async fn session_pack(&self, stored: &Stored) -> anyhow::Result<Arc<Pack>> {
        self.pack_in(stored.scope, &stored.session.plan.role, false)
            .await?
            .map_err(|r| anyhow::anyhow!("session {}: {r}", stored.session.id))
    }

    /// Whether `candidate` may start `role` with `options` in `scope`: the pack exists there,
    /// the plan can be built, and they have no live interview in that scope. Adapters ask
    /// before creating anything (a thread, a DM) for the session.
    pub async fn check_start(
        &self,
        scope: Scope,
        candidate: &ActorId,
        role: &str,
        options: &PlanOptions,
    ) -> anyhow::Result<Result<Arc<Pack>, Rejection>> {
        let pack = match self.pack_in(scope, role, true).await? {
            Ok(p) => p,
            Err(r) => return Ok(Err(r)),
        };
        if let Err(r) = interview::plan::select(&pack, options) {
            return Ok(Err(r));
        }
        if let Some(live) = self.live(scope, candidate).await? {
            return Ok(Err(already_live(&live)));
        }
        Ok(Ok(pack))
    }

    /// Starts a session unless the candidate already has a live one in this scope.
    pub async fn start(&self, new: NewSession, now: Millis) -> anyhow::Result<Result<Applied, Rejection>> {
        let pack = match self.pack_in(new.scope, &new.role, true).await? {
            Ok(p) => p,
            Err(r) => return Ok(Err(r)),
        };
        let settings = Settings {
            time_limit_secs: new.time_limit_secs,
            ..self.settings.clone()
        };
        let id = uuid::Uuid::new_v4().simple().to_string();
        let started = match &new.peer {
            None => interview::start(id, &new.candidate, &pack, &new.options, settings, now),
            Some((host, secs)) => interview::start_peer(id, &new.candidate, host, &pack, &new.options, settings, *secs, now),
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
            channel: new.channel,
            key: &new.key,
            start_input: &start_input,
        };
        if !self.store.insert_session(&session, &row, now).await? {
            return Ok(Err(match self.live(new.scope, &new.candidate).await? {
                Some(live) => already_live(&live),
                None => Rejection::AlreadyLive { channel: None },
            }));
        }
        let effects = address(&session, effects);
        let stored = Stored {
            session,
            scope: new.scope,
            mode: new.mode,
            channel: new.channel,
        };
        Ok(Ok(Applied { stored, pack, effects }))
    }

    /// Has an input with this idempotency key been applied already?
    pub async fn seen(&self, key: &str) -> anyhow::Result<bool> {
        self.store.event_exists(key).await
    }

    /// The session as stored: the copy this engine kept when it is still of the stored version
    /// (one small read), else a load.
    pub async fn load(&self, id: &str) -> anyhow::Result<Option<Stored>> {
        match self.store.version(id).await? {
            None => Ok(None),
            Some(v) => match self.sessions.get(id, v) {
                Some(copy) => Ok(Some(copy)),
                None => self.store.load(id).await,
            },
        }
    }

    /// The newest session living in a Discord channel, thread or DM: like [`Engine::load`],
    /// the kept copy when one small read says it is current (every typed part asks this); with
    /// no copy of that channel's session kept, one read of the whole session.
    pub async fn by_channel(&self, channel: u64) -> anyhow::Result<Option<Stored>> {
        if !self.sessions.has_channel(channel) {
            return self.store.by_channel(channel).await;
        }
        match self.store.by_channel_version(channel).await? {
            None => Ok(None),
            Some((id, v)) => match self.sessions.get(&id, v) {
                Some(copy) => Ok(Some(copy)),
                None => self.store.by_channel(channel).await,
            },
        }
    }

    /// The candidate's unfinished session in `scope`.
    pub async fn live(&self, scope: Scope, candidate: &ActorId) -> anyhow::Result<Option<Stored>> {
        self.store.live(scope, candidate).await
    }

    /// Removes a session that never reached its candidate (its first message could not be
    /// posted), so it does not block their next start.
    pub async fn discard(&self, id: &str) -> anyhow::Result<()> {
        self.sessions.forget(id);
        self.store.discard(id).await
    }

    /// Deletes everything of `who`'s in every scope (see [`Forgotten`]); scores they gave on
    /// others' answers stay for those candidates, without their id or note.
    pub async fn forget(&self, who: &ActorId, now: Millis) -> anyhow::Result<Forgotten> {
        self.sessions.clear();
        let placeholder = ActorId::from_stored(format!("forgotten:{}", &uuid::Uuid::new_v4().simple().to_string()[..12]));
        let gone = self.store.forget(who, &placeholder, now).await?;
        self.store.forget_progress(who).await?;
        Ok(gone)
    }

    /// The candidate's sessions in `scope`, newest first.
    pub async fn history(&self, scope: Scope, candidate: &ActorId, limit: i64) -> anyhow::Result<Vec<HistoryRow>> {
        self.store.history(scope, candidate, limit).await
    }

    /// The candidate's newest finished interview in `from` that is not itself a shared review.
    pub async fn newest_shareable(&self, from: Scope, candidate: &ActorId) -> anyhow::Result<Option<Stored>> {
        let newest = self
            .history(from, candidate, 10)
            .await?
            .into_iter()
            .find(|h| h.mode != Mode::Async && h.session.stage.is_over());
        match newest {
            Some(h) => self.load(&h.id).await,
            None => Ok(None),
        }
    }

    /// Shares a finished session of the candidate's for asynchronous review in `scope`.
    pub async fn share(
        &self,
        original: &Stored,
        scope: Scope,
        channel: u64,
        key: &str,
        scoring_secs: u32,
        now: Millis,
    ) -> anyhow::Result<Result<Applied, Rejection>> {
        let pack = match self.pack_in(scope, &original.session.plan.role, false).await? {
            Ok(p) => p,
            Err(r) => return Ok(Err(Rejection::PackNotHere(Box::new(r)))),
        };
        let id = uuid::Uuid::new_v4().simple().to_string();
        let (mut session, effects) = match interview::peer::share(&original.session, id, scoring_secs, now) {
            Ok(x) => x,
            Err(r) => return Ok(Err(r)),
        };
        session.settings.notice_secs = self.settings.notice_secs;
        let start_input = serde_json::json!({ "shared_from": original.session.id, "scoring_secs": scoring_secs }).to_string();
        let row = NewRow {
            scope,
            mode: Mode::Async,
            channel: Some(channel),
            key,
            start_input: &start_input,
        };
        if !self.store.insert_session(&session, &row, now).await? {
            return Ok(Err(Rejection::ShareFailed));
        }
        let effects = address(&session, effects);
        let stored = Stored {
            session,
            scope,
            mode: Mode::Async,
            channel: Some(channel),
        };
        Ok(Ok(Applied { stored, pack, effects }))
    }

    /// Applies due deadlines to every session whose deadline has passed; returns what happened.
    pub async fn sweep(&self, now: Millis) -> anyhow::Result<Vec<Applied>> {
        let mut out = Vec::new();
        for stored in self.store.claim_due(now, DEADLINE_LEASE_MS, 100).await? {
            let (id, version) = (stored.session.id.clone(), stored.session.version);
            let key = format!("clock:{id}:{version}");
            match self
                .apply_to(stored, &ActorId::system(), &Input::Clock, &key, now, &|_| Ok(()))
                .await
            {
                Ok(Outcome::Applied(applied)) => out.push(applied),
                Ok(_) => {}
                // One broken session must not stop everyone else's deadlines: look again later.
                Err(e) => {
                    tracing::error!(session = %id, error = ?e, "applying a deadline failed; retrying in an hour");
                    self.store.postpone(&id, now + 3_600_000).await?;
                }
            }
        }
        Ok(out)
    }
}

/// The refusal of a second live interview in one scope.
fn already_live(live: &Stored) -> Rejection {
    Rejection::AlreadyLive { channel: live.channel }
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
