//! Pure payload builders for what users do: slash commands (with options, subcommands and
//! attachments), autocomplete, component clicks, modal submits and MESSAGE_CREATE, in a guild
//! channel, a thread or a DM. Every builder's output must deserialize into serenity's types
//! (`tests/fake_discord_contract.rs` checks it).

use serde_json::{json, Map, Value};

use super::models::{self, perms, FakeUser, ATTACHMENT_SIZE_LIMIT};

/// Where something happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Guild {
        guild_id: u64,
        channel_id: u64,
    },
    Thread {
        guild_id: u64,
        parent_id: u64,
        thread_id: u64,
        private: bool,
    },
    Dm {
        channel_id: u64,
    },
}

impl Place {
    pub fn channel_id(&self) -> u64 {
        match *self {
            Place::Guild { channel_id, .. } | Place::Dm { channel_id } => channel_id,
            Place::Thread { thread_id, .. } => thread_id,
        }
    }

    pub fn guild_id(&self) -> Option<u64> {
        match *self {
            Place::Guild { guild_id, .. } | Place::Thread { guild_id, .. } => Some(guild_id),
            Place::Dm { .. } => None,
        }
    }

    /// The partial channel object interactions carry in `channel`.
    pub fn channel_json(&self, user: &FakeUser) -> Value {
        match *self {
            Place::Guild { guild_id, channel_id } => {
                let mut channel = models::text_channel_json(guild_id, channel_id, "channel", 0);
                channel["permissions"] = json!(perms::MEMBER.to_string());
                channel
            }
            Place::Thread {
                guild_id,
                parent_id,
                thread_id,
                private,
            } => {
                let mut thread = models::thread_json(guild_id, parent_id, thread_id, "thread", private, 0, 1440);
                thread.as_object_mut().expect("object").remove("owner_id");
                thread["permissions"] = json!(perms::MEMBER.to_string());
                thread
            }
            Place::Dm { channel_id } => models::dm_channel_json(channel_id, user),
        }
    }
}

/// Who does something where, for which application. Get one from `FakeDiscord::in_guild`,
/// `in_thread` or `in_dm`, or build it by hand.
#[derive(Clone, Debug)]
pub struct Origin {
    pub application_id: u64,
    pub place: Place,
    pub user: FakeUser,
    /// The member's role ids (guild places only).
    pub roles: Vec<u64>,
    /// The member's permissions in the channel (guild places only).
    pub permissions: u64,
}

impl Origin {
    pub fn new(application_id: u64, place: Place, user: &FakeUser) -> Self {
        Self {
            application_id,
            place,
            user: user.clone(),
            roles: Vec::new(),
            permissions: perms::MEMBER,
        }
    }
}

/// Command option builders (`data.options[]`).
pub mod opt {
    use serde_json::{json, Value};

    pub fn string(name: &str, value: &str) -> Value {
        json!({"name": name, "type": 3, "value": value})
    }
    pub fn integer(name: &str, value: i64) -> Value {
        json!({"name": name, "type": 4, "value": value})
    }
    pub fn boolean(name: &str, value: bool) -> Value {
        json!({"name": name, "type": 5, "value": value})
    }
    pub fn user(name: &str, user_id: u64) -> Value {
        json!({"name": name, "type": 6, "value": user_id.to_string()})
    }
    pub fn number(name: &str, value: f64) -> Value {
        json!({"name": name, "type": 10, "value": value})
    }
    /// An attachment option; put the attachment itself in `resolved` (see `resolved_attachments`).
    pub fn attachment(name: &str, attachment_id: u64) -> Value {
        json!({"name": name, "type": 11, "value": attachment_id.to_string()})
    }
    /// A subcommand (type 1) with its own options: `/interview start role:...`.
    pub fn subcommand(name: &str, options: Vec<Value>) -> Value {
        json!({"name": name, "type": 1, "options": options})
    }
    /// A subcommand group (type 2) holding subcommands.
    pub fn subcommand_group(name: &str, subcommands: Vec<Value>) -> Value {
        json!({"name": name, "type": 2, "options": subcommands})
    }
    /// The option being typed in an autocomplete interaction (string option, `focused: true`).
    pub fn focused(name: &str, partial: &str) -> Value {
        json!({"name": name, "type": 3, "value": partial, "focused": true})
    }
}

/// `data.resolved` for attachment options.
pub fn resolved_attachments(attachments: &[Value]) -> Value {
    let map: Map<String, Value> = attachments
        .iter()
        .map(|a| (a["id"].as_str().expect("attachment id").to_owned(), a.clone()))
        .collect();
    json!({"attachments": map})
}

