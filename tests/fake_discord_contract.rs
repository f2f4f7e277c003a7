//! Contract tests of the fake Discord in `tests/support/fake_discord`: every payload builder and
//! REST answer deserializes into serenity's own models, and the real serenity client and a poise
//! framework run against the fake (READY, events, replies, resume, rejected token).

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use serenity::all::{
    ActionRowComponent, ButtonStyle, Channel, ChannelId, ChannelType, Client, ClientBuilder, Command, CommandDataOptionValue,
    CommandInteraction, ComponentInteractionDataKind, Context, CreateActionRow, CreateAttachment, CreateButton, CreateCommand,
    CreateCommandOption, CreateEmbed, CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    CreateMessage, CreateThread, CurrentApplicationInfo, CurrentUser, EditInteractionResponse, EditMessage, EventHandler, GatewayError,
    GatewayIntents, GuildChannel, GuildCreateEvent, GuildId, Interaction, Message, MessageId, Permissions, PrivateChannel, Ready,
    ResolvedValue, UserId,
};
use serenity::model::event::{Event, GatewayEvent};
use serenity::model::gateway::BotGateway;
use support::fake_discord::payloads::{self, opt};
use support::fake_discord::*;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

const WAIT: Duration = Duration::from_secs(5);

fn parse<T: serde::de::DeserializeOwned>(what: &str, value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{what} does not deserialize into serenity's model: {e}\n{value:#}"))
}

/// Parses `data` the way serenity's shard does and returns the event.
fn gateway_event(name: &str, data: &Value) -> Event {
    check_dispatch(name, data).unwrap_or_else(|e| panic!("{e}"));
    match parse::<GatewayEvent>(name, &json!({"op": 0, "s": 1, "t": name, "d": data})) {
        GatewayEvent::Dispatch(_, event) => event,
        other => panic!("not a dispatch: {other:?}"),
    }
}

fn command(interaction: &Value) -> CommandInteraction {
    match parse::<Interaction>("interaction", interaction) {
        Interaction::Command(c) => c,
        other => panic!("expected a command interaction, got {other:?}"),
    }
}

// ---------------------------------------------------------------- payload builders

#[test]
fn slash_command_in_a_guild_carries_subcommand_options_and_member() {
    let fake_guild = GuildSpec::new("g");
    let user = FakeUser::fresh("candidate");
    let origin = Origin::new(
        7,
        Place::Guild {
            guild_id: fake_guild.id,
            channel_id: fake_guild.default_channel(),
        },
        &user,
    );
    let payload = payloads::slash_command(
        &origin,
        "interview",
        vec![opt::subcommand(
            "start",
            vec![opt::string("role", "senior-python"), opt::integer("per_area", 3)],
        )],
    );
    assert!(matches!(gateway_event("INTERACTION_CREATE", &payload), Event::InteractionCreate(_)));
    let c = command(&payload);
    assert_eq!(c.data.name, "interview");
    assert_eq!(c.guild_id, Some(GuildId::new(fake_guild.id)));
    assert_eq!(c.channel_id, ChannelId::new(fake_guild.default_channel()));
    assert_eq!(c.user.id, UserId::new(user.id), "serenity copies member.user into user");
    let member = c.member.as_ref().expect("member");
    assert_eq!(member.user.name, "candidate");
    assert!(member.permissions.expect("permissions").send_messages());
    assert_eq!(c.token, payload["token"].as_str().unwrap());
    assert_eq!(c.locale, "en-US");
    assert_eq!(c.attachment_size_limit as u64, ATTACHMENT_SIZE_LIMIT);
    assert!(c.app_permissions.is_some());
    let [sub] = c.data.options.as_slice() else {
        panic!("one option expected")
    };
    assert_eq!(sub.name, "start");
    let CommandDataOptionValue::SubCommand(inner) = &sub.value else {
        panic!("not a subcommand: {sub:?}")
    };
    assert_eq!(inner[0].name, "role");
    assert_eq!(inner[0].value, CommandDataOptionValue::String("senior-python".into()));
    assert_eq!(inner[1].value, CommandDataOptionValue::Integer(3));
}

#[test]
fn slash_command_in_a_dm_carries_user_and_no_guild() {
    let user = FakeUser::fresh("learner");
    let origin = Origin::new(7, Place::Dm { channel_id: snowflake() }, &user);
    let payload = payloads::slash_command(&origin, "practice", vec![opt::boolean("timed", true)]);
    let c = command(&payload);
    assert_eq!(c.guild_id, None);
    assert!(c.member.is_none());
    assert_eq!(c.user.id, UserId::new(user.id));
    assert_eq!(c.channel.as_ref().expect("channel").kind, ChannelType::Private);
    assert_eq!(c.data.options[0].value, CommandDataOptionValue::Boolean(true));
    gateway_event("INTERACTION_CREATE", &payload);
}

