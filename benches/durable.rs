//! Durable throughput: accepted inputs per second through `Engine::apply` (engine + store),
//! against raw sqlx transactions that write rows of the same size with the same durability
//! settings, in the same run, on SQLite (a file in a temp dir, as `Store::connect` opens it:
//! WAL, synchronous=NORMAL) and, with `--pg` or `DATABASE_URL_PG`, on PostgreSQL.
//!
//! Variants, each on a fresh database with the store's schema:
//! - `engine`: `Engine::apply` per input (the session the engine last wrote is kept, so no
//!   load after the first; step; persist in one tx; the event's unique key is the idempotency
//!   check).
//! - `click`: what the Discord adapter does per click (`src/discord/`): its re-delivery check
//!   and one load for its own checks, then `Engine::apply_to` on that loaded session.
//! - `raw-any`: per input one transaction through the store's own `Any` pool writing exactly
//!   what the store writes for that input (`Step::change`, worked out once beforehand): UPDATE
//!   the session row (the snapshot without items), INSERT the event, upsert the item records
//!   the input changed, INSERT its answer and score rows; the same statements and byte sizes.
//! - `raw-typed`: the same through a typed `SqlitePool` / `PgPool` with the same settings.
//!
//! Every candidate (task) runs the long interview (40 questions, 1 follow-up: 440 inputs).
//! Afterwards one candidate runs again with sqlx statement logging counted (and, on
//! PostgreSQL, through a counting TCP proxy) to give database round trips per input.
//!
//! Run with `cargo bench --bench durable [-- --pg [URL]] [--tasks 1,16] [--only VARIANT]
//! [--sqlite-only] [--no-count]`. `PANELIST_BENCH_SMOKE=1` runs an 8-question interview with
//! 1 and 2 tasks. BENCHMARKS.md records the figures.

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AnyPool, Executor, PgPool, Row};
use tracing_subscriber::Layer as _;

use panelist::engine::{Engine, NewSession, Outcome};
use panelist::interview::{ActorId, Mode, PlanOptions, Scope, Settings};
use panelist::store::{Change, Store};

use common::{long_options, mean_us, smoke, Fixture, Script, LONG_ROLE, T0};

const SCOPE: Scope = Scope::Server(100000000000000001);
/// How the store writes [`SCOPE`] (for the raw rows).
const SCOPE_TEXT: &str = "guild:100000000000000001";
const VARIANTS: [&str; 4] = ["engine", "click", "raw-any", "raw-typed"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

struct Args {
    pg: Option<String>,
    sqlite: bool,
    tasks: Vec<usize>,
    only: Option<String>,
    count: bool,
}

fn args() -> Args {
    let mut a = Args {
        pg: std::env::var("DATABASE_URL_PG").ok().filter(|v| !v.is_empty()),
        sqlite: true,
        tasks: if smoke() { vec![1, 2] } else { vec![1, 16] },
        only: None,
        count: true,
    };
    let mut it = std::env::args().skip(1).peekable();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--bench" => {} // cargo bench passes it
            "--pg" => {
                let url = match it.peek() {
                    Some(next) if next.starts_with("postgres") => it.next().expect("peeked"),
                    _ => a.pg.clone().unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into()),
                };
                a.pg = Some(url);
            }
            "--pg-only" => {
                a.sqlite = false;
                a.pg.get_or_insert_with(|| "postgres://postgres@127.0.0.1:5432/postgres".into());
            }
            "--sqlite-only" => a.pg = None,
            "--tasks" => {
                a.tasks = it
                    .next()
                    .expect("--tasks 1,16")
                    .split(',')
                    .map(|t| t.parse().expect("a task count"))
                    .collect();
            }
            "--only" => {
                let v = it.next().expect("--only VARIANT");
                assert!(VARIANTS.contains(&v.as_str()), "variants: {VARIANTS:?}");
                a.only = Some(v);
            }
            "--no-count" => a.count = false,
            other => panic!("unknown argument {other}; see the top of benches/durable.rs"),
        }
    }
    a
}

