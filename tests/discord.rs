//! End-to-end: the real bot (serenity + poise) against the fake Discord on 127.0.0.1, each test
//! on a fresh database. Asserts the Discord requests made and the rows stored.

mod support;

use serde_json::{json, Value};
use sqlx::Row;
use support::bot::{
    after_defer, callback, click, custom_id, interaction_id, message_with, push, response, text_of, token, type_answer, Bot, WAIT,
};
use support::fake_discord::payloads::{message_create, modal_submit, select_click, slash_command};
use support::fake_discord::{opt, FakeDiscord, FakeUser, Origin};

fn start_options(areas: &str) -> Vec<Value> {
    vec![opt::subcommand(
        "start",
        vec![opt::string("areas", areas), opt::integer("per_area", 1)],
    )]
}

/// `/interview start` in the default channel; returns the thread id.
async fn start_in_thread(fake: &FakeDiscord, user: &FakeUser) -> u64 {
    let ix = push(fake, slash_command(&fake.in_guild(user), "interview", start_options("python")));
    let deferred = callback(fake, &interaction_id(&ix)).await;
    assert_eq!(deferred.body["type"], 5, "acknowledged at once (deferred)");
    assert_eq!(deferred.body["data"]["flags"], 64, "privately");
    let created = fake
        .wait_for_request(|r| r.is("POST", &format!("/channels/{}/threads", fake.channel_id())), WAIT)
        .await;
    assert_eq!(created.body["type"], 11, "a public thread by default");
    assert!(created.body["name"].as_str().unwrap().contains(&user.username));
    let thread: u64 = created.response["id"].as_str().unwrap().parse().unwrap();
    fake.wait_for_request(|r| r.is("PUT", &format!("/channels/{thread}/thread-members/{}", user.id)), WAIT)
        .await;
    let said = after_defer(fake, &ix).await;
    assert!(said["content"].as_str().unwrap().contains(&format!("<#{thread}>")), "{said}");
    assert_eq!(said["flags"], 64);
    thread
}

fn thread_origin(fake: &FakeDiscord, thread: u64, user: &FakeUser) -> Origin {
    fake.in_thread(thread, user)
}

