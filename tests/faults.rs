//! Faults injected from outside the bot, in the fake Discord: server errors and lost responses
//! on posts that must arrive (the outbox retries them in order, once each, across a restart),
//! slow answers and 429s, a failed interaction response, and the gateway dropping, asking to
//! reconnect, invalidating the session and replaying events the bot already had. Afterwards
//! nothing is posted or applied twice and the candidate can go on.

mod support;

use std::time::Duration;

use serde_json::Value;
use sqlx::Row;
use support::bot::{
    callback, click, components, config_limited, interaction_id, message_with, open_thread, text_of, type_answer, Bot, WAIT,
};
use support::fake_discord::{FakeDiscord, FakeUser, Fault, FaultKind};

/// Retries back off from 2 s; a test that waits for one allows for a few.
const RETRY_WAIT: Duration = Duration::from_secs(30);

fn questions(fake: &FakeDiscord, channel: u64) -> Vec<Value> {
    fake.messages_in(channel)
        .into_iter()
        .filter(|m| components(m).iter().any(|(_, l)| l.starts_with("Submit answer")))
        .collect()
}

/// Waits until the outbox depth satisfies `until` (`what` names it in the failure).
async fn outbox(bot: &Bot, what: &str, wait: Duration, until: impl Fn(i64) -> bool) {
    let deadline = tokio::time::Instant::now() + wait;
    while !until(bot.engine.outbox_depth().await.unwrap()) {
        assert!(tokio::time::Instant::now() < deadline, "the outbox never {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The thread's messages as text, after checking that the intro and the question each arrived once.
fn arrived_once(fake: &FakeDiscord, thread: u64) -> Vec<String> {
    let texts: Vec<String> = fake.messages_in(thread).iter().map(text_of).collect();
    let intro = texts.iter().filter(|t| t.contains("mock interview")).count();
    assert_eq!(intro, 1, "the intro arrived once: {texts:#?}");
    assert_eq!(questions(fake, thread).len(), 1, "the question arrived once: {texts:#?}");
    texts
}

async fn wait_question(fake: &FakeDiscord, thread: u64, wait: Duration) -> Value {
    fake.wait_for("the question in the thread", wait, |f| questions(f, thread).into_iter().next())
        .await
}

#[tokio::test]
async fn a_post_discord_fails_or_loses_is_retried_in_order_and_arrives_once() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    // The thread's first post fails outright; its first retry takes effect but the answer is lost.
    fake.inject(Fault::new("POST", "/messages", 1, FaultKind::Status(503)));
    fake.inject(Fault::new("POST", "/messages", 1, FaultKind::LostResponse(502)));
    let cand = FakeUser::fresh("olga");
    let thread = open_thread(&fake, &cand).await;
    wait_question(&fake, thread, RETRY_WAIT).await;
    outbox(&bot, "drained", RETRY_WAIT, |n| n == 0).await;
    let texts = arrived_once(&fake, thread);
    let first_intro = texts.iter().position(|t| t.contains("mock interview")).unwrap();
    let first_question = texts.iter().position(|t| t.contains("Question 1 of")).unwrap();
    assert!(first_intro <= first_question, "in order: {texts:#?}");
    let posts: Vec<u16> = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == format!("/channels/{thread}/messages"))
        .map(|r| r.status)
        .collect();
    assert_eq!(
        &posts[..2],
        &[503, 200],
        "a failure, then the lost response (200 inside the fake): {posts:?}"
    );
    bot.stop().await;
}

#[tokio::test]
async fn queued_posts_survive_a_restart() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    fake.inject(Fault::new("POST", "/messages", 10_000, FaultKind::Status(500)));
    let cand = FakeUser::fresh("pia");
    let thread = open_thread(&fake, &cand).await;
    outbox(&bot, "filled", WAIT, |n| n > 0).await;
    bot.stop().await;
    assert!(questions(&fake, thread).is_empty(), "nothing got through while Discord failed");
    fake.heal();
    let bot = Bot::start(&fake, dir.path()).await;
    wait_question(&fake, thread, RETRY_WAIT).await;
    assert_eq!(questions(&fake, thread).len(), 1);
    bot.stop().await;
}