/// One accepted input's latency, with the plan item it was on.
#[derive(Clone, Copy)]
struct Sample {
    item: usize,
    ns: u64,
}

/// A fresh database of one backend, with the store's schema; removed on `drop_db`.
struct Db {
    url: String,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

async fn fresh_db(backend: Backend, pg_admin: Option<&str>, tag: &str) -> Db {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            Db {
                url: format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display()),
                _dir: Some(dir),
                pg_admin: None,
            }
        }
        Backend::Postgres => {
            let admin = pg_admin.expect("a PostgreSQL URL");
            let name = format!("panelist_bench_{}_{}", tag.replace('-', "_"), std::process::id());
            let pool = PgPool::connect(admin)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at {admin}: {e}"));
            pool.execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
                .await
                .expect("drop");
            pool.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create database");
            pool.close().await;
            let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
            Db {
                url: format!("{base}/{name}"),
                _dir: None,
                pg_admin: Some((admin.to_string(), name)),
            }
        }
    }
}

async fn drop_db(db: Db) {
    if let Some((admin, name)) = &db.pg_admin {
        let pool = PgPool::connect(admin).await.expect("admin");
        pool.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await
            .expect("drop database");
        pool.close().await;
    }
}

fn candidate(task: usize) -> String {
    format!("discord:{}", 100_000_000_000_000_000u64 + task as u64)
}

fn key(task: usize, n: usize) -> String {
    format!("ix:{:04}{:015}", task, n)
}

struct Work {
    fixture: Arc<Fixture>,
    script: Arc<Script>,
    opts: PlanOptions,
}

