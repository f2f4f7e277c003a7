//! The one place where the domain's ids become database text and back: scopes (`guild:<id>`,
//! `dm`, `local`), modes, statuses, actors and channel ids.

use anyhow::Context;

use crate::interview::{ActorId, Mode, Scope, Stage};

/// The stored text of the terminal scope (its sessions are left to the terminal's own clock).
pub(super) const TERMINAL_SCOPE: &str = "local";

pub(super) fn scope_text(scope: Scope) -> String {
    match scope {
        Scope::Server(g) => format!("guild:{g}"),
        Scope::Dm => "dm".into(),
        Scope::Terminal => TERMINAL_SCOPE.into(),
    }
}

pub(super) fn scope_from(text: &str) -> anyhow::Result<Scope> {
    match text {
        "dm" => Ok(Scope::Dm),
        TERMINAL_SCOPE => Ok(Scope::Terminal),
        other => other
            .strip_prefix("guild:")
            .and_then(|g| g.parse().ok())
            .map(Scope::Server)
            .with_context(|| format!("unknown stored scope '{other}'")),
    }
}

pub(super) fn mode_text(mode: Mode) -> &'static str {
    match mode {
        Mode::Channel => "channel",
        Mode::Dm => "dm",
        Mode::Peer => "peer",
        Mode::Async => "async",
        Mode::Terminal => "practice",
    }
}

pub(super) fn mode_from(text: &str) -> anyhow::Result<Mode> {
    Ok(match text {
        "channel" => Mode::Channel,
        "dm" => Mode::Dm,
        "peer" => Mode::Peer,
        "async" => Mode::Async,
        "practice" => Mode::Terminal,
        other => anyhow::bail!("unknown stored mode '{other}'"),
    })
}

pub(super) fn channel_text(channel: Option<u64>) -> Option<String> {
    channel.map(|c| c.to_string())
}

pub(super) fn channel_from(text: Option<String>) -> anyhow::Result<Option<u64>> {
    text.map(|c| c.parse().with_context(|| format!("stored channel id '{c}' is not a number")))
        .transpose()
}

pub(super) fn actor_from(text: String) -> ActorId {
    ActorId::from_stored(text)
}

/// The stored `status` column of a session at this stage.
pub(super) fn status(stage: &Stage) -> &'static str {
    match stage {
        Stage::Lobby | Stage::Asking { .. } | Stage::Scoring { .. } => "active",
        Stage::Paused { .. } => "paused",
        Stage::Finished { .. } => "finished",
        Stage::Abandoned { .. } => "abandoned",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_modes_round_trip() {
        for s in [Scope::Server(42), Scope::Dm, Scope::Terminal] {
            assert_eq!(scope_from(&scope_text(s)).unwrap(), s);
        }
        for m in [Mode::Channel, Mode::Dm, Mode::Peer, Mode::Async, Mode::Terminal] {
            assert_eq!(mode_from(mode_text(m)).unwrap(), m);
        }
        assert!(scope_from("guild:x").is_err());
        assert!(mode_from("nope").is_err());
        assert_eq!(channel_from(channel_text(Some(7))).unwrap(), Some(7));
    }
}
