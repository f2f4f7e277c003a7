//! Safe under a slow database and forged clicks: every interaction is acknowledged within
//! Discord's 3 seconds (deferred when the work is slow), a form's text survives an unavailable
//! database, clicks only act where their session lives, and unknown ids get a private answer.
//! The database is made slow from outside: another connection holds SQLite's write lock.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::{Connection, Executor, Row};
use support::bot::{
    callback, click, custom_id, interaction_id, message_with, open_thread, push, stored, text_of, token, type_answer, Bot, WAIT,
};
use support::fake_discord::payloads::{button_click, modal_submit, slash_command};
use support::fake_discord::{opt, FakeDiscord, FakeUser};

/// Holds SQLite's write lock on the bot's database for `hold`, from another connection.
async fn hold_write_lock(db: &Path, hold: Duration) -> tokio::task::JoinHandle<()> {
    let url = format!("sqlite://{}", db.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    conn.execute("BEGIN IMMEDIATE").await.unwrap();
    tokio::spawn(async move {
        tokio::time::sleep(hold).await;
        conn.execute("ROLLBACK").await.unwrap();
    })
}

/// Requests to the interaction's webhook (follow-ups and edits of the original), in order.
fn webhook_calls(fake: &FakeDiscord, ix: &Value) -> Vec<support::fake_discord::RecordedRequest> {
    let prefix = format!("/webhooks/{}/{}", fake.application_id(), token(ix));
    fake.requests().into_iter().filter(|r| r.path.starts_with(&prefix)).collect()
}

async fn events(bot: &Bot) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM events")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn a_click_on_a_locked_database_is_deferred_in_time_and_answered_after() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("dana");
    let thread = open_thread(&fake, &cand).await;
    let origin = fake.in_thread(thread, &cand);
    let question = message_with(&fake, thread, "Submit answer").await;
    type_answer(&bot, &fake, &origin.place, &cand, "Shallow copies share nested objects.").await;

    let lock = hold_write_lock(&dir.path().join("bot.db"), Duration::from_secs(4)).await;
    let sent = Instant::now();
    let submit = click(&fake, &origin, &question, "Submit answer").await;
    let ack = callback(&fake, &interaction_id(&submit)).await;
    let waited = sent.elapsed();
    assert!(waited < Duration::from_secs(3), "acknowledged after {waited:?}");
    assert_eq!(ack.body["type"], 6, "a deferred update while the database is busy: {}", ack.body);
    assert_eq!(ack.status, 204);

    // Once the lock is gone the answer follows as follow-ups: the next part of the question.
    lock.await.unwrap();
    let follow = fake
        .wait_for("the follow-up question", WAIT, |f| {
            webhook_calls(f, &submit)
                .into_iter()
                .find(|r| r.method == "POST" && text_of(&r.body).contains("Follow-up 1 of 1"))
        })
        .await;
    assert_eq!(follow.status, 200, "{}", follow.response);
    let callbacks = fake.requests_matching("POST", &format!("/interactions/{}/", interaction_id(&submit)));
    assert_eq!(callbacks.len(), 1, "acknowledged once");
    bot.stop().await;
}

#[tokio::test]
async fn a_form_answer_comes_back_when_the_database_stays_unavailable() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("eli");
    let thread = open_thread(&fake, &cand).await;
    let origin = fake.in_thread(thread, &cand);
    let question = message_with(&fake, thread, "Submit answer").await;
    let opened = click(&fake, &origin, &question, "Answer in a form").await;
    let modal = callback(&fake, &interaction_id(&opened)).await;
    assert_eq!(modal.body["type"], 9, "the form opens: {}", modal.body);
    let modal_id = modal.body["data"]["custom_id"].as_str().unwrap().to_string();

    // Longer than the store waits for a lock (10 s): the write fails.
    let lock = hold_write_lock(&dir.path().join("bot.db"), Duration::from_secs(12)).await;
    let text = "My answer, ten minutes of thinking: deepcopy walks the object graph with a memo.";
    let sent = Instant::now();
    let submitted = push(&fake, modal_submit(&origin, &modal_id, &[("answer", text)], Some(&question)));
    let ack = callback(&fake, &interaction_id(&submitted)).await;
    assert!(sent.elapsed() < Duration::from_secs(3), "acknowledged after {:?}", sent.elapsed());
    assert_eq!(ack.body["type"], 6);
    let apology = fake
        .wait_for("the apology", Duration::from_secs(20), |f| {
            webhook_calls(f, &submitted).into_iter().find(|r| r.method == "POST")
        })
        .await;
    let said = text_of(&apology.body);
    assert!(said.contains("Something went wrong on my side"), "{said}");
    assert!(said.contains(text), "the typed text comes back: {said}");
    assert_eq!(apology.body["flags"], 64, "privately");
    lock.await.unwrap();
    bot.stop().await;
}