/// Engine (or adapter-click) run of `tasks` candidates, each the whole script.
async fn run_engine(work: &Work, url: &str, tasks: usize, click: bool) -> (f64, Vec<Vec<Sample>>) {
    let store = Store::connect(url).await.expect("store");
    let engine = Engine::new(store, work.fixture.bank.clone(), Settings::default());
    let mut ids = Vec::new();
    for t in 0..tasks {
        let who = candidate(t);
        let new = NewSession {
            scope: SCOPE,
            candidate: ActorId::from_stored(who),
            mode: Mode::Channel,
            role: LONG_ROLE.to_string(),
            options: work.opts.clone(),
            time_limit_secs: None,
            channel: Some(100000000000000002),
            key: key(t, 0),
            peer: None,
        };
        let started = engine.start(new, T0).await.expect("start").expect("started");
        ids.push(started.stored.session.id);
    }
    let start = Instant::now();
    clock_started();
    let mut handles = Vec::new();
    for (t, id) in ids.into_iter().enumerate() {
        let engine = engine.clone();
        let script = work.script.clone();
        handles.push(tokio::spawn(async move {
            let who = ActorId::from_stored(candidate(t));
            let mut samples = Vec::with_capacity(script.steps.len());
            for (n, step) in script.steps.iter().enumerate() {
                let k = key(t, n + 1);
                let t0 = Instant::now();
                let outcome = if click {
                    // What the Discord adapter does for a click: the re-delivery check, one
                    // load for its own checks, then the engine applies to that loaded session.
                    if engine.seen(&k).await.expect("exists") {
                        panic!("key seen");
                    }
                    let stored = engine.load(&id).await.expect("load").expect("session");
                    engine
                        .apply_to(stored, &who, &step.input, &k, step.now, &|_| Ok(()))
                        .await
                        .expect("apply")
                } else {
                    engine.apply(&id, &who, &step.input, &k, step.now).await.expect("apply")
                };
                let ns = t0.elapsed().as_nanos() as u64;
                assert!(matches!(outcome, Outcome::Applied(_)), "{outcome:?}");
                samples.push(Sample { item: step.item, ns });
            }
            samples
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.push(h.await.expect("task"));
    }
    let secs = start.elapsed().as_secs_f64();
    clock_stopped();
    engine.close().await;
    (secs, all)
}

/// The session rows the raw variants update, one per candidate, holding the first snapshot
/// and its item records (what `Store::insert_session` writes).
async fn raw_setup(work: &Work, url: &str, tasks: usize) -> Vec<String> {
    let store = Store::connect(url).await.expect("store (schema)");
    let mut ids = Vec::new();
    let first = &work.script.first;
    let whole = Change::between(first, first, T0, true).expect("first rows");
    for t in 0..tasks {
        let id = format!("{:032x}", t + 1);
        sqlx::query(
            "INSERT INTO sessions (id, scope, candidate, mode, role_id, channel_id, status, version, state, next_deadline, created_at, updated_at)
             VALUES ($1, $2, $3, 'channel', $4, '100000000000000002', 'active', 1, $5, $6, $7, $7)",
        )
        .bind(&id)
        .bind(SCOPE_TEXT)
        .bind(candidate(t))
        .bind(LONG_ROLE)
        .bind(&whole.snapshot)
        .bind(first.next_deadline())
        .bind(T0)
        .execute(store.pool())
        .await
        .expect("session row");
        for (item, record) in &whole.items {
            sqlx::query("INSERT INTO session_items (session_id, item, record) VALUES ($1, $2, $3)")
                .bind(&id)
                .bind(*item as i64)
                .bind(record)
                .execute(store.pool())
                .await
                .expect("item row");
        }
        ids.push(id);
    }
    store.close().await;
    ids
}

/// One raw transaction per accepted input, writing what the store writes for it (the same
/// statements, the same sizes: the session row, the event, the item records the input changed,
/// its answer and score rows), with nothing else: no load, no step, no encoding.
macro_rules! raw_tasks {
    ($pool:expr, $work:expr, $ids:expr) => {{
        let mut handles = Vec::new();
        for (t, id) in $ids.into_iter().enumerate() {
            let pool = $pool.clone();
            let script = $work.script.clone();
            handles.push(tokio::spawn(async move {
                let who = candidate(t);
                let mut samples = Vec::with_capacity(script.steps.len());
                for (n, step) in script.steps.iter().enumerate() {
                    let k = key(t, n + 1);
                    let c = &step.change;
                    let t0 = Instant::now();
                    let mut tx = pool.begin().await.expect("begin");
                    let updated = sqlx::query(
                        "UPDATE sessions SET state = $1, version = $2, status = $3, next_deadline = $4, updated_at = $5 WHERE id = $6 AND version = $7",
                    )
                    .bind(&c.snapshot)
                    .bind(c.version)
                    .bind(c.status)
                    .bind(c.next_deadline)
                    .bind(step.now)
                    .bind(&id)
                    .bind(c.before_version)
                    .execute(&mut *tx)
                    .await
                    .expect("update");
                    assert_eq!(updated.rows_affected(), 1);
                    sqlx::query(
                        "INSERT INTO events (session_id, version, idempotency_key, actor, kind, input, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&id)
                    .bind(c.version)
                    .bind(&k)
                    .bind(&who)
                    .bind(step.input.name())
                    .bind(&step.input_json)
                    .bind(step.now)
                    .execute(&mut *tx)
                    .await
                    .expect("event");
                    for (item, record) in &c.items {
                        sqlx::query(
                            "INSERT INTO session_items (session_id, item, record) VALUES ($1, $2, $3)
                             ON CONFLICT (session_id, item) DO UPDATE SET record = excluded.record",
                        )
                        .bind(&id)
                        .bind(*item as i64)
                        .bind(record)
                        .execute(&mut *tx)
                        .await
                        .expect("item");
                    }
                    for a in &c.answers {
                        sqlx::query(
                            "INSERT INTO answers (session_id, item, part, question_id, area, body, over_time, coverage, submitted_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        )
                        .bind(&id)
                        .bind(a.item)
                        .bind(a.part)
                        .bind(&a.question_id)
                        .bind(&a.area)
                        .bind(&a.body)
                        .bind(a.over_time)
                        .bind(a.coverage)
                        .bind(a.submitted_at)
                        .execute(&mut *tx)
                        .await
                        .expect("answer");
                    }
                    for sc in &c.self_scores {
                        sqlx::query(
                            "INSERT INTO scores (session_id, item, scorer, kind, ticks, rating, note, created_at) VALUES ($1, $2, $3, 'self', $4, $5, NULL, $6)",
                        )
                        .bind(&id)
                        .bind(sc.item)
                        .bind(&who)
                        .bind(&sc.ticks)
                        .bind(sc.rating)
                        .bind(sc.created_at)
                        .execute(&mut *tx)
                        .await
                        .expect("score");
                    }
                    tx.commit().await.expect("commit");
                    samples.push(Sample {
                        item: step.item,
                        ns: t0.elapsed().as_nanos() as u64,
                    });
                }
                samples
            }));
        }
        let mut all = Vec::new();
        for h in handles {
            all.push(h.await.expect("task"));
        }
        all
    }};
}

async fn run_raw(work: &Work, backend: Backend, url: &str, tasks: usize, typed: bool) -> (f64, Vec<Vec<Sample>>) {
    let ids = raw_setup(work, url, tasks).await;
    if !typed {
        // The store's own pool: same options, same pragmas (`Store::connect`).
        let store = Store::connect(url).await.expect("store");
        let pool: AnyPool = store.pool().clone();
        let start = Instant::now();
        clock_started();
        let all = raw_tasks!(pool, work, ids);
        let secs = start.elapsed().as_secs_f64();
        clock_stopped();
        store.close().await;
        return (secs, all);
    }
    match backend {
        Backend::Sqlite => {
            let opts = SqliteConnectOptions::from_str(url)
                .expect("url")
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .synchronous(SqliteSynchronous::Normal)
                .journal_mode(SqliteJournalMode::Wal)
                .pragma("secure_delete", "ON");
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await
                .expect("sqlite pool");
            let start = Instant::now();
            clock_started();
            let all = raw_tasks!(pool, work, ids);
            let secs = start.elapsed().as_secs_f64();
            clock_stopped();
            pool.close().await;
            (secs, all)
        }
        Backend::Postgres => {
            let opts = PgConnectOptions::from_str(url).expect("url");
            let pool = PgPoolOptions::new()
                .max_connections(10)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await
                .expect("pg pool");
            let start = Instant::now();
            clock_started();
            let all = raw_tasks!(pool, work, ids);
            let secs = start.elapsed().as_secs_f64();
            clock_stopped();
            pool.close().await;
            (secs, all)
        }
    }
}

async fn run_variant(work: &Work, backend: Backend, url: &str, tasks: usize, variant: &str) -> (f64, Vec<Vec<Sample>>) {
    match variant {
        "engine" => run_engine(work, url, tasks, false).await,
        "click" => run_engine(work, url, tasks, true).await,
        "raw-any" => run_raw(work, backend, url, tasks, false).await,
        "raw-typed" => run_raw(work, backend, url, tasks, true).await,
        other => unreachable!("{other}"),
    }
}

/// What the durability settings are, as the store's pool sees them.
async fn settings_line(backend: Backend, url: &str) -> String {
    let store = Store::connect(url).await.expect("store");
    let pool = store.pool();
    let one = |sql: &'static str| async move {
        let row = sqlx::query(sql).fetch_one(pool).await.expect(sql);
        row.try_get::<String, _>(0)
            .or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))
            .unwrap_or_else(|_| "?".into())
    };
    let line = match backend {
        Backend::Sqlite => {
            let version: String = one("SELECT sqlite_version()").await;
            format!(
                "SQLite {version}: journal_mode={}, synchronous={} (0 OFF, 1 NORMAL, 2 FULL), pool of 4 connections",
                one("PRAGMA journal_mode").await,
                one("PRAGMA synchronous").await
            )
        }
        Backend::Postgres => format!(
            "PostgreSQL {}: fsync={}, synchronous_commit={}, wal_sync_method={}, pool of 10 connections",
            one("SHOW server_version").await,
            one("SHOW fsync").await,
            one("SHOW synchronous_commit").await,
            one("SHOW wal_sync_method").await
        ),
    };
    store.close().await;
    line
}

// ---- Round-trip counting ------------------------------------------------------------------

/// Counts sqlx's statement log events (`sqlx::query`, one per executed statement) by summary.
struct Counter {
    on: AtomicBool,
    by_summary: Mutex<BTreeMap<String, u64>>,
}

static COUNTER: Counter = Counter {
    on: AtomicBool::new(false),
    by_summary: Mutex::new(BTreeMap::new()),
};

struct CountLayer;

struct Summary(Option<String>);

impl tracing::field::Visit for Summary {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "summary" {
            self.0 = Some(value.to_string());
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.0 = Some(format!("{value:?}").trim_matches('"').to_string());
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" || !COUNTER.on.load(Ordering::Relaxed) {
            return;
        }
        let mut s = Summary(None);
        event.record(&mut s);
        let summary = s.0.unwrap_or_else(|| "?".into());
        *COUNTER.by_summary.lock().expect("counter").entry(summary).or_default() += 1;
    }
}

fn install_counter() {
    use tracing_subscriber::layer::SubscriberExt;
    let filter = tracing_subscriber::filter::Targets::new().with_target("sqlx::query", tracing::Level::DEBUG);
    let subscriber = tracing_subscriber::registry().with(CountLayer.with_filter(filter));
    tracing::subscriber::set_global_default(subscriber).expect("one subscriber");
}

/// PostgreSQL frontend message types per round trip ("S" a ping, "BEC S" an execute...).
static FLIGHTS: Mutex<BTreeMap<String, u64>> = Mutex::new(BTreeMap::new());

/// Splits the client's byte stream into protocol messages (the startup and SSL request
/// messages have no type byte) and appends each message's type letter to the flight.
#[derive(Default)]
struct Frames {
    typed: bool,
    header: Vec<u8>,
    left: usize,
}

impl Frames {
    fn feed(&mut self, mut bytes: &[u8], flight: &mut String) {
        while !bytes.is_empty() {
            if self.left > 0 {
                let n = self.left.min(bytes.len());
                self.left -= n;
                bytes = &bytes[n..];
                continue;
            }
            let need = if self.typed { 5 } else { 8 };
            let n = (need - self.header.len()).min(bytes.len());
            self.header.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
            if self.header.len() < need {
                return;
            }
            if self.typed {
                let len = u32::from_be_bytes([self.header[1], self.header[2], self.header[3], self.header[4]]) as usize;
                flight.push(self.header[0] as char);
                self.left = len - 4;
            } else {
                let len = u32::from_be_bytes([self.header[0], self.header[1], self.header[2], self.header[3]]) as usize;
                let code = u32::from_be_bytes([self.header[4], self.header[5], self.header[6], self.header[7]]);
                // SSLRequest / GSSENCRequest come before the startup message; then typed.
                self.typed = code != 80_877_103 && code != 80_877_104;
                self.left = len - 8;
            }
            self.header.clear();
        }
    }
}

/// A TCP proxy in front of PostgreSQL counting round trips: a flight is client bytes sent
/// after the server last spoke (a request the client then waits on).
struct Proxy {
    addr: std::net::SocketAddr,
    flights: Arc<AtomicU64>,
    on: Arc<AtomicBool>,
}

async fn proxy(target: String) -> Proxy {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let flights = Arc::new(AtomicU64::new(0));
    let on = Arc::new(AtomicBool::new(false));
    let (f, o) = (flights.clone(), on.clone());
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else { return };
            let server = tokio::net::TcpStream::connect(&target).await.expect("upstream");
            let (f, o) = (f.clone(), o.clone());
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let server_spoke = Arc::new(AtomicBool::new(true));
                let ss = server_spoke.clone();
                let up = async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    let mut frames = Frames::default();
                    let mut flight = String::new();
                    loop {
                        let n = match cr.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        if ss.swap(false, Ordering::AcqRel) {
                            if !flight.is_empty() && o.load(Ordering::Relaxed) {
                                f.fetch_add(1, Ordering::Relaxed);
                                *FLIGHTS.lock().expect("flights").entry(std::mem::take(&mut flight)).or_default() += 1;
                            }
                            flight.clear();
                        }
                        frames.feed(&buf[..n], &mut flight);
                        if sw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    let _ = sw.shutdown().await;
                };
                let down = async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        let n = match sr.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        server_spoke.store(true, Ordering::Release);
                        if cw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    let _ = cw.shutdown().await;
                };
                tokio::join!(up, down);
            });
        }
    });
    Proxy { addr, flights, on }
}

