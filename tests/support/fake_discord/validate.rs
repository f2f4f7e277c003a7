//! What the fake checks before it accepts anything: gateway dispatches against serenity's own
//! deserializer (so an event serenity would silently drop fails loudly), and REST bodies
//! against Discord's size limits (so a request Discord would refuse is refused here too, with
//! Discord's 400 / 50035 "Invalid Form Body" and an `errors` object naming the field).
//!
//! Lengths are counted in Unicode scalar values (`str::chars`), as serenity's own builder
//! checks do; Discord's documentation says "characters" without defining them further.

use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};
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

// ---------------------------------------------------------------- Discord's size limits

/// Discord's limits, by the name its documentation gives them.
pub mod limits {
    pub const CONTENT: usize = 2000;
    pub const EMBEDS: usize = 10;
    pub const EMBED_TITLE: usize = 256;
    pub const EMBED_DESCRIPTION: usize = 4096;
    pub const EMBED_FIELDS: usize = 25;
    pub const EMBED_FIELD_NAME: usize = 256;
    pub const EMBED_FIELD_VALUE: usize = 1024;
    pub const EMBED_FOOTER: usize = 2048;
    pub const EMBED_AUTHOR: usize = 256;
    /// All embeds of one message together (titles, descriptions, field names and values,
    /// footers, author names).
    pub const EMBEDS_TOTAL: usize = 6000;
    pub const ACTION_ROWS: usize = 5;
    pub const BUTTONS_PER_ROW: usize = 5;
    pub const BUTTON_LABEL: usize = 80;
    pub const BUTTON_URL: usize = 512;
    pub const CUSTOM_ID: usize = 100;
    pub const SELECT_OPTIONS: usize = 25;
    pub const SELECT_OPTION_TEXT: usize = 100;
    pub const SELECT_PLACEHOLDER: usize = 150;
    pub const MODAL_TITLE: usize = 45;
    pub const MODAL_ROWS: usize = 5;
    pub const TEXT_INPUT_LABEL: usize = 45;
    pub const TEXT_INPUT_VALUE: usize = 4000;
    pub const TEXT_INPUT_PLACEHOLDER: usize = 100;
    pub const AUTOCOMPLETE_CHOICES: usize = 25;
    pub const CHOICE_NAME: usize = 100;
    pub const CHOICE_VALUE: usize = 100;
    pub const THREAD_NAME: usize = 100;
    pub const COMMAND_NAME: usize = 32;
    pub const COMMAND_DESCRIPTION: usize = 100;
    pub const COMMAND_OPTIONS: usize = 25;
}

/// One field Discord refuses: its dotted path in the request body (`embeds.0.title`), and
/// Discord's error code and message for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub code: &'static str,
    pub message: String,
}

/// Discord's 50035 body: `{"code":50035,"message":"Invalid Form Body","errors":{...}}`, the
/// `errors` object nested by path with `_errors` arrays at the leaves (what serenity's
/// `DiscordJsonError` flattens back into `path`s).
pub fn form_error_body(errors: &[FieldError]) -> Value {
    let mut tree = Map::new();
    for e in errors {
        let mut node = &mut tree;
        for key in e.path.split('.').filter(|k| !k.is_empty()) {
            let child = node.entry(key.to_owned()).or_insert_with(|| json!({}));
            node = child.as_object_mut().expect("error tree nodes are objects");
        }
        let leaf = node.entry("_errors").or_insert_with(|| json!([]));
        leaf.as_array_mut()
            .expect("_errors is an array")
            .push(json!({"code": e.code, "message": e.message}));
    }
    json!({"code": 50035, "message": "Invalid Form Body", "errors": tree})
}

/// Characters as Discord counts them here: Unicode scalar values.
pub fn chars(text: &str) -> usize {
    text.chars().count()
}

/// Collects the field errors of one request body.
#[derive(Default)]
struct Check {
    errors: Vec<FieldError>,
}

fn join(prefix: &str, key: impl std::fmt::Display) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

impl Check {
    fn push(&mut self, path: String, code: &'static str, message: String) {
        self.errors.push(FieldError { path, code, message });
    }

    /// A string field of at most `max` characters (absent or null is fine).
    fn text(&mut self, parent: &Value, prefix: &str, key: &str, max: usize) -> usize {
        let Some(text) = parent.get(key).and_then(Value::as_str) else {
            return 0;
        };
        let n = chars(text);
        if n > max {
            self.push(
                join(prefix, key),
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {max} or fewer in length."),
            );
        }
        n
    }

    /// A required string of 1 to `max` characters.
    fn required_text(&mut self, parent: &Value, prefix: &str, key: &str, max: usize) {
        match parent.get(key).and_then(Value::as_str) {
            None => self.push(join(prefix, key), "BASE_TYPE_REQUIRED", "This field is required".to_owned()),
            Some("") => self.push(join(prefix, key), "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.".to_owned()),
            Some(_) => {
                self.text(parent, prefix, key, max);
            }
        }
    }

