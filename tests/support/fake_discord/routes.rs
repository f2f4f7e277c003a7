//! The REST route table and the channel side of REST (commands, DMs, messages, threads): what
//! each route does to the fake's state and what it answers (valid serenity models, or
//! Discord-style `{"code","message"}` errors).

use serde_json::{json, Value};

use super::interactions::{callback, followup, webhook_message};
use super::models;
use super::state::{id_of, RecordedFile, Shared, State};
use super::validate::{check_commands, check_message, check_thread, form_error_body, is_empty_message, FieldError};

/// Status and JSON body (`Null` with 204).
pub type Reply = (u16, Value);

pub(super) fn ok(value: Value) -> Reply {
    (200, value)
}

pub(super) fn no_content() -> Reply {
    (204, Value::Null)
}

pub fn error(status: u16, code: u64, message: &str) -> Reply {
    (status, json!({"code": code, "message": message}))
}

/// 400 / 50035 "Invalid Form Body" naming each refused field, as Discord answers.
pub fn form_error(errors: &[FieldError]) -> Reply {
    (400, form_error_body(errors))
}

/// 400 / 50006, Discord's answer to a new message with nothing in it.
pub fn empty_message() -> Reply {
    error(400, 50006, "Cannot send an empty message")
}

pub fn unknown_route(method: &str, path: &str) -> Reply {
    error(404, 0, &format!("fake Discord has no route {method} {path}"))
}

fn sf(segment: &str) -> u64 {
    segment.parse().unwrap_or(0)
}

/// Answers an authenticated API call; `segs` is the path after `/api/v10`, split on `/`.
pub fn route(sh: &Shared, st: &mut State, method: &str, segs: &[&str], query: Option<&str>, body: &Value, files: &[RecordedFile]) -> Reply {
    let cfg = &sh.config;
    let app = cfg.application_id.to_string();
    match (method, segs) {
        ("GET", ["gateway", "bot"]) => ok(json!({
            "url": sh.gateway_url(),
            "shards": cfg.recommended_shards,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
        })),
        ("GET", ["oauth2", "applications", "@me"]) => {
            let owner = cfg.guilds.first().map_or(&cfg.bot, |g| &g.owner);
            ok(models::application_info_json(cfg.application_id, &cfg.bot, owner))
        }
        ("GET", ["users", "@me"]) => ok(cfg.bot.current_user_json()),
        ("POST", ["users", "@me", "channels"]) => match id_of(body.get("recipient_id")) {
            Some(user_id) => {
                let user = st.user(user_id);
                let id = st.dm_channel(&user);
                ok(st.channels[&id].clone())
            }
            None => error(400, 50035, "Invalid Form Body: recipient_id"),
        },
        ("GET", ["applications", a, "commands"]) if *a == app => ok(json!(st.commands.get(&None).cloned().unwrap_or_default())),
        ("GET", ["applications", a, "guilds", g, "commands"]) if *a == app => {
            ok(json!(st.commands.get(&Some(sf(g))).cloned().unwrap_or_default()))
        }
        ("PUT", ["applications", a, "commands"]) if *a == app => put_commands(sh, st, None, body),
        ("PUT", ["applications", a, "guilds", g, "commands"]) if *a == app => put_commands(sh, st, Some(sf(g)), body),
        ("GET", ["channels", c]) => match st.channels.get(&sf(c)) {
            Some(channel) => ok(channel.clone()),
            None => error(404, 10003, "Unknown Channel"),
        },
        // Deleting a channel or thread answers with the channel it was (Discord: 200).
        ("DELETE", ["channels", c]) => match st.channels.remove(&sf(c)) {
            Some(channel) => ok(channel),
            None => error(404, 10003, "Unknown Channel"),
        },
        ("POST", ["channels", c, "messages"]) => channel_message(sh, st, sf(c), body, files),
        ("GET", ["channels", c, "messages"]) => list_messages(st, sf(c), query),
        ("GET", ["channels", c, "messages", m]) => match st.messages.get(&sf(m)) {
            Some(msg) if id_of(msg.get("channel_id")) == Some(sf(c)) && msg["flags"].as_u64().unwrap_or(0) & 64 == 0 => ok(msg.clone()),
            _ => error(404, 10008, "Unknown Message"),
        },
        ("PATCH", ["channels", c, "messages", m]) => edit_channel_message(sh, st, sf(c), sf(m), body, files),
        ("DELETE", ["channels", _, "messages", m]) => match st.messages.remove(&sf(m)) {
            Some(_) => no_content(),
            None => error(404, 10008, "Unknown Message"),
        },
        ("POST", ["channels", c, "threads"]) => create_thread(sh, st, sf(c), None, body),
        ("POST", ["channels", c, "messages", m, "threads"]) => create_thread(sh, st, sf(c), Some(sf(m)), body),
        ("PUT" | "DELETE", ["channels", _, "thread-members", _]) => no_content(),
        ("PUT" | "DELETE", ["channels", _, "messages", m, "reactions", _, "@me"]) => match st.messages.get(&sf(m)) {
            Some(_) => no_content(),
            None => error(404, 10008, "Unknown Message"),
        },
        ("POST", ["interactions", i, token, "callback"]) => callback(sh, st, sf(i), token, body, files),
        ("POST", ["webhooks", a, token]) if *a == app => followup(sh, st, token, body, files),
        (_, ["webhooks", a, token, "messages", m]) if *a == app => webhook_message(sh, st, method, token, m, body, files),
        _ => unknown_route(method, &format!("/{}", segs.join("/"))),
    }
}

