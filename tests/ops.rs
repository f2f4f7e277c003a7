//! Serving at scale, against the built binary (`panelist serve`, `panelist migrate`) and the fake
//! Discord: shard flags (validated; a range runs exactly its shards, inclusive; no flags run the
//! recommended count), migrations applied once when several processes migrate a fresh
//! PostgreSQL database at once, one `serve` per SQLite file (short commands beside it), the
//! `/healthz` and `/metrics` endpoint, and shutdown on SIGTERM finishing the inputs in flight.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use sqlx::{Connection, Executor, Row, SqliteConnection};
use support::bot::{click, interaction_id, message_with, open_thread, token, WAIT};
use support::fake_discord::payloads::message_create;
use support::fake_discord::{FakeConfig, FakeDiscord, FakeUser};
use support::process::{self, Serving, BOOT};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TOKEN: &str = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GhIjKl.ops-test-token-abcdefghijklmnop";

async fn fake(recommended_shards: u32) -> FakeDiscord {
    FakeDiscord::start_with(FakeConfig {
        token: TOKEN.into(),
        recommended_shards,
        ..Default::default()
    })
    .await
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("bot.db").display())
}

/// `panelist ARGS` on the SQLite file in `dir`, run from there.
fn panelist(fake: &FakeDiscord, dir: &Path, args: &[&str]) -> Command {
    let mut c = process::panelist(fake, &sqlite_url(dir), args);
    c.current_dir(dir);
    c
}

/// Spawns `cmd` (a `serve`) and waits until the bot registered its commands.
async fn serving(fake: &FakeDiscord, cmd: Command) -> Serving {
    Serving::start(fake, cmd).await
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A plain HTTP/1.1 GET: (status, content type, body).
async fn get(port: u16, path: &str) -> Option<(u16, String, String)> {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).await.ok()?;
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let content_type = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-type: ").map(str::to_string))
        .unwrap_or_default();
    Some((status, content_type, body.to_string()))
}