async fn sessions(bot: &Bot) -> Vec<(String, String, String)> {
    sqlx::query("SELECT scope, mode, status FROM sessions ORDER BY created_at")
        .fetch_all(bot.store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

async fn count(bot: &Bot, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(bot.store.pool()).await.unwrap().get(0)
}

/// Answers the current question and its follow-up by typing, then scores it through the rubric.
async fn answer_and_score(
    bot: &Bot,
    fake: &FakeDiscord,
    origin: &Origin,
    channel: u64,
    user: &FakeUser,
) -> support::fake_discord::RecordedRequest {
    let question = message_with(fake, channel, "Submit answer").await;
    type_answer(
        bot,
        fake,
        &origin.place,
        user,
        "Shallow copies share nested objects; deepcopy copies recursively.",
    )
    .await;
    let submit = click(fake, origin, &question, "Submit answer").await;
    let follow_up = response(fake, &submit).await;
    assert!(text_of(&follow_up).contains("Follow-up 1 of 1"), "{}", text_of(&follow_up));
    assert!(
        text_of(&follow_up).contains("Answer saved (1 message, 65 characters)"),
        "Submit confirms the typed parts: {}",
        text_of(&follow_up)
    );
    type_answer(bot, fake, &origin.place, user, "A follow-up answer.").await;
    let submit = click(fake, origin, &follow_up, "Submit answer").await;
    let rubric = response(fake, &submit).await;
    assert!(text_of(&rubric).contains("Score your answer"), "{}", text_of(&rubric));
    assert!(
        text_of(&rubric).contains("Also weigh, for this area:"),
        "the area's general rubric: {}",
        text_of(&rubric)
    );
    let select = push(fake, select_click(origin, &rubric, &custom_id(&rubric, "Checklist"), &["0", "2"]));
    let updated = callback(fake, &interaction_id(&select)).await;
    assert_eq!(updated.body["type"], 7, "the checklist updates the rubric message in place");
    assert!(updated.body["data"]["content"].as_str().unwrap().starts_with("Ticked 2 of"));
    let rate = click(fake, origin, &rubric, "3 ·").await;
    let rated = callback(fake, &interaction_id(&rate)).await;
    assert_eq!(rated.body["type"], 4);
    rated
}

#[tokio::test]
async fn a_channel_interview_from_start_to_summary() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("casey");
    let thread = start_in_thread(&fake, &cand).await;
    let intro = fake.messages_in(thread);
    let first = text_of(&intro[0]);
    assert!(
        first.contains("Senior Python Developer mock interview") && first.contains("1 questions across Python language proficiency"),
        "{first}"
    );
    let origin = thread_origin(&fake, thread, &cand);
    let done = answer_and_score(&bot, &fake, &origin, thread, &cand).await;
    let text = text_of(&done.body["data"]);
    assert!(text.contains("Talking points covered"), "{text}");
    assert!(text.contains("||"), "the model outline sits behind a spoiler");
    assert!(text.contains("Summary · Senior Python Developer"), "{text}");
    assert!(
        text.contains("**Overall**: answered 1/1 · skipped 0 · self 3.0/4 (lean hire)"),
        "{text}"
    );
    assert_eq!(done.files.len(), 1);
    assert_eq!(done.files[0].filename, "transcript.md");
    let md = String::from_utf8_lossy(&done.files[0].bytes);
    assert!(
        md.contains("> Shallow copies share nested objects") && md.contains("Self-score: 3/4"),
        "{md}"
    );

    assert_eq!(
        sessions(&bot).await,
        vec![(format!("guild:{}", fake.guild_id()), "channel".into(), "finished".into())]
    );
    assert_eq!(count(&bot, "SELECT COUNT(*) FROM answers").await, 2);
    assert!(
        !fake.requests().iter().any(|r| r.path.contains("/reactions/")),
        "typed parts cost no Discord call"
    );
    let score = sqlx::query("SELECT ticks, rating, kind FROM scores")
        .fetch_one(bot.store.pool())
        .await
        .unwrap();
    assert_eq!(
        (score.get::<String, _>(0), score.get::<i64, _>(1), score.get::<String, _>(2)),
        ("[0,2]".into(), 3, "self".into())
    );
    bot.stop().await;
}

#[tokio::test]
async fn dm_practice_from_practice_command_to_summary() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("dana");
    let ix = push(
        &fake,
        slash_command(
            &fake.in_guild(&cand),
            "practice",
            vec![opt::string("areas", "python"), opt::integer("per_area", 1)],
        ),
    );
    assert_eq!(callback(&fake, &interaction_id(&ix)).await.body["data"]["flags"], 64);
    let dm = fake.wait_for_request(|r| r.is("POST", "/users/@me/channels"), WAIT).await;
    assert_eq!(dm.body["recipient_id"], cand.id.to_string());
    let dm_channel = fake.dm_channel_id(&cand);
    let said = after_defer(&fake, &ix).await;
    assert!(said["content"].as_str().unwrap().contains("sent you a DM"), "{said}");
    let origin = fake.in_dm(&cand);
    let done = answer_and_score(&bot, &fake, &origin, dm_channel, &cand).await;
    assert!(text_of(&done.body["data"]).contains("Summary · Senior Python Developer"));
    assert_eq!(sessions(&bot).await, vec![("dm".into(), "dm".into(), "finished".into())]);
    // Nothing from the DM session was posted in the server's channel.
    let public: Vec<Value> = fake
        .messages_in(fake.channel_id())
        .into_iter()
        .filter(|m| m["flags"].as_u64().unwrap_or(0) & 64 == 0)
        .collect();
    assert!(public.is_empty(), "{public:?}");
    bot.stop().await;
}

#[tokio::test]
async fn closed_dms_are_explained_and_start_nothing() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("erin");
    fake.close_dms(cand.id);
    let ix = push(&fake, slash_command(&fake.in_guild(&cand), "practice", vec![]));
    let said = after_defer(&fake, &ix).await;
    assert!(
        said["content"].as_str().unwrap().contains("can't send you direct messages"),
        "{said}"
    );
    assert!(sessions(&bot).await.is_empty(), "no half-started session is left");
    bot.stop().await;
}

#[tokio::test]
async fn an_answer_given_in_the_form() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("finn");
    let thread = start_in_thread(&fake, &cand).await;
    let origin = thread_origin(&fake, thread, &cand);
    let question = message_with(&fake, thread, "Answer in a form").await;
    type_answer(&bot, &fake, &origin.place, &cand, "typed draft").await;
    let open = click(&fake, &origin, &question, "Answer in a form").await;
    let modal = callback(&fake, &interaction_id(&open)).await;
    assert_eq!(modal.body["type"], 9);
    let input = &modal.body["data"]["components"][0]["components"][0];
    assert_eq!(input["max_length"], 4000);
    assert_eq!(input["value"], "typed draft", "the form starts from the typed draft");
    let form_id = modal.body["data"]["custom_id"].as_str().unwrap().to_string();
    let submit = push(
        &fake,
        modal_submit(&origin, &form_id, &[("answer", "My answer from the form.")], Some(&question)),
    );
    let shown = callback(&fake, &interaction_id(&submit)).await;
    assert_eq!(shown.body["type"], 4);
    let text = text_of(&shown.body["data"]);
    assert!(
        text.contains("Answer saved") && text.contains("My answer from the form."),
        "the form answer is visible in the thread: {text}"
    );
    let body: String = sqlx::query("SELECT body FROM answers")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(body, "My answer from the form.");
    bot.stop().await;
}