/// With a redirected base URL (`DISCORD_API_BASE`) serenity's own rate limiter is off (it would
/// call discord.com), so a 429 reaches the bot here: it waits out `Retry-After` through the
/// outbox. The next test runs the limiter itself.
#[tokio::test]
async fn slow_answers_and_rate_limits_delay_posts_but_never_double_them() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    fake.inject(Fault::new(
        "POST",
        "/messages",
        1,
        FaultKind::RateLimited {
            retry_after: 0.5,
            global: false,
        },
    ));
    fake.inject(Fault::new(
        "POST",
        "/messages",
        1,
        FaultKind::RateLimited {
            retry_after: 0.5,
            global: true,
        },
    ));
    fake.inject(Fault::new("POST", "/messages", 1, FaultKind::Slow(Duration::from_secs(5))));
    let cand = FakeUser::fresh("quinn");
    let thread = open_thread(&fake, &cand).await;
    wait_question(&fake, thread, RETRY_WAIT).await;
    outbox(&bot, "drained", RETRY_WAIT, |n| n == 0).await;
    arrived_once(&fake, thread);
    let limited = fake.requests().iter().filter(|r| r.status == 429).count();
    assert_eq!(limited, 2, "both 429s were met and waited out");
    bot.stop().await;
}

/// Through the fake's TLS-intercepting proxy the bot calls https://discord.com as in production,
/// with serenity's rate limiter on: a per-route and a global 429 (with `Retry-After` and the
/// `X-RateLimit-*` headers) are waited out by serenity itself, the bot never sees them (nothing
/// goes to the outbox), and every post arrives once.
#[tokio::test]
async fn serenity_s_own_rate_limiter_waits_out_429s_through_the_tls_proxy() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start_with(&fake, dir.path(), config_limited(&fake)).await;
    for global in [false, true] {
        fake.inject(Fault::new(
            "POST",
            "/messages",
            1,
            FaultKind::RateLimited { retry_after: 0.5, global },
        ));
    }
    // The outbox only takes a post that failed: its depth shows whether the bot saw a 429.
    let engine = bot.engine.clone();
    let deepest = tokio::spawn(async move {
        let mut deepest = 0;
        for _ in 0..250 {
            deepest = deepest.max(engine.outbox_depth().await.unwrap());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        deepest
    });
    let cand = FakeUser::fresh("rowan");
    let thread = open_thread(&fake, &cand).await;
    wait_question(&fake, thread, RETRY_WAIT).await;
    arrived_once(&fake, thread);
    assert_eq!(
        deepest.await.unwrap(),
        0,
        "serenity waited the 429s out; nothing reached the outbox"
    );
    let posts: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .collect();
    let limited: Vec<usize> = (0..posts.len()).filter(|&i| posts[i].status == 429).collect();
    assert_eq!(limited.len(), 2, "both 429s were met");
    for i in limited {
        let next = posts[i + 1..]
            .iter()
            .find(|r| r.path == posts[i].path)
            .expect("the limited post was sent again");
        assert!(
            next.at.duration_since(posts[i].at) >= Duration::from_millis(450),
            "serenity waited Retry-After before sending again ({:?})",
            next.at.duration_since(posts[i].at)
        );
    }
    bot.stop().await;
}

#[tokio::test]
async fn a_failed_interaction_answer_puts_the_next_question_in_the_thread() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("rui");
    let thread = open_thread(&fake, &cand).await;
    let origin = fake.in_thread(thread, &cand);
    let question = message_with(&fake, thread, "Submit answer").await;
    type_answer(&bot, &fake, &origin.place, &cand, "Shallow copies share nested objects.").await;
    fake.inject(Fault::new("POST", "/interactions/", 1, FaultKind::Status(500)));
    let submit = click(&fake, &origin, &question, "Submit answer").await;
    // The response failed; the follow-up question still reaches the thread, as a post.
    let follow = fake
        .wait_for("the follow-up in the thread", RETRY_WAIT, |f| {
            f.messages_in(thread).into_iter().find(|m| text_of(m).contains("Follow-up 1 of"))
        })
        .await;
    assert!(components(&follow).iter().any(|(_, l)| l.starts_with("Submit answer")));
    // The failed response did not leave the click unanswered: the watchdog deferred it in time.
    let prefix = format!("/interactions/{}/", interaction_id(&submit));
    let calls = fake
        .wait_for("a second callback", WAIT, |f| {
            let calls = f.requests_matching("POST", &prefix);
            (calls.len() >= 2).then_some(calls)
        })
        .await;
    assert_eq!(calls[0].status, 500);
    assert_eq!(calls[1].body["type"], 6, "deferred: {:?}", calls[1].body);
    assert!(calls[1].status < 300);
    let answers: i64 = sqlx::query("SELECT COUNT(*) FROM answers")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(answers, 1, "the answer was stored once");
    bot.stop().await;
}

