//! Two `panelist serve` processes, shards 0 and 1 of 2, against one fake Discord and one
//! PostgreSQL database. Every typed part is delivered to both processes (an event landing on
//! another shard, as after a reconnect), clicks alternate between them, and one process is
//! SIGKILLed and restarted midway. Afterwards every part is stored exactly once, every answered
//! click once, each session's versions have no gap, every session is in a valid state, and the
//! idle deadline that both processes' sweepers race for fired exactly once per session.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use serde_json::Value;
use sqlx::{PgPool, Row};
use support::bot::{components, custom_id, interaction_id, text_of, token, WAIT};
use support::db::fresh_postgres;
use support::fake_discord::payloads::{button_click, message_create, slash_command};
use support::fake_discord::{opt, FakeConfig, FakeDiscord, FakeUser, GuildSpec, Origin};
use support::process::{panelist, Serving};

const TOTAL: u32 = 2;
const CANDIDATES: usize = 4;
const ROUNDS: usize = 3;
const PARTS_PER_ROUND: usize = 12;

/// Starts `panelist serve --shards N --total-shards 2` and waits until it is ready.
async fn spawn(fake: &FakeDiscord, db: &str, shard: u32) -> Serving {
    let shard_arg = shard.to_string();
    let mut cmd = panelist(fake, db, &["serve", "--shards", &shard_arg, "--total-shards", &TOTAL.to_string()]);
    cmd.env("PANELIST_IDLE_PAUSE_MINUTES", "1").env("PANELIST_SWEEP_SECONDS", "1");
    let p = Serving::start(fake, cmd).await;
    let ours = fake.identified_shards();
    assert!(
        ours.contains(&[shard, TOTAL]),
        "the process identified as shard {shard} of {TOTAL}: {ours:?}"
    );
    p
}

/// One candidate's interview: where it lives and the question message its buttons are on.
struct Candidate {
    user: FakeUser,
    origin: Origin,
    thread: u64,
    question: Value,
}

/// `/interview start` (python, one question) in `guild`'s channel; waits for its thread and question.
async fn start(fake: &FakeDiscord, guild: &GuildSpec, user: FakeUser) -> Candidate {
    let channel = guild.channels[0].0;
    let threads = |f: &FakeDiscord| f.requests_matching("POST", &format!("/channels/{channel}/threads")).len();
    let before = threads(fake);
    let options = vec![opt::subcommand(
        "start",
        vec![opt::string("areas", "python"), opt::integer("per_area", 1)],
    )];
    fake.push_interaction(slash_command(&fake.in_channel(guild.id, channel, &user), "interview", options));
    fake.wait_for("the interview thread", WAIT, |f| (threads(f) > before).then_some(()))
        .await;
    let created = fake.requests_matching("POST", &format!("/channels/{channel}/threads"));
    let thread: u64 = created[before].response["id"].as_str().unwrap().parse().unwrap();
    let question = fake
        .wait_for("the first question", WAIT, |f| {
            f.messages_in(thread)
                .into_iter()
                .find(|m| components(m).iter().any(|(_, l)| l.starts_with("Submit answer")))
        })
        .await;
    let origin = fake.in_thread(thread, &user);
    Candidate {
        user,
        origin,
        thread,
        question,
    }
}

/// Clicks `label` on the candidate's question, delivered to `shard`; returns the interaction.
fn click_on(fake: &FakeDiscord, c: &Candidate, label: &str, shard: u32) -> Value {
    let ix = button_click(&c.origin, &c.question, &custom_id(&c.question, label));
    assert!(
        fake.dispatch_on_shard(shard, "INTERACTION_CREATE", ix.clone()),
        "shard {shard} is connected"
    );
    ix
}