#[tokio::test]
async fn a_stranger_pressing_the_candidates_buttons_changes_nothing() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("gale");
    let stranger = FakeUser::fresh("hal");
    let thread = start_in_thread(&fake, &cand).await;
    let question = message_with(&fake, thread, "Submit answer").await;
    let events_before = count(&bot, "SELECT COUNT(*) FROM events").await;
    for label in ["Submit answer", "Skip", "End", "Hint"] {
        let ix = click(&fake, &thread_origin(&fake, thread, &stranger), &question, label).await;
        let reply = callback(&fake, &interaction_id(&ix)).await;
        assert_eq!(reply.body["type"], 4);
        assert_eq!(reply.body["data"]["flags"], 64, "told privately");
        assert!(reply.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains(&format!("This is <@{}>'s interview", cand.id)));
    }
    // The stranger's messages in the public thread are not taken as answers.
    fake.push_message(message_create(
        &thread_origin(&fake, thread, &stranger).place,
        &stranger,
        "good luck!",
    ));
    // The candidate's own message right after it is taken (and marked with a reaction)...
    let origin = thread_origin(&fake, thread, &cand);
    type_answer(&bot, &fake, &origin.place, &cand, "my answer").await;
    // ...while the stranger's changed nothing: one event more, the candidate's.
    assert_eq!(count(&bot, "SELECT COUNT(*) FROM events").await, events_before + 1);
    let live = bot.engine.by_channel(thread).await.unwrap().unwrap();
    assert!(
        matches!(&live.session.stage, panelist::interview::Stage::Asking { draft, .. } if draft == "my answer"),
        "{:?}",
        live.session.stage
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_restart_mid_interview_continues_where_it_was() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("ivy");
    let thread = start_in_thread(&fake, &cand).await;
    let origin = thread_origin(&fake, thread, &cand);
    let question = message_with(&fake, thread, "Submit answer").await;
    type_answer(&bot, &fake, &origin.place, &cand, "typed before the restart").await;
    bot.stop().await;

    let bot = Bot::start(&fake, dir.path()).await;
    type_answer(&bot, &fake, &origin.place, &cand, "and after it").await;
    let submit = click(&fake, &origin, &question, "Submit answer").await;
    let next = response(&fake, &submit).await;
    assert!(text_of(&next).contains("Follow-up 1 of 1"), "{}", text_of(&next));
    let body: String = sqlx::query("SELECT body FROM answers")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(body, "typed before the restart\nand after it");
    bot.stop().await;
}

#[tokio::test]
async fn the_same_interaction_twice_and_a_double_click_apply_once() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("jo");
    let thread = start_in_thread(&fake, &cand).await;
    let origin = thread_origin(&fake, thread, &cand);
    let question = message_with(&fake, thread, "Submit answer").await;
    type_answer(&bot, &fake, &origin.place, &cand, "one answer").await;
    let submit = click(&fake, &origin, &question, "Submit answer").await;
    response(&fake, &submit).await;
    fake.push_interaction(submit.clone()); // the gateway delivers it again
    let again = click(&fake, &origin, &question, "Submit answer").await; // and the user clicks twice
    let stale = callback(&fake, &interaction_id(&again)).await;
    assert_eq!(stale.body["data"]["flags"], 64);
    assert!(
        stale.body["data"]["content"].as_str().unwrap().contains("earlier step"),
        "{}",
        stale.body
    );
    let callbacks = fake.requests_matching("POST", &format!("/interactions/{}/", interaction_id(&submit)));
    assert_eq!(callbacks.len(), 1, "the re-delivered interaction was answered once");
    assert_eq!(count(&bot, "SELECT COUNT(*) FROM answers").await, 1);
    let key = format!("ix:{}", interaction_id(&submit));
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE idempotency_key = $1")
        .bind(&key)
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    bot.stop().await;
}