#[test]
fn attachment_option_resolves_through_data_resolved() {
    let user = FakeUser::fresh("uploader");
    let origin = Origin::new(
        7,
        Place::Guild {
            guild_id: snowflake(),
            channel_id: snowflake(),
        },
        &user,
    );
    let file = attachment_json(snowflake(), "answers.md", 42, Some("text/markdown"));
    let file_id = file["id"].as_str().unwrap().parse().unwrap();
    let payload = payloads::slash_command_resolved(
        &origin,
        "import",
        vec![opt::attachment("file", file_id)],
        payloads::resolved_attachments(&[file]),
    );
    let c = command(&payload);
    let options = c.data.options();
    let ResolvedValue::Attachment(attachment) = options[0].value else {
        panic!("{options:?}")
    };
    assert_eq!(attachment.filename, "answers.md");
    assert_eq!(attachment.size, 42);
    gateway_event("INTERACTION_CREATE", &payload);
}

#[test]
fn autocomplete_has_the_focused_option() {
    let user = FakeUser::fresh("typist");
    let origin = Origin::new(
        7,
        Place::Guild {
            guild_id: snowflake(),
            channel_id: snowflake(),
        },
        &user,
    );
    let payload = payloads::autocomplete(
        &origin,
        "interview",
        vec![opt::subcommand("start", vec![opt::focused("role", "sen")])],
    );
    let Interaction::Autocomplete(a) = parse::<Interaction>("autocomplete", &payload) else {
        panic!()
    };
    let focused = a.data.autocomplete().expect("focused option");
    assert_eq!((focused.name, focused.value), ("role", "sen"));
    gateway_event("INTERACTION_CREATE", &payload);
}

fn bot_message_with_buttons(channel_id: u64) -> Value {
    let bot = FakeUser::bot(snowflake(), "bot");
    let mut message = message_json(snowflake(), channel_id, &bot.json(), "Question 1");
    message["components"] = json!([{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Submit answer", "custom_id": "submit"},
        {"type": 2, "style": 2, "label": "Hint", "custom_id": "hint"}]}]);
    message
}

#[test]
fn button_and_select_clicks_carry_custom_id_values_and_message() {
    let user = FakeUser::fresh("clicker");
    let channel_id = snowflake();
    let origin = Origin::new(
        7,
        Place::Guild {
            guild_id: snowflake(),
            channel_id,
        },
        &user,
    );
    let message = bot_message_with_buttons(channel_id);

    let click = payloads::button_click(&origin, &message, "submit");
    let Interaction::Component(c) = parse::<Interaction>("button", &click) else {
        panic!()
    };
    assert_eq!(c.data.custom_id, "submit");
    assert!(matches!(c.data.kind, ComponentInteractionDataKind::Button));
    assert_eq!(c.message.content, "Question 1");
    assert_eq!(c.message.components[0].components.len(), 2);
    let ActionRowComponent::Button(button) = &c.message.components[0].components[0] else {
        panic!()
    };
    assert_eq!(button.label.as_deref(), Some("Submit answer"));
    let serenity::all::ButtonKind::NonLink { custom_id, style } = &button.data else {
        panic!()
    };
    assert_eq!((custom_id.as_str(), *style), ("submit", ButtonStyle::Primary));
    gateway_event("INTERACTION_CREATE", &click);

    let choose = payloads::select_click(&origin, &message, "rubric", &["1", "3"]);
    let Interaction::Component(c) = parse::<Interaction>("select", &choose) else {
        panic!()
    };
    assert_eq!(c.data.custom_id, "rubric");
    let ComponentInteractionDataKind::StringSelect { values } = &c.data.kind else {
        panic!("{:?}", c.data.kind)
    };
    assert_eq!(values, &["1", "3"]);
    gateway_event("INTERACTION_CREATE", &choose);
}

#[test]
fn modal_submit_carries_text_inputs() {
    let user = FakeUser::fresh("writer");
    let channel_id = snowflake();
    let origin = Origin::new(7, Place::Dm { channel_id }, &user);
    let message = bot_message_with_buttons(channel_id);
    let payload = payloads::modal_submit(&origin, "answer-form", &[("answer", "Use a queue.")], Some(&message));
    let Interaction::Modal(m) = parse::<Interaction>("modal", &payload) else {
        panic!()
    };
    assert_eq!(m.data.custom_id, "answer-form");
    let ActionRowComponent::InputText(input) = &m.data.components[0].components[0] else {
        panic!()
    };
    assert_eq!((input.custom_id.as_str(), input.value.as_deref()), ("answer", Some("Use a queue.")));
    assert_eq!(m.message.as_ref().expect("message").content, "Question 1");
    assert_eq!(m.user.id, UserId::new(user.id));
    let without_message = payloads::modal_submit(&origin, "answer-form", &[("a", "b"), ("c", "d")], None);
    let Interaction::Modal(m) = parse::<Interaction>("modal", &without_message) else {
        panic!()
    };
    assert_eq!(m.data.components.len(), 2);
    gateway_event("INTERACTION_CREATE", &payload);
}

