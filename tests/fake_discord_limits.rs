//! Contract tests of the fake Discord's refusals: for each of Discord's size limits a request
//! just at the limit succeeds and one just over gets 400 / 50035 "Invalid Form Body" naming the
//! field, on every route that carries a message (send, edit, interaction response, update,
//! follow-up, `@original` edit, follow-up edit); modals, autocomplete choices, thread names and
//! commands likewise; a late callback gets 10062, a second one 40060, an expired interaction
//! token 50027, an empty message 50006. Everything goes through serenity's real `Http` client
//! (raw bodies, since serenity's builders refuse some of these locally) or its builders, so the
//! tests prove serenity sees the answer as Discord's `HttpError::UnsuccessfulRequest`.

mod support;

use std::fmt::Debug;
use std::time::Duration;

use serde_json::{json, Value};
use serenity::all::{
    ChannelId, CommandInteraction, CreateActionRow, CreateButton, CreateEmbed, CreateInputText, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage, CreateModal, EditInteractionResponse, GuildId,
    InputTextStyle, Interaction, InteractionId,
};
use serenity::http::{Http, HttpError};
use support::fake_discord::payloads;
use support::fake_discord::*;

const WAIT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------- helpers

/// How the fake refused a request, as serenity reports it.
#[derive(Debug)]
struct Refusal {
    status: u16,
    code: isize,
    /// `path: CODE` for each field error serenity decoded from `errors`.
    fields: Vec<String>,
}

fn outcome<T: Debug>(result: serenity::Result<T>) -> Result<(), Refusal> {
    match result {
        Ok(_) => Ok(()),
        Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(e))) => Err(Refusal {
            status: e.status_code.as_u16(),
            code: e.error.code,
            fields: e.error.errors.iter().map(|f| format!("{}: {}", f.path, f.code)).collect(),
        }),
        Err(other) => panic!("expected Discord's answer, got a client-side error: {other:?}"),
    }
}

/// `n` characters of mixed width (1-, 2- and 4-byte UTF-8), so byte counts are not mistaken
/// for characters.
fn text(n: usize) -> String {
    ['a', 'é', '🙂'].iter().cycle().take(n).collect()
}

fn button(i: usize) -> Value {
    json!({"type": 2, "style": 1, "label": "Go", "custom_id": format!("b{i}")})
}

fn row(components: Vec<Value>) -> Value {
    json!({"type": 1, "components": components})
}

fn select(options: usize, label: &str, value: Option<&str>, custom_id: &str) -> Value {
    let options: Vec<Value> = (0..options)
        .map(|i| json!({"label": label, "value": value.map_or_else(|| format!("v{i}"), str::to_owned)}))
        .collect();
    json!({"type": 3, "custom_id": custom_id, "options": options})
}

fn field(name: &str, value: &str) -> Value {
    json!({"name": name, "value": value})
}

/// One of Discord's limits on a message body: `body(n)` is a body whose measured thing is `n`.
struct Limit {
    name: &'static str,
    max: usize,
    body: fn(usize) -> Value,
    /// The path of the refused field, and Discord's error code for it.
    path: &'static str,
    code: &'static str,
}

const MAX_LENGTH: &str = "BASE_TYPE_MAX_LENGTH";

