//! End to end, and the load generator: the project's fake Discord and the real bot in one
//! process on 127.0.0.1, with N simulated candidates playing whole channel interviews at once
//! (`/interview start`, typed parts, Hint, Submit, a follow-up answered in the form, the
//! checklist and the rating), against the framework's own ceiling: a bare serenity bot that
//! answers each interaction with one REST call, on a fresh fake in the same run, driven by the
//! same number of candidates clicking as often.
//!
//! Reports throughput (answered questions and interactions per second), bot-side latency from
//! the gateway event to the first REST call answering it (p50, p99, max), REST calls per answered
//! question split into interaction responses (callbacks, follow-ups, edits of the original) and
//! rate-limited routes (everything else), late acknowledgements and errors, and resident memory.
//! Then it runs again paced at half the measured saturation throughput and reports latency.
//!
//! `cargo bench --bench e2e [-- --candidates N] [--questions Q]`; `PANELIST_BENCH_SMOKE=1` runs 4
//! candidates. Bounded: every wait has a timeout, and everything is loopback. BENCHMARKS.md
//! records the figures. `--rooms R` also plays R peer-review rooms (`e2e/review.rs`), and
//! `--processes 1,2,4` the same load through that many built bots on PostgreSQL.

#[path = "e2e/review.rs"]
mod review;
#[path = "e2e/stages.rs"]
mod stages;
#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use serenity::all::{
    Client, ClientBuilder, Context, CreateInteractionResponse, CreateInteractionResponseMessage, EventHandler, GatewayIntents, Interaction,
};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use support::bot::{components, custom_id, text_of, Bot};
use support::db::fresh_postgres;
use support::fake_discord::payloads::{
    button_click, message_create, modal_submit, resolved_users, select_click, slash_command, slash_command_resolved,
};
use support::fake_discord::{message_json, opt, snowflake, FakeConfig, FakeDiscord, FakeUser, GuildSpec, Origin, RecordedRequest};
use support::process::{panelist, Serving};

const STEP_WAIT: Duration = Duration::from_secs(60);
const AREAS: [&str; 8] = [
    "python",
    "web",
    "databases",
    "concurrency",
    "architecture",
    "problem-solving",
    "mlops",
    "leadership",
];

fn smoke() -> bool {
    std::env::var("PANELIST_BENCH_SMOKE").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A comma-separated list after `name` (`--processes 1,2,4`); empty without it.
fn list_arg(name: &str) -> Vec<u32> {
    let args: Vec<String> = std::env::args().collect();
    let Some(i) = args.iter().position(|a| a == name) else {
        return Vec::new();
    };
    args.get(i + 1)
        .map(|l| l.split(',').filter_map(|x| x.trim().parse().ok()).filter(|&p| p > 0).collect())
        .unwrap_or_default()
}

fn arg(name: &str) -> Option<usize> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1)?.parse().ok()
}

/// Routes every request the fake records to whoever waits on its interaction token or channel;
/// what arrives before anyone asks is kept.
#[derive(Default)]
struct Router {
    slots: Mutex<HashMap<String, Slot>>,
}

/// A key's channel: the sender the tap uses, and the receiver until a candidate takes it.
type Slot = (UnboundedSender<RecordedRequest>, Option<UnboundedReceiver<RecordedRequest>>);

impl Router {
    fn sender(&self, key: &str) -> UnboundedSender<RecordedRequest> {
        let mut slots = self.slots.lock().unwrap();
        let slot = slots.entry(key.to_owned()).or_insert_with(|| {
            let (tx, rx) = unbounded_channel();
            (tx, Some(rx))
        });
        slot.0.clone()
    }

    fn receiver(&self, key: &str) -> UnboundedReceiver<RecordedRequest> {
        self.sender(key);
        self.slots
            .lock()
            .unwrap()
            .get_mut(key)
            .and_then(|s| s.1.take())
            .expect("one receiver per key")
    }

    fn run(self: Arc<Self>, mut tap: UnboundedReceiver<RecordedRequest>) {
        tokio::spawn(async move {
            while let Some(r) = tap.recv().await {
                if let Some(key) = key_of(&r) {
                    let _ = self.sender(&key).send(r);
                }
            }
        });
    }
}