#[tokio::test]
async fn a_click_forged_from_another_server_or_a_dm_changes_nothing() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("fay");
    let thread = open_thread(&fake, &cand).await;
    let question = message_with(&fake, thread, "Submit answer").await;
    let submit_id = custom_id(&question, "Submit answer");
    let before_events = events(&bot).await;
    let before_messages = fake.messages_in(thread).len();

    let elsewhere = [
        fake.in_channel(fake.guild_id() + 1, fake.channel_id() + 1, &cand),
        fake.in_dm(&cand),
        fake.in_guild(&cand),
    ];
    for origin in &elsewhere {
        let forged = push(&fake, button_click(origin, &question, &submit_id));
        let answered = callback(&fake, &interaction_id(&forged)).await;
        assert_eq!(answered.body["type"], 4, "{}", answered.body);
        assert_eq!(answered.body["data"]["flags"], 64, "privately");
        let said = text_of(&answered.body["data"]);
        assert!(said.contains("somewhere else"), "{said}");
    }
    assert_eq!(events(&bot).await, before_events, "nothing was applied");
    assert_eq!(fake.messages_in(thread).len(), before_messages, "nothing was posted in the thread");
    bot.stop().await;
}

#[tokio::test]
async fn unknown_and_malformed_component_ids_get_a_private_answer() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let user = FakeUser::fresh("gus");
    let thread = open_thread(&fake, &user).await;
    // A real message of the bot's carries the forged ids.
    let message = message_with(&fake, thread, "Submit answer").await;
    for garbage in [
        "nonsense",
        "q:",
        "q:zz:deadbeef:0:0",
        "q:s:deadbeef:x:y",
        "r:1:deadbeef:0",
        "l:j:deadbeef",
        "m:deadbeef:0:0",
    ] {
        let ix = push(&fake, button_click(&fake.in_thread(thread, &user), &message, garbage));
        let answered = callback(&fake, &interaction_id(&ix)).await;
        assert_eq!(answered.body["type"], 4, "{garbage}: {}", answered.body);
        assert_eq!(answered.body["data"]["flags"], 64, "{garbage}: privately");
        let said = text_of(&answered.body["data"]);
        assert!(said.contains("no longer") || said.contains("somewhere else"), "{garbage}: {said}");
    }
    bot.stop().await;
}

fn database_bytes(dir: &Path) -> Vec<u8> {
    ["bot.db", "bot.db-wal", "bot.db-shm"]
        .iter()
        .filter_map(|f| std::fs::read(dir.join(f)).ok())
        .flatten()
        .collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn forget_me_deletes_a_users_answers_after_they_confirm() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("hana");
    let thread = open_thread(&fake, &cand).await;
    let origin = fake.in_thread(thread, &cand);
    let question = message_with(&fake, thread, "Submit answer").await;
    let secret = "WOMBAT-5521 pasted by mistake";
    type_answer(&bot, &fake, &origin.place, &cand, secret).await;
    let submit = click(&fake, &origin, &question, "Submit answer").await;
    callback(&fake, &interaction_id(&submit)).await;
    assert!(contains(&database_bytes(dir.path()), secret), "stored first");

    let ask = push(
        &fake,
        slash_command(&fake.in_guild(&cand), "interview", vec![opt::subcommand("forget-me", vec![])]),
    );
    let asked = callback(&fake, &interaction_id(&ask)).await;
    assert_eq!(asked.body["data"]["flags"], 64, "privately: {}", asked.body);
    let prompt = support::bot::response(&fake, &ask).await;
    assert!(text_of(&prompt).contains("cannot be undone"), "{}", text_of(&prompt));

    // Someone else cannot press it for them.
    let other = FakeUser::fresh("ivan");
    let meddle = push(
        &fake,
        button_click(&fake.in_guild(&other), &prompt, &custom_id(&prompt, "Delete my data")),
    );
    let refused = callback(&fake, &interaction_id(&meddle)).await;
    assert!(
        text_of(&refused.body["data"]).contains("Only the person who asked"),
        "{}",
        refused.body
    );
    assert!(events(&bot).await > 0, "nothing was deleted");

    let confirm = push(
        &fake,
        button_click(&fake.in_guild(&cand), &prompt, &custom_id(&prompt, "Delete my data")),
    );
    let done = callback(&fake, &interaction_id(&confirm)).await;
    assert_eq!(done.body["type"], 7, "the prompt is updated in place: {}", done.body);
    let said = done.body["data"]["content"].as_str().unwrap();
    assert!(said.contains("Deleted 1 interview(s) with 1 answer(s)"), "{said}");
    assert_eq!(done.body["data"]["components"], serde_json::json!([]), "the buttons are gone");
    let sessions: i64 = sqlx::query("SELECT COUNT(*) FROM sessions")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(sessions, 0);
    assert_eq!(events(&bot).await, 0);
    bot.stop().await;
    assert!(
        !contains(&database_bytes(dir.path()), secret),
        "no copy survives in the database files"
    );
}

