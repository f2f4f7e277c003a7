//! The built bot (`panelist serve`) SIGKILLed three times while a candidate types parts and
//! asks for hints, restarted each time on the same SQLite file. Afterwards every part is stored
//! at most once and whole (a part the bot took before a kill is still there; one it was killed
//! while taking is absent or read back at restart, never half there), every hint the bot answered is stored exactly
//! once, and the session continues at the same question with those parts as its draft.

mod support;

use std::path::Path;
use std::time::Duration;

use sqlx::{Connection, Row, SqliteConnection};
use support::bot::{click, interaction_id, message_with, open_thread, text_of, WAIT};
use support::fake_discord::payloads::message_create;
use support::fake_discord::{FakeConfig, FakeDiscord, FakeUser};
use support::process::{panelist, Serving};

/// Starts `panelist serve` on the test's SQLite file and waits until it is ready.
async fn spawn(fake: &FakeDiscord, dir: &Path) -> Serving {
    let db = format!("sqlite://{}?mode=rwc", dir.join("bot.db").display());
    let mut cmd = panelist(fake, &db, &["serve"]);
    cmd.current_dir(dir);
    Serving::start(fake, cmd).await
}

async fn db(dir: &Path) -> SqliteConnection {
    SqliteConnection::connect(&format!("sqlite://{}", dir.join("bot.db").display()))
        .await
        .unwrap()
}

/// The stored typed parts (event keys `msg:ID`), each with how often it is stored.
async fn stored_parts(dir: &Path) -> Vec<(String, i64)> {
    let mut c = db(dir).await;
    let rows = sqlx::query("SELECT idempotency_key, COUNT(*) FROM events WHERE idempotency_key LIKE 'msg:%' GROUP BY idempotency_key")
        .fetch_all(&mut c)
        .await
        .unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_sigkills_under_typing_lose_nothing_taken_and_double_nothing() {
    // A token shaped like a real one (`serve` refuses short ones before connecting).
    let config = FakeConfig {
        token: "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GhIjKl.crash-test-token-abcdefghijklmnop".into(),
        ..Default::default()
    };
    let fake = FakeDiscord::start_with(config).await;
    fake.expect_refusals(); // a click that arrives as the bot dies is never answered
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn(&fake, dir.path()).await;
    let cand = FakeUser::fresh("uma");
    let thread = open_thread(&fake, &cand).await;
    let question = message_with(&fake, thread, "Submit answer").await;
    let origin = fake.in_thread(thread, &cand);
    let mut sent: Vec<(String, String)> = Vec::new();
    let mut hints = Vec::new();
    for round in 0..3 {
        for i in 0..12 {
            let text = format!("part {round}-{i}");
            let msg = message_create(&origin.place, &cand, &text);
            sent.push((msg["id"].as_str().unwrap().to_string(), text));
            fake.push_message(msg);
            if i == 5 {
                hints.push(click(&fake, &origin, &question, "Hint").await);
            }
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
        // Killed while the last parts are still being taken.
        child.kill();
        let before = stored_parts(dir.path()).await;
        child = spawn(&fake, dir.path()).await;
        let after = stored_parts(dir.path()).await;
        // Parts typed after the last one it stored may be read back at start-up (see
        // `discord::catchup`); nothing stored before goes or doubles.
        for part in &before {
            assert!(
                after.contains(part),
                "round {round}: {part:?}, stored before the kill, is still stored, once: {after:?}"
            );
        }
    }
    // The last start-up may still be reading back parts typed before the kill: let it finish.
    let mut stored = stored_parts(dir.path()).await;
    loop {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let now = stored_parts(dir.path()).await;
        if now == stored {
            break;
        }
        stored = now;
    }
    assert!(stored.iter().all(|(_, n)| *n == 1), "no part stored twice: {stored:?}");
    assert!(!stored.is_empty(), "parts were taken between the kills");

    // Hints the bot answered (a message response) are stored exactly once.
    let mut c = db(dir.path()).await;
    for h in &hints {
        let id = interaction_id(h);
        let answered = fake
            .requests_matching("POST", &format!("/interactions/{id}/"))
            .iter()
            .any(|r| r.body["type"] == 4 && text_of(&r.body["data"]).contains("Hint"));
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE idempotency_key = $1")
            .bind(format!("ix:{id}"))
            .fetch_one(&mut c)
            .await
            .unwrap()
            .get(0);
        if answered {
            assert_eq!(n, 1, "an answered hint is stored once");
        }
        assert!(n <= 1);
    }

    // The session goes on at the same question, its draft exactly the stored parts in order.
    let ids: std::collections::HashSet<String> = stored.iter().map(|(k, _)| k.trim_start_matches("msg:").to_string()).collect();
    let expected: Vec<&str> = sent.iter().filter(|(id, _)| ids.contains(id)).map(|(_, t)| t.as_str()).collect();
    let submit = click(&fake, &origin, &question, "Submit answer").await;
    fake.wait_for_request(|r| r.path.starts_with(&format!("/interactions/{}/", interaction_id(&submit))), WAIT)
        .await;
    let body: String = sqlx::query("SELECT body FROM answers").fetch_one(&mut c).await.unwrap().get(0);
    assert_eq!(body, expected.join("\n"));
    child.kill();
}