fn message_limits() -> Vec<Limit> {
    vec![
        Limit {
            name: "content",
            max: limits::CONTENT,
            body: |n| json!({"content": text(n)}),
            path: "content",
            code: MAX_LENGTH,
        },
        Limit {
            name: "embed count",
            max: limits::EMBEDS,
            body: |n| json!({"embeds": vec![json!({"title": "t"}); n]}),
            path: "embeds",
            code: MAX_LENGTH,
        },
        Limit {
            name: "embed title",
            max: limits::EMBED_TITLE,
            body: |n| json!({"embeds": [{"title": text(n)}]}),
            path: "embeds.0.title",
            code: MAX_LENGTH,
        },
        Limit {
            name: "embed description",
            max: limits::EMBED_DESCRIPTION,
            body: |n| json!({"embeds": [{"title": "t"}, {"description": text(n)}]}),
            path: "embeds.1.description",
            code: MAX_LENGTH,
        },
        Limit {
            name: "embed field count",
            max: limits::EMBED_FIELDS,
            body: |n| json!({"embeds": [{"fields": vec![field("n", "v"); n]}]}),
            path: "embeds.0.fields",
            code: MAX_LENGTH,
        },
        Limit {
            name: "embed field name",
            max: limits::EMBED_FIELD_NAME,
            body: |n| json!({"embeds": [{"fields": [field("n", "v"), field(&text(n), "v")]}]}),
            path: "embeds.0.fields.1.name",
            code: MAX_LENGTH,
        },
        Limit {
            name: "embed field value",
            max: limits::EMBED_FIELD_VALUE,
            body: |n| json!({"embeds": [{"fields": [field("n", &text(n))]}]}),
            path: "embeds.0.fields.0.value",
            code: MAX_LENGTH,
        },
        Limit {
            name: "embed footer",
            max: limits::EMBED_FOOTER,
            body: |n| json!({"embeds": [{"footer": {"text": text(n)}}]}),
            path: "embeds.0.footer.text",
            code: MAX_LENGTH,
        },
        Limit {
            name: "embed author name",
            max: limits::EMBED_AUTHOR,
            body: |n| json!({"embeds": [{"author": {"name": text(n)}}]}),
            path: "embeds.0.author.name",
            code: MAX_LENGTH,
        },
        Limit {
            name: "all embeds together",
            max: limits::EMBEDS_TOTAL,
            // Each part is within its own limit; only the sum is over.
            body: |n| {
                json!({"embeds": [
                    {"title": text(200), "description": text(4000)},
                    {"description": text(n - 4200 - 900), "fields": [field(&text(100), &text(800))]},
                ]})
            },
            path: "embeds",
            code: "MAX_EMBED_SIZE_EXCEEDED",
        },
        Limit {
            name: "action rows",
            max: limits::ACTION_ROWS,
            body: |n| json!({"content": "x", "components": (0..n).map(|i| row(vec![button(i)])).collect::<Vec<_>>()}),
            path: "components",
            code: MAX_LENGTH,
        },
        Limit {
            name: "buttons in a row",
            max: limits::BUTTONS_PER_ROW,
            body: |n| json!({"content": "x", "components": [row(vec![button(99)]), row((0..n).map(button).collect())]}),
            path: "components.1.components",
            code: MAX_LENGTH,
        },
        Limit {
            name: "button label",
            max: limits::BUTTON_LABEL,
            body: |n| json!({"components": [row(vec![json!({"type": 2, "style": 2, "label": text(n), "custom_id": "b"})])]}),
            path: "components.0.components.0.label",
            code: MAX_LENGTH,
        },
        Limit {
            name: "button custom id",
            max: limits::CUSTOM_ID,
            body: |n| json!({"components": [row(vec![button(0), json!({"type": 2, "style": 1, "label": "x", "custom_id": text(n)})])]}),
            path: "components.0.components.1.custom_id",
            code: MAX_LENGTH,
        },
        Limit {
            name: "select options",
            max: limits::SELECT_OPTIONS,
            body: |n| json!({"components": [row(vec![select(n, "option", None, "s")])]}),
            path: "components.0.components.0.options",
            code: MAX_LENGTH,
        },
        Limit {
            name: "select option label",
            max: limits::SELECT_OPTION_TEXT,
            body: |n| json!({"components": [row(vec![select(1, &text(n), None, "s")])]}),
            path: "components.0.components.0.options.0.label",
            code: MAX_LENGTH,
        },
        Limit {
            name: "select option value",
            max: limits::SELECT_OPTION_TEXT,
            body: |n| json!({"components": [row(vec![select(1, "option", Some(&text(n)), "s")])]}),
            path: "components.0.components.0.options.0.value",
            code: MAX_LENGTH,
        },
        Limit {
            name: "select custom id",
            max: limits::CUSTOM_ID,
            body: |n| json!({"components": [row(vec![select(2, "option", None, &text(n))])]}),
            path: "components.0.components.0.custom_id",
            code: MAX_LENGTH,
        },
    ]
}

/// A fake, a serenity `Http` wired to it, and a user to act as.
struct Rig {
    fake: FakeDiscord,
    http: Http,
    user: FakeUser,
}