/// One candidate, a short interview, each variant: statements (and PostgreSQL round trips)
/// per accepted input.
async fn count_pass(fixture: &Arc<Fixture>, backend: Backend, pg_admin: Option<&str>) {
    let pack = fixture.pack(LONG_ROLE);
    let opts = PlanOptions {
        per_area: 1,
        ..long_options(3)
    };
    let work = Work {
        fixture: fixture.clone(),
        script: Arc::new(fixture.script(pack, &opts, &candidate(0))),
        opts,
    };
    let inputs = work.script.steps.len() as f64;
    let submits = work.script.submits() as f64;
    let rates = work.script.steps.iter().filter(|s| s.input.name() == "rate").count() as f64;
    let prox = match (backend, pg_admin) {
        (Backend::Postgres, Some(admin)) => {
            let o = PgConnectOptions::from_str(admin).expect("url");
            Some((
                proxy(format!("{}:{}", o.get_host(), o.get_port())).await,
                format!("{}:{}", o.get_host(), o.get_port()),
            ))
        }
        _ => None,
    };
    println!(
        "  round trips, {backend:?}, one candidate, {} inputs ({} submits, {} rates):",
        inputs, submits, rates
    );
    for variant in VARIANTS {
        let db = fresh_db(backend, pg_admin, variant).await;
        let url = match &prox {
            Some((p, hostport)) if db.url.contains(hostport.as_str()) => db.url.replace(hostport.as_str(), &p.addr.to_string()),
            _ => db.url.clone(),
        };
        COUNTER.by_summary.lock().expect("counter").clear();
        FLIGHTS.lock().expect("flights").clear();
        if let Some((p, _)) = &prox {
            p.flights.store(0, Ordering::Relaxed);
        }
        // Setup (migrations, start) is not counted: each run turns counting on with its clock.
        let (_, _) = counted(&work, backend, &url, variant, prox.as_ref().map(|(p, _)| p)).await;
        let counts = COUNTER.by_summary.lock().expect("counter").clone();
        let total: u64 = counts.values().sum();
        let detail: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {:.2}", *v as f64 / inputs)).collect();
        let flights = prox
            .as_ref()
            .map(|(p, _)| {
                format!(
                    "; {:.2} network round trips per input (proxy)",
                    p.flights.load(Ordering::Relaxed) as f64 / inputs
                )
            })
            .unwrap_or_default();
        println!(
            "    {variant:<9} {:.2} logged statements per input{flights}: {}",
            total as f64 / inputs,
            detail.join(", ")
        );
        if prox.is_some() {
            let kinds: Vec<String> = FLIGHTS
                .lock()
                .expect("flights")
                .iter()
                .map(|(k, v)| format!("{k} {:.2}", *v as f64 / inputs))
                .collect();
            println!(
                "              round trips by frontend messages sent (S ping/sync, Q simple query, B/E/C bind/execute/close): {}",
                kinds.join(", ")
            );
        }
        drop_db(db).await;
    }
}