/// `data.resolved` for user options (users, and members in a guild).
pub fn resolved_users(users: &[FakeUser], in_guild: bool) -> Value {
    let mut resolved = json!({"users": {}, "members": {}});
    for user in users {
        resolved["users"][user.id.to_string()] = user.json();
        if in_guild {
            let mut member = models::member_json(user, &[], Some(perms::MEMBER));
            member.as_object_mut().expect("object").remove("user");
            resolved["members"][user.id.to_string()] = member;
        }
    }
    resolved
}

/// The common part of every interaction: ids, token, channel, locale, who and where.
pub fn interaction_base(origin: &Origin, kind: u8, data: Value) -> Value {
    let id = models::snowflake();
    let channel_id = origin.place.channel_id();
    let mut interaction = json!({
        "id": id.to_string(),
        "application_id": origin.application_id.to_string(),
        "type": kind,
        "data": data,
        "channel": origin.place.channel_json(&origin.user),
        "channel_id": channel_id.to_string(),
        "token": format!("fake-interaction-token-{id}"),
        "version": 1,
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        "app_permissions": perms::MEMBER.to_string(),
    });
    match origin.place.guild_id() {
        Some(guild_id) => {
            interaction["guild_id"] = json!(guild_id.to_string());
            interaction["guild_locale"] = json!("en-US");
            interaction["member"] = models::member_json(&origin.user, &origin.roles, Some(origin.permissions));
            interaction["authorizing_integration_owners"] = json!({"0": guild_id.to_string()});
            interaction["context"] = json!(0);
        }
        None => {
            interaction["user"] = origin.user.json();
            interaction["authorizing_integration_owners"] = json!({"0": "0"});
            interaction["context"] = json!(1);
        }
    }
    interaction
}

fn command_data(origin: &Origin, name: &str, options: Vec<Value>, resolved: Option<Value>) -> Value {
    let mut data = json!({
        "id": models::snowflake().to_string(),
        "name": name,
        "type": 1,
        "options": options,
    });
    if let Some(guild_id) = origin.place.guild_id() {
        data["guild_id"] = json!(guild_id.to_string());
    }
    if let Some(resolved) = resolved {
        data["resolved"] = resolved;
    }
    data
}

/// A slash command (interaction type 2) `/name` with `options` (see [`opt`]).
pub fn slash_command(origin: &Origin, name: &str, options: Vec<Value>) -> Value {
    interaction_base(origin, 2, command_data(origin, name, options, None))
}

/// A slash command whose options need `data.resolved` (attachments, users).
pub fn slash_command_resolved(origin: &Origin, name: &str, options: Vec<Value>, resolved: Value) -> Value {
    interaction_base(origin, 2, command_data(origin, name, options, Some(resolved)))
}

/// An autocomplete request (interaction type 4); one option should be [`opt::focused`].
pub fn autocomplete(origin: &Origin, name: &str, options: Vec<Value>) -> Value {
    interaction_base(origin, 4, command_data(origin, name, options, None))
}

/// A button click (interaction type 3, component_type 2) on `message` (a full message object,
/// e.g. one the fake stored: `FakeDiscord::message(id)`).
pub fn button_click(origin: &Origin, message: &Value, custom_id: &str) -> Value {
    let mut interaction = interaction_base(origin, 3, json!({"custom_id": custom_id, "component_type": 2}));
    interaction["message"] = message.clone();
    interaction
}

/// A string-select choice (interaction type 3, component_type 3) with the chosen `values`.
pub fn select_click(origin: &Origin, message: &Value, custom_id: &str, values: &[&str]) -> Value {
    let data = json!({"custom_id": custom_id, "component_type": 3, "values": values});
    let mut interaction = interaction_base(origin, 3, data);
    interaction["message"] = message.clone();
    interaction
}

/// A modal submit (interaction type 5): one text input per `(custom_id, value)` field, each in
/// its own action row. `message` is the message whose component opened the modal, if any.
pub fn modal_submit(origin: &Origin, custom_id: &str, fields: &[(&str, &str)], message: Option<&Value>) -> Value {
    let rows: Vec<Value> = fields
        .iter()
        .map(|(id, value)| json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]}))
        .collect();
    let mut interaction = interaction_base(origin, 5, json!({"custom_id": custom_id, "components": rows}));
    if let Some(message) = message {
        interaction["message"] = message.clone();
    }
    interaction
}

/// MESSAGE_CREATE data: `author` writes `content` at `place` (with `guild_id` and `member` in a
/// guild channel or thread).
pub fn message_create(place: &Place, author: &FakeUser, content: &str) -> Value {
    let mut message = models::message_json(models::snowflake(), place.channel_id(), &author.json(), content);
    if let Some(guild_id) = place.guild_id() {
        message["guild_id"] = json!(guild_id.to_string());
        let mut member = models::member_json(author, &[], None);
        member.as_object_mut().expect("object").remove("user");
        message["member"] = member;
    }
    message
}
