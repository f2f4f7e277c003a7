//! How Discord names what the core's sentences point at: slash commands and buttons.

use crate::interview::{Action, Vocabulary};

/// The Discord adapter's [`Vocabulary`].
pub struct Discord;

pub const DISCORD: Discord = Discord;

impl Vocabulary for Discord {
    fn action(&self, a: Action) -> String {
        match a {
            Action::End => "`/interview end`",
            Action::History => "`/interview history`",
            Action::JoinAsReviewer => "**Join as reviewer**",
            Action::Status => "`/interview status`",
        }
        .to_string()
    }

    fn place(&self, channel: u64) -> String {
        format!(" in <#{channel}>")
    }
}