#[tokio::test]
async fn system_messages_in_the_thread_are_not_answers() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("jo");
    let thread = open_thread(&fake, &cand).await;
    let origin = fake.in_thread(thread, &cand);
    message_with(&fake, thread, "Submit answer").await;
    let before = events(&bot).await;
    // A pin notice, a member added to the thread and a rename, all "from" the candidate.
    for (kind, content) in [(6, ""), (7, ""), (4, "new thread name")] {
        let mut msg = support::fake_discord::payloads::message_create(&origin.place, &cand, content);
        msg["type"] = serde_json::json!(kind);
        fake.push_message(msg);
    }
    // A real answer after them is taken (and confirmed), so the bot has read the others.
    type_answer(&bot, &fake, &origin.place, &cand, "The real answer.").await;
    assert_eq!(events(&bot).await, before + 1, "only the typed answer became an input");
    bot.stop().await;
}

async fn event_with_key(bot: &Bot, prefix: &str) {
    for _ in 0..100 {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE idempotency_key LIKE $1")
            .bind(format!("{prefix}%"))
            .fetch_one(bot.store.pool())
            .await
            .unwrap()
            .get(0);
        if n > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no event with key {prefix}* was stored");
}

#[tokio::test]
async fn a_deleted_typed_part_leaves_the_draft_and_an_edit_changes_it() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("max");
    let thread = open_thread(&fake, &cand).await;
    let origin = fake.in_thread(thread, &cand);
    let question = message_with(&fake, thread, "Submit answer").await;
    let mut ids = Vec::new();
    for text in ["oops, my token is PANDA-99", "Shallow copies share nested objects."] {
        let msg = support::fake_discord::payloads::message_create(&origin.place, &cand, text);
        ids.push(msg["id"].as_str().unwrap().to_string());
        fake.push_message(msg);
        let id = ids.last().unwrap().clone();
        stored(&bot, &format!("msg:{id}")).await;
    }
    let guild = fake.guild_id().to_string();
    fake.dispatch(
        "MESSAGE_DELETE",
        serde_json::json!({"id": ids[0], "channel_id": thread.to_string(), "guild_id": guild}),
    );
    event_with_key(&bot, "delete:").await;
    fake.dispatch(
        "MESSAGE_UPDATE",
        serde_json::json!({
            "id": ids[1], "channel_id": thread.to_string(), "guild_id": guild,
            "author": cand.json(), "content": "Shallow copies share nested objects; deepcopy copies them too.",
            "edited_timestamp": "2026-12-01T12:00:00.000000+00:00"
        }),
    );
    event_with_key(&bot, "edit:").await;
    let submit = click(&fake, &origin, &question, "Submit answer").await;
    callback(&fake, &interaction_id(&submit)).await;
    let body: String = sqlx::query("SELECT body FROM answers")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(body, "Shallow copies share nested objects; deepcopy copies them too.");
    bot.stop().await;
}

#[tokio::test]
async fn a_forged_checklist_choice_and_a_message_delivered_twice_change_nothing() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("nia");
    let thread = open_thread(&fake, &cand).await;
    let origin = fake.in_thread(thread, &cand);
    let question = message_with(&fake, thread, "Submit answer").await;
    // The same gateway message twice: one part.
    let msg = support::fake_discord::payloads::message_create(&origin.place, &cand, "Typed once.");
    let id = msg["id"].as_str().unwrap().to_string();
    fake.push_message(msg.clone());
    stored(&bot, &format!("msg:{id}")).await;
    fake.push_message(msg);
    type_answer(&bot, &fake, &origin.place, &cand, "Typed after.").await;
    let answers: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE kind = 'answer'")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(answers, 2, "the re-delivered message was applied once");
    // Through to the rubric, then a checklist value the menu never offered.
    let submit = click(&fake, &origin, &question, "Submit answer").await;
    callback(&fake, &interaction_id(&submit)).await;
    let follow = message_with(&fake, thread, "Submit answer").await;
    type_answer(&bot, &fake, &origin.place, &cand, "A follow-up.").await;
    let submit = click(&fake, &origin, &follow, "Submit answer").await;
    callback(&fake, &interaction_id(&submit)).await;
    let rubric = fake
        .wait_for("the rubric", WAIT, |f| {
            f.messages_in(thread)
                .into_iter()
                .rev()
                .find(|m| support::bot::components(m).iter().any(|(_, l)| l.starts_with("Checklist")))
        })
        .await;
    let before = events(&bot).await;
    let forged = push(
        &fake,
        support::fake_discord::payloads::select_click(&origin, &rubric, &custom_id(&rubric, "Checklist"), &["0", "drop table"]),
    );
    let answered = callback(&fake, &interaction_id(&forged)).await;
    assert!(
        text_of(&answered.body["data"]).contains("not one of the checklist's items"),
        "{}",
        answered.body
    );
    assert_eq!(answered.body["data"]["flags"], 64);
    assert_eq!(events(&bot).await, before, "nothing was applied");
    bot.stop().await;
}