impl Rig {
    async fn start() -> Self {
        Self::with(FakeConfig::default()).await
    }

    async fn with(config: FakeConfig) -> Self {
        let fake = FakeDiscord::start_with(config).await;
        let http = fake.http();
        Rig {
            fake,
            http,
            user: FakeUser::fresh("candidate"),
        }
    }

    fn channel(&self) -> ChannelId {
        ChannelId::new(self.fake.channel_id())
    }

    /// Dispatches a fresh slash command (no client listens: the fake only learns it).
    fn command(&self) -> CommandInteraction {
        let payload = payloads::slash_command(&self.fake.in_guild(&self.user), "interview", vec![]);
        self.fake.dispatch("INTERACTION_CREATE", payload.clone());
        match serde_json::from_value::<Interaction>(payload).expect("interaction") {
            Interaction::Command(c) => c,
            other => panic!("{other:?}"),
        }
    }

    /// Dispatches a click on a button of a fresh bot message; returns the interaction's id and token.
    async fn click(&self) -> (InteractionId, String) {
        let body = json!({"content": "Question", "components": [row(vec![button(0)])]});
        let sent = self.http.send_message(self.channel(), vec![], &body).await.expect("bot message");
        let stored = self.fake.message(sent.id.get()).expect("stored");
        let payload = payloads::button_click(&self.fake.in_guild(&self.user), &stored, "b0");
        self.fake.dispatch("INTERACTION_CREATE", payload.clone());
        let id = payload["id"].as_str().unwrap().parse().unwrap();
        (InteractionId::new(id), payload["token"].as_str().unwrap().to_owned())
    }

    async fn callback(&self, id: InteractionId, token: &str, body: &Value) -> Result<(), Refusal> {
        outcome(self.http.create_interaction_response(id, token, body, vec![]).await)
    }

    /// A command acknowledged with a deferred reply (type 5): its token takes follow-ups.
    async fn deferred(&self) -> CommandInteraction {
        let c = self.command();
        self.callback(c.id, &c.token, &json!({"type": 5})).await.expect("defer");
        c
    }

