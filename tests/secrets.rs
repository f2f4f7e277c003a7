//! Secrets never reach the logs: the real binary (`panelist serve`) runs a whole interview
//! against the fake Discord at `RUST_LOG=trace`, with failures on the way (closed DMs, a stale
//! click, a refused reaction), and its whole output is searched for the bot token, every
//! interaction token and the database password.

mod support;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::bot::{callback, click, interaction_id, message_with, push, token, WAIT};
use support::fake_discord::payloads::{message_create, slash_command};
use support::fake_discord::{opt, FakeDiscord, FakeUser};

const PASSWORD: &str = "Sup3r-Secret-Pw";

/// A fresh PostgreSQL database, with a password in the URL (the machine's server trusts local
/// connections, so any password works, and it must still never be printed).
async fn database_with_password() -> String {
    use sqlx::{Connection, Executor};
    let admin = std::env::var("PANELIST_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("this test needs PostgreSQL at {admin} ({e})"));
    let name = format!("panelist_test_{}", uuid::Uuid::new_v4().simple());
    conn.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
    format!("postgres://postgres:{PASSWORD}@127.0.0.1:5432/{name}")
}

#[tokio::test]
async fn no_token_or_password_reaches_the_output_at_trace_level() {
    // A token shaped like a real one (the bot refuses short ones before connecting).
    let config = support::fake_discord::FakeConfig {
        token: "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GhIjKl.secret-bot-token-abcdefghijklmnop".into(),
        ..Default::default()
    };
    let fake = FakeDiscord::start_with(config).await;
    fake.expect_refusals();
    let dir = tempfile::tempdir().unwrap();
    let url = database_with_password().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_panelist"))
        .arg("serve")
        .current_dir(dir.path())
        .env("DISCORD_TOKEN", fake.token())
        .env("DISCORD_API_BASE", fake.api_base())
        .env("DISCORD_GUILD_ID", fake.guild_id().to_string())
        .env("DATABASE_URL", &url)
        .env("PANELIST_PROMPTS", concat!(env!("CARGO_MANIFEST_DIR"), "/prompts"))
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain the output while it runs (trace level fills a pipe in moments).
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    fake.wait_for("the bot to register its commands", Duration::from_secs(30), |f| {
        f.requests()
            .iter()
            .any(|r| r.method == "PUT" && r.path.ends_with("/commands"))
            .then_some(())
    })
    .await;

    let cand = FakeUser::fresh("kim");
    let mut tokens = Vec::new();
    let start = push(
        &fake,
        slash_command(
            &fake.in_guild(&cand),
            "interview",
            vec![opt::subcommand(
                "start",
                vec![opt::string("areas", "python"), opt::integer("per_area", 1)],
            )],
        ),
    );
    tokens.push(token(&start));
    let created = fake
        .wait_for_request(|r| r.is("POST", &format!("/channels/{}/threads", fake.channel_id())), WAIT)
        .await;
    let thread: u64 = created.response["id"].as_str().unwrap().parse().unwrap();
    let origin = fake.in_thread(thread, &cand);
    let question = message_with(&fake, thread, "Submit answer").await;
    fake.push_message(message_create(&origin.place, &cand, "An answer typed into the thread."));
    let hint = click(&fake, &origin, &question, "Hint").await;
    tokens.push(token(&hint));
    callback(&fake, &interaction_id(&hint)).await;
    // Failures on the way: a stale click, and /practice for a user whose DMs are closed.
    let stale = click(&fake, &origin, &question, "Hint").await;
    tokens.push(token(&stale));
    let submit = click(&fake, &origin, &question, "Submit answer").await;
    tokens.push(token(&submit));
    callback(&fake, &interaction_id(&submit)).await;
    let closed = FakeUser::fresh("lee");
    fake.close_dms(closed.id);
    let practice = push(&fake, slash_command(&fake.in_guild(&closed), "practice", vec![]));
    tokens.push(token(&practice));
    callback(&fake, &interaction_id(&practice)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;

    child.kill().unwrap();
    child.wait().unwrap();
    let out = stdout.join().unwrap() + &stderr.join().unwrap();
    assert!(out.len() > 10_000, "trace output was captured ({} bytes)", out.len());
    assert!(out.contains("[redacted]"), "the log shows interactions, their tokens redacted");
    assert!(!out.contains(fake.token()), "the bot token leaked");
    for t in &tokens {
        assert!(!out.contains(t.as_str()), "an interaction token leaked: {t}");
    }
    assert!(!out.contains(PASSWORD), "the database password leaked");
}
