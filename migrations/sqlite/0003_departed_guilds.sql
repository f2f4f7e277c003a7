-- Servers the bot was removed from: their packs and sessions are purged after a grace period
-- (PANELIST_GUILD_PURGE_DAYS), unless the bot is added back first.
CREATE TABLE departed_guilds (
    guild_id TEXT PRIMARY KEY,
    left_at  BIGINT NOT NULL
);