    /// An array field of at most `max` items; returns its items.
    fn items<'a>(&mut self, parent: &'a Value, prefix: &str, key: &str, max: usize) -> &'a [Value] {
        let Some(items) = parent.get(key).and_then(Value::as_array) else {
            return &[];
        };
        if items.len() > max {
            self.push(
                join(prefix, key),
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {max} or fewer in length."),
            );
        }
        items
    }

    /// An integer field of at most `max`.
    fn number(&mut self, parent: &Value, prefix: &str, key: &str, max: u64) {
        if let Some(n) = parent.get(key).and_then(Value::as_u64) {
            if n > max {
                self.push(
                    join(prefix, key),
                    "NUMBER_TYPE_MAX",
                    format!("int value should be less than or equal to {max}."),
                );
            }
        }
    }

    /// `content`, `embeds` and `components` of a message create/edit body (or an interaction
    /// response's `data`).
    fn message(&mut self, body: &Value, prefix: &str) {
        self.text(body, prefix, "content", limits::CONTENT);
        let embeds = self.items(body, prefix, "embeds", limits::EMBEDS);
        let embeds_path = join(prefix, "embeds");
        let mut total = 0;
        for (i, embed) in embeds.iter().enumerate() {
            total += self.embed(embed, &join(&embeds_path, i));
        }
        if total > limits::EMBEDS_TOTAL {
            self.push(
                embeds_path,
                "MAX_EMBED_SIZE_EXCEEDED",
                format!("Embed size exceeds maximum size of {}", limits::EMBEDS_TOTAL),
            );
        }
        self.components(body, prefix);
    }

    /// One embed; returns the characters it counts towards the message's total.
    fn embed(&mut self, embed: &Value, prefix: &str) -> usize {
        let mut total = self.text(embed, prefix, "title", limits::EMBED_TITLE);
        total += self.text(embed, prefix, "description", limits::EMBED_DESCRIPTION);
        let fields_path = join(prefix, "fields");
        for (i, field) in self.items(embed, prefix, "fields", limits::EMBED_FIELDS).iter().enumerate() {
            let path = join(&fields_path, i);
            total += self.text(field, &path, "name", limits::EMBED_FIELD_NAME);
            total += self.text(field, &path, "value", limits::EMBED_FIELD_VALUE);
        }
        if let Some(footer) = embed.get("footer") {
            total += self.text(footer, &join(prefix, "footer"), "text", limits::EMBED_FOOTER);
        }
        if let Some(author) = embed.get("author") {
            total += self.text(author, &join(prefix, "author"), "name", limits::EMBED_AUTHOR);
        }
        total
    }

    /// A message's action rows and what they hold; custom ids must be unique in a message.
    fn components(&mut self, body: &Value, prefix: &str) {
        let rows_path = join(prefix, "components");
        let mut seen = Vec::new();
        for (r, row) in self.items(body, prefix, "components", limits::ACTION_ROWS).iter().enumerate() {
            let row_path = join(&rows_path, r);
            let children_path = join(&row_path, "components");
            let children = row.get("components").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
            let buttons = children.iter().filter(|c| c["type"] == 2).count();
            if buttons > limits::BUTTONS_PER_ROW {
                self.push(
                    children_path.clone(),
                    "BASE_TYPE_MAX_LENGTH",
                    format!("Must be {} or fewer in length.", limits::BUTTONS_PER_ROW),
                );
            }
            let selects = children.iter().filter(|c| is_select(c)).count();
            if selects > 0 && children.len() > 1 {
                self.push(
                    children_path.clone(),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width".to_owned(),
                );
            }
            for (c, component) in children.iter().enumerate() {
                let path = join(&children_path, c);
                if let Some(id) = component.get("custom_id").and_then(Value::as_str) {
                    if seen.contains(&id) {
                        self.push(
                            join(&path, "custom_id"),
                            "COMPONENT_CUSTOM_ID_DUPLICATED",
                            "Component custom id cannot be duplicated".to_owned(),
                        );
                    }
                    seen.push(id);
                }
                if component["type"] == 2 {
                    self.button(component, &path);
                } else if is_select(component) {
                    self.select(component, &path);
                }
            }
        }
    }

    fn button(&mut self, button: &Value, prefix: &str) {
        self.text(button, prefix, "label", limits::BUTTON_LABEL);
        if button["style"] == 5 {
            self.required_text(button, prefix, "url", limits::BUTTON_URL);
        } else if button["style"] != 6 {
            // Premium buttons (6) carry a sku_id instead.
            self.required_text(button, prefix, "custom_id", limits::CUSTOM_ID);
        }
    }

    fn select(&mut self, select: &Value, prefix: &str) {
        self.required_text(select, prefix, "custom_id", limits::CUSTOM_ID);
        self.text(select, prefix, "placeholder", limits::SELECT_PLACEHOLDER);
        self.number(select, prefix, "min_values", limits::SELECT_OPTIONS as u64);
        self.number(select, prefix, "max_values", limits::SELECT_OPTIONS as u64);
        let options_path = join(prefix, "options");
        for (i, option) in self.items(select, prefix, "options", limits::SELECT_OPTIONS).iter().enumerate() {
            let path = join(&options_path, i);
            self.required_text(option, &path, "label", limits::SELECT_OPTION_TEXT);
            self.required_text(option, &path, "value", limits::SELECT_OPTION_TEXT);
            self.text(option, &path, "description", limits::SELECT_OPTION_TEXT);
        }
    }

    /// A modal (callback type 9's `data`): title, custom id, rows of one text input each.
    fn modal(&mut self, data: &Value, prefix: &str) {
        self.required_text(data, prefix, "title", limits::MODAL_TITLE);
        self.required_text(data, prefix, "custom_id", limits::CUSTOM_ID);
        let rows_path = join(prefix, "components");
        for (r, row) in self.items(data, prefix, "components", limits::MODAL_ROWS).iter().enumerate() {
            let children_path = join(&join(&rows_path, r), "components");
            for (c, input) in row["components"].as_array().into_iter().flatten().enumerate() {
                let path = join(&children_path, c);
                self.required_text(input, &path, "custom_id", limits::CUSTOM_ID);
                self.required_text(input, &path, "label", limits::TEXT_INPUT_LABEL);
                self.text(input, &path, "value", limits::TEXT_INPUT_VALUE);
                self.text(input, &path, "placeholder", limits::TEXT_INPUT_PLACEHOLDER);
                self.number(input, &path, "min_length", limits::TEXT_INPUT_VALUE as u64);
                self.number(input, &path, "max_length", limits::TEXT_INPUT_VALUE as u64);
            }
        }
    }

    /// Autocomplete choices (callback type 8's `data`, or a command option's `choices`).
    fn choices(&mut self, parent: &Value, prefix: &str) {
        let choices_path = join(prefix, "choices");
        for (i, choice) in self
            .items(parent, prefix, "choices", limits::AUTOCOMPLETE_CHOICES)
            .iter()
            .enumerate()
        {
            let path = join(&choices_path, i);
            self.required_text(choice, &path, "name", limits::CHOICE_NAME);
            self.text(choice, &path, "value", limits::CHOICE_VALUE);
        }
    }

    /// A command (or one of its options, recursively: subcommands hold options).
    fn command(&mut self, command: &Value, prefix: &str, is_option: bool) {
        self.required_text(command, prefix, "name", limits::COMMAND_NAME);
        // Context-menu commands (types 2 and 3) have an empty description.
        let chat_input = matches!(command.get("type").and_then(Value::as_u64), None | Some(1));
        if is_option || chat_input {
            self.required_text(command, prefix, "description", limits::COMMAND_DESCRIPTION);
        }
        self.choices(command, prefix);
        let options_path = join(prefix, "options");
        for (i, option) in self.items(command, prefix, "options", limits::COMMAND_OPTIONS).iter().enumerate() {
            self.command(option, &join(&options_path, i), true);
        }
    }

    fn done(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

fn is_select(component: &Value) -> bool {
    matches!(component["type"].as_u64(), Some(3 | 5 | 6 | 7 | 8))
}

/// A message create or edit body (channel messages, follow-ups, webhook edits).
pub fn check_message(body: &Value) -> Result<(), Vec<FieldError>> {
    let mut check = Check::default();
    check.message(body, "");
    check.done()
}

/// An interaction callback body (`{"type", "data"}`): message limits for 4 and 7, modal
/// limits for 9, choice limits for 8; errors are under `data.`.
pub fn check_callback(body: &Value) -> Result<(), Vec<FieldError>> {
    let mut check = Check::default();
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    match body["type"].as_u64() {
        Some(4 | 7) => check.message(&data, "data"),
        Some(8) => check.choices(&data, "data"),
        Some(9) => check.modal(&data, "data"),
        _ => {}
    }
    check.done()
}

/// A thread's `name` (1 to 100 characters).
pub fn check_thread(body: &Value) -> Result<(), Vec<FieldError>> {
    let mut check = Check::default();
    check.required_text(body, "", "name", limits::THREAD_NAME);
    check.done()
}

/// A bulk overwrite of commands (an array of command objects).
pub fn check_commands(body: &Value) -> Result<(), Vec<FieldError>> {
    let mut check = Check::default();
    for (i, command) in body.as_array().into_iter().flatten().enumerate() {
        check.command(command, &i.to_string(), false);
    }
    check.done()
}

/// True when a new message would have nothing to show (Discord's 50006): no content, embeds,
/// components, stickers, poll or files.
pub fn is_empty_message(body: &Value, files: usize) -> bool {
    let text = body["content"].as_str().is_some_and(|c| !c.is_empty());
    let non_empty = |key: &str| body[key].as_array().is_some_and(|a| !a.is_empty());
    !text && files == 0 && !non_empty("embeds") && !non_empty("components") && !non_empty("sticker_ids") && body["poll"].is_null()
}