async fn counted(work: &Work, backend: Backend, url: &str, variant: &str, prox: Option<&Proxy>) -> (f64, Vec<Vec<Sample>>) {
    START_COUNTING.store(true, Ordering::Relaxed);
    *PROXY_ON.lock().expect("proxy flag") = prox.map(|p| p.on.clone());
    let r = run_variant(work, backend, url, 1, variant).await;
    START_COUNTING.store(false, Ordering::Relaxed);
    PROXY_ON.lock().expect("proxy flag").take();
    r
}

/// Set while a count pass runs: the run switches counting on when its clock starts.
static START_COUNTING: AtomicBool = AtomicBool::new(false);
static PROXY_ON: Mutex<Option<Arc<AtomicBool>>> = Mutex::new(None);

/// Called where each run starts its clock (after setup).
fn clock_started() {
    if START_COUNTING.load(Ordering::Relaxed) {
        COUNTER.on.store(true, Ordering::Relaxed);
        if let Some(on) = PROXY_ON.lock().expect("proxy flag").as_ref() {
            on.store(true, Ordering::Relaxed);
        }
    }
}

/// Called where each run stops its clock (before teardown).
fn clock_stopped() {
    COUNTER.on.store(false, Ordering::Relaxed);
    if let Some(on) = PROXY_ON.lock().expect("proxy flag").as_ref() {
        on.store(false, Ordering::Relaxed);
    }
}

