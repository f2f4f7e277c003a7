//! Parts typed while no process was listening. Discord does not send a message again to a
//! fresh gateway session, so when a shard is ready, each unfinished session of its servers (and
//! of the DMs, on shard 0) reads its channel's messages since its last applied input and takes
//! the candidate's as typed parts. They go through the live path (`messages::on_message`), with
//! the same idempotency keys, so a part seen both ways is applied once.

use poise::serenity_prelude as serenity;
use serenity::{ChannelId, GetMessages, MessageId, ShardInfo};

use super::messages::on_message;
use super::Data;
use crate::engine::catchup::LiveChannel;
use crate::interview::{Millis, Scope};

/// Discord's epoch (2015-01-01T00:00:00Z) in Unix milliseconds.
const DISCORD_EPOCH_MS: Millis = 1_420_070_400_000;

/// Messages read per request (Discord's most).
const PAGE: u8 = 100;

/// The first snowflake of millisecond `at`: every message sent from then on has a larger id.
pub fn snowflake_at(at: Millis) -> u64 {
    ((at - DISCORD_EPOCH_MS).max(0) as u64) << 22
}

/// Whether `shard` receives the events of sessions in `scope` (Discord's rule: a server's
/// events go to shard `(server_id >> 22) % total`; DMs to shard 0).
pub fn on_shard(scope: Scope, shard: ShardInfo) -> bool {
    match scope {
        Scope::Server(guild) => (guild >> 22) % u64::from(shard.total.max(1)) == u64::from(shard.id.0),
        Scope::Dm => shard.id.0 == 0,
        Scope::Terminal => false,
    }
}

/// Reads and applies what was typed into this shard's sessions while the bot was away; returns
/// how many messages were looked at.
pub async fn run(ctx: &serenity::Context, data: &Data, shard: ShardInfo) -> anyhow::Result<usize> {
    let mut seen = 0;
    for live in data.engine.live_channels().await? {
        if !on_shard(live.scope, shard) {
            continue;
        }
        match catch_up(ctx, data, &live).await {
            Ok(n) => seen += n,
            // A channel deleted or out of reach: its session ends some other way.
            Err(e) => tracing::warn!(session = %live.session, error = %e, "could not read what was typed while away"),
        }
    }
    Ok(seen)
}

async fn catch_up(ctx: &serenity::Context, data: &Data, live: &LiveChannel) -> anyhow::Result<usize> {
    let channel = ChannelId::new(live.channel);
    let mut after = MessageId::new(snowflake_at(live.since).max(1));
    let mut seen = 0;
    loop {
        let read = channel.messages(&ctx.http, GetMessages::new().after(after).limit(PAGE));
        let mut page = crate::ops::metrics::rest("channel_history", read).await?;
        page.sort_by_key(|m| m.id);
        let full = page.len() == usize::from(PAGE);
        for msg in &page {
            on_message(ctx, data, msg).await?;
        }
        seen += page.len();
        match page.last() {
            Some(last) if full => after = last.id,
            _ => return Ok(seen),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use poise::serenity_prelude::ShardId;

    #[test]
    fn a_snowflake_of_a_moment_orders_with_discords_ids() {
        // Discord's documented example: 175928847299117063 was created at 1462015105796 ms.
        let id = 175_928_847_299_117_063u64;
        assert!(snowflake_at(1_462_015_105_796) <= id);
        assert!(snowflake_at(1_462_015_105_797) > id);
    }

    #[test]
    fn sessions_are_caught_up_by_the_shard_that_gets_their_events() {
        let shard = |id, total| ShardInfo { id: ShardId(id), total };
        let guild = 41_771_983_427_338_241u64;
        assert_eq!((guild >> 22) % 2, 1);
        assert!(on_shard(Scope::Server(guild), shard(1, 2)));
        assert!(!on_shard(Scope::Server(guild), shard(0, 2)));
        assert!(on_shard(Scope::Server(guild), shard(0, 1)));
        assert!(on_shard(Scope::Dm, shard(0, 4)));
        assert!(!on_shard(Scope::Dm, shard(3, 4)));
    }
}