#[test]
fn message_create_in_guild_thread_and_dm() {
    let author = FakeUser::fresh("answerer");
    let guild_id = snowflake();
    let places = [
        Place::Guild {
            guild_id,
            channel_id: snowflake(),
        },
        Place::Thread {
            guild_id,
            parent_id: snowflake(),
            thread_id: snowflake(),
            private: true,
        },
        Place::Dm { channel_id: snowflake() },
    ];
    for place in places {
        let payload = payloads::message_create(&place, &author, "my answer");
        let Event::MessageCreate(event) = gateway_event("MESSAGE_CREATE", &payload) else {
            panic!()
        };
        let m = event.message;
        assert_eq!(m.content, "my answer");
        assert_eq!(m.author.id, UserId::new(author.id));
        assert_eq!(m.channel_id, ChannelId::new(place.channel_id()));
        assert_eq!(m.guild_id.map(|g| g.get()), place.guild_id());
        assert_eq!(m.member.is_some(), place.guild_id().is_some());
    }
}

#[test]
fn ready_and_guild_create_give_the_bot_permissions() {
    let spec = GuildSpec::new("guild");
    let bot = FakeUser::bot(snowflake(), "bot");
    let ready = ready_json(&bot, 99, &[spec.id], "session", "ws://127.0.0.1:1/gateway", [0, 1]);
    let Event::Ready(ready_event) = gateway_event("READY", &ready) else {
        panic!()
    };
    let r: Ready = ready_event.ready;
    assert_eq!((r.version, r.user.id, r.application.id.get()), (10, UserId::new(bot.id), 99));
    assert_eq!(r.guilds[0].id, GuildId::new(spec.id));
    assert_eq!(r.session_id, "session");

    let data = guild_create_json(&spec, &bot);
    let Event::GuildCreate(event) = gateway_event("GUILD_CREATE", &data) else {
        panic!()
    };
    let guild = parse::<GuildCreateEvent>("guild", &data).guild;
    assert_eq!(event.guild.id, guild.id);
    let channel = &guild.channels[&ChannelId::new(spec.default_channel())];
    let member = &guild.members[&UserId::new(bot.id)];
    let allowed = guild.user_permissions_in(channel, member);
    assert!(allowed.contains(Permissions::SEND_MESSAGES | Permissions::CREATE_PUBLIC_THREADS));
    assert!(guild.roles.values().all(|r| r.colours.primary_colour.0 == 0));
}

#[test]
fn channels_commands_and_application_info_are_serenity_models() {
    let user = FakeUser::fresh("u");
    let (guild_id, parent) = (snowflake(), snowflake());
    let text = parse::<Channel>("text channel", &text_channel_json(guild_id, parent, "general", 0));
    assert_eq!(text.guild().expect("guild channel").kind, ChannelType::Text);
    let thread = parse::<GuildChannel>("thread", &thread_json(guild_id, parent, snowflake(), "t", true, user.id, 60));
    assert_eq!(
        (thread.kind, thread.parent_id),
        (ChannelType::PrivateThread, Some(ChannelId::new(parent)))
    );
    let dm = parse::<PrivateChannel>("dm", &dm_channel_json(snowflake(), &user));
    assert_eq!(dm.recipient.id, UserId::new(user.id));
    let request = json!({"name": "interview", "description": "Mock interviews", "options": [
        {"type": 1, "name": "start", "description": "Start", "options": [
            {"type": 3, "name": "role", "description": "Role", "required": true, "autocomplete": true}]}]});
    let cmd = parse::<Command>("command", &command_json(snowflake(), 5, Some(guild_id), &request));
    assert_eq!((cmd.name.as_str(), cmd.options[0].options[0].name.as_str()), ("interview", "role"));
    let info = parse::<CurrentApplicationInfo>("app", &application_info_json(5, &FakeUser::bot(5, "b"), &user));
    assert_eq!(info.owner.expect("owner").id, UserId::new(user.id));
    let me = parse::<CurrentUser>("current user", &FakeUser::bot(5, "b").current_user_json());
    assert!(me.bot);
}

// ---------------------------------------------------------------- REST answers