#[tokio::test]
async fn gateway_drops_reconnects_and_replays_apply_each_event_once() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("sam");
    let thread = open_thread(&fake, &cand).await;
    let origin = fake.in_thread(thread, &cand);
    let question = message_with(&fake, thread, "Submit answer").await;
    // Every RESUME from now on also replays the last 3 events the bot already handled.
    fake.replay_on_resume(3);
    type_answer(&bot, &fake, &origin.place, &cand, "one").await;
    fake.reconnect(); // op 7
    fake.wait_resume_count(1, WAIT).await;
    type_answer(&bot, &fake, &origin.place, &cand, "two").await;
    fake.close_connections(4000); // dropped: serenity resumes
    fake.wait_resume_count(2, WAIT).await;
    type_answer(&bot, &fake, &origin.place, &cand, "three").await;
    fake.invalidate_session(true); // op 9, resumable
    type_answer(&bot, &fake, &origin.place, &cand, "four").await;
    let identified = fake.identify_count();
    fake.invalidate_session(false); // op 9, not resumable: a fresh IDENTIFY
    fake.wait_identify_count(identified + 1, WAIT).await;
    type_answer(&bot, &fake, &origin.place, &cand, "five").await;
    let submit = click(&fake, &origin, &question, "Submit answer").await;
    callback(&fake, &interaction_id(&submit)).await;
    let body: String = sqlx::query("SELECT body FROM answers")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(body, "one\ntwo\nthree\nfour\nfive", "each part once, in order");
    let parts: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE kind = 'answer'")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(parts, 5);
    assert!(
        fake.replayed_count() >= 3,
        "events the bot had were replayed: {}",
        fake.replayed_count()
    );
    bot.stop().await;
}

#[tokio::test]
async fn parts_typed_while_the_bot_was_away_are_read_back_when_it_returns() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let cand = FakeUser::fresh("ada");
    let thread = open_thread(&fake, &cand).await;
    let question = message_with(&fake, thread, "Submit answer").await;
    let origin = fake.in_thread(thread, &cand);
    type_answer(&bot, &fake, &origin.place, &cand, "First part, taken live.").await;
    bot.stop().await;

    // While no process listens: two parts from the candidate and a teammate's chat. Discord
    // does not send them again to the bot's next (fresh) gateway session.
    tokio::time::sleep(Duration::from_millis(5)).await;
    for text in ["Second part, typed while away.", "Third part, also while away."] {
        fake.push_message(support::fake_discord::payloads::message_create(&origin.place, &cand, text));
    }
    let mate = FakeUser::fresh("bo");
    fake.push_message(support::fake_discord::payloads::message_create(
        &fake.in_thread(thread, &mate).place,
        &mate,
        "Good luck!",
    ));
    let identified = fake.identify_count();
    let bot = Bot::start(&fake, dir.path()).await;
    assert!(fake.identify_count() > identified, "a fresh gateway session, not a resume");

    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let parts: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE idempotency_key LIKE 'msg:%'")
            .fetch_one(bot.store.pool())
            .await
            .unwrap()
            .get(0);
        if parts == 3 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{parts} of 3 parts stored");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let submit = click(&fake, &origin, &question, "Submit answer").await;
    let said = text_of(&support::bot::response(&fake, &submit).await);
    assert!(said.contains("Answer saved (3 messages"), "{said}");
    let body: String = sqlx::query("SELECT body FROM answers")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        body, "First part, taken live.\nSecond part, typed while away.\nThird part, also while away.",
        "the candidate's parts, in order; the teammate's chat is not one"
    );
    // Restarting again reads the channel again, and applies nothing twice.
    bot.stop().await;
    let bot = Bot::start(&fake, dir.path()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let events: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE idempotency_key LIKE 'msg:%'")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(events, 3);
    bot.stop().await;
}