fn put_commands(sh: &Shared, st: &mut State, guild_id: Option<u64>, body: &Value) -> Reply {
    let Some(requested) = body.as_array() else {
        return error(400, 50035, "Invalid Form Body: expected an array of commands");
    };
    if let Err(errors) = check_commands(body) {
        return form_error(&errors);
    }
    let previous = st.commands.remove(&guild_id).unwrap_or_default();
    let registered: Vec<Value> = requested
        .iter()
        .map(|command| {
            let same = previous.iter().find(|p| p["name"] == command["name"]);
            let id = same.and_then(|p| id_of(p.get("id"))).unwrap_or_else(models::snowflake);
            models::command_json(id, sh.config.application_id, guild_id, command)
        })
        .collect();
    st.commands.insert(guild_id, registered.clone());
    ok(json!(registered))
}

/// Applies a create/edit body (and uploaded files) to a stored message.
fn apply_body(msg: &mut Value, body: &Value, files: &[RecordedFile]) {
    for key in ["content", "components", "tts", "flags", "poll"] {
        if let Some(value) = body.get(key).filter(|v| !v.is_null()) {
            msg[key] = value.clone();
        }
    }
    if let Some(embeds) = body.get("embeds").and_then(Value::as_array) {
        let mut embeds = embeds.clone();
        for embed in &mut embeds {
            if embed.get("type").is_none() {
                embed["type"] = json!("rich");
            }
        }
        msg["embeds"] = json!(embeds);
    }
    if let Some(reference) = body.get("message_reference").filter(|v| !v.is_null()) {
        msg["message_reference"] = reference.clone();
        msg["type"] = json!(19);
    }
    let listed = body.get("attachments").and_then(Value::as_array);
    if listed.is_none() && files.is_empty() {
        return;
    }
    let existing = msg["attachments"].as_array().cloned().unwrap_or_default();
    let mut used = vec![false; files.len()];
    let mut out = Vec::new();
    for item in listed.into_iter().flatten() {
        let id = item.get("id").map(|v| v.to_string().trim_matches('"').to_owned());
        let field = id.as_ref().map(|id| format!("files[{id}]"));
        if let Some(i) = files.iter().position(|f| Some(&f.field) == field.as_ref()) {
            used[i] = true;
            let name = item["filename"].as_str().unwrap_or(&files[i].filename);
            out.push(new_attachment(&files[i], name));
        } else if let Some(kept) = existing.iter().find(|a| id.as_deref() == a["id"].as_str()) {
            out.push(kept.clone());
        }
    }
    for (file, _) in files.iter().zip(&used).filter(|(_, used)| !**used) {
        out.push(new_attachment(file, &file.filename));
    }
    msg["attachments"] = json!(out);
}

