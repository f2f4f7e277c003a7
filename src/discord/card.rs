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

/// Cuts `s` to `max` characters, marking the cut. A cut never leaves a code fence or a spoiler
/// open: what it cut into is closed again (within `max`).
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    // Room for the mark and for closing a fence ("\n```") and a spoiler ("||").
    let mut keep = max.saturating_sub(1);
    loop {
        let mut out: String = s.chars().take(keep).collect();
        out.push('…');
        if out.matches("```").count() % 2 == 1 {
            out.push_str("\n```");
        }
        if out.matches("||").count() % 2 == 1 {
            out.push_str("||");
        }
        if out.chars().count() <= max || keep == 0 {
            return out;
        }
        keep = keep.saturating_sub(out.chars().count() - max);
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

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn a_cut_closes_what_it_cut_into_and_stays_within_the_limit() {
        let fenced = format!("```\n{}\n```", "x".repeat(50));
        let cut = clip(&fenced, 20);
        assert!(cut.chars().count() <= 20, "{cut}");
        assert_eq!(cut.matches("```").count(), 2, "{cut}");
        let spoiler = format!("||{}||", "y".repeat(50));
        let cut = clip(&spoiler, 20);
        assert!(cut.chars().count() <= 20 && cut.matches("||").count() == 2, "{cut}");
        assert_eq!(clip("short", 20), "short");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