/// Polls `/healthz` until it answers 200; returns its JSON.
async fn healthy(port: u16) -> Value {
    let deadline = tokio::time::Instant::now() + BOOT;
    loop {
        if let Some((200, _, body)) = get(port, "/healthz").await {
            return serde_json::from_str(&body).expect("healthz JSON");
        }
        assert!(tokio::time::Instant::now() < deadline, "/healthz never became healthy");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `[shard, total]` of every IDENTIFY the fake received.
fn identified(fake: &FakeDiscord) -> BTreeSet<(u64, u64)> {
    fake.gateway_frames()
        .iter()
        .filter(|f| f["op"] == 2)
        .map(|f| (f["d"]["shard"][0].as_u64().unwrap(), f["d"]["shard"][1].as_u64().unwrap()))
        .collect()
}

/// The value of the sample line `name{labels}` (or `name` alone) in a Prometheus text body.
fn sample(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .and_then(|v| v.trim().parse().ok())
}

fn sigterm(child: &Child) {
    let ok = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(ok.success());
}

/// Waits for `child` to exit, at most `bound` (then it is killed and the test fails).
async fn exit_within(child: &mut Child, bound: Duration) -> std::process::ExitStatus {
    let deadline = tokio::time::Instant::now() + bound;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if tokio::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the bot did not exit within {bound:?} of SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn kill(child: Serving) {
    drop(child);
}

/// Arguments, environment, and what the error must say.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[tokio::test]
async fn bad_shard_flags_and_metrics_addresses_stop_start_up_with_a_clear_message() {
    let fake = fake(1).await;
    let dir = tempfile::tempdir().unwrap();
    let cases: [Case; 6] = [
        (&["serve", "--shards", "0-3"], &[], "--shards needs --total-shards"),
        (&["serve", "--total-shards", "4"], &[], "--total-shards needs --shards"),
        (
            &["serve", "--shards", "2-8", "--total-shards", "8"],
            &[],
            "shard ids run from 0 to 7",
        ),
        (&["serve", "--shards", "3-1", "--total-shards", "8"], &[], "above the last"),
        (
            &["serve"],
            &[("PANELIST_SHARDS", "0-1"), ("PANELIST_TOTAL_SHARDS", "0")],
            "at least 1",
        ),
        (
            &["serve"],
            &[("PANELIST_METRICS_ADDR", "not-an-address")],
            "PANELIST_METRICS_ADDR must be HOST:PORT",
        ),
    ];
    for (args, env, expected) in cases {
        let out = panelist(&fake, dir.path(), args)
            .envs(env.iter().copied())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} {env:?} must not start");
        assert!(stderr_of(&out).contains(expected), "{args:?} {env:?}: {}", stderr_of(&out));
        assert!(!stderr_of(&out).contains(TOKEN));
    }
    // A busy address fails start-up too, before anything connects to Discord.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let out = panelist(&fake, dir.path(), &["serve"])
        .env("PANELIST_METRICS_ADDR", &addr)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(
        err.contains(&format!("cannot serve /healthz and /metrics on PANELIST_METRICS_ADDR={addr}")),
        "{err}"
    );
    assert!(err.to_lowercase().contains("in use"), "{err}");
    assert!(fake.identify_count() == 0, "nothing reached the gateway");
}

#[tokio::test]
async fn a_shard_range_runs_exactly_its_shards_inclusive() {
    let fake = fake(1).await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut cmd = panelist(&fake, dir.path(), &["serve", "--shards", "1-2", "--total-shards", "4"]);
    cmd.env("PANELIST_METRICS_ADDR", format!("127.0.0.1:{port}"));
    let child = serving(&fake, cmd).await;
    let health = healthy(port).await;
    let ids: Vec<u64> = health["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [1, 2]);
    // A third shard would boot 5 s after the second; give it the time to show up if it were asked for.
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(
        identified(&fake),
        BTreeSet::from([(1, 4), (2, 4)]),
        "shards 1 and 2 of 4, nothing else"
    );
    assert!(
        fake.requests_matching("GET", "/gateway/bot").is_empty(),
        "with a range the bot does not ask for the recommended count"
    );
    kill(child);
}

#[tokio::test]
async fn without_flags_the_recommended_shard_count_runs_in_one_process() {
    let fake = fake(2).await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut cmd = panelist(&fake, dir.path(), &["serve"]);
    cmd.env("PANELIST_METRICS_ADDR", format!("127.0.0.1:{port}"));
    let child = serving(&fake, cmd).await;
    // Shard 1 boots 5 s after shard 0: meanwhile the process is not healthy, and says which.
    let deadline = tokio::time::Instant::now() + BOOT;
    let waiting: Value = loop {
        if let Some((503, content_type, body)) = get(port, "/healthz").await {
            assert_eq!(content_type, "application/json");
            let v: Value = serde_json::from_str(&body).unwrap();
            if v["shards"][0]["stage"] == "connected" {
                break v;
            }
        }
        assert!(tokio::time::Instant::now() < deadline, "never saw shard 0 up and shard 1 not yet");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(waiting["status"], "unavailable");
    assert_ne!(waiting["shards"][1]["stage"], "connected");
    let health = healthy(port).await;
    assert_eq!(health["shards"].as_array().unwrap().len(), 2);
    assert_eq!(identified(&fake), BTreeSet::from([(0, 2), (1, 2)]));
    assert_eq!(fake.requests_matching("GET", "/gateway/bot").len(), 1);
    kill(child);
}

#[tokio::test]
async fn metrics_and_healthz_answer_a_scrape_and_move_with_inputs() {
    let fake = fake(1).await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut cmd = panelist(&fake, dir.path(), &["serve"]);
    cmd.env("PANELIST_METRICS_ADDR", format!("127.0.0.1:{port}"));
    let child = serving(&fake, cmd).await;
    let health = healthy(port).await;
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"], "ok");
    assert_eq!(health["shards"][0]["stage"], "connected");

    let (status, content_type, before) = get(port, "/metrics").await.expect("a scrape");
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    assert!(before.contains("# TYPE panelist_inputs_total counter"));
    assert_eq!(sample(&before, "panelist_database_up"), Some(1.0));
    assert_eq!(sample(&before, "panelist_sessions{status=\"active\"}"), Some(0.0));
    assert_eq!(
        sample(&before, "panelist_shard_connected{shard=\"0\",stage=\"connected\"}"),
        Some(1.0)
    );
    let applied_before = sample(&before, "panelist_inputs_total{outcome=\"applied\"}").unwrap();

    let cand = FakeUser::fresh("mira");
    let thread = open_thread(&fake, &cand).await;
    let question = message_with(&fake, thread, "Submit answer").await;
    let origin = fake.in_thread(thread, &cand);
    fake.push_message(message_create(&origin.place, &cand, "a first part"));
    let hint = click(&fake, &origin, &question, "Hint").await;
    support::bot::callback(&fake, &interaction_id(&hint)).await;
    // Scrapes until the typed part and the click are counted (the part costs no Discord call).
    let deadline = tokio::time::Instant::now() + WAIT;
    let after = loop {
        let (_, _, body) = get(port, "/metrics").await.expect("a scrape");
        if sample(&body, "panelist_inputs_total{outcome=\"applied\"}").unwrap() >= applied_before + 3.0 {
            break body;
        }
        assert!(tokio::time::Instant::now() < deadline, "inputs were not counted:\n{body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(sample(&after, "panelist_sessions{status=\"active\"}"), Some(1.0));
    assert!(sample(&after, "panelist_rest_requests_total{route=\"interaction_response\"}").unwrap() >= 1.0);
    assert!(sample(&after, "panelist_rest_requests_total{route=\"thread_create\"}").unwrap() >= 1.0);
    assert_eq!(sample(&after, "panelist_rest_errors_total{route=\"thread_create\"}"), Some(0.0));
    assert!(sample(&after, "panelist_input_handling_seconds_count{kind=\"message\"}").unwrap() >= 1.0);
    assert!(sample(&after, "panelist_input_handling_seconds_count{kind=\"component\"}").unwrap() >= 1.0);
    assert!(after.contains("panelist_input_handling_seconds_bucket{kind=\"component\",le=\"+Inf\"}"));
    assert_eq!(sample(&after, "panelist_outbox_depth"), Some(0.0));
    assert_eq!(get(port, "/nothing-here").await.unwrap().0, 404);

    kill(child);
}

async fn sqlite(dir: &Path) -> SqliteConnection {
    SqliteConnection::connect(&format!("sqlite://{}", dir.join("bot.db").display()))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_second_serve_on_the_same_sqlite_file_is_refused_while_short_commands_run_beside() {
    let fake = fake(1).await;
    let dir = tempfile::tempdir().unwrap();
    let first = serving(&fake, panelist(&fake, dir.path(), &["serve"])).await;
    let out = panelist(&fake, dir.path(), &["serve"]).stderr(Stdio::piped()).output().unwrap();
    assert!(!out.status.success(), "a second serve must not start");
    let err = stderr_of(&out);
    assert!(
        err.contains(&format!("is in use by another panelist process (pid {})", first.id())),
        "{err}"
    );
    assert!(err.contains("use PostgreSQL (DATABASE_URL=postgres://...) to run several"), "{err}");
    let history = panelist(&fake, dir.path(), &["history", "--user", "nobody"]).output().unwrap();
    assert!(history.status.success(), "a short command runs beside the bot");
    // SIGKILL releases the lock with the process: a restart starts.
    kill(first);
    let again = serving(&fake, panelist(&fake, dir.path(), &["serve"])).await;
    kill(again);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_inputs_in_flight_exits_0_and_a_restart_continues() {
    let fake = fake(1).await;
    let dir = tempfile::tempdir().unwrap();
    let mut bot = serving(&fake, panelist(&fake, dir.path(), &["serve"])).await;
    let cand = FakeUser::fresh("noor");
    let thread = open_thread(&fake, &cand).await;
    let question = message_with(&fake, thread, "Submit answer").await;
    let origin = fake.in_thread(thread, &cand);

    // The database is held from outside, so the inputs below are still in flight at SIGTERM.
    let mut holder = sqlite(dir.path()).await;
    holder.execute("BEGIN IMMEDIATE").await.unwrap();
    let parts: Vec<String> = (0..5).map(|i| format!("part {i} of the answer")).collect();
    let mut ids = Vec::new();
    for text in &parts {
        let msg = message_create(&origin.place, &cand, text);
        ids.push(format!("msg:{}", msg["id"].as_str().unwrap()));
        fake.push_message(msg);
    }
    let hint = click(&fake, &origin, &question, "Hint").await;
    // The click's handler is deferred at 1.5 s: it (and every event before it) is in flight.
    let prefix = format!("/interactions/{}/", interaction_id(&hint));
    fake.wait_for_request(|r| r.path.starts_with(&prefix) && r.body["type"] == 6, WAIT)
        .await;
    sigterm(&bot);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(bot.try_wait().unwrap().is_none(), "the bot waits for its handlers");
    holder.execute("ROLLBACK").await.unwrap();
    let status = exit_within(&mut bot, Duration::from_secs(30)).await;
    assert!(status.success(), "exit 0 after SIGTERM, got {status}");

    // Every part taken and the click are stored exactly once; the click was answered.
    let mut c = sqlite(dir.path()).await;
    for key in ids.iter().chain([&format!("ix:{}", interaction_id(&hint))]) {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE idempotency_key = $1")
            .bind(key)
            .fetch_one(&mut c)
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 1, "{key} stored once");
    }
    let webhook = format!("/webhooks/{}/{}", fake.application_id(), token(&hint));
    assert!(
        fake.requests().iter().any(|r| r.path.starts_with(&webhook)),
        "the deferred click got its answer before the bot exited"
    );

    // A restart continues the same interview with exactly those parts.
    let bot = serving(&fake, panelist(&fake, dir.path(), &["serve"])).await;
    let submit = click(&fake, &origin, &question, "Submit answer").await;
    support::bot::callback(&fake, &interaction_id(&submit)).await;
    let body: String = sqlx::query("SELECT body FROM answers").fetch_one(&mut c).await.unwrap().get(0);
    assert_eq!(body, parts.join("\n"));
    kill(bot);
}

async fn fresh_postgres() -> (String, sqlx::PgConnection) {
    let url = support::db::fresh_postgres().await;
    let db = sqlx::PgConnection::connect(&url).await.unwrap();
    (url, db)
}

#[tokio::test]
async fn processes_migrating_a_fresh_postgres_database_at_once_apply_each_migration_once() {
    let (url, mut db) = fresh_postgres().await;
    let known = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "sql"))
        .count();
    let migrate = || {
        Command::new(env!("CARGO_BIN_EXE_panelist"))
            .arg("migrate")
            .env("DATABASE_URL", &url)
            .env("PANELIST_PROMPTS", concat!(env!("CARGO_MANIFEST_DIR"), "/prompts"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children: Vec<Child> = (0..4).map(|_| migrate()).collect();
    let mut applied = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "every migrating process succeeds: {}", stderr_of(&out));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        applied.extend(stdout.lines().filter_map(|l| l.strip_prefix("applied ")).map(str::to_string));
    }
    applied.sort();
    let distinct: BTreeSet<&String> = applied.iter().collect();
    assert_eq!(applied.len(), known, "each migration applied by exactly one process: {applied:?}");
    assert_eq!(distinct.len(), known);
    let rows: Vec<(i64, bool)> = sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert_eq!(rows.len(), known, "each migration recorded once");
    assert!(rows.iter().all(|(_, ok)| *ok));
    let again = migrate().wait_with_output().unwrap();
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains(&format!("up to date, all {known} migration(s) were already applied")));
}
