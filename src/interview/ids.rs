//! The domain's identifiers: who acts ([`ActorId`]), where a session lives ([`Scope`]) and how it
//! runs ([`Mode`]). Adapters build them from their own ids; `src/store` is the one place that
//! turns them into database text and back.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Who acts: a Discord user (`discord:123`), a terminal user (`local:alice`) or the clock.
/// Serialised as that plain string, so snapshots written before the newtype still load.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ActorId(String);

impl ActorId {
    /// The clock: deadlines, idle pauses and scoring deadlines act as it.
    pub fn system() -> ActorId {
        ActorId("system".into())
    }

    pub fn discord(user: u64) -> ActorId {
        ActorId(format!("discord:{user}"))
    }

    pub fn local(name: &str) -> ActorId {
        ActorId(format!("local:{name}"))
    }

    /// An id read back from storage or an event log, as written by [`ActorId::as_str`].
    pub fn from_stored(s: impl Into<String>) -> ActorId {
        ActorId(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_system(&self) -> bool {
        self.0 == "system"
    }

    /// The Discord user id, for a Discord actor.
    pub fn discord_user(&self) -> Option<u64> {
        self.0.strip_prefix("discord:")?.parse().ok()
    }

    /// The terminal user's name, for a local actor.
    pub fn local_name(&self) -> Option<&str> {
        self.0.strip_prefix("local:")
    }
}

impl fmt::Display for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a session lives. A user has at most one live interview per scope, and a scope decides
/// which packs are available (a server's own packs only in that server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A Discord server (the session's channel or thread is kept beside it).
    Server(u64),
    /// The user's direct messages with the bot (one scope for all of a user's DMs).
    Dm,
    /// `panelist practice` in a terminal.
    Terminal,
}

impl Scope {
    /// The server, for a server scope.
    pub fn server(self) -> Option<u64> {
        match self {
            Scope::Server(g) => Some(g),
            Scope::Dm | Scope::Terminal => None,
        }
    }
}

/// How a session runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// A candidate's own interview in a server thread.
    Channel,
    /// Practice in direct messages.
    Dm,
    /// A live peer review in a server thread.
    Peer,
    /// A finished interview shared for asynchronous review.
    Async,
    /// `panelist practice`.
    Terminal,
}