fn discord_error(result: Result<impl std::fmt::Debug, serenity::Error>) -> (u16, isize) {
    match result {
        Err(serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(e))) => (e.status_code.as_u16(), e.error.code),
        other => panic!("expected an unsuccessful request, got {other:?}"),
    }
}

#[tokio::test]
async fn rest_identity_endpoints_answer_serenity_models() {
    let fake = FakeDiscord::start().await;
    let http = fake.http();
    assert_eq!(http.get_gateway().await.expect("gateway").url, fake.gateway_url());
    let bot_gateway: BotGateway = http.get_bot_gateway().await.expect("gateway/bot");
    assert_eq!((bot_gateway.shards, bot_gateway.session_start_limit.max_concurrency), (1, 1));
    let info = http.get_current_application_info().await.expect("application");
    assert_eq!(info.id.get(), fake.application_id());
    assert_eq!(info.owner.expect("owner").id.get(), fake.guild().owner.id);
    let me = http.get_current_user().await.expect("users/@me");
    assert_eq!((me.id.get(), me.bot), (fake.bot_user().id, true));
    let recorded = fake.requests_matching("GET", "/oauth2/applications/@me");
    parse::<CurrentApplicationInfo>("recorded application", &recorded[0].response);

    // Unknown routes answer 404 and are recorded; a wrong token gets 401.
    let (status, _) = discord_error(GuildId::new(fake.guild_id()).to_partial_guild(&http).await);
    assert_eq!(status, 404);
    assert_eq!(fake.requests_matching("GET", "/guilds/")[0].status, 404);
    assert_eq!(discord_error(fake.http_with_token("wrong").get_current_user().await), (401, 0));
}

#[tokio::test]
async fn rest_messages_threads_and_files() {
    let fake = FakeDiscord::start().await;
    let http = fake.http();
    let channel = ChannelId::new(fake.channel_id());
    let buttons = CreateActionRow::Buttons(vec![CreateButton::new("submit").label("Submit answer")]);
    let sent = channel
        .send_message(
            &http,
            CreateMessage::new()
                .content("Q1")
                .embed(CreateEmbed::new().title("Rubric"))
                .components(vec![buttons]),
        )
        .await
        .expect("send");
    assert_eq!((sent.content.as_str(), sent.author.id.get()), ("Q1", fake.bot_user().id));
    assert_eq!(sent.embeds[0].title.as_deref(), Some("Rubric"));
    let ActionRowComponent::Button(button) = &sent.components[0].components[0] else {
        panic!()
    };
    assert_eq!(button.label.as_deref(), Some("Submit answer"));
    let recorded = fake
        .wait_for_request(|r| r.is("POST", &format!("/channels/{channel}/messages")), WAIT)
        .await;
    assert_eq!(recorded.body["content"], "Q1");
    assert_eq!(parse::<Message>("recorded message", &recorded.response).id, sent.id);
    assert_eq!(fake.messages_in(channel.get()).len(), 1);

    let edited = channel
        .edit_message(&http, sent.id, EditMessage::new().content("Q1 (edited)"))
        .await
        .expect("edit");
    assert_eq!(edited.content, "Q1 (edited)");
    assert!(edited.edited_timestamp.is_some());

    let public = channel
        .create_thread_from_message(&http, sent.id, CreateThread::new("Interview"))
        .await
        .expect("thread");
    assert_eq!(
        (public.kind, public.parent_id, public.id.get()),
        (ChannelType::PublicThread, Some(channel), sent.id.get())
    );
    let private = channel
        .create_thread(&http, CreateThread::new("Review").kind(ChannelType::PrivateThread))
        .await
        .expect("private thread");
    assert_eq!(
        (private.kind, private.guild_id.get()),
        (ChannelType::PrivateThread, fake.guild_id())
    );
    let created = fake.requests_matching("POST", &format!("/channels/{channel}/threads"));
    let mut event = created[0].response.clone();
    event["newly_created"] = json!(true); // what the fake echoes on the gateway
    check_dispatch("THREAD_CREATE", &event).expect("valid THREAD_CREATE");
    let Channel::Guild(fetched) = private.id.to_channel(&http).await.expect("get channel") else {
        panic!()
    };
    assert_eq!(fetched.name, "Review");
    let in_thread = private
        .id
        .send_message(&http, CreateMessage::new().content("in thread"))
        .await
        .expect("send");
    assert_eq!(in_thread.channel_id, private.id);

    let file = CreateAttachment::bytes(b"# transcript\n".to_vec(), "transcript.md");
    let with_file = channel
        .send_message(&http, CreateMessage::new().content("done").add_file(file))
        .await
        .expect("file");
    assert_eq!(
        (with_file.attachments[0].filename.as_str(), with_file.attachments[0].size),
        ("transcript.md", 13)
    );
    let upload = fake
        .requests()
        .into_iter()
        .rfind(|r| !r.files.is_empty())
        .expect("multipart request");
    assert_eq!(upload.body["content"], "done", "payload_json is recorded as the body");
    assert_eq!(
        (upload.files[0].filename.as_str(), upload.files[0].bytes.as_slice()),
        ("transcript.md", &b"# transcript\n"[..])
    );
    assert_eq!(discord_error(ChannelId::new(1).say(&http, "nowhere").await), (404, 10003));
}