    /// Sends `body` the way `target` does; for interaction responses it becomes `data`.
    async fn send(&self, target: Target, body: &Value) -> Result<(), Refusal> {
        let http = &self.http;
        match target {
            Target::ChannelMessage => outcome(http.send_message(self.channel(), vec![], body).await),
            Target::EditMessage => {
                let sent = http
                    .send_message(self.channel(), vec![], &json!({"content": "x"}))
                    .await
                    .expect("send");
                outcome(http.edit_message(self.channel(), sent.id, body, vec![]).await)
            }
            Target::Respond => {
                let c = self.command();
                self.callback(c.id, &c.token, &json!({"type": 4, "data": body})).await
            }
            Target::UpdateMessage => {
                let (id, token) = self.click().await;
                self.callback(id, &token, &json!({"type": 7, "data": body})).await
            }
            Target::Followup => {
                let c = self.deferred().await;
                outcome(http.create_followup_message(&c.token, body, vec![]).await)
            }
            Target::EditOriginal => {
                let c = self.deferred().await;
                outcome(http.edit_original_interaction_response(&c.token, body, vec![]).await)
            }
            Target::EditFollowup => {
                let c = self.deferred().await;
                let follow = http
                    .create_followup_message(&c.token, &json!({"content": "x"}), vec![])
                    .await
                    .expect("follow-up");
                outcome(http.edit_followup_message(&c.token, follow.id, body, vec![]).await)
            }
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Target {
    ChannelMessage,
    EditMessage,
    Respond,
    UpdateMessage,
    Followup,
    EditOriginal,
    EditFollowup,
}

impl Target {
    /// Where the message body sits in the request.
    fn prefix(self) -> &'static str {
        match self {
            Target::Respond | Target::UpdateMessage => "data.",
            _ => "",
        }
    }
}

/// For every message limit: at the limit succeeds, one over is refused naming the field.
async fn check_message_limits(target: Target) {
    let rig = Rig::start().await;
    rig.fake.expect_refusals();
    let mut wrong = Vec::new();
    for limit in message_limits() {
        if let Err(refusal) = rig.send(target, &(limit.body)(limit.max)).await {
            wrong.push(format!("{} at {}: refused {refusal:?}", limit.name, limit.max));
        }
        let expected = format!("{}{}: {}", target.prefix(), limit.path, limit.code);
        match rig.send(target, &(limit.body)(limit.max + 1)).await {
            Err(Refusal {
                status: 400,
                code: 50035,
                fields,
            }) if fields == [expected.clone()] => {}
            other => wrong.push(format!(
                "{} at {}: expected 400/50035 [{expected}], got {other:?}",
                limit.name,
                limit.max + 1
            )),
        }
    }
    assert!(wrong.is_empty(), "{target:?}:\n{}", wrong.join("\n"));
    let refused = rig.fake.violations();
    assert_eq!(refused.len(), message_limits().len(), "each over-limit request is recorded");
    assert!(refused.iter().all(|v| v.code == 50035 && v.request.ends_with("-> 400")));
}

// ---------------------------------------------------------------- message limits, per route

#[tokio::test]
async fn message_limits_on_channel_messages() {
    check_message_limits(Target::ChannelMessage).await;
}

#[tokio::test]
async fn message_limits_on_message_edits() {
    check_message_limits(Target::EditMessage).await;
}

#[tokio::test]
async fn message_limits_on_interaction_responses() {
    check_message_limits(Target::Respond).await;
}

#[tokio::test]
async fn message_limits_on_component_message_updates() {
    check_message_limits(Target::UpdateMessage).await;
}

#[tokio::test]
async fn message_limits_on_follow_ups() {
    check_message_limits(Target::Followup).await;
}

#[tokio::test]
async fn message_limits_on_original_response_edits() {
    check_message_limits(Target::EditOriginal).await;
}

#[tokio::test]
async fn message_limits_on_follow_up_edits() {
    check_message_limits(Target::EditFollowup).await;
}

#[tokio::test]
async fn a_refused_body_changes_nothing() {
    let rig = Rig::start().await;
    rig.fake.expect_refusals();
    let channel = rig.channel().get();
    let over = json!({"content": text(limits::CONTENT + 1)});
    assert!(rig.send(Target::ChannelMessage, &over).await.is_err());
    assert!(rig.fake.messages_in(channel).is_empty(), "nothing was stored");
    // A refused first callback does not acknowledge: the bot can still answer properly.
    let c = rig.command();
    assert!(rig.callback(c.id, &c.token, &json!({"type": 4, "data": over})).await.is_err());
    rig.callback(c.id, &c.token, &json!({"type": 4, "data": {"content": "ok"}}))
        .await
        .expect("a valid answer after a refused one");
    assert_eq!(rig.fake.original_response(&c.token).expect("original")["content"], "ok");
}

// ---------------------------------------------------------------- through serenity's builders

#[tokio::test]
async fn serenity_builders_send_what_only_discord_refuses() {
    let rig = Rig::start().await;
    rig.fake.expect_refusals();
    let http = &rig.http;
    // serenity checks each embed against 6,000 on its own; Discord counts them together.
    let embed = || CreateEmbed::new().description(text(3001));
    let two = CreateMessage::new().embeds(vec![embed(), embed()]);
    let refusal = outcome(rig.channel().send_message(http, two).await).expect_err("6,002 characters of embeds");
    assert_eq!((refusal.status, refusal.code), (400, 50035));
    assert_eq!(refusal.fields, ["embeds: MAX_EMBED_SIZE_EXCEEDED"]);
    let fits = CreateMessage::new().embeds(vec![
        CreateEmbed::new().description(text(3000)),
        CreateEmbed::new().description(text(3000)),
    ]);
    rig.channel().send_message(http, fits).await.expect("6,000 characters of embeds");

    // serenity does not check button labels or custom ids.
    let long_label = CreateActionRow::Buttons(vec![CreateButton::new("ok").label(text(limits::BUTTON_LABEL + 1))]);
    let c = rig.command();
    let reply = CreateInteractionResponseMessage::new().content("Q").components(vec![long_label]);
    let refusal = outcome(c.create_response(http, CreateInteractionResponse::Message(reply)).await).expect_err("81-character label");
    assert_eq!(refusal.fields, ["data.components.0.components.0.label: BASE_TYPE_MAX_LENGTH"]);
    let six = CreateActionRow::Buttons((0..6).map(|i| CreateButton::new(format!("b{i}")).label("b")).collect());
    let reply = CreateInteractionResponseMessage::new().content("Q").components(vec![six]);
    let refusal = outcome(c.create_response(http, CreateInteractionResponse::Message(reply)).await).expect_err("six buttons");
    assert_eq!(refusal.fields, ["data.components.0.components: BASE_TYPE_MAX_LENGTH"]);
    c.create_response(http, CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new()))
        .await
        .expect("defer");
    let title = CreateEmbed::new().title(text(limits::EMBED_TITLE + 1));
    let refusal = outcome(c.edit_response(http, EditInteractionResponse::new().embed(title)).await).expect_err("long title");
    assert_eq!(refusal.fields, ["embeds.0.title: BASE_TYPE_MAX_LENGTH"]);
    let footer = CreateEmbed::new().footer(serenity::all::CreateEmbedFooter::new(text(limits::EMBED_FOOTER + 1)));
    let follow = CreateInteractionResponseFollowup::new().embed(footer);
    let refusal = outcome(c.create_followup(http, follow).await).expect_err("long footer");
    assert_eq!(refusal.fields, ["embeds.0.footer.text: BASE_TYPE_MAX_LENGTH"]);

    // A modal built with serenity's builders.
    let input = |label: &str| CreateActionRow::InputText(CreateInputText::new(InputTextStyle::Paragraph, label, "answer"));
    let c = rig.command();
    let modal = CreateModal::new("form", text(limits::MODAL_TITLE + 1)).components(vec![input("Answer")]);
    let refusal = outcome(c.create_response(http, CreateInteractionResponse::Modal(modal)).await).expect_err("long title");
    assert_eq!(refusal.fields, ["data.title: BASE_TYPE_MAX_LENGTH"]);
    let modal = CreateModal::new("form", text(limits::MODAL_TITLE)).components(vec![input(&text(limits::TEXT_INPUT_LABEL + 1))]);
    let refusal = outcome(c.create_response(http, CreateInteractionResponse::Modal(modal)).await).expect_err("long label");
    assert_eq!(refusal.fields, ["data.components.0.components.0.label: BASE_TYPE_MAX_LENGTH"]);
    let modal = CreateModal::new("form", text(limits::MODAL_TITLE)).components(vec![input(&text(limits::TEXT_INPUT_LABEL))]);
    c.create_response(http, CreateInteractionResponse::Modal(modal))
        .await
        .expect("at the limits");
}

// ---------------------------------------------------------------- other bodies

fn text_input(custom_id: &str, label: &str, value: Option<&str>, max_length: usize) -> Value {
    let mut input = json!({"type": 4, "custom_id": custom_id, "style": 2, "label": label, "max_length": max_length});
    if let Some(value) = value {
        input["value"] = json!(value);
    }
    input
}

fn modal(title: &str, custom_id: &str, inputs: Vec<Value>) -> Value {
    let rows: Vec<Value> = inputs.into_iter().map(|i| row(vec![i])).collect();
    json!({"type": 9, "data": {"title": title, "custom_id": custom_id, "components": rows}})
}

fn modal_limits() -> Vec<Limit> {
    vec![
        Limit {
            name: "modal title",
            max: limits::MODAL_TITLE,
            body: |n| modal(&text(n), "form", vec![text_input("answer", "Answer", None, 100)]),
            path: "data.title",
            code: MAX_LENGTH,
        },
        Limit {
            name: "modal custom id",
            max: limits::CUSTOM_ID,
            body: |n| modal("Answer", &text(n), vec![text_input("answer", "Answer", None, 100)]),
            path: "data.custom_id",
            code: MAX_LENGTH,
        },
        Limit {
            name: "modal rows",
            max: limits::MODAL_ROWS,
            body: |n| {
                modal(
                    "Answer",
                    "form",
                    (0..n).map(|i| text_input(&format!("a{i}"), "Answer", None, 100)).collect(),
                )
            },
            path: "data.components",
            code: MAX_LENGTH,
        },
        Limit {
            name: "text input label",
            max: limits::TEXT_INPUT_LABEL,
            body: |n| {
                modal(
                    "Answer",
                    "form",
                    vec![text_input("a", "b", None, 10), text_input("answer", &text(n), None, 100)],
                )
            },
            path: "data.components.1.components.0.label",
            code: MAX_LENGTH,
        },
        Limit {
            name: "text input custom id",
            max: limits::CUSTOM_ID,
            body: |n| modal("Answer", "form", vec![text_input(&text(n), "Answer", None, 100)]),
            path: "data.components.0.components.0.custom_id",
            code: MAX_LENGTH,
        },
        Limit {
            name: "text input value",
            max: limits::TEXT_INPUT_VALUE,
            body: |n| modal("Answer", "form", vec![text_input("answer", "Answer", Some(&text(n)), 4000)]),
            path: "data.components.0.components.0.value",
            code: MAX_LENGTH,
        },
        Limit {
            name: "text input max_length",
            max: limits::TEXT_INPUT_VALUE,
            body: |n| modal("Answer", "form", vec![text_input("answer", "Answer", None, n)]),
            path: "data.components.0.components.0.max_length",
            code: "NUMBER_TYPE_MAX",
        },
    ]
}

#[tokio::test]
async fn modal_limits_on_modal_responses() {
    let rig = Rig::start().await;
    rig.fake.expect_refusals();
    let mut wrong = Vec::new();
    for limit in modal_limits() {
        let c = rig.command();
        if let Err(refusal) = rig.callback(c.id, &c.token, &(limit.body)(limit.max)).await {
            wrong.push(format!("{} at {}: refused {refusal:?}", limit.name, limit.max));
        }
        let c = rig.command();
        let expected = format!("{}: {}", limit.path, limit.code);
        match rig.callback(c.id, &c.token, &(limit.body)(limit.max + 1)).await {
            Err(Refusal {
                status: 400,
                code: 50035,
                fields,
            }) if fields == [expected.clone()] => {}
            other => wrong.push(format!(
                "{} at {}: expected 400/50035 [{expected}], got {other:?}",
                limit.name,
                limit.max + 1
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn autocomplete_choice_limits() {
    let rig = Rig::start().await;
    rig.fake.expect_refusals();
    let choices = |n: usize, name: &str, value: &str| {
        let list: Vec<Value> = (0..n).map(|_| json!({"name": name, "value": value})).collect();
        json!({"type": 8, "data": {"choices": list}})
    };
    let cases = [
        (choices(limits::AUTOCOMPLETE_CHOICES, "n", "v"), None),
        (choices(limits::AUTOCOMPLETE_CHOICES + 1, "n", "v"), Some("data.choices")),
        (choices(1, &text(limits::CHOICE_NAME), "v"), None),
        (choices(1, &text(limits::CHOICE_NAME + 1), "v"), Some("data.choices.0.name")),
        (choices(1, "n", &text(limits::CHOICE_VALUE)), None),
        (choices(1, "n", &text(limits::CHOICE_VALUE + 1)), Some("data.choices.0.value")),
    ];
    for (body, refused) in cases {
        let c = rig.command();
        let result = rig.callback(c.id, &c.token, &body).await;
        match refused {
            None => result.expect("at the limit"),
            Some(path) => {
                let refusal = result.expect_err(path);
                assert_eq!((refusal.status, refusal.code), (400, 50035));
                assert_eq!(refusal.fields, [format!("{path}: BASE_TYPE_MAX_LENGTH")]);
            }
        }
    }
}

#[tokio::test]
async fn thread_names_and_commands() {
    let rig = Rig::start().await;
    rig.fake.expect_refusals();
    let http = &rig.http;
    let thread = |n: usize| json!({"name": text(n), "type": 12});
    outcome(http.create_thread(rig.channel(), &thread(limits::THREAD_NAME), None).await).expect("100 characters");
    let refusal = outcome(http.create_thread(rig.channel(), &thread(limits::THREAD_NAME + 1), None).await).expect_err("101");
    assert_eq!(
        (refusal.status, refusal.code, refusal.fields),
        (400, 50035, vec!["name: BASE_TYPE_MAX_LENGTH".to_owned()])
    );

    let guild = GuildId::new(rig.fake.guild_id());
    let command =
        |name: &str, description: &str| json!([{"name": "ok", "description": "fine"}, {"name": name, "description": description}]);
    let name = "a".repeat(limits::COMMAND_NAME);
    let description = text(limits::COMMAND_DESCRIPTION);
    outcome(http.create_guild_commands(guild, &command(&name, &description)).await).expect("at the limits");
    let long_name = "a".repeat(limits::COMMAND_NAME + 1);
    let refusal = outcome(http.create_guild_commands(guild, &command(&long_name, "d")).await).expect_err("33");
    assert_eq!(refusal.fields, ["1.name: BASE_TYPE_MAX_LENGTH"]);
    let long_description = text(limits::COMMAND_DESCRIPTION + 1);
    let refusal = outcome(http.create_guild_commands(guild, &command("b", &long_description)).await).expect_err("101");
    assert_eq!(refusal.fields, ["1.description: BASE_TYPE_MAX_LENGTH"]);
    let option = json!({"type": 3, "name": "role", "description": text(limits::COMMAND_DESCRIPTION + 1)});
    let nested = json!([{"name": "interview", "description": "d", "options": [
        {"type": 1, "name": "start", "description": "Start", "options": [option]}]}]);
    let refusal = outcome(http.create_guild_commands(guild, &nested).await).expect_err("option description");
    assert_eq!(refusal.fields, ["0.options.0.options.0.description: BASE_TYPE_MAX_LENGTH"]);
    assert_eq!(
        rig.fake.registered_commands(Some(guild.get())).len(),
        2,
        "refused overwrites change nothing"
    );
}

#[tokio::test]
async fn an_empty_message_is_refused() {
    let rig = Rig::start().await;
    rig.fake.expect_refusals();
    let empty = json!({"content": "", "embeds": [], "components": []});
    for target in [Target::ChannelMessage, Target::Respond, Target::Followup] {
        let refusal = rig.send(target, &empty).await.expect_err("empty");
        assert_eq!((refusal.status, refusal.code), (400, 50006), "{target:?}");
    }
    // An edit may empty the content of a message that keeps other things.
    rig.send(Target::EditMessage, &json!({"content": ""})).await.expect("edit");
    rig.send(Target::ChannelMessage, &json!({"embeds": [{"title": "only an embed"}]}))
        .await
        .expect("an embed alone is a message");
}

// ---------------------------------------------------------------- the 3-second and 15-minute clocks

#[tokio::test]
async fn a_callback_within_the_deadline_is_accepted_and_a_second_one_gets_40060() {
    let rig = Rig::with(FakeConfig {
        ack_deadline: Duration::from_millis(400),
        ..FakeConfig::default()
    })
    .await;
    rig.fake.expect_refusals();
    let c = rig.command();
    tokio::time::sleep(Duration::from_millis(100)).await;
    c.defer(&rig.http).await.expect("in time");
    let again = c.create_response(&rig.http, CreateInteractionResponse::Acknowledge).await;
    let refusal = outcome(again).expect_err("second acknowledgement");
    assert_eq!((refusal.status, refusal.code), (400, 40060));
    // Long after the deadline, a second acknowledgement is still 40060, not 10062.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let again = outcome(c.create_response(&rig.http, CreateInteractionResponse::Acknowledge).await);
    assert_eq!(again.expect_err("second").code, 40060);
    assert!(rig.fake.late_acknowledgements().is_empty());
    let delays = rig.fake.acknowledgement_delays();
    assert_eq!((delays.len(), delays[0].0, delays[0].1), (1, c.id.get(), 5));
    assert!(delays[0].2 >= Duration::from_millis(100) && delays[0].2 < Duration::from_millis(400));
    let codes: Vec<u64> = rig.fake.violations().iter().map(|v| v.code).collect();
    assert_eq!(codes, [40060, 40060]);
}

#[tokio::test]
async fn a_late_callback_gets_10062_and_is_recorded() {
    let rig = Rig::with(FakeConfig {
        ack_deadline: Duration::from_millis(200),
        ..FakeConfig::default()
    })
    .await;
    rig.fake.expect_refusals();
    let c = rig.command();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let reply = CreateInteractionResponseMessage::new().content("too late");
    let refusal = outcome(c.create_response(&rig.http, CreateInteractionResponse::Message(reply)).await).expect_err("late");
    assert_eq!((refusal.status, refusal.code), (404, 10062));
    let late = rig.fake.late_acknowledgements();
    assert_eq!(late.len(), 1);
    assert_eq!((late[0].interaction_id, late[0].callback_type), (c.id.get(), 4));
    assert!(late[0].after >= Duration::from_millis(300), "{late:?}");
    assert!(rig.fake.original_response(&c.token).is_none(), "nothing was posted");
    // The interaction was never acknowledged, so its token takes no follow-ups either.
    let follow = c
        .create_followup(&rig.http, CreateInteractionResponseFollowup::new().content("x"))
        .await;
    assert_eq!(outcome(follow).expect_err("no follow-up").code, 10015);
    let unknown = InteractionId::new(snowflake());
    let refusal = rig.callback(unknown, &c.token, &json!({"type": 5})).await.expect_err("unknown");
    assert_eq!((refusal.status, refusal.code), (404, 10062));
}

#[tokio::test]
async fn the_default_deadline_is_three_seconds_and_the_token_lifetime_fifteen_minutes() {
    let config = FakeConfig::default();
    assert_eq!(config.ack_deadline, Duration::from_secs(3));
    assert_eq!(config.interaction_token_lifetime, Duration::from_secs(15 * 60));
}

#[tokio::test]
async fn an_expired_interaction_token_gets_50027() {
    let rig = Rig::with(FakeConfig {
        interaction_token_lifetime: Duration::from_millis(300),
        ..FakeConfig::default()
    })
    .await;
    rig.fake.expect_refusals();
    let c = rig.deferred().await;
    let http = &rig.http;
    let follow = c
        .create_followup(http, CreateInteractionResponseFollowup::new().content("in time"))
        .await
        .expect("in time");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let late = [
        outcome(c.edit_response(http, EditInteractionResponse::new().content("late")).await),
        outcome(
            c.create_followup(http, CreateInteractionResponseFollowup::new().content("late"))
                .await,
        ),
        outcome(c.get_response(http).await),
        outcome(http.delete_followup_message(&c.token, follow.id).await),
    ];
    for result in late {
        let refusal = result.expect_err("expired");
        assert_eq!((refusal.status, refusal.code), (401, 50027));
    }
}

// ---------------------------------------------------------------- loud failures

#[tokio::test]
#[should_panic(expected = "fake Discord refused 1 request(s)")]
async fn waits_panic_once_the_contract_is_broken() {
    let rig = Rig::with(FakeConfig {
        ack_deadline: Duration::from_millis(50),
        ..FakeConfig::default()
    })
    .await;
    let c = rig.command();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = c.defer(&rig.http).await;
    // Any wait now fails, even for something that is there.
    rig.fake.wait_for("anything", WAIT, |_| Some(())).await;
}

#[tokio::test]
#[should_panic(expected = "10062 POST /interactions/")]
async fn teardown_panics_on_an_unnoticed_late_acknowledgement() {
    let rig = Rig::with(FakeConfig {
        ack_deadline: Duration::from_millis(50),
        ..FakeConfig::default()
    })
    .await;
    let c = rig.command();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = c.defer(&rig.http).await;
    // No wait follows: dropping the fake reports it.
}

#[tokio::test]
#[should_panic(expected = "50035 POST /channels/")]
async fn teardown_panics_on_an_oversized_message() {
    let rig = Rig::start().await;
    let _ = rig.http.send_message(rig.channel(), vec![], &json!({"content": text(2001)})).await;
}

#[tokio::test]
#[should_panic(expected = "acknowledged after")]
async fn assert_no_late_acknowledgements_names_them() {
    let rig = Rig::with(FakeConfig {
        ack_deadline: Duration::from_millis(50),
        ..FakeConfig::default()
    })
    .await;
    rig.fake.expect_refusals();
    let c = rig.command();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = c.defer(&rig.http).await;
    rig.fake.assert_no_late_acknowledgements();
}