// ---- Report ------------------------------------------------------------------------------

struct Result1 {
    rate: f64,
    q_first: f64,
    q_last: f64,
    /// Medians: the last question's mean includes the input that finishes the interview (its
    /// report covers every question).
    m_first: f64,
    m_last: f64,
}

fn median_us(mut ns: Vec<u64>) -> f64 {
    ns.sort_unstable();
    ns.get(ns.len() / 2).map_or(f64::NAN, |&n| n as f64 / 1000.0)
}

fn summarize(work: &Work, backend: Backend, tasks: usize, variant: &str, secs: f64, samples: &[Vec<Sample>]) -> Result1 {
    let n: usize = samples.iter().map(Vec::len).sum();
    let last = work.script.first.plan.items.len() - 1;
    let at = |item: usize| -> Vec<u64> { samples.iter().flatten().filter(|s| s.item == item).map(|s| s.ns).collect() };
    let all: Vec<u64> = samples.iter().flatten().map(|s| s.ns).collect();
    let r = Result1 {
        rate: n as f64 / secs,
        q_first: mean_us(&at(0)),
        q_last: mean_us(&at(last)),
        m_first: median_us(at(0)),
        m_last: median_us(at(last)),
    };
    println!(
        "  {backend:?}, {tasks:>2} tasks, {variant:<9} {:>7.0} inputs/s ({n} inputs in {secs:.2} s); latency mean {:.0} µs; at question 1 {:.0} µs (median {:.0}), at question {} {:.0} µs (median {:.0})",
        r.rate,
        mean_us(&all),
        r.q_first,
        r.m_first,
        last + 1,
        r.q_last,
        r.m_last
    );
    r
}

