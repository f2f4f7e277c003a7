//! Database faults from outside the engine: PostgreSQL "restarted" mid-run (a TCP proxy in front
//! of the machine's server drops every connection and refuses new ones for two seconds, the
//! way clients see a restart), and SQLite busy (another process holding the write lock for
//! five seconds). Inputs during the outage fail with an error or wait; afterwards they succeed
//! again without a restart of the engine, and every input the engine reported applied is
//! stored exactly once.

mod support;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::{Connection, Executor, Row};
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use panelist::bank::load_path;
use panelist::engine::{Engine, NewSession, Outcome};
use panelist::interview::{ActorId, Input, Mode, PlanOptions, Scope, Settings};
use panelist::store::Store;

const T0: i64 = 1_700_000_000_000;

/// A TCP proxy to `target` that can go down: every open connection is cut and new ones are
/// closed at once until it comes back.
struct Proxy {
    port: u16,
    down: Arc<AtomicBool>,
    cut: Arc<Notify>,
}

impl Proxy {
    async fn start(target: &'static str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let down = Arc::new(AtomicBool::new(false));
        let cut = Arc::new(Notify::new());
        let (d, c) = (down.clone(), cut.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else { return };
                if d.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees the connection closed
                }
                let c = c.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(target).await else { return };
                    tokio::select! {
                        _ = copy_bidirectional(&mut client, &mut server) => {}
                        _ = c.notified() => {}
                    }
                });
            }
        });
        Proxy { port, down, cut }
    }

    fn go_down(&self) {
        self.down.store(true, Ordering::SeqCst);
        self.cut.notify_waiters();
    }

    fn come_back(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

fn bank() -> panelist::bank::Bank {
    load_path(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/prompts"))).unwrap()
}

async fn start(engine: &Engine) -> String {
    let new = NewSession {
        scope: Scope::Terminal,
        candidate: ActorId::local("tess"),
        mode: Mode::Terminal,
        role: "senior-python-developer".into(),
        options: PlanOptions::default(),
        time_limit_secs: None,
        channel: None,
        key: "start".into(),
        peer: None,
    };
    engine.start(new, T0).await.unwrap().expect("started").session().id.clone()
}

/// Applies typed part `i`; Ok(true) when applied, Ok(false) for a duplicate, Err on failure.
async fn part(engine: &Engine, id: &str, i: usize) -> anyhow::Result<bool> {
    let me = ActorId::local("tess");
    let input = Input::answer(format!("part {i}"));
    match engine.apply(id, &me, &input, &format!("part:{i}"), T0 + i as i64).await? {
        Outcome::Applied(_) => Ok(true),
        Outcome::Duplicate => Ok(false),
        Outcome::Rejected(r) => anyhow::bail!("refused: {r}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_mid_run_fails_inputs_then_takes_them_again_with_nothing_lost() {
    let url = support::db::fresh_postgres().await;
    let name = url.rsplit('/').next().unwrap();
    let proxy = Proxy::start("127.0.0.1:5432").await;
    let store = Store::connect(&format!("postgres://postgres@127.0.0.1:{}/{name}", proxy.port))
        .await
        .unwrap();
    let engine = Engine::new(store.clone(), bank(), Settings::default());
    let id = start(&engine).await;
    let mut applied = Vec::new();
    for i in 0..5 {
        assert!(part(&engine, &id, i).await.unwrap());
        applied.push(i);
    }
    proxy.go_down();
    let t = Instant::now();
    let during = part(&engine, &id, 5).await;
    let failed_after = t.elapsed();
    assert!(during.is_err(), "an input during the outage is not reported applied");
    let msg = format!("{:#}", during.unwrap_err());
    assert!(!msg.contains("password"), "{msg}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    proxy.come_back();
    // The same input again (the user repeats it) and new ones succeed on fresh connections.
    let mut retried = false;
    let deadline = Instant::now() + Duration::from_secs(30);
    while !retried {
        match part(&engine, &id, 5).await {
            Ok(_) => retried = true,
            Err(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(e) => panic!("still failing after the database came back: {e:#}"),
        }
    }
    applied.push(5);
    for i in 6..10 {
        assert!(part(&engine, &id, i).await.unwrap());
        applied.push(i);
    }
    let keys: Vec<String> = sqlx::query("SELECT idempotency_key FROM events WHERE idempotency_key LIKE 'part:%' ORDER BY version")
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let expected: Vec<String> = applied.iter().map(|i| format!("part:{i}")).collect();
    assert_eq!(keys, expected, "every applied input once, in order");
    println!("an input during the outage failed after {failed_after:?}");
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_busy_for_five_seconds_makes_inputs_wait_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bot.db");
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();
    let engine = Engine::new(store.clone(), bank(), Settings::default());
    let id = start(&engine).await;
    assert!(part(&engine, &id, 0).await.unwrap());
    // Another process's connection holds the write lock for 5 s.
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    other.execute("BEGIN IMMEDIATE").await.unwrap();
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(5)).await;
        other.execute("ROLLBACK").await.unwrap();
    });
    let t = Instant::now();
    assert!(
        part(&engine, &id, 1).await.unwrap(),
        "waits for the lock (busy_timeout), then applies"
    );
    let waited = t.elapsed();
    assert!(
        waited >= Duration::from_secs(4),
        "it really waited for the other writer: {waited:?}"
    );
    release.await.unwrap();
    assert!(part(&engine, &id, 2).await.unwrap());
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE idempotency_key LIKE 'part:%'")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 3);
    engine.close().await;
}
