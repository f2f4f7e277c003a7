//! Interaction endpoints: the callback (types 4-9; 40060 on a second acknowledgement, 10062
//! for an interaction the fake never dispatched or one answered after `ack_deadline`), and
//! follow-ups and `@original` through `/webhooks/{app}/{token}` (50027 once the token is older
//! than `interaction_token_lifetime`). Bodies are checked against Discord's limits first.

use serde_json::{json, Value};

use super::routes::{edit_stored, empty_message, error, form_error, new_message, no_content, ok, unknown_route, Reply};
use super::state::{id_of, InteractionRec, LateAck, RecordedFile, Shared, State};
use super::validate::{check_callback, check_message, is_empty_message};

pub fn callback(sh: &Shared, st: &mut State, id: u64, token: &str, body: &Value, files: &[RecordedFile]) -> Reply {
    let Some(rec) = st.interactions.get(token).filter(|r| r.id == id).cloned() else {
        return error(404, 10062, "Unknown interaction");
    };
    if rec.acknowledged.is_some() {
        return error(400, 40060, "Interaction has already been acknowledged.");
    }
    let kind = body["type"].as_u64().unwrap_or(0);
    let after = rec.created.elapsed();
    if after > sh.config.ack_deadline {
        st.late_acks.push(LateAck {
            interaction_id: id,
            callback_type: kind,
            after,
        });
        return error(404, 10062, "Unknown interaction");
    }
    if let Err(errors) = check_callback(body) {
        return form_error(&errors);
    }
    let data = body.get("data").cloned().unwrap_or_else(|| json!({}));
    if kind == 4 && is_empty_message(&data, files.len()) {
        return empty_message();
    }
    let component_message = rec.message.as_ref().and_then(|m| id_of(m.get("id")));
    let message_type = if rec.kind == 2 { 20 } else { 0 };
    let original = match kind {
        4 => id_of(new_message(sh, st, rec.channel_id, &data, files, message_type).get("id")),
        5 => {
            let flags = (data["flags"].as_u64().unwrap_or(0) & 64) | 128;
            id_of(new_message(sh, st, rec.channel_id, &json!({"flags": flags}), &[], message_type).get("id"))
        }
        6 => component_message,
        7 => component_message
            .and_then(|m| edit_stored(st, m, &data, files))
            .and_then(|m| id_of(m.get("id"))),
        1 | 8 | 9 => None,
        _ => return error(400, 50035, "Invalid Form Body: unknown interaction callback type"),
    };
    let rec: &mut InteractionRec = st.interactions.get_mut(token).expect("interaction exists");
    rec.acknowledged = Some(kind);
    rec.acknowledged_after = Some(after);
    rec.original = original;
    no_content()
}

/// 401 / 50027, as Discord answers an interaction token older than 15 minutes.
fn expired(sh: &Shared, rec: &InteractionRec) -> Option<Reply> {
    (rec.created.elapsed() > sh.config.interaction_token_lifetime).then(|| error(401, 50027, "Invalid Webhook Token"))
}

pub fn followup(sh: &Shared, st: &mut State, token: &str, body: &Value, files: &[RecordedFile]) -> Reply {
    let Some(rec) = st.interactions.get(token).filter(|r| r.acknowledged.is_some()).cloned() else {
        return error(404, 10015, "Unknown Webhook");
    };
    if let Some(reply) = expired(sh, &rec) {
        return reply;
    }
    if let Err(errors) = check_message(body) {
        return form_error(&errors);
    }
    if is_empty_message(body, files.len()) {
        return empty_message();
    }
    let message_type = if rec.kind == 2 { 20 } else { 0 };
    ok(new_message(sh, st, rec.channel_id, body, files, message_type))
}

pub fn webhook_message(sh: &Shared, st: &mut State, method: &str, token: &str, m: &str, body: &Value, files: &[RecordedFile]) -> Reply {
    let Some(rec) = st.interactions.get(token).cloned() else {
        return error(404, 10015, "Unknown Webhook");
    };
    if let Some(reply) = expired(sh, &rec) {
        return reply;
    }
    let id = if m == "@original" { rec.original } else { m.parse().ok() };
    let Some(id) = id.filter(|id| st.messages.contains_key(id)) else {
        return error(404, 10008, "Unknown Message");
    };
    match method {
        "GET" => ok(st.messages[&id].clone()),
        "PATCH" => {
            if let Err(errors) = check_message(body) {
                return form_error(&errors);
            }
            let mut msg = edit_stored(st, id, body, files).expect("message exists");
            let flags = msg["flags"].as_u64().unwrap_or(0);
            if flags & 128 != 0 {
                msg["flags"] = json!(flags & !128);
                st.messages.insert(id, msg.clone());
            }
            ok(msg)
        }
        "DELETE" => {
            st.messages.remove(&id);
            if rec.original == Some(id) {
                st.interactions.get_mut(token).expect("interaction exists").original = None;
            }
            no_content()
        }
        _ => unknown_route(method, &format!("/webhooks/-/{token}/messages/{m}")),
    }
}