/// Waits for what the bot said in answer to `ix` (its callback or a follow-up) containing `needle`.
async fn said_to(fake: &FakeDiscord, ix: &Value, needle: &str) -> String {
    let callback = format!("/interactions/{}/", interaction_id(ix));
    let webhook = format!("/webhooks/{}/{}", fake.application_id(), token(ix));
    fake.wait_for(&format!("'{needle}' in answer to click {}", interaction_id(ix)), WAIT, |f| {
        f.requests()
            .into_iter()
            .filter(|r| r.path.starts_with(&callback) || r.path.starts_with(&webhook))
            .map(|r| format!("{}\n{}", text_of(&r.body), text_of(&r.body["data"])))
            .find(|t| t.contains(needle))
    })
    .await
}

async fn count(db: &PgPool, sql: &str, key: &str) -> i64 {
    sqlx::query(sql).bind(key).fetch_one(db).await.unwrap().get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_two_shards_share_postgres_with_every_input_once() {
    let (g0, g1) = (
        GuildSpec::on_shard("Shard 0 guild", 0, TOTAL),
        GuildSpec::on_shard("Shard 1 guild", 1, TOTAL),
    );
    let config = FakeConfig {
        // Shaped like a real token (`serve` refuses short ones before connecting).
        token: "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GhIjKl.multiprocess-token-abcdefghijklm".into(),
        guilds: vec![g0.clone(), g1.clone()],
        recommended_shards: TOTAL,
        ..Default::default()
    };
    let fake = FakeDiscord::start_with(config).await;
    let url = fresh_postgres().await;
    let mut procs = [Some(spawn(&fake, &url, 0).await), Some(spawn(&fake, &url, 1).await)];

    // Half the candidates in each process's guild.
    let mut cands = Vec::new();
    for i in 0..CANDIDATES {
        let guild = if i % 2 == 0 { &g0 } else { &g1 };
        cands.push(start(&fake, guild, FakeUser::fresh(&format!("cand{i}"))).await);
    }

    let mut parts: Vec<(usize, String, String)> = Vec::new(); // (candidate, message id, text)
    let mut clicks: Vec<Value> = Vec::new();
    let mut deliveries = 0;
    for round in 0..ROUNDS {
        for i in 0..PARTS_PER_ROUND {
            for (n, c) in cands.iter().enumerate() {
                let text = format!("round {round} part {i} of {}", c.user.username);
                let msg = message_create(&c.origin.place, &c.user, &text);
                parts.push((n, msg["id"].as_str().unwrap().to_string(), text));
                // Both processes get every part (whichever is alive takes it).
                for shard in 0..TOTAL {
                    fake.dispatch_on_shard(shard, "MESSAGE_CREATE", msg.clone());
                    deliveries += 1;
                }
                if i % 4 == 1 {
                    // Clicks alternate between the processes; none goes to the one about to be
                    // killed (Discord would not re-send a click it lost).
                    let live: Vec<u32> = if round == 1 { vec![0] } else { (0..TOTAL).collect() };
                    let shard = live[(i + n) % live.len()];
                    clicks.push(click_on(&fake, c, "Hint", shard));
                    deliveries += 1;
                }
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
            if round == 1 && i == PARTS_PER_ROUND / 2 {
                // Midway, with parts still arriving: shard 1's process dies (SIGKILL), and comes
                // back a round later. Its clicks were answered first (one it had not answered
                // would be lost with it, as on Discord, where the user clicks again).
                for ix in &clicks {
                    said_to(&fake, ix, "int").await;
                }
                procs[1].take().unwrap().kill();
            }
        }
        if round == 1 {
            procs[1] = Some(spawn(&fake, &url, 1).await);
        }
    }
    assert!(deliveries >= 200, "{deliveries} conflicting deliveries");

    let db = PgPool::connect(&url).await.unwrap();
    // Every part is stored exactly once (at least one process was up for each).
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let stored: i64 = sqlx::query("SELECT COUNT(DISTINCT idempotency_key) FROM events WHERE idempotency_key LIKE 'msg:%'")
            .fetch_one(&db)
            .await
            .unwrap()
            .get(0);
        if stored as usize == parts.len() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{stored} of {} parts stored", parts.len());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for (_, id, _) in &parts {
        let n = count(&db, "SELECT COUNT(*) FROM events WHERE idempotency_key = $1", &format!("msg:{id}")).await;
        assert_eq!(n, 1, "part {id} stored once");
    }
    // Every click is answered once: with its hint, stored once, or (every hint seen) refused,
    // storing nothing.
    let mut hinted = 0;
    for ix in &clicks {
        let id = interaction_id(ix);
        let said = said_to(&fake, ix, "int").await;
        let answered = fake.requests_matching("POST", &format!("/interactions/{id}/")).len();
        assert_eq!(answered, 1, "click {id} acknowledged once");
        let stored = count(&db, "SELECT COUNT(*) FROM events WHERE idempotency_key = $1", &format!("ix:{id}")).await;
        if said.contains("You have seen every hint") {
            assert_eq!(stored, 0, "a refused click stores nothing");
        } else {
            assert!(said.contains("Hint "), "{said}");
            assert_eq!(stored, 1, "click {id}: its hint stored once");
            hinted += 1;
        }
    }
    assert!(hinted > 0, "some clicks gave hints");

    // Submit: each answer is saved with exactly the candidate's parts, in the order they were
    // typed (whichever process applied each, parts are kept in message id order).
    for (n, c) in cands.iter().enumerate() {
        let submit = click_on(&fake, c, "Submit answer", (n % 2) as u32);
        let said = said_to(&fake, &submit, "Answer saved").await;
        let mine: Vec<&str> = parts.iter().filter(|(k, _, _)| *k == n).map(|(_, _, t)| t.as_str()).collect();
        assert!(said.contains(&format!("Answer saved ({} messages", mine.len())), "{said}");
        let body: String = sqlx::query_scalar(
            "SELECT a.body FROM answers a JOIN sessions s ON s.id = a.session_id WHERE s.channel_id = $1 AND a.item = 0 AND a.part = 0",
        )
        .bind(c.thread.to_string())
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(body, mine.join("\n"), "candidate {n}'s answer");
    }

    // Both sweepers race for the idle deadline (1 minute after the last input): it fires once.
    let sessions: Vec<String> = sqlx::query_scalar("SELECT id FROM sessions ORDER BY id")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(sessions.len(), CANDIDATES);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(100);
    loop {
        let paused: i64 = sqlx::query("SELECT COUNT(*) FROM sessions WHERE status = 'paused'")
            .fetch_one(&db)
            .await
            .unwrap()
            .get(0);
        if paused as usize == CANDIDATES {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{paused} of {CANDIDATES} sessions paused");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await; // both sweepers had their turns again
    for id in &sessions {
        let clocks = count(&db, "SELECT COUNT(*) FROM events WHERE session_id = $1 AND kind = 'clock'", id).await;
        assert_eq!(clocks, 1, "session {id}: the idle deadline fired once");
    }
    for c in &cands {
        let notices = fake
            .messages_in(c.thread)
            .iter()
            .filter(|m| text_of(m).contains("Paused after inactivity"))
            .count();
        assert_eq!(notices, 1, "one pause notice in thread {}", c.thread);
    }

    // Versions have no gap, and every session reads back whole.
    let rows = sqlx::query("SELECT session_id, version FROM events ORDER BY session_id, version")
        .fetch_all(&db)
        .await
        .unwrap();
    let mut versions: HashMap<String, Vec<i64>> = HashMap::new();
    for r in &rows {
        versions.entry(r.get(0)).or_default().push(r.get(1));
    }
    for (id, v) in &versions {
        let first = v[0];
        assert!(
            v.iter().enumerate().all(|(i, x)| *x == first + i as i64),
            "session {id}: versions {v:?} have a gap"
        );
        let current: i64 = sqlx::query("SELECT version FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap()
            .get(0);
        assert_eq!(current, *v.last().unwrap(), "session {id}: its version is its last event's");
    }
    let store = panelist::store::Store::connect(&url).await.unwrap();
    for id in &sessions {
        let s = store.load(id).await.unwrap().expect("the session loads");
        assert_eq!(s.status_name(), "paused");
    }
    store.close().await;
    db.close().await;
    drop(procs);
}