#[tokio::test]
async fn rest_direct_messages_and_closed_dms() {
    let fake = FakeDiscord::start().await;
    let http = fake.http();
    let open = FakeUser::fresh("open");
    let closed = FakeUser::fresh("closed");
    let dm = UserId::new(open.id).create_dm_channel(&http).await.expect("dm channel");
    assert_eq!((dm.kind, dm.recipient.id.get()), (ChannelType::Private, open.id));
    assert_eq!(dm.id.get(), fake.dm_channel_id(&open), "one DM channel per user");
    dm.id.say(&http, "hello").await.expect("DM");
    let recorded = fake.requests_matching("POST", "/users/@me/channels");
    parse::<PrivateChannel>("recorded DM channel", &recorded[0].response);

    fake.close_dms(closed.id);
    let dm = UserId::new(closed.id)
        .create_dm_channel(&http)
        .await
        .expect("the channel still opens");
    assert_eq!(discord_error(dm.id.say(&http, "hello").await), (403, 50007));
    fake.open_dms(closed.id);
    dm.id.say(&http, "hello again").await.expect("DMs open again");
}

#[tokio::test]
async fn rest_command_registration_echoes_commands() {
    let fake = FakeDiscord::start().await;
    let http = fake.http();
    let start = CreateCommandOption::new(serenity::all::CommandOptionType::SubCommand, "start", "Start an interview").add_sub_option(
        CreateCommandOption::new(serenity::all::CommandOptionType::String, "role", "Role")
            .required(true)
            .set_autocomplete(true),
    );
    let commands = vec![CreateCommand::new("interview").description("Mock interviews").add_option(start)];
    let registered = GuildId::new(fake.guild_id())
        .set_commands(&http, commands.clone())
        .await
        .expect("guild commands");
    assert_eq!(registered[0].name, "interview");
    assert_eq!(registered[0].options[0].options[0].name, "role");
    assert_eq!(registered[0].guild_id.map(|g| g.get()), Some(fake.guild_id()));
    let again = GuildId::new(fake.guild_id())
        .set_commands(&http, commands.clone())
        .await
        .expect("again");
    assert_eq!(again[0].id, registered[0].id, "ids are stable across bulk overwrites");
    let global = Command::set_global_commands(&http, commands).await.expect("global commands");
    assert_eq!((global[0].guild_id, fake.registered_commands(None).len()), (None, 1));
}