/// `token:T` for an interaction's callback and webhook calls, `channel:C` for channel posts.
fn key_of(r: &RecordedRequest) -> Option<String> {
    let segs: Vec<&str> = r.path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["interactions", _, token, "callback"] => Some(format!("token:{token}")),
        ["webhooks", _, token, ..] => Some(format!("token:{token}")),
        ["channels", c, "messages"] if r.method == "POST" => Some(format!("channel:{c}")),
        _ => None,
    }
}

/// Figures one run collects.
#[derive(Default)]
struct Tally {
    /// Gateway event -> first REST call answering it.
    latencies: Vec<Duration>,
    interactions: usize,
    answered: usize,
    retries: usize,
    errors: Vec<String>,
    /// Each interaction's token and type, when it was pushed and when its first answer arrived.
    timed: Vec<stages::Timed>,
}

/// Paces interactions at a global rate (none: as fast as answers come).
#[derive(Clone)]
struct Pacer(Option<Arc<tokio::sync::Mutex<tokio::time::Interval>>>);

impl Pacer {
    fn new(per_sec: Option<f64>) -> Pacer {
        Pacer(per_sec.map(|r| {
            let mut i = tokio::time::interval(Duration::from_secs_f64(1.0 / r));
            i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            Arc::new(tokio::sync::Mutex::new(i))
        }))
    }

    async fn wait(&self) {
        if let Some(i) = &self.0 {
            i.lock().await.tick().await;
        }
    }
}

/// One candidate's view: what it received, per token and in its thread.
struct Candidate {
    fake: Arc<FakeDiscord>,
    router: Arc<Router>,
    pacer: Pacer,
    user: FakeUser,
    /// Its place in the run (0-based), and the server and channel it starts its interview in
    /// (none: the fake's default).
    index: usize,
    start_in: Option<(u64, u64)>,
    tally: Tally,
}

impl Candidate {
    /// Pushes an interaction; returns its first REST answer (timing it) and a receiver for the
    /// rest on its token.
    async fn interact(&mut self, ix: Value) -> anyhow::Result<(RecordedRequest, UnboundedReceiver<RecordedRequest>)> {
        self.pacer.wait().await;
        let token = ix["token"].as_str().unwrap_or_default().to_owned();
        let kind = ix["type"].as_u64().unwrap_or(0);
        let mut rx = self.router.receiver(&format!("token:{token}"));
        let sent = Instant::now();
        self.fake.push_interaction(ix);
        self.tally.interactions += 1;
        let first = tokio::time::timeout(STEP_WAIT, rx.recv())
            .await
            .map_err(|_| anyhow::anyhow!("no answer to an interaction"))?
            .ok_or_else(|| anyhow::anyhow!("router gone"))?;
        self.tally.latencies.push(first.at.saturating_duration_since(sent));
        self.tally.timed.push((token, kind, sent, first.at));
        Ok((first, rx))
    }

    /// The first message (a response, follow-up or thread post) that `pick` accepts.
    async fn message(
        &self,
        first: &RecordedRequest,
        token: &str,
        rx: &mut UnboundedReceiver<RecordedRequest>,
        thread: &mut UnboundedReceiver<RecordedRequest>,
        pick: impl Fn(&Value) -> bool,
    ) -> anyhow::Result<Value> {
        let mut seen = vec![first.clone()];
        let deadline = tokio::time::Instant::now() + STEP_WAIT;
        loop {
            for r in seen.drain(..) {
                let msg = if r.path.ends_with("/callback") {
                    (r.body["type"] == 4).then(|| self.fake.original_response(token)).flatten()
                } else {
                    Some(r.response.clone())
                };
                if let Some(m) = msg.filter(|m| pick(m)) {
                    return Ok(m);
                }
            }
            // A closed channel disables its branch (a bare `recv` would return at once, forever).
            tokio::select! {
                Some(r) = rx.recv() => seen.push(r),
                Some(r) = thread.recv() => seen.push(r),
                _ = tokio::time::sleep_until(deadline) => anyhow::bail!("no message came"),
            }
        }
    }