fn main() {
    let args = args();
    let fixture = Arc::new(Fixture::load());
    let pack = fixture.pack(LONG_ROLE);
    let opts = if smoke() {
        PlanOptions {
            per_area: 1,
            ..long_options(7)
        }
    } else {
        long_options(7)
    };
    let work = Work {
        fixture: fixture.clone(),
        script: Arc::new(fixture.script(pack, &opts, &candidate(0))),
        opts,
    };
    let script = &work.script;
    let last = script.first.plan.items.len() - 1;
    let size_at = |item: usize| {
        script
            .steps
            .iter()
            .filter(|s| s.item == item)
            .map(|s| s.snapshot_len)
            .max()
            .unwrap_or(0)
    };
    let input_at = |item: usize| {
        let v: Vec<usize> = script.steps.iter().filter(|s| s.item == item).map(|s| s.input_json.len()).collect();
        v.iter().sum::<usize>() / v.len().max(1)
    };
    // Bytes the store writes per input besides the event: the snapshot, the item records the
    // input changed, its answers.
    let written_at = |item: usize| {
        let v: Vec<usize> = script
            .steps
            .iter()
            .filter(|s| s.item == item)
            .map(|s| {
                let c = &s.change;
                c.snapshot.len()
                    + c.items.iter().map(|(_, r)| r.len()).sum::<usize>()
                    + c.answers.iter().map(|a| a.body.len()).sum::<usize>()
            })
            .collect();
        v.iter().sum::<usize>() / v.len().max(1)
    };
    let snap_at = |item: usize| {
        script
            .steps
            .iter()
            .filter(|s| s.item == item)
            .map(|s| s.change.snapshot.len())
            .max()
            .unwrap_or(0)
    };
    println!(
        "durable: {} questions, 1 follow-up, {} accepted inputs per candidate ({} submits of {} words); snapshot {} bytes at question 1, {} bytes at question {} (the whole session, as before: {} and {}); written per input (snapshot, changed item records, answers) {} bytes mean at question 1, {} at question {}; event input JSON {} bytes mean at question 1, {} at question {}",
        last + 1,
        script.steps.len(),
        script.submits(),
        common::ANSWER_WORDS,
        snap_at(0),
        snap_at(last),
        last + 1,
        size_at(0),
        size_at(last),
        written_at(0),
        written_at(last),
        last + 1,
        input_at(0),
        input_at(last),
        last + 1
    );
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    if args.count {
        install_counter();
    }
    rt.block_on(async {
        let mut backends = Vec::new();
        if args.sqlite {
            backends.push(Backend::Sqlite);
        }
        if args.pg.is_some() {
            backends.push(Backend::Postgres);
        }
        for backend in backends {
            let pg = args.pg.as_deref();
            let db = fresh_db(backend, pg, "settings").await;
            println!("{}", settings_line(backend, &db.url).await);
            drop_db(db).await;
            for &tasks in &args.tasks {
                let mut results = BTreeMap::new();
                for variant in VARIANTS {
                    if args.only.as_deref().is_some_and(|o| o != variant) {
                        continue;
                    }
                    let db = fresh_db(backend, pg, variant).await;
                    let (secs, samples) = run_variant(&work, backend, &db.url, tasks, variant).await;
                    results.insert(variant, summarize(&work, backend, tasks, variant, secs, &samples));
                    drop_db(db).await;
                }
                let ratio = |a: &str, b: &str| match (results.get(a), results.get(b)) {
                    (Some(a), Some(b)) => format!("{:.2}", a.rate / b.rate),
                    _ => "-".into(),
                };
                println!(
                    "  {backend:?}, {tasks:>2} tasks: engine/raw-any {}, engine/raw-typed {}, click/raw-typed {}, raw-any/raw-typed {}",
                    ratio("engine", "raw-any"),
                    ratio("engine", "raw-typed"),
                    ratio("click", "raw-typed"),
                    ratio("raw-any", "raw-typed")
                );
                if let (Some(e), Some(r)) = (results.get("engine"), results.get("raw-any")) {
                    println!(
                        "  {backend:?}, {tasks:>2} tasks, per input at question 1 vs {}: engine mean {:.0} -> {:.0} µs (x{:.1}), median {:.0} -> {:.0} µs (x{:.1}); raw-any mean {:.0} -> {:.0} µs (x{:.1}), median {:.0} -> {:.0} µs (x{:.1})",
                        last + 1,
                        e.q_first,
                        e.q_last,
                        e.q_last / e.q_first,
                        e.m_first,
                        e.m_last,
                        e.m_last / e.m_first,
                        r.q_first,
                        r.q_last,
                        r.q_last / r.q_first,
                        r.m_first,
                        r.m_last,
                        r.m_last / r.m_first
                    );
                }
            }
            if args.count {
                count_pass(&fixture, backend, pg).await;
            }
        }
    });
}
