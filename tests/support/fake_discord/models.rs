//! Pure JSON builders for Discord's base objects (snowflakes, users, members, roles, channels,
//! messages, attachments, commands, application info), shaped so serenity 0.12 accepts them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

/// Milliseconds between the Unix epoch and Discord's epoch (2015-01-01).
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// Permission bits used by the fake (see Discord's permission table).
pub mod perms {
    pub const ADD_REACTIONS: u64 = 1 << 6;
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const ATTACH_FILES: u64 = 1 << 15;
    pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
    pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
    pub const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
    pub const CREATE_PRIVATE_THREADS: u64 = 1 << 36;
    pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
    /// What an ordinary member may do in the fake guild.
    pub const MEMBER: u64 = ADD_REACTIONS
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | USE_APPLICATION_COMMANDS
        | CREATE_PUBLIC_THREADS
        | CREATE_PRIVATE_THREADS
        | SEND_MESSAGES_IN_THREADS;
}

/// Attachment size limit carried by interactions (10 MiB, a bot without boosts).
pub const ATTACHMENT_SIZE_LIMIT: u64 = 10 * 1024 * 1024;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh snowflake, unique in this process, whose timestamp part is "now".
pub fn snowflake() -> u64 {
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_millis() as u64;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    ((now_ms - DISCORD_EPOCH_MS) << 22) | (n & 0x3F_FFFF)
}

/// The current time as Discord writes it (RFC 3339 with milliseconds).
pub fn now() -> String {
    serenity::model::Timestamp::now().to_string()
}

/// A user known to the fake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeUser {
    pub id: u64,
    pub username: String,
    pub bot: bool,
}

impl FakeUser {
    pub fn new(id: u64, username: &str) -> Self {
        Self {
            id,
            username: username.to_owned(),
            bot: false,
        }
    }

    /// A human user with a fresh id.
    pub fn fresh(username: &str) -> Self {
        Self::new(snowflake(), username)
    }

    /// A bot user.
    pub fn bot(id: u64, username: &str) -> Self {
        Self {
            id,
            username: username.to_owned(),
            bot: true,
        }
    }

    /// The user object (what `author`, `user` and `recipients[]` hold).
    pub fn json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.username,
            "avatar": null,
            "bot": self.bot,
            "public_flags": 0,
        })
    }

    /// The user object of the current user (`GET /users/@me`, READY's `user`).
    pub fn current_user_json(&self) -> Value {
        let mut user = self.json();
        user["verified"] = json!(true);
        user["mfa_enabled"] = json!(false);
        user["flags"] = json!(0);
        user
    }
}

/// A guild member object with `user`; `permissions` as interactions carry it when given.
pub fn member_json(user: &FakeUser, roles: &[u64], permissions: Option<u64>) -> Value {
    let mut member = json!({
        "user": user.json(),
        "nick": null,
        "avatar": null,
        "roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(),
        "joined_at": now(),
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": null,
    });
    if let Some(bits) = permissions {
        member["permissions"] = json!(bits.to_string());
    }
    member
}

/// A role object.
pub fn role_json(id: u64, name: &str, permissions: u64, position: u16) -> Value {
    json!({
        "id": id.to_string(),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": false,
        "mentionable": false,
        "flags": 0,
    })
}

/// A guild text channel (type 0).
pub fn text_channel_json(guild_id: u64, id: u64, name: &str, position: u16) -> Value {
    json!({
        "id": id.to_string(),
        "type": 0,
        "guild_id": guild_id.to_string(),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "parent_id": null,
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "flags": 0,
    })
}

/// A thread channel: type 11 (public) or 12 (private), created by `owner_id`.
pub fn thread_json(guild_id: u64, parent_id: u64, id: u64, name: &str, private: bool, owner_id: u64, auto_archive_duration: u64) -> Value {
    let mut metadata = json!({
        "archived": false,
        "auto_archive_duration": auto_archive_duration,
        "archive_timestamp": now(),
        "locked": false,
        "create_timestamp": now(),
    });
    if private {
        metadata["invitable"] = json!(true);
    }
    json!({
        "id": id.to_string(),
        "type": if private { 12 } else { 11 },
        "guild_id": guild_id.to_string(),
        "parent_id": parent_id.to_string(),
        "owner_id": owner_id.to_string(),
        "name": name,
        "last_message_id": null,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "rate_limit_per_user": 0,
        "flags": 0,
        "thread_metadata": metadata,
    })
}

/// A DM channel (type 1) with one recipient.
pub fn dm_channel_json(id: u64, recipient: &FakeUser) -> Value {
    json!({
        "id": id.to_string(),
        "type": 1,
        "last_message_id": null,
        "flags": 0,
        "recipients": [recipient.json()],
    })
}

/// A full message object with every field serenity requires. Callers add `guild_id`/`member`,
/// `components`, `embeds`, `flags`, ... as needed.
pub fn message_json(id: u64, channel_id: u64, author: &Value, content: &str) -> Value {
    json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": author,
        "content": content,
        "timestamp": now(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
    })
}

/// An attachment object as Discord serves it (the CDN URL is fake).
pub fn attachment_json(id: u64, filename: &str, size: usize, content_type: Option<&str>) -> Value {
    let url = format!("https://cdn.discordapp.invalid/attachments/{id}/{filename}");
    json!({
        "id": id.to_string(),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": content_type,
    })
}

/// A registered application command: the request's command plus what Discord adds.
pub fn command_json(id: u64, application_id: u64, guild_id: Option<u64>, request: &Value) -> Value {
    let mut command = request.clone();
    if !command.is_object() {
        command = json!({});
    }
    let defaults = [
        ("type", json!(1)),
        ("description", json!("")),
        ("options", json!([])),
        ("default_member_permissions", Value::Null),
        ("nsfw", json!(false)),
    ];
    for (key, value) in defaults {
        if command.get(key).is_none_or(Value::is_null) {
            command[key] = value;
        }
    }
    command["id"] = json!(id.to_string());
    command["application_id"] = json!(application_id.to_string());
    command["version"] = json!(snowflake().to_string());
    command["guild_id"] = guild_id.map_or(Value::Null, |g| json!(g.to_string()));
    command
}

/// `GET /oauth2/applications/@me`: the application, owned by `owner`.
pub fn application_info_json(application_id: u64, bot: &FakeUser, owner: &FakeUser) -> Value {
    json!({
        "id": application_id.to_string(),
        "name": bot.username,
        "icon": null,
        "description": "",
        "bot_public": true,
        "bot_require_code_grant": false,
        "verify_key": "0".repeat(64),
        "owner": owner.json(),
        "team": null,
        "flags": 0,
        "bot": bot.json(),
    })
}