    async fn play(&mut self, questions: usize) -> anyhow::Result<()> {
        let areas = AREAS[..questions.clamp(1, AREAS.len())].join(",");
        let origin = match self.start_in {
            Some((guild, channel)) => self.fake.in_channel(guild, channel, &self.user),
            None => self.fake.in_guild(&self.user),
        };
        let options = vec![opt::subcommand(
            "start",
            vec![opt::string("areas", &areas), opt::integer("per_area", 1)],
        )];
        let ix = slash_command(&origin, "interview", options);
        let token = ix["token"].as_str().unwrap_or_default().to_owned();
        let (first, mut rx) = self.interact(ix).await?;
        let mut none = unbounded_channel().1;
        let said = self
            .message(&first, &token, &mut rx, &mut none, |m| {
                m["content"].as_str().is_some_and(|c| c.contains("<#"))
            })
            .await?;
        let content = said["content"].as_str().unwrap_or_default();
        let thread: u64 = content
            .split("<#")
            .nth(1)
            .and_then(|s| s.split('>').next())
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("no thread in {content}"))?;
        let mut posts = self.router.receiver(&format!("channel:{thread}"));
        let here = self.fake.in_thread(thread, &self.user);
        let has = |label: &'static str| move |m: &Value| components(m).iter().any(|(_, l)| l.starts_with(label));
        // The first question is posted in the thread.
        let mut q = loop {
            let r = tokio::time::timeout(STEP_WAIT, posts.recv())
                .await?
                .ok_or_else(|| anyhow::anyhow!("router gone"))?;
            if has("Submit answer")(&r.response) {
                break r.response;
            }
        };
        loop {
            // The main answer: typed in two parts, a hint, then Submit.
            for part in [
                "Shallow copies share nested objects with the original.",
                "A deep copy copies them recursively, so changes do not leak.",
            ] {
                self.fake.push_message(message_create(&here.place, &self.user, part));
            }
            // `--think-ms N`: a pause after typing, as a person makes before clicking (none by
            // default: the Submit may then race its parts and be refused, and is retried).
            if let Some(ms) = arg("--think-ms").filter(|&ms| ms > 0) {
                tokio::time::sleep(Duration::from_millis(ms as u64)).await;
            }
            self.click(&here, &q, "Hint").await?;
            let next = self.submit(&here, &q, &mut posts).await?;
            // A follow-up is answered in the form.
            let mut next = next;
            while has("Submit answer")(&next) {
                let ix = button_click(&here, &next, &custom_id(&next, "Answer in a form"));
                let (modal, _) = self.interact(ix).await?;
                let form = modal.body["data"]["custom_id"].as_str().unwrap_or_default().to_owned();
                let ix = modal_submit(
                    &here,
                    &form,
                    &[("answer", "I would measure first, then change one thing.")],
                    Some(&next),
                );
                let token = ix["token"].as_str().unwrap_or_default().to_owned();
                let (first, mut rx) = self.interact(ix).await?;
                next = self
                    .message(&first, &token, &mut rx, &mut posts, |m| {
                        has("Submit answer")(m) || has("Checklist")(m)
                    })
                    .await?;
            }
            let rubric = next;
            let ix = select_click(&here, &rubric, &custom_id(&rubric, "Checklist"), &["0", "1"]);
            self.interact(ix).await?;
            let ix = button_click(&here, &rubric, &custom_id(&rubric, "3 ·"));
            let token = ix["token"].as_str().unwrap_or_default().to_owned();
            let (first, mut rx) = self.interact(ix).await?;
            let after = self
                .message(&first, &token, &mut rx, &mut posts, |m| {
                    has("Submit answer")(m) || text_of(m).contains("Summary ·")
                })
                .await?;
            self.tally.answered += 1;
            if !has("Submit answer")(&after) {
                return Ok(());
            }
            q = after;
        }
    }

    async fn click(&mut self, here: &Origin, msg: &Value, label: &str) -> anyhow::Result<()> {
        self.interact(button_click(here, msg, &custom_id(msg, label))).await?;
        Ok(())
    }

    /// Submit; typed parts may still be on their way (events run concurrently), so a refusal
    /// for an empty draft is retried.
    async fn submit(&mut self, here: &Origin, q: &Value, posts: &mut UnboundedReceiver<RecordedRequest>) -> anyhow::Result<Value> {
        let has = |label: &'static str| move |m: &Value| components(m).iter().any(|(_, l)| l.starts_with(label));
        for _ in 0..50 {
            let ix = button_click(here, q, &custom_id(q, "Submit answer"));
            let token = ix["token"].as_str().unwrap_or_default().to_owned();
            let (first, mut rx) = self.interact(ix).await?;
            let m = self
                .message(&first, &token, &mut rx, posts, |m| {
                    has("Submit answer")(m) || has("Checklist")(m) || m["flags"].as_u64().unwrap_or(0) & 64 != 0
                })
                .await?;
            if m["flags"].as_u64().unwrap_or(0) & 64 == 0 {
                return Ok(m);
            }
            self.tally.retries += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        anyhow::bail!("Submit was refused 50 times")
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn rss_mib() -> f64 {
    rss_mib_of("self")
}

/// Resident memory of process `pid` ("self": this one), from /proc.
fn rss_mib_of(pid: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

struct Report {
    elapsed: Duration,
    tally: Tally,
    interaction_calls: usize,
    limited_calls: usize,
    /// Rate-limited calls per route and what they showed, most first.
    limited_routes: Vec<(String, usize)>,
    late_acks: usize,
    /// The bot's per-stage timings (with `--stages`).
    traces: Vec<panelist::stages::Trace>,
}

impl Report {
    fn per_sec(&self, n: usize) -> f64 {
        n as f64 / self.elapsed.as_secs_f64()
    }

    fn print(&mut self, name: &str) {
        self.tally.latencies.sort();
        let l = &self.tally.latencies;
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let answered = self.tally.answered.max(1) as f64;
        println!(
            "{name}: {} answered questions in {:.2} s = {:.1}/s; {} interactions = {:.1}/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; REST per answered question {:.2} interaction responses + {:.2} rate-limited ({:.2} interaction responses per interaction); {} Submit retries; {} late acknowledgements; {} errors; resident {:.1} MiB",
            self.tally.answered,
            self.elapsed.as_secs_f64(),
            self.per_sec(self.tally.answered),
            self.tally.interactions,
            self.per_sec(self.tally.interactions),
            ms(percentile(l, 0.5)),
            ms(percentile(l, 0.99)),
            ms(l.last().copied().unwrap_or_default()),
            self.interaction_calls as f64 / answered,
            self.limited_calls as f64 / answered,
            self.interaction_calls as f64 / self.tally.interactions.max(1) as f64,
            self.tally.retries,
            self.late_acks,
            self.tally.errors.len(),
            rss_mib(),
        );
        for (route, n) in &self.limited_routes {
            println!("  rate-limited {:.2} per answered question ({n}): {route}", *n as f64 / answered);
        }
        for e in self.tally.errors.iter().take(5) {
            println!("  error: {e}");
        }
        stages::print(&self.tally.timed, &self.traces);
    }
}

fn split_calls(requests: &[RecordedRequest]) -> (usize, usize) {
    let interaction = requests
        .iter()
        .filter(|r| r.path.starts_with("/interactions/") || r.path.starts_with("/webhooks/"))
        .count();
    (interaction, requests.len() - interaction)
}

/// The rate-limited calls by route (ids as `:id`) and, for a message posted or edited, what it
/// showed (its embed's title or its text's first words, digits as `#`), most first.
fn limited_routes(requests: &[RecordedRequest]) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for r in requests {
        if r.path.starts_with("/interactions/") || r.path.starts_with("/webhooks/") {
            continue;
        }
        let path: Vec<&str> = r
            .segments()
            .into_iter()
            .map(|s| if s.bytes().all(|b| b.is_ascii_digit()) { ":id" } else { s })
            .collect();
        let mut key = format!("{} /{}", r.method, path.join("/"));
        if path.last() != Some(&"threads") && path.contains(&"messages") && r.method != "DELETE" {
            let title = r.body["embeds"][0]["title"].as_str();
            let text = r.body["content"].as_str().unwrap_or_default();
            let what: String = title.unwrap_or(text).chars().take(40).collect();
            let what: String = what.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect();
            key.push_str(&format!(" · {what:?}"));
        }
        *counts.entry(key).or_default() += 1;
    }
    let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

/// What each simulated user of an in-process run plays.
#[derive(Clone, Copy)]
enum Script {
    /// A mock interview in a thread, self-scored.
    Interview,
    /// A peer-review room (a host, the candidate and reviewers).
    Room,
}

async fn run_panelist(n: usize, questions: usize, pace: Option<f64>) -> Report {
    run_in_process(Script::Interview, n, questions, pace).await
}

/// `rooms` peer-review rooms at once (a host, the candidate and reviewers each), in-process.
async fn run_rooms(rooms: usize, questions: usize) -> Report {
    run_in_process(Script::Room, rooms, questions, None).await
}

/// The bot in this process on a fresh SQLite file, and `n` runs of `script` at once.
async fn run_in_process(script: Script, n: usize, questions: usize, pace: Option<f64>) -> Report {
    let fake = Arc::new(FakeDiscord::start().await);
    fake.expect_refusals(); // late acknowledgements are counted, not fatal
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    fake.clear_requests();
    let name = match script {
        Script::Interview => "cand",
        Script::Room => "peer",
    };
    let report = drive(&fake, name, n, Pacer::new(pace), move |mut c| async move {
        let played = match script {
            Script::Interview => c.play(questions).await,
            Script::Room => c.review_room(questions).await,
        };
        if let Err(e) = played {
            c.tally.errors.push(e.to_string());
        }
        c.tally
    })
    .await;
    bot.stop().await;
    report
}

/// `processes` built bots (`panelist serve`, one shard each of `processes`) on one fresh
/// PostgreSQL database; the candidates spread over one server per shard.
async fn run_processes(n: usize, questions: usize, processes: u32) -> Report {
    let guilds: Vec<GuildSpec> = (0..processes)
        .map(|shard| GuildSpec::on_shard(&format!("Shard {shard}"), shard, processes))
        .collect();
    let config = FakeConfig {
        token: "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GhIjKl.e2e-processes-token-abcdefghijk".into(),
        guilds: guilds.clone(),
        recommended_shards: processes,
        ..Default::default()
    };
    let fake = Arc::new(FakeDiscord::start_with(config).await);
    fake.expect_refusals();
    let db = fresh_postgres().await;
    let total = processes.to_string();
    let mut bots = Vec::new();
    for shard in 0..processes {
        let shard = shard.to_string();
        bots.push(
            Serving::start(
                &fake,
                panelist(&fake, &db, &["serve", "--shards", &shard, "--total-shards", &total]),
            )
            .await,
        );
    }
    fake.clear_requests();
    let places: Arc<Vec<(u64, u64)>> = Arc::new(guilds.iter().map(|g| (g.id, g.channels[0].0)).collect());
    let report = drive(&fake, "cand", n, Pacer::new(None), move |mut c| {
        let places = places.clone();
        async move {
            c.start_in = Some(places[c.index % places.len()]);
            if let Err(e) = c.play(questions).await {
                c.tally.errors.push(e.to_string());
            }
            c.tally
        }
    })
    .await;
    let resident: Vec<String> = bots.iter().map(|b| format!("{:.1}", rss_mib_of(&b.0.id().to_string()))).collect();
    println!("  bot processes resident (MiB): {}", resident.join(", "));
    drop(bots);
    report
}

/// The ceiling: one REST call per interaction, nothing else.
struct Bare;

#[serenity::async_trait]
impl EventHandler for Bare {
    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        if let Interaction::Component(c) = interaction {
            let r = CreateInteractionResponse::Message(CreateInteractionResponseMessage::new().content("ok"));
            let _ = c.create_response(&ctx.http, r).await;
        }
    }
}

async fn run_bare(n: usize, clicks: usize) -> Report {
    let fake = Arc::new(FakeDiscord::start().await);
    fake.expect_refusals();
    let http = serenity::http::HttpBuilder::new(fake.token())
        .proxy(fake.api_base())
        .ratelimiter_disabled(true)
        .build();
    let intents = GatewayIntents::non_privileged() | GatewayIntents::MESSAGE_CONTENT;
    let mut client: Client = ClientBuilder::new_with_http(http, intents)
        .event_handler(Bare)
        .await
        .expect("client");
    let shards = client.shard_manager.clone();
    let running = tokio::spawn(async move { client.start().await });
    fake.wait_identified(STEP_WAIT).await;
    let report = drive(&fake, "bare", n, Pacer::new(None), move |mut c| async move {
        let origin = c.fake.in_guild(&c.user);
        let msg = message_json(snowflake(), c.fake.channel_id(), &c.fake.bot_user().json(), "click me");
        for _ in 0..clicks {
            if let Err(e) = c.interact(button_click(&origin, &msg, "bench")).await {
                c.tally.errors.push(e.to_string());
                break;
            }
        }
        c.tally
    })
    .await;
    shards.shutdown_all().await;
    let _ = running.await;
    report
}

/// Runs `n` candidates (named `{name}{i}`) through `script` at once against `fake`, routing
/// its requests to them; returns their tallies merged, with the fake's count of REST calls.
async fn drive<F, Fut>(fake: &Arc<FakeDiscord>, name: &str, n: usize, pacer: Pacer, script: F) -> Report
where
    F: Fn(Candidate) -> Fut,
    Fut: std::future::Future<Output = Tally> + Send + 'static,
{
    let router = Arc::new(Router::default());
    router.clone().run(fake.tap());
    let t = Instant::now();
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            tokio::spawn(script(Candidate {
                fake: fake.clone(),
                router: router.clone(),
                pacer: pacer.clone(),
                user: FakeUser::fresh(&format!("{name}{i}")),
                index: i,
                start_in: None,
                tally: Tally::default(),
            }))
        })
        .collect();
    let mut tally = Tally::default();
    for t in tasks {
        let one = t.await.unwrap();
        tally.latencies.extend(one.latencies);
        tally.interactions += one.interactions;
        tally.answered += one.answered;
        tally.retries += one.retries;
        tally.errors.extend(one.errors);
        tally.timed.extend(one.timed);
    }
    let elapsed = t.elapsed();
    let requests = fake.requests();
    let (interaction_calls, limited_calls) = split_calls(&requests);
    Report {
        elapsed,
        tally,
        interaction_calls,
        limited_calls,
        limited_routes: limited_routes(&requests),
        late_acks: fake.late_acknowledgements().len(),
        traces: panelist::stages::take(),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n = arg("--candidates").unwrap_or(if smoke() { 4 } else { 1000 });
    let questions = arg("--questions").unwrap_or(2);
    if std::env::args().any(|a| a == "--stages") {
        panelist::stages::enable();
    }
    println!("{n} candidates, {questions} questions each (1 per area; every follow-up answered in the form)");
    let mut saturated = run_panelist(n, questions, None).await;
    saturated.print("panelist, saturated");
    let per_candidate = saturated.tally.interactions.div_ceil(n.max(1));
    let mut bare = run_bare(n, per_candidate).await;
    bare.print("bare serenity (one call per interaction)");
    let ratio = saturated.per_sec(saturated.tally.interactions) / bare.per_sec(bare.tally.interactions);
    println!("interactions/s, panelist / bare serenity: {ratio:.2}");
    // A refused Submit (typed parts still on their way) is an interaction the bot answered, but
    // not progress: the ratio without them.
    let useful = (saturated.tally.interactions - saturated.tally.retries) as f64 / saturated.elapsed.as_secs_f64();
    println!(
        "interactions/s without refused Submits, panelist / bare serenity: {:.2}",
        useful / bare.per_sec(bare.tally.interactions)
    );
    let half = saturated.per_sec(saturated.tally.interactions) / 2.0;
    let mut paced = run_panelist(n, questions, Some(half)).await;
    paced.print(&format!("panelist, paced at half saturation ({half:.0} interactions/s)"));
    let mut failed = saturated.tally.errors.len() + paced.tally.errors.len() + bare.tally.errors.len();
    // Scale-out: the same load through 1, 2, 4... built bot processes sharing PostgreSQL.
    // Peer-review rooms: a host, the candidate and reviewers each, to the report.
    let rooms = arg("--rooms").unwrap_or(if smoke() { 2 } else { n / 10 });
    if rooms > 0 {
        let mut run = run_rooms(rooms, questions).await;
        run.print(&format!("{rooms} peer-review rooms ({} reviewers each)", review::REVIEWERS));
        failed += run.tally.errors.len();
        if smoke() {
            assert_eq!(run.tally.answered, rooms * questions, "every room's questions scored");
        }
    }
    let mut scale = list_arg("--processes");
    if smoke() && scale.is_empty() {
        scale.push(2); // the smoke run proves the multi-process path still works
    }
    for processes in scale {
        let mut run = run_processes(n, questions, processes).await;
        run.print(&format!("{processes} process(es) on PostgreSQL, one shard each"));
        failed += run.tally.errors.len();
    }
    println!("interviews that failed: {failed}");
    if smoke() {
        assert_eq!(failed, 0, "the smoke run completes every interview");
        assert_eq!(saturated.tally.answered, n * questions, "every question answered");
    }
}
