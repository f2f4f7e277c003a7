//! Where the adapter looks for what was typed while no process was listening: the unfinished
//! sessions that live in a channel, and when each last took an input.

use super::Engine;
use crate::interview::{Millis, Scope};

/// An unfinished session's channel, and when its last input was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveChannel {
    pub session: String,
    pub scope: Scope,
    pub channel: u64,
    pub since: Millis,
}

impl Engine {
    /// Every unfinished session living in a Discord channel (thread or DM).
    pub async fn live_channels(&self) -> anyhow::Result<Vec<LiveChannel>> {
        Ok(self
            .store
            .live_channels()
            .await?
            .into_iter()
            .map(|(session, scope, channel, since)| LiveChannel {
                session,
                scope,
                channel,
                since,
            })
            .collect())
    }
}
