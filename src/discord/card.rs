//! The shapes every Discord message is built from: a [`Reply`] (one message to send), a
//! [`Card`] (one embed) and the text helpers they share. Mentions are always disabled, since
//! answers and packs are user text.

use poise::serenity_prelude as serenity;
use serenity::{CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateEmbed, CreateEmbedFooter};

pub(super) const BLUE: u32 = 0x5865F2;
pub(super) const GREEN: u32 = 0x57F287;
pub(super) const GREY: u32 = 0x99AAB5;
/// Stay under the 6,000 characters Discord allows across a message's embeds.
pub(super) const MAX_EMBED_CHARS: usize = 5500;

/// One message to send: what adapters turn into a response, follow-up or channel message.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub content: Option<String>,
    pub embeds: Vec<CreateEmbed>,
    pub components: Vec<CreateActionRow>,
    pub files: Vec<CreateAttachment>,
    pub ephemeral: bool,
    pub(super) embed_chars: usize,
}

impl Reply {
    /// A plain message; clipped to Discord's 2,000 characters (rejections may echo user input).
    pub fn text(s: impl Into<String>) -> Reply {
        Reply {
            content: Some(clip(&s.into(), 2000)),
            ..Reply::default()
        }
    }

    pub fn ephemeral(mut self) -> Reply {
        self.ephemeral = true;
        self
    }
}

pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new().replied_user(false)
}

/// Cuts `s` to `max` characters, marking the cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

pub struct Card {
    pub title: String,
    pub body: String,
    pub footer: Option<String>,
    pub colour: u32,
}

impl Card {
    pub(super) fn chars(&self) -> usize {
        self.title.chars().count() + self.body.chars().count() + self.footer.as_ref().map_or(0, |f| f.chars().count())
    }

    pub fn embed(self) -> CreateEmbed {
        let mut e = CreateEmbed::new()
            .title(clip(&self.title, 256))
            .description(clip(&self.body, 4096))
            .colour(self.colour);
        if let Some(f) = self.footer {
            e = e.footer(CreateEmbedFooter::new(f));
        }
        e
    }
}
