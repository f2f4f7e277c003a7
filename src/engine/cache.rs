//! The sessions this engine last wrote, by id, so the next input to one needs no load. A copy
//! is only a guess at the stored session: a write from it is checked by the stored version (a
//! second process that moved the session on makes it a conflict, and the engine reloads), and a
//! refusal worked out on a copy is checked again on a fresh load before it is reported.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::interview::Session;
use crate::store::Stored;

/// Sessions kept at most (the least recently used go first). A session in the middle of a
/// long interview is a few hundred KB in memory.
const CAPACITY: usize = 256;

#[derive(Default)]
pub(super) struct Sessions {
    map: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    by_id: HashMap<String, (u64, Stored)>,
    tick: u64,
}

impl Sessions {
    /// Takes the copy of `id` out (an input being applied owns it until it puts one back).
    pub(super) fn take(&self, id: &str) -> Option<Stored> {
        self.map.lock().ok()?.by_id.remove(id).map(|(_, s)| s)
    }

    /// A clone of the copy of `id`, if it is of `version`.
    pub(super) fn get(&self, id: &str, version: u64) -> Option<Stored> {
        let mut m = self.map.lock().ok()?;
        m.tick += 1;
        let tick = m.tick;
        let (used, s) = m.by_id.get_mut(id)?;
        if s.session.version != version {
            return None;
        }
        *used = tick;
        Some(s.clone())
    }

    /// Whether a copy of a session living in `channel` is kept.
    pub(super) fn has_channel(&self, channel: u64) -> bool {
        self.map
            .lock()
            .is_ok_and(|m| m.by_id.values().any(|(_, s)| s.channel == Some(channel)))
    }

    /// Keeps `stored` as the copy of its session.
    pub(super) fn put(&self, stored: Stored) {
        let Ok(mut m) = self.map.lock() else { return };
        m.tick += 1;
        let tick = m.tick;
        if m.by_id.len() >= CAPACITY && !m.by_id.contains_key(&stored.session.id) {
            if let Some(oldest) = m.by_id.iter().min_by_key(|(_, (used, _))| *used).map(|(k, _)| k.clone()) {
                m.by_id.remove(&oldest);
            }
        }
        m.by_id.insert(stored.session.id.clone(), (tick, stored));
    }

    /// Drops every copy (after deleting or rewriting sessions in bulk).
    pub(super) fn clear(&self) {
        if let Ok(mut m) = self.map.lock() {
            m.by_id.clear();
        }
    }

    pub(super) fn forget(&self, id: &str) {
        if let Ok(mut m) = self.map.lock() {
            m.by_id.remove(id);
        }
    }
}

/// Brings `old` (the session an input was applied to) up to `new` (the session after it) by
/// copying only what differs: the fields outside the items, and the items in `changed`. Every
/// other item is unchanged by the step, so this costs what the input changed, where a clone of
/// `new` would copy the whole session.
pub(super) fn catch_up(old: &mut Session, new: &Session, changed: impl Iterator<Item = usize>) {
    let Session {
        id,
        candidate,
        plan,
        settings,
        stage,
        items,
        version,
        created_at,
        last_activity,
        peer,
    } = new;
    if old.id != *id {
        old.id.clone_from(id);
    }
    if old.candidate != *candidate {
        old.candidate = candidate.clone();
    }
    if old.plan != *plan {
        old.plan = plan.clone();
    }
    if old.settings != *settings {
        old.settings = settings.clone();
    }
    old.stage = stage.clone();
    if old.items.len() == items.len() {
        for i in changed {
            old.items[i].clone_from(&items[i]);
        }
    } else {
        old.items.clone_from(items);
    }
    old.version = *version;
    old.created_at = *created_at;
    old.last_activity = *last_activity;
    if old.peer != *peer {
        old.peer = peer.clone();
    }
    debug_assert!(old == new, "a cached session was not brought up to date");
}
