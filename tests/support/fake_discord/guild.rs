//! The fake's guilds: `GuildSpec` (configuration) and the READY / GUILD_CREATE payloads built
//! from it.

use serde_json::{json, Value};

use super::models::{self, perms, FakeUser};

/// One guild the bot is in. The bot gets a role with `bot_permissions` (ADMINISTRATOR by
/// default), so serenity's cache-based permission checks pass (pitfall 2); the guild is owned
/// by `owner`, not by the bot, so permission code paths are still exercised.
#[derive(Clone, Debug)]
pub struct GuildSpec {
    pub id: u64,
    pub name: String,
    pub owner: FakeUser,
    /// Text channels: (id, name). The first one is the fake's default channel.
    pub channels: Vec<(u64, String)>,
    /// Extra members listed in GUILD_CREATE (the bot and the owner always are).
    pub members: Vec<FakeUser>,
    /// Permissions of @everyone (role id = guild id).
    pub everyone_permissions: u64,
    pub bot_role_id: u64,
    pub bot_permissions: u64,
}

impl GuildSpec {
    /// A guild with fresh ids and one text channel named "general".
    pub fn new(name: &str) -> Self {
        Self {
            id: models::snowflake(),
            name: name.to_owned(),
            owner: FakeUser::fresh("guild-owner"),
            channels: vec![(models::snowflake(), "general".to_owned())],
            members: Vec::new(),
            everyone_permissions: perms::MEMBER,
            bot_role_id: models::snowflake(),
            bot_permissions: perms::ADMINISTRATOR,
        }
    }

    /// A guild like [`GuildSpec::new`] whose events Discord sends to shard `shard` of `total`.
    pub fn on_shard(name: &str, shard: u32, total: u32) -> Self {
        loop {
            let g = GuildSpec::new(name);
            if shard_of(g.id, total) == shard {
                return g;
            }
        }
    }

    /// Adds a text channel with a fresh id and returns it.
    pub fn add_channel(&mut self, name: &str) -> u64 {
        let id = models::snowflake();
        self.channels.push((id, name.to_owned()));
        id
    }

    pub fn default_channel(&self) -> u64 {
        self.channels.first().expect("guild without channels").0
    }
}

/// The shard (of `total`) that receives a guild's events.
pub fn shard_of(guild_id: u64, total: u32) -> u32 {
    ((guild_id >> 22) % u64::from(total.max(1))) as u32
}

/// The READY dispatch data.
pub fn ready_json(
    bot: &FakeUser,
    application_id: u64,
    guild_ids: &[u64],
    session_id: &str,
    resume_gateway_url: &str,
    shard: [u32; 2],
) -> Value {
    json!({
        "v": 10,
        "user": bot.current_user_json(),
        "guilds": guild_ids
            .iter()
            .map(|id| json!({"id": id.to_string(), "unavailable": true}))
            .collect::<Vec<_>>(),
        "session_id": session_id,
        "resume_gateway_url": resume_gateway_url,
        "shard": shard,
        "application": {"id": application_id.to_string(), "flags": 0},
        "private_channels": [],
        "presences": [],
        "relationships": [],
    })
}

/// The GUILD_CREATE dispatch data: the whole guild with its channels, roles and members.
pub fn guild_create_json(spec: &GuildSpec, bot: &FakeUser) -> Value {
    let channels: Vec<Value> = spec
        .channels
        .iter()
        .enumerate()
        .map(|(i, (id, name))| models::text_channel_json(spec.id, *id, name, i as u16))
        .collect();
    let roles = vec![
        models::role_json(spec.id, "@everyone", spec.everyone_permissions, 0),
        models::role_json(spec.bot_role_id, &bot.username, spec.bot_permissions, 1),
    ];
    let mut members = vec![
        models::member_json(bot, &[spec.bot_role_id], None),
        models::member_json(&spec.owner, &[], None),
    ];
    members.extend(spec.members.iter().map(|u| models::member_json(u, &[], None)));
    // Two halves: one json! this large exceeds the default macro recursion limit.
    let mut guild = json!({
        "id": spec.id.to_string(),
        "name": spec.name,
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": spec.owner.id.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": roles,
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
    });
    let create_only = json!({
        "safety_alerts_channel_id": null,
        "incidents_data": null,
        "joined_at": models::now(),
        "large": false,
        "unavailable": false,
        "member_count": members.len(),
        "voice_states": [],
        "members": members,
        "channels": channels,
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    });
    let object = guild.as_object_mut().expect("object");
    object.extend(create_only.as_object().expect("object").clone());
    guild
}