#[tokio::test]
async fn rest_interaction_callbacks_and_webhooks() {
    let fake = FakeDiscord::start().await;
    fake.expect_refusals(); // a second and an unknown callback below
    let http = fake.http();
    let user = FakeUser::fresh("candidate");
    let payload = payloads::slash_command(&fake.in_guild(&user), "interview", vec![]);
    fake.dispatch("INTERACTION_CREATE", payload.clone()); // no client yet: the fake only learns it
    let c = command(&payload);
    let reply = CreateInteractionResponseMessage::new()
        .content("Starting")
        .components(vec![CreateActionRow::Buttons(vec![CreateButton::new("hint").label("Hint")])]);
    c.create_response(&http, CreateInteractionResponse::Message(reply))
        .await
        .expect("callback");
    let callback = fake
        .wait_for_request(|r| r.is("POST", &format!("/interactions/{}/", c.id)), WAIT)
        .await;
    assert_eq!((callback.status, callback.body["type"].as_u64()), (204, Some(4)));
    let again = c.create_response(&http, CreateInteractionResponse::Acknowledge).await;
    assert_eq!(discord_error(again), (400, 40060));

    let original = c.get_response(&http).await.expect("@original");
    assert_eq!(original.content, "Starting");
    let edited = c
        .edit_response(&http, EditInteractionResponse::new().content("Started"))
        .await
        .expect("edit");
    assert_eq!((edited.id, edited.content.as_str()), (original.id, "Started"));
    let follow = c
        .create_followup(&http, CreateInteractionResponseFollowup::new().content("Private").ephemeral(true))
        .await
        .expect("follow-up");
    assert!(follow.flags.expect("flags").contains(serenity::all::MessageFlags::EPHEMERAL));
    let follow = c
        .edit_followup(&http, follow.id, CreateInteractionResponseFollowup::new().content("Edited"))
        .await
        .expect("edit");
    assert_eq!(follow.content, "Edited");
    let through_channel = follow.channel_id.edit_message(&http, follow.id, EditMessage::new().content("x"));
    assert_eq!(discord_error(through_channel.await), (404, 10008), "ephemeral: webhook only");
    c.delete_followup(&http, follow.id).await.expect("delete follow-up");
    assert!(fake.message(follow.id.get()).is_none());

    // A button on the original reply: update the message it sits on (type 7).
    let message = fake.message(original.id.get()).expect("stored original");
    let click = payloads::button_click(&fake.in_guild(&user), &message, "hint");
    fake.push_interaction(click.clone());
    let Interaction::Component(b) = parse::<Interaction>("click", &click) else {
        panic!()
    };
    let update = CreateInteractionResponseMessage::new().content("Hint: think in queues");
    b.create_response(&http, CreateInteractionResponse::UpdateMessage(update))
        .await
        .expect("update");
    assert_eq!(
        fake.message(original.id.get()).expect("message")["content"],
        "Hint: think in queues"
    );

    // Deferred ephemeral reply, then the edit that fills it.
    let deferred = payloads::slash_command(&fake.in_dm(&user), "practice", vec![]);
    fake.push_interaction(deferred.clone());
    let d = command(&deferred);
    d.defer_ephemeral(&http).await.expect("defer");
    let filled = d
        .edit_response(&http, EditInteractionResponse::new().content("Ready"))
        .await
        .expect("fill");
    let flags = filled.flags.expect("flags");
    assert!(flags.contains(serenity::all::MessageFlags::EPHEMERAL) && !flags.contains(serenity::all::MessageFlags::LOADING));
    assert_eq!(filled.channel_id.get(), fake.dm_channel_id(&user));
    for r in fake
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/webhooks/") && r.status == 200)
    {
        parse::<Message>("recorded webhook message", &r.response);
    }
    let unknown = payloads::slash_command(&fake.in_guild(&user), "never-dispatched", vec![]);
    let result = command(&unknown)
        .create_response(&http, CreateInteractionResponse::Acknowledge)
        .await;
    assert_eq!(discord_error(result), (404, 10062));
}

#[tokio::test]
#[should_panic(expected = "timed out after")]
async fn waits_panic_with_the_recorded_requests() {
    let fake = FakeDiscord::start().await;
    let _ = fake.http().get_current_user().await;
    fake.wait_for_request(|r| r.is("DELETE", "/nothing"), Duration::from_millis(100))
        .await;
}

#[test]
fn invalid_dispatches_are_refused_loudly() {
    let mut payload = payloads::slash_command(&Origin::new(1, Place::Dm { channel_id: 2 }, &FakeUser::new(3, "u")), "x", vec![]);
    payload.as_object_mut().unwrap().remove("attachment_size_limit");
    let error = check_dispatch("INTERACTION_CREATE", &payload).expect_err("must be refused");
    assert!(error.contains("attachment_size_limit"), "{error}");
}

// ---------------------------------------------------------------- the real serenity client

#[derive(Debug)]
enum Seen {
    Ready(Box<Ready>),
    Interaction(Box<Interaction>),
    Message(Box<Message>),
}

struct Forward(mpsc::UnboundedSender<Seen>);

#[serenity::async_trait]
impl EventHandler for Forward {
    async fn ready(&self, _: Context, ready: Ready) {
        let _ = self.0.send(Seen::Ready(Box::new(ready)));
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        // Forward first: the reply's echoed MESSAGE_CREATE must not overtake it.
        let _ = self.0.send(Seen::Interaction(Box::new(interaction.clone())));
        if let Interaction::Command(c) = &interaction {
            if c.data.name == "ping" {
                let reply = CreateInteractionResponseMessage::new().content("pong");
                c.create_response(&ctx.http, CreateInteractionResponse::Message(reply))
                    .await
                    .expect("reply");
            }
        }
    }

    async fn message(&self, _: Context, message: Message) {
        let _ = self.0.send(Seen::Message(Box::new(message)));
    }
}

/// Starts a serenity client the way the bot does (proxy + rate limiter off) in a task.
async fn start_client(fake: &FakeDiscord, token: &str) -> (mpsc::UnboundedReceiver<Seen>, JoinHandle<serenity::Result<()>>) {
    let http = serenity::http::HttpBuilder::new(token)
        .proxy(fake.api_base())
        .ratelimiter_disabled(true)
        .build();
    let (tx, rx) = mpsc::unbounded_channel();
    let intents = GatewayIntents::non_privileged() | GatewayIntents::MESSAGE_CONTENT;
    let mut client: Client = ClientBuilder::new_with_http(http, intents)
        .event_handler(Forward(tx))
        .await
        .expect("client");
    (rx, tokio::spawn(async move { client.start().await }))
}

