//! Applying one input: from the copy the engine kept of the session (or a load), guard, the
//! core's `step`, persist in one transaction; a conflict reloads and tries again, a refusal
//! worked out on a kept copy is checked on a fresh load first.

use super::{cache, plan_fits, Applied, Engine, Guard, Outcome, MAX_RETRIES};
use crate::interview::{self, address, ActorId, Input, Millis, Rejection};
use crate::stages::{mark, Stage};
use crate::store::{Persisted, Stored};

impl Engine {
    /// Applies `input` from `actor` to the session `id`, exactly once per `key`.
    pub async fn apply(&self, id: &str, actor: &ActorId, input: &Input, key: &str, now: Millis) -> anyhow::Result<Outcome> {
        self.apply_if(id, actor, input, key, now, &|_| Ok(())).await
    }

    /// Like [`Engine::apply`], but `guard` must accept the session as it is when the input is
    /// applied (re-checked after every reload): a click meant for question 3 never acts on 4.
    pub async fn apply_if(
        &self,
        id: &str,
        actor: &ActorId,
        input: &Input,
        key: &str,
        now: Millis,
        guard: Guard<'_>,
    ) -> anyhow::Result<Outcome> {
        let _turn = self.turns.take(id).await;
        mark(Stage::Turn);
        if let Some(copy) = self.sessions.take(id) {
            return self.apply_from(copy, false, actor, input, key, now, guard).await;
        }
        let Some(stored) = self.store.load(id).await? else {
            return Ok(Outcome::Rejected(Rejection::NoSuchSession));
        };
        self.apply_from(stored, true, actor, input, key, now, guard).await
    }

    /// Like [`Engine::apply_if`] on a session the adapter has just loaded (its checks read it),
    /// so the first attempt costs no second load; a conflict reloads. An input that waited for
    /// its turn was loaded before the inputs ahead of it wrote: it starts from the copy the
    /// last of them kept (newer than its load) instead of conflicting on its stale load.
    pub async fn apply_to(
        &self,
        stored: Stored,
        actor: &ActorId,
        input: &Input,
        key: &str,
        now: Millis,
        guard: Guard<'_>,
    ) -> anyhow::Result<Outcome> {
        let _turn = self.turns.take(&stored.session.id).await;
        mark(Stage::Turn);
        match self.sessions.take(&stored.session.id) {
            Some(kept) if kept.session.version > stored.session.version => {
                self.apply_from(kept, false, actor, input, key, now, guard).await
            }
            _ => self.apply_from(stored, true, actor, input, key, now, guard).await,
        }
    }

    /// Applies `input` to `stored`: `fresh` when it was just read from the database, not a copy
    /// this engine kept (a refusal on a copy is checked again on a fresh load).
    #[tracing::instrument(skip_all, fields(session = %stored.session.id, input = input.name()))]
    #[allow(clippy::too_many_arguments)]
    async fn apply_from(
        &self,
        mut stored: Stored,
        mut fresh: bool,
        actor: &ActorId,
        input: &Input,
        key: &str,
        now: Millis,
        guard: Guard<'_>,
    ) -> anyhow::Result<Outcome> {
        let id = stored.session.id.clone();
        let mut reload = false;
        for attempt in 0..MAX_RETRIES {
            if reload {
                match self.store.load(&id).await? {
                    Some(s) => stored = s,
                    None => return Ok(Outcome::Rejected(Rejection::NoSuchSession)),
                }
                fresh = true;
                mark(Stage::Reload);
            }
            reload = true;
            // A re-delivered input whose step would now be refused is still only a duplicate.
            let refused = |r: Rejection, stored: Stored| async {
                let seen = self.store.event_exists(key).await?;
                self.sessions.put(stored);
                Ok(if seen { Outcome::Duplicate } else { Outcome::Rejected(r) })
            };
            if let Err(r) = guard(&stored) {
                if !fresh {
                    continue;
                }
                return refused(r, stored).await;
            }
            let pack = self.session_pack(&stored).await?;
            // The clock still closes rounds and pauses sessions whose pack changed.
            if *input != Input::Clock && !plan_fits(&stored.session, &pack) {
                if !fresh {
                    continue;
                }
                return refused(Rejection::PackChanged, stored).await;
            }
            let (next, effects) = match interview::step(&stored.session, actor, input, &pack, now) {
                Ok(x) => x,
                Err(_) if !fresh => continue,
                Err(r) => return refused(r, stored).await,
            };
            let change = self.store.change(&stored.session, &next, now)?;
            mark(Stage::Step);
            // The event's unique key makes a re-delivered input a no-op here.
            match self.store.persist_change(&change, actor, input, key, now).await? {
                Persisted::Done => {
                    let effects = address(&next, effects);
                    // The copy kept is the session applied to, brought up to date: only what
                    // the input changed is copied.
                    let mut kept = stored;
                    cache::catch_up(&mut kept.session, &next, change.item_indices());
                    let stored = Stored {
                        session: next,
                        scope: kept.scope,
                        mode: kept.mode,
                        channel: kept.channel,
                    };
                    self.sessions.put(kept);
                    return Ok(Outcome::Applied(Applied { stored, pack, effects }));
                }
                Persisted::Duplicate => return Ok(Outcome::Duplicate),
                // Another process moved the session on: let it finish, then reload (a random
                // wait, growing, so two processes retrying together do not collide again).
                Persisted::Conflict => {
                    tracing::debug!(session = %id, attempt, "version conflict; retrying");
                    tokio::time::sleep(conflict_wait(attempt)).await;
                }
            }
        }
        anyhow::bail!("session {id}: gave up after {MAX_RETRIES} concurrent-update retries")
    }
}

/// The wait before retry `attempt + 1` after a version conflict: random, up to 1 ms doubling
/// to 32 ms.
fn conflict_wait(attempt: usize) -> std::time::Duration {
    let ceiling_us = 1_000u64 << attempt.min(5);
    // The clock's sub-microsecond digits are random enough to spread two processes apart.
    let noise = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()));
    std::time::Duration::from_micros(noise % ceiling_us)
}