#[tokio::test]
async fn a_long_answer_with_everyone_is_sent_without_mentions() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("kim");
    let thread = start_in_thread(&fake, &cand).await;
    let origin = thread_origin(&fake, thread, &cand);
    let question = message_with(&fake, thread, "Answer in a form").await;
    let mut text = "@everyone @here <@&1234> look at this. ".to_string();
    while text.chars().count() < 2000 {
        text.push_str("Deep copies recurse. ");
    }
    let text: String = text.chars().take(2000).collect();
    let open = click(&fake, &origin, &question, "Answer in a form").await;
    let form_id = callback(&fake, &interaction_id(&open)).await.body["data"]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let submit = push(&fake, modal_submit(&origin, &form_id, &[("answer", &text)], Some(&question)));
    let shown = callback(&fake, &interaction_id(&submit)).await;
    assert!(text_of(&shown.body["data"]).contains("@everyone"), "the answer is echoed");
    let stored: String = sqlx::query("SELECT body FROM answers")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored.chars().count(), 2000);
    // Every message the bot sent disabled mentions.
    let sent: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| {
            (r.method == "POST" && (r.path.contains("/messages") || r.path.contains("/callback") || r.path.starts_with("/webhooks/")))
                || r.method == "PATCH"
        })
        .filter(|r| r.body["type"] != 5 && r.body["type"] != 9 && r.body["type"] != 1)
        .collect();
    assert!(sent.len() >= 3, "{sent:?}");
    for r in sent {
        let am = if r.path.contains("/callback") {
            &r.body["data"]["allowed_mentions"]
        } else {
            &r.body["allowed_mentions"]
        };
        assert_eq!(am["parse"], json!([]), "{} {} sent mentions: {}", r.method, r.path, r.body);
    }
    bot.stop().await;
}

#[tokio::test]
async fn the_sweeper_pauses_an_idle_interview_and_says_so() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("lee");
    let thread = start_in_thread(&fake, &cand).await;
    let later = panelist::engine::now_millis() + 31 * 60 * 1000;
    let moved = panelist::discord::sweep_once(&fake.http(), &bot.engine, later).await.unwrap();
    assert_eq!(moved, 1);
    let notice = fake
        .wait_for_request(
            |r| {
                r.is("POST", &format!("/channels/{thread}/messages"))
                    && r.body["content"].as_str().is_some_and(|c| c.contains("Paused after inactivity"))
            },
            WAIT,
        )
        .await;
    assert_eq!(notice.body["allowed_mentions"]["parse"], json!([]));
    let live = bot.engine.by_channel(thread).await.unwrap().unwrap();
    assert_eq!(live.status_name(), "paused");
    bot.stop().await;
}

#[tokio::test]
async fn a_rejected_token_fails_fast_without_echoing_it() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let engine = support::bot::engine(dir.path()).await;
    let mut cfg = support::bot::config(&fake);
    cfg.token = panelist::config::Secret::new("not-the-right-token-at-all.abcdef");
    let err = tokio::time::timeout(WAIT, panelist::discord::run(cfg, engine, std::future::pending()))
        .await
        .expect("fails fast")
        .unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("rejected DISCORD_TOKEN"), "{msg}");
    assert!(!msg.contains("not-the-right-token"), "the token never appears in errors: {msg}");
}

#[tokio::test]
async fn status_end_and_history_commands() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("mo");
    let none = push(
        &fake,
        slash_command(&fake.in_guild(&cand), "interview", vec![opt::subcommand("status", vec![])]),
    );
    let said = callback(&fake, &interaction_id(&none)).await;
    assert!(text_of(&said.body["data"]).contains("no interview in progress"), "{}", said.body);
    let thread = start_in_thread(&fake, &cand).await;
    // A second start while one is live is refused and opens no second thread.
    let again = push(&fake, slash_command(&fake.in_guild(&cand), "interview", start_options("python")));
    assert!(after_defer(&fake, &again).await["content"]
        .as_str()
        .unwrap()
        .contains("already have an interview in progress"));
    assert_eq!(
        fake.requests_matching("POST", &format!("/channels/{}/threads", fake.channel_id()))
            .len(),
        1
    );

    let st = push(
        &fake,
        slash_command(&fake.in_guild(&cand), "interview", vec![opt::subcommand("status", vec![])]),
    );
    let first = fake.wait_for_request(|r| r.path.contains(&token(&st)), WAIT).await;
    let text = text_of(&first.body["data"]);
    assert!(text.contains("question 1 of 1") && text.contains(&format!("<#{thread}>")), "{text}");
    assert_eq!(first.body["data"]["flags"], 64);

    let origin = thread_origin(&fake, thread, &cand);
    type_answer(&bot, &fake, &origin.place, &cand, "an unsubmitted draft").await;
    let end = push(&fake, slash_command(&origin, "interview", vec![opt::subcommand("end", vec![])]));
    let summary = fake
        .wait_for_request(
            |r| r.path.contains(&token(&end)) && (text_of(&r.body).contains("Summary") || text_of(&r.body["data"]).contains("Summary")),
            WAIT,
        )
        .await;
    assert!(!summary.files.is_empty(), "the transcript is attached");
    assert_eq!(sessions(&bot).await[0].2, "finished");
    let body: String = sqlx::query("SELECT body FROM answers")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(body, "an unsubmitted draft", "ending keeps the draft as the answer");

    let hist = push(
        &fake,
        slash_command(&fake.in_guild(&cand), "interview", vec![opt::subcommand("history", vec![])]),
    );
    let listed = callback(&fake, &interaction_id(&hist)).await;
    let text = text_of(&listed.body["data"]);
    assert!(
        text.contains("Senior Python Developer") && text.contains("finished") && text.contains("answered 1/1"),
        "{text}"
    );
    assert_eq!(listed.body["data"]["flags"], 64);
    bot.stop().await;
}