/// The next event `pick` accepts (others are skipped), within `WAIT`.
async fn next<T>(rx: &mut mpsc::UnboundedReceiver<Seen>, what: &str, pick: impl Fn(Seen) -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(seen)) => {
                if let Some(found) = pick(seen) {
                    return found;
                }
            }
            Ok(None) => panic!("event handler gone while waiting for {what}"),
            Err(_) => panic!("timed out waiting for {what}"),
        }
    }
}

async fn next_message(rx: &mut mpsc::UnboundedReceiver<Seen>, content: &str) -> Message {
    next(rx, &format!("message {content:?}"), |s| match s {
        Seen::Message(m) if m.content == content => Some(*m),
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serenity_client_gets_ready_events_replies_and_resumes() {
    let fake = FakeDiscord::start().await;
    let (mut rx, client) = start_client(&fake, fake.token()).await;
    let ready = next(&mut rx, "READY", |s| match s {
        Seen::Ready(r) => Some(r),
        _ => None,
    })
    .await;
    assert_eq!((ready.user.id.get(), ready.guilds.len()), (fake.bot_user().id, 1));
    fake.wait_identified(WAIT).await;

    let user = FakeUser::fresh("candidate");
    let ping = payloads::slash_command(&fake.in_guild(&user), "ping", vec![opt::string("note", "hi")]);
    fake.push_interaction(ping.clone());
    let seen = next(&mut rx, "the ping interaction", |s| match s {
        Seen::Interaction(i) => i.command(),
        _ => None,
    })
    .await;
    assert_eq!((seen.data.name.as_str(), seen.user.id.get()), ("ping", user.id));
    assert_eq!(seen.data.options[0].value, CommandDataOptionValue::String("hi".into()));
    let callback = fake
        .wait_for_request(|r| r.is("POST", &format!("/interactions/{}/", seen.id)), WAIT)
        .await;
    assert_eq!(
        (callback.body["type"].as_u64(), callback.body["data"]["content"].as_str()),
        (Some(4), Some("pong"))
    );
    let echoed = next_message(&mut rx, "pong").await; // Discord echoes the bot's own messages
    assert_eq!(echoed.author.id.get(), fake.bot_user().id);

    fake.push_message(payloads::message_create(&fake.in_guild(&user).place, &user, "first answer"));
    let m = next_message(&mut rx, "first answer").await;
    assert_eq!((m.author.id.get(), m.guild_id.map(|g| g.get())), (user.id, Some(fake.guild_id())));
    fake.push_message(payloads::message_create(&fake.in_dm(&user).place, &user, "in a DM"));
    assert_eq!(next_message(&mut rx, "in a DM").await.guild_id, None);

    fake.reconnect(); // op 7
    fake.wait_resume_count(1, WAIT).await;
    fake.push_message(payloads::message_create(&fake.in_guild(&user).place, &user, "after op 7"));
    next_message(&mut rx, "after op 7").await;

    fake.close_connections(4000); // the event below is sent while the client reconnects
    fake.push_message(payloads::message_create(&fake.in_guild(&user).place, &user, "during the drop"));
    fake.wait_resume_count(2, WAIT).await;
    next_message(&mut rx, "during the drop").await;
    assert_eq!(fake.identify_count(), 1, "serenity resumed instead of identifying again");
    assert!(!client.is_finished());
    client.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serenity_client_gives_up_on_a_rejected_token() {
    let fake = FakeDiscord::start().await;
    let (_rx, client) = start_client(&fake, "not-the-token").await;
    let result = tokio::time::timeout(WAIT, client)
        .await
        .expect("client gives up in time")
        .expect("join");
    assert!(
        matches!(result, Err(serenity::Error::Gateway(GatewayError::InvalidAuthentication))),
        "{result:?}"
    );

    fake.set_reject_token(true); // even the right token is refused now
    let (_rx, client) = start_client(&fake, fake.token()).await;
    let result = tokio::time::timeout(WAIT, client)
        .await
        .expect("client gives up in time")
        .expect("join");
    assert!(
        matches!(result, Err(serenity::Error::Gateway(GatewayError::InvalidAuthentication))),
        "{result:?}"
    );
    assert_eq!(fake.identify_count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serenity_heartbeats_are_acknowledged() {
    // The shortest interval serenity copes with; the first heartbeat comes after ~1 s.
    let config = FakeConfig {
        heartbeat_interval_ms: 1000,
        ..FakeConfig::default()
    };
    let fake = FakeDiscord::start_with(config).await;
    let mut client = ClientBuilder::new_with_http(fake.http(), GatewayIntents::non_privileged())
        .await
        .expect("client");
    let manager = client.shard_manager.clone();
    let task = tokio::spawn(async move { client.start().await });
    let deadline = tokio::time::Instant::now() + WAIT;
    // serenity records a latency only when the ACK (op 11) for its heartbeat arrives.
    let latency = loop {
        let runners = manager.runners.lock().await;
        if let Some(latency) = runners.get(&serenity::all::ShardId(0)).and_then(|r| r.latency) {
            break latency;
        }
        drop(runners);
        assert!(tokio::time::Instant::now() < deadline, "no heartbeat ACK\n{}", fake.describe());
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(latency < Duration::from_secs(1));
    assert!(fake.heartbeat_count() >= 1);
    assert_eq!((fake.identify_count(), fake.resume_count()), (1, 0));
    task.abort();
}

// ---------------------------------------------------------------- poise

type PoiseContext<'a> = poise::Context<'a, (), serenity::Error>;

/// Replies pong.
#[poise::command(slash_command)]
async fn ping(ctx: PoiseContext<'_>) -> Result<(), serenity::Error> {
    ctx.say("pong from poise").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poise_registers_in_a_guild_and_runs_a_command() {
    let fake = FakeDiscord::start().await;
    let guild_id = GuildId::new(fake.guild_id());
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: vec![ping()],
            ..Default::default()
        })
        .setup(move |ctx, _ready, framework| {
            Box::pin(async move {
                poise::builtins::register_in_guild(ctx, &framework.options().commands, guild_id).await?;
                Ok(())
            })
        })
        .build();
    let http = serenity::http::HttpBuilder::new(fake.token())
        .proxy(fake.api_base())
        .ratelimiter_disabled(true)
        .build();
    let mut client = ClientBuilder::new_with_http(http, GatewayIntents::non_privileged())
        .framework(framework)
        .await
        .expect("client");
    let task = tokio::spawn(async move { client.start().await });

    fake.wait_for_request(|r| r.is("GET", "/oauth2/applications/@me") && r.status == 200, WAIT)
        .await;
    let path = format!("/applications/{}/guilds/{}/commands", fake.application_id(), guild_id);
    let put = fake.wait_for_request(|r| r.is("PUT", &path), WAIT).await;
    assert_eq!((put.status, put.body[0]["name"].as_str()), (200, Some("ping")));
    parse::<Vec<Command>>("registered commands", &put.response);

    let user = FakeUser::fresh("member");
    let invocation = payloads::slash_command(&fake.in_guild(&user), "ping", vec![]);
    fake.push_interaction(invocation.clone());
    let id = invocation["id"].as_str().unwrap().to_owned();
    let reply = fake.wait_for_request(|r| r.is("POST", &format!("/interactions/{id}/")), WAIT).await;
    assert_eq!((reply.status, reply.body["type"].as_u64()), (204, Some(4)));
    assert_eq!(reply.body["data"]["content"], "pong from poise");
    let original = fake.original_response(invocation["token"].as_str().unwrap()).expect("original");
    assert_eq!(
        parse::<Message>("original", &original).id,
        MessageId::new(original["id"].as_str().unwrap().parse().unwrap())
    );
    task.abort();
}

#[tokio::test]
async fn rest_reading_a_channels_messages_pages_like_discord() {
    let fake = FakeDiscord::start().await;
    let http = fake.http();
    let channel = ChannelId::new(fake.channel_id());
    let user = FakeUser::fresh("reader");
    let mut ids = Vec::new();
    for i in 0..5 {
        let m = payloads::message_create(&fake.in_guild(&user).place, &user, &format!("message {i}"));
        ids.push(m["id"].as_str().unwrap().parse::<u64>().unwrap());
        fake.push_message(m);
    }
    // `after` gives the oldest messages after it, newest first, as serenity's `Message`s.
    let page = channel
        .messages(&http, serenity::all::GetMessages::new().after(MessageId::new(ids[1])).limit(2))
        .await
        .expect("messages");
    assert_eq!(page.iter().map(|m| m.id.get()).collect::<Vec<_>>(), [ids[3], ids[2]]);
    // Without it, the newest.
    let newest = channel
        .messages(&http, serenity::all::GetMessages::new().limit(1))
        .await
        .expect("messages");
    assert_eq!(newest[0].id.get(), ids[4]);
    // Discord caps a page at 100 (a refusal this test provokes on purpose).
    fake.expect_refusals();
    let over = http.get_messages(channel, None, Some(101)).await;
    assert_eq!(discord_error(over), (400, 50035));
    let (status, code) = discord_error(ChannelId::new(1).messages(&http, serenity::all::GetMessages::new()).await);
    assert_eq!((status, code), (404, 10003));
}
