//! Footprint: start-up (every shipped pack read, parsed and validated, then the database opened
//! and migrated, as `panelist serve` does before it connects to Discord) and resident memory
//! with many active sessions (each started through the engine and given one typed part, on
//! SQLite in a temp dir). The engine keeps no session in memory between inputs, so this
//! measures what the process holds, not what the database holds; the database size is printed
//! beside it.
//!
//! Run with `cargo bench --bench footprint [-- --sessions N]`. `PANELIST_BENCH_SMOKE=1` runs
//! 200 sessions and one start-up. BENCHMARKS.md records the figures.

use std::path::Path;
use std::time::{Duration, Instant};

use panelist::bank::load_path;
use panelist::engine::{Engine, NewSession, Outcome};
use panelist::interview::{ActorId, Input, Mode, PlanOptions, Scope, Settings};
use panelist::store::Store;

fn smoke() -> bool {
    std::env::var("PANELIST_BENCH_SMOKE").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A `/proc/self/status` figure in KiB (Linux).
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn start_up(prompts: &Path, db: &Path) -> (Duration, Duration, Engine, Store) {
    let t = Instant::now();
    let bank = load_path(prompts).expect("shipped packs are valid");
    let packs = t.elapsed();
    let url = format!("sqlite://{}?mode=rwc", db.display());
    let store = Store::connect(&url).await.expect("database");
    let engine = Engine::new(store.clone(), bank, Settings::default());
    (packs, t.elapsed(), engine, store)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sessions: usize = args
        .iter()
        .position(|a| a == "--sessions")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(if smoke() { 200 } else { 10_000 });
    let prompts = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
    let runs = if smoke() { 1 } else { 7 };

    // Start-up: each run on a fresh database (migrations applied) and a fresh read of the packs.
    let mut pack_times = Vec::new();
    let mut total_times = Vec::new();
    for _ in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        let (packs, total, engine, _) = start_up(&prompts, &dir.path().join("start.db")).await;
        pack_times.push(packs);
        total_times.push(total);
        engine.close().await;
    }
    let questions: usize = load_path(&prompts).unwrap().packs().iter().map(|p| p.questions.len()).sum();
    println!(
        "start-up ({runs} runs, median): packs read+validated {:.1} ms ({questions} questions), with the database opened and migrated {:.1} ms",
        median(pack_times).as_secs_f64() * 1e3,
        median(total_times).as_secs_f64() * 1e3
    );

    let rss_before = status_kib("VmRSS:");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let (_, _, engine, store) = start_up(&prompts, &db).await;
    let rss_open = status_kib("VmRSS:");
    let t = Instant::now();
    for i in 0..sessions {
        let candidate = ActorId::discord(1_000_000 + i as u64);
        let new = NewSession {
            scope: Scope::Server(4242),
            candidate: candidate.clone(),
            mode: Mode::Channel,
            role: "senior-python-developer".into(),
            options: PlanOptions::default(),
            time_limit_secs: None,
            channel: Some(10_000_000 + i as u64),
            key: format!("start:{i}"),
            peer: None,
        };
        let applied = engine.start(new, T0).await.unwrap().expect("started");
        let id = applied.session().id.clone();
        let input = Input::answer("A first typed part of the answer.".to_string());
        let outcome = engine.apply(&id, &candidate, &input, &format!("part:{i}"), T0 + 1).await.unwrap();
        assert!(matches!(outcome, Outcome::Applied(_)), "typed part accepted");
    }
    let elapsed = t.elapsed();
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE status = 'active'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let rss_after = status_kib("VmRSS:");
    let hwm = status_kib("VmHWM:");
    let db_bytes: u64 = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "{live} active sessions ({sessions} started and given a typed part in {:.1} s): resident {:.1} MiB (before opening {:.1} MiB, after opening {:.1} MiB, peak {:.1} MiB); database {:.1} MiB on disk",
        elapsed.as_secs_f64(),
        rss_after as f64 / 1024.0,
        rss_before as f64 / 1024.0,
        rss_open as f64 / 1024.0,
        hwm as f64 / 1024.0,
        db_bytes as f64 / 1_048_576.0
    );
    assert_eq!(live as usize, sessions, "every session is active");
    engine.close().await;
}

const T0: i64 = 1_700_000_000_000;