#[tokio::test]
async fn interview_start_inside_a_dm_runs_there_and_options_autocomplete() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("nia");
    let origin = fake.in_dm(&cand);
    push(&fake, slash_command(&origin, "interview", start_options("concurrency")));
    let question = message_with(&fake, fake.dm_channel_id(&cand), "Submit answer").await;
    assert!(
        text_of(&question).contains("Question 1 of 1 · Concurrency and performance"),
        "{}",
        text_of(&question)
    );
    assert!(fake
        .requests_matching("POST", &format!("/channels/{}/threads", fake.channel_id()))
        .is_empty());
    assert_eq!(sessions(&bot).await, vec![("dm".into(), "dm".into(), "active".into())]);

    let ac = push(
        &fake,
        support::fake_discord::payloads::autocomplete(
            &fake.in_guild(&cand),
            "interview",
            vec![opt::subcommand(
                "start",
                vec![opt::string("role", "software-architect"), opt::focused("areas", "governance,sta")],
            )],
        ),
    );
    let choices = callback(&fake, &interaction_id(&ac)).await;
    assert_eq!(choices.body["type"], 8);
    let values: Vec<&str> = choices.body["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, vec!["governance,stakeholder-leadership"]);
    bot.stop().await;
}

#[tokio::test]
async fn a_private_thread_a_time_limit_and_a_message_without_content() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("pia");
    let opts = vec![opt::subcommand(
        "start",
        vec![
            opt::string("areas", "python"),
            opt::integer("per_area", 1),
            opt::integer("time_limit", 2),
            opt::boolean("private", true),
        ],
    )];
    push(&fake, slash_command(&fake.in_guild(&cand), "interview", opts));
    let created = fake
        .wait_for_request(|r| r.is("POST", &format!("/channels/{}/threads", fake.channel_id())), WAIT)
        .await;
    assert_eq!(created.body["type"], 12, "a private thread on request");
    let thread: u64 = created.response["id"].as_str().unwrap().parse().unwrap();
    fake.wait_for_request(|r| r.is("PUT", &format!("/channels/{thread}/thread-members/{}", cand.id)), WAIT)
        .await;
    let question = message_with(&fake, thread, "Submit answer").await;
    assert!(text_of(&question).contains("time limit 2 min"), "{}", text_of(&question));

    // Without the Message Content intent a server message arrives with empty content.
    let origin = fake.in_thread(thread, &cand);
    let blank = message_create(&origin.place, &cand, "");
    let id = blank["id"].as_str().unwrap().to_string();
    fake.push_message(blank);
    let told = fake
        .wait_for_request(
            |r| r.is("POST", &format!("/channels/{thread}/messages")) && r.body["message_reference"]["message_id"] == id.as_str(),
            WAIT,
        )
        .await;
    assert!(told.body["content"].as_str().unwrap().contains("Answer in a form"), "{}", told.body);

    // When time is up the draft is submitted for the candidate.
    type_answer(&bot, &fake, &origin.place, &cand, "what I had so far").await;
    let later = panelist::engine::now_millis() + 2 * 60 * 1000 + 1000;
    assert_eq!(panelist::discord::sweep_once(&fake.http(), &bot.engine, later).await.unwrap(), 1);
    fake.wait_for_request(
        |r| r.is("POST", &format!("/channels/{thread}/messages")) && text_of(&r.body).contains("Time is up"),
        WAIT,
    )
    .await;
    let body: String = sqlx::query("SELECT body FROM answers")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(body, "what I had so far");
    bot.stop().await;
}