fn new_attachment(file: &RecordedFile, name: &str) -> Value {
    models::attachment_json(models::snowflake(), name, file.bytes.len(), file.content_type.as_deref())
}

/// Creates, stores and (like Discord) echoes a message the bot sends; `kind` is the message
/// type (0 default, 20 a reply to a slash command), a reference makes a default message 19.
pub(super) fn new_message(sh: &Shared, st: &mut State, channel_id: u64, body: &Value, files: &[RecordedFile], kind: u64) -> Value {
    let cfg = &sh.config;
    let id = models::snowflake();
    let mut msg = models::message_json(id, channel_id, &cfg.bot.json(), "");
    apply_body(&mut msg, body, files);
    if kind != 0 || msg["type"] != 19 {
        msg["type"] = json!(kind);
    }
    if kind != 0 {
        msg["webhook_id"] = json!(cfg.application_id.to_string());
        msg["application_id"] = json!(cfg.application_id.to_string());
    }
    st.messages.insert(id, msg.clone());
    let guild_id = st.channels.get_mut(&channel_id).and_then(|channel| {
        channel["last_message_id"] = json!(id.to_string());
        id_of(channel.get("guild_id"))
    });
    let ephemeral = msg["flags"].as_u64().unwrap_or(0) & 64 != 0;
    if cfg.echo_bot_events && !ephemeral {
        let mut event = msg.clone();
        if let Some(guild_id) = guild_id {
            let role = cfg.guilds.iter().find(|g| g.id == guild_id).map(|g| g.bot_role_id);
            let mut member = models::member_json(&cfg.bot, &role.into_iter().collect::<Vec<_>>(), None);
            member.as_object_mut().expect("object").remove("user");
            event["guild_id"] = json!(guild_id.to_string());
            event["member"] = member;
        }
        st.gateway.dispatch("MESSAGE_CREATE", &event, false);
    }
    msg
}

fn channel_message(sh: &Shared, st: &mut State, channel_id: u64, body: &Value, files: &[RecordedFile]) -> Reply {
    let Some(channel) = st.channels.get(&channel_id) else {
        return error(404, 10003, "Unknown Channel");
    };
    if channel["type"] == 1 {
        let recipient = id_of(channel["recipients"][0].get("id")).unwrap_or_default();
        if st.closed_dms.contains(&recipient) {
            return error(403, 50007, "Cannot send messages to this user");
        }
    }
    if let Err(errors) = check_message(body) {
        return form_error(&errors);
    }
    if is_empty_message(body, files.len()) {
        return empty_message();
    }
    // enforce_nonce: a second message with the same nonce from the same author (within a few
    // minutes, on Discord) is not created again; the first one is returned.
    let nonce = body.get("nonce").filter(|n| !n.is_null()).map(|n| (channel_id, n.to_string()));
    if let (Some(key), true) = (&nonce, body["enforce_nonce"] == true) {
        if let Some(first) = st.nonces.get(key).and_then(|id| st.messages.get(id)) {
            return ok(first.clone());
        }
    }
    let mut msg = new_message(sh, st, channel_id, body, files, 0);
    if let Some(key) = nonce {
        msg["nonce"] = body["nonce"].clone();
        let id = id_of(msg.get("id")).unwrap_or_default();
        if let Some(stored) = st.messages.get_mut(&id) {
            stored["nonce"] = body["nonce"].clone();
        }
        st.nonces.insert(key, id);
    }
    ok(msg)
}

pub(super) fn edit_stored(st: &mut State, id: u64, body: &Value, files: &[RecordedFile]) -> Option<Value> {
    let msg = st.messages.get_mut(&id)?;
    apply_body(msg, body, files);
    msg["edited_timestamp"] = json!(models::now());
    Some(msg.clone())
}

