//! Checks a dispatch against serenity's own deserializer, the way the shard parses it, so an
//! event serenity would silently drop (`Event::Unknown` or a parse error) fails loudly.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use serenity::model::application::Interaction;
use serenity::model::channel::{GuildChannel, Message};
use serenity::model::event::{Event, GatewayEvent, GuildCreateEvent};
use serenity::model::gateway::Ready;

fn typed<T: DeserializeOwned>(data: &Value) -> Result<(), String> {
    serde_json::from_value::<T>(data.clone()).map(|_| ()).map_err(|e| e.to_string())
}

/// `Ok` when serenity turns `{"op":0,"t":name,"d":data}` into a known event.
pub fn check_dispatch(name: &str, data: &Value) -> Result<(), String> {
    let frame = json!({"op": 0, "s": 1, "t": name, "d": data});
    match serde_json::from_value::<GatewayEvent>(frame) {
        Err(e) => Err(format!("serenity cannot parse the {name} frame: {e}")),
        Ok(GatewayEvent::Dispatch(_, Event::Unknown(_))) => {
            // serenity hides the reason; find it with the model the event carries.
            let reason = match name {
                "INTERACTION_CREATE" => typed::<Interaction>(data),
                "MESSAGE_CREATE" => typed::<Message>(data),
                "READY" => typed::<Ready>(data),
                "GUILD_CREATE" => typed::<GuildCreateEvent>(data),
                "THREAD_CREATE" => typed::<GuildChannel>(data),
                _ => Err("not an event serenity knows, or its data is invalid".to_owned()),
            };
            Err(format!(
                "serenity would drop {name} as Event::Unknown: {}",
                reason.err().unwrap_or_else(|| "unknown reason".to_owned())
            ))
        }
        Ok(_) => Ok(()),
    }
}