fn edit_channel_message(sh: &Shared, st: &mut State, channel_id: u64, id: u64, body: &Value, files: &[RecordedFile]) -> Reply {
    match st.messages.get(&id) {
        // Ephemeral messages exist only for the interaction's webhook.
        Some(msg) if msg["flags"].as_u64().unwrap_or(0) & 64 != 0 => return error(404, 10008, "Unknown Message"),
        Some(msg) if id_of(msg.get("channel_id")) == Some(channel_id) => {
            if id_of(msg["author"].get("id")) != Some(sh.config.bot.id) {
                return error(403, 50005, "Cannot edit a message authored by another user");
            }
        }
        _ => return error(404, 10008, "Unknown Message"),
    }
    if let Err(errors) = check_message(body) {
        return form_error(&errors);
    }
    ok(edit_stored(st, id, body, files).expect("message exists"))
}

fn create_thread(sh: &Shared, st: &mut State, parent_id: u64, from: Option<u64>, body: &Value) -> Reply {
    let Some(parent) = st.channels.get(&parent_id) else {
        return error(404, 10003, "Unknown Channel");
    };
    let Some(guild_id) = id_of(parent.get("guild_id")).filter(|_| parent["type"] == 0) else {
        return error(400, 50024, "Cannot execute action on this channel type");
    };
    if let Err(errors) = check_thread(body) {
        return form_error(&errors);
    }
    let name = body["name"].as_str().expect("checked");
    let (id, private) = match from {
        Some(message_id) => match st.messages.get(&message_id) {
            Some(msg) if id_of(msg.get("channel_id")) != Some(parent_id) => return error(404, 10008, "Unknown Message"),
            Some(msg) if msg.get("thread").is_some() => return error(400, 160_004, "A thread has already been created for this message"),
            Some(_) => (message_id, false),
            None => return error(404, 10008, "Unknown Message"),
        },
        None => (models::snowflake(), body["type"].as_u64().unwrap_or(12) == 12),
    };
    let archive = body["auto_archive_duration"].as_u64().unwrap_or(1440);
    let mut thread = models::thread_json(guild_id, parent_id, id, name, private, sh.config.bot.id, archive);
    if private && body["invitable"] == json!(false) {
        thread["thread_metadata"]["invitable"] = json!(false);
    }
    st.channels.insert(id, thread.clone());
    if let Some(msg) = from.and_then(|m| st.messages.get_mut(&m)) {
        msg["thread"] = thread.clone();
    }
    if sh.config.echo_bot_events {
        let mut event = thread.clone();
        event["newly_created"] = json!(true);
        st.gateway.dispatch("THREAD_CREATE", &event, false);
    }
    ok(thread)
}

/// `GET /channels/{id}/messages?after=&limit=`: the `limit` (1-100, default 50) oldest messages
/// after `after` (or the newest ones without it), newest first, as Discord answers.
fn list_messages(st: &State, channel: u64, query: Option<&str>) -> Reply {
    if !st.channels.contains_key(&channel) {
        return error(404, 10003, "Unknown Channel");
    }
    let param = |name: &str| {
        query?
            .split('&')
            .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
            .map(str::to_owned)
    };
    let limit = match param("limit").map(|l| l.parse::<usize>()) {
        None => 50,
        Some(Ok(l)) if (1..=100).contains(&l) => l,
        Some(_) => {
            return form_error(&[FieldError {
                path: "limit".into(),
                code: "NUMBER_TYPE_MAX",
                message: "int value should be less than or equal to 100.".into(),
            }]);
        }
    };
    let visible = st
        .messages
        .values()
        .filter(|m| id_of(m.get("channel_id")) == Some(channel) && m["flags"].as_u64().unwrap_or(0) & 64 == 0);
    let mut page: Vec<Value> = match param("after").and_then(|a| a.parse::<u64>().ok()) {
        Some(after) => visible
            .filter(|m| id_of(m.get("id")).is_some_and(|id| id > after))
            .take(limit)
            .cloned()
            .collect(),
        None => {
            let all: Vec<&Value> = visible.collect();
            all[all.len().saturating_sub(limit)..].iter().map(|m| (*m).clone()).collect()
        }
    };
    page.reverse();
    ok(json!(page))
}
