//! Progress across sessions. On SQLite and PostgreSQL: the history's numbers are the stored
//! scores of a scripted set of sessions, due dates persist and grow, a drill asks the due
//! questions of that user only and its answer is a review. Against the fake Discord, with the
//! real serenity client: history pages with buttons (DM sessions only in DMs), a transcript as
//! a multipart upload with `payload_json`, and `/drill` in the DMs.

mod support;

use std::path::Path;

use sqlx::Row;

use panelist::bank::load_path;
use panelist::engine::{now_millis, DrillRequest, Engine, NewSession, NoDrill, Outcome};
use panelist::interview::{ActorId, Input, Millis, Mode, PlanOptions, Scope, Session, Settings, Stage};
use panelist::progress::DAY_MS;
use panelist::store::Store;
use support::db::{sqlite, Db};

const T0: Millis = 1_780_000_000_000;

on_both!(
    history_numbers_are_the_stored_scores,
    due_dates_persist_and_grow_with_good_answers,
    a_drill_asks_the_due_questions_of_that_user_only,
    a_reminder_fires_once_for_the_user_who_asked_at_their_local_time,
);

fn bank() -> panelist::bank::Bank {
    load_path(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/prompts"))).expect("packs")
}

async fn open(db: &Db) -> (Engine, Store) {
    let store = Store::connect(&db.url).await.expect("open database");
    (Engine::new(store.clone(), bank(), Settings::default()), store)
}

/// What to do with each question of a scripted interview: the answer and the self rating.
struct Turn<'a> {
    answer: &'a str,
    rating: u8,
}

const WEAK: &str = "I am not sure, I would look it up.";

/// Starts an interview of one question per area in `areas` (no follow-ups) at `at` and answers
/// every question as `turns` say; returns the finished session.
async fn interview(e: &Engine, who: &ActorId, place: (Scope, Mode), areas: &[&str], seed: u64, at: Millis, turns: &[Turn<'_>]) -> Session {
    let new = NewSession {
        scope: place.0,
        candidate: who.clone(),
        mode: place.1,
        role: "senior-python-developer".into(),
        options: PlanOptions {
            areas: areas.iter().map(|a| a.to_string()).collect(),
            per_area: 1,
            follow_ups: 0,
            seed,
        },
        time_limit_secs: None,
        channel: (place.0 != Scope::Terminal).then_some(4242),
        key: format!("start:{}", uuid::Uuid::new_v4()),
        peer: None,
    };
    let mut s = e.start(new, at).await.unwrap().expect("started").stored.session;
    assert_eq!(s.plan.items.len(), turns.len(), "one turn per question");
    let mut now = at;
    for t in turns {
        for input in [
            Input::answer(t.answer),
            Input::Submit,
            Input::Checklist { ticks: vec![0] },
            Input::Rate { rating: t.rating },
        ] {
            now += 1000;
            s = applied(
                e.apply(&s.id, who, &input, &format!("k:{}", uuid::Uuid::new_v4()), now)
                    .await
                    .unwrap(),
            );
        }
    }
    assert!(matches!(s.stage, Stage::Finished { .. }), "{:?}", s.stage);
    s
}

fn applied(o: Outcome) -> Session {
    match o {
        Outcome::Applied(a) => a.stored.session,
        other => panic!("not applied: {other:?}"),
    }
}

const TERMINAL: (Scope, Mode) = (Scope::Terminal, Mode::Terminal);

/// Three plan seeds whose first question (one per area of `areas`) is `question`.
fn seeds_asking(question: &str, areas: &[&str]) -> Vec<u64> {
    let bank = bank();
    let pack = bank
        .packs()
        .iter()
        .find(|p| p.role.id == "senior-python-developer")
        .unwrap()
        .clone();
    (0..10_000u64)
        .filter(|&seed| {
            let opts = PlanOptions {
                areas: areas.iter().map(|a| a.to_string()).collect(),
                per_area: 1,
                follow_ups: 0,
                seed,
            };
            panelist::interview::plan::select(&pack, &opts).unwrap().items[0].question == question
        })
        .take(3)
        .collect()
}

async fn stored_coverage(store: &Store, session: &str, item: i64) -> f64 {
    sqlx::query("SELECT coverage FROM answers WHERE session_id = $1 AND item = $2 AND part = 0")
        .bind(session)
        .bind(item)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0)
}

async fn history_numbers_are_the_stored_scores(db: Db) {
    let (e, store) = open(&db).await;
    let me = ActorId::local("ana");
    let other = ActorId::local("ben");
    let strong = "A shallow copy shares the nested objects with the original; copy.deepcopy copies them recursively, so mutating a nested list in a deep copy leaves the original alone.";
    let ratings = [(4, 2), (3, 3), (1, 2)];
    let seeds = seeds_asking("py-shallow-deep-copy", &["python", "concurrency"]);
    let mut ids = Vec::new();
    for (n, &(a, b)) in ratings.iter().enumerate() {
        let turns = [Turn { answer: strong, rating: a }, Turn { answer: WEAK, rating: b }];
        let s = interview(
            &e,
            &me,
            TERMINAL,
            &["python", "concurrency"],
            seeds[n],
            T0 + n as Millis * DAY_MS,
            &turns,
        )
        .await;
        assert_eq!(s.plan.items[0].question, "py-shallow-deep-copy");
        ids.push(s.id);
    }
    interview(&e, &other, TERMINAL, &["python"], 9, T0, &[Turn { answer: WEAK, rating: 1 }]).await;

    let first = e.history_page(&me, Scope::Terminal, 0, 2).await.unwrap();
    assert_eq!((first.total, first.pages, first.lines.len()), (3, 2, 2));
    assert!(first.has_older() && !first.has_newer());
    let older = e.history_page(&me, Scope::Terminal, 1, 2).await.unwrap();
    assert_eq!(older.lines.len(), 1);
    let lines: Vec<_> = first.lines.iter().chain(&older.lines).collect();
    // Newest first: the third session, then the second, then the first.
    let listed: Vec<&str> = lines.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(listed, vec![ids[2].as_str(), ids[1].as_str(), ids[0].as_str()]);
    for (line, n) in lines.iter().zip([2usize, 1, 0]) {
        assert_eq!(line.at, T0 + n as Millis * DAY_MS);
        assert_eq!((line.asked, line.answered, line.status), (2, 2, "finished"));
        assert_eq!(line.mode, Mode::Terminal);
        let areas: Vec<&str> = line.areas.iter().map(|a| a.area.as_str()).collect();
        assert_eq!(areas, vec!["python", "concurrency"]);
        let (a, b) = ratings[n];
        assert_eq!(line.areas[0].self_mean, Some(a as f64));
        assert_eq!(line.areas[1].self_mean, Some(b as f64));
        assert_eq!(line.areas[0].peer_median, None, "nobody else scored");
        for (item, area) in line.areas.iter().enumerate() {
            let want = stored_coverage(&store, &line.id, item as i64).await;
            assert_eq!(area.coverage, Some(want), "coverage as stored for {} item {item}", line.id);
        }
    }
    assert!(
        lines[0].areas[0].coverage.unwrap() > lines[0].areas[1].coverage.unwrap(),
        "the strong answer covers more than the weak one"
    );
    let theirs = e.history_page(&other, Scope::Terminal, 0, 10).await.unwrap();
    assert_eq!(theirs.total, 1, "another user's sessions are theirs alone");
    e.close().await;
}

async fn due_dates_persist_and_grow_with_good_answers(db: Db) {
    let url = db.url.clone();
    let (e, _) = open(&db).await;
    let me = ActorId::local("ana");
    let s = interview(
        &e,
        &me,
        TERMINAL,
        &["python", "concurrency"],
        3,
        T0,
        &[Turn { answer: WEAK, rating: 4 }, Turn { answer: WEAK, rating: 1 }],
    )
    .await;
    let cards = e.refresh_cards(&me, T0 + DAY_MS / 2).await.unwrap();
    assert_eq!(cards.len(), 2);
    let good = cards.iter().find(|c| c.question == s.plan.items[0].question).unwrap().clone();
    let weak = cards.iter().find(|c| c.question == s.plan.items[1].question).unwrap().clone();
    assert!(good.due > weak.due, "the weak answer comes back first");
    e.close().await;

    // A new process on the same database sees the same schedule.
    let reopened = Engine::new(Store::connect(&url).await.unwrap(), bank(), Settings::default());
    let mut stored = reopened.cards(&me).await.unwrap();
    stored.sort_by_key(|c| c.due);
    assert_eq!(stored, vec![weak.clone(), good.clone()]);
    assert_eq!(reopened.due_count(&me, T0 + DAY_MS / 2).await.unwrap(), 0);
    assert_eq!(reopened.due_count(&me, weak.due).await.unwrap(), 1);
    assert_eq!(reopened.due_count(&me, good.due).await.unwrap(), 2);

    // Answering the due question well again: it comes back later than the first time.
    let again = interview(
        &reopened,
        &me,
        TERMINAL,
        &["python", "concurrency"],
        3,
        weak.due + 1,
        &[Turn { answer: WEAK, rating: 4 }, Turn { answer: WEAK, rating: 4 }],
    )
    .await;
    assert_eq!(again.plan.items[1].question, weak.question, "same seed, same questions");
    let after = reopened.refresh_cards(&me, weak.due + DAY_MS).await.unwrap();
    let card = after.iter().find(|c| c.question == weak.question).unwrap();
    assert_eq!(card.reps, 2);
    assert!(
        card.interval_days() > weak.interval_days(),
        "{} vs {}",
        card.interval_days(),
        weak.interval_days()
    );
    reopened.close().await;
}

async fn a_drill_asks_the_due_questions_of_that_user_only(db: Db) {
    let (e, _) = open(&db).await;
    let (ana, ben) = (ActorId::local("ana"), ActorId::local("ben"));
    let mine = interview(&e, &ana, TERMINAL, &["python"], 1, T0, &[Turn { answer: WEAK, rating: 1 }]).await;
    let theirs = interview(&e, &ben, TERMINAL, &["concurrency"], 2, T0, &[Turn { answer: WEAK, rating: 1 }]).await;
    let due_q = &mine.plan.items[0].question;
    let drill = |who: &ActorId, key: &str| DrillRequest {
        scope: Scope::Terminal,
        mode: Mode::Terminal,
        candidate: who.clone(),
        role: "senior-python-developer".into(),
        channel: None,
        key: key.into(),
        size: 3,
    };
    let later = T0 + 3 * DAY_MS;
    let started = match e.start_drill(drill(&ana, "d1"), later).await.unwrap() {
        Ok(a) => a,
        Err(no) => panic!("no drill: {no:?}"),
    };
    let plan: Vec<&str> = started.session().plan.items.iter().map(|i| i.question.as_str()).collect();
    assert_eq!(plan.len(), 3);
    assert_eq!(plan[0], due_q.as_str(), "the due question first");
    assert!(
        !plan.contains(&theirs.plan.items[0].question.as_str()),
        "never someone else's: {plan:?}"
    );
    assert!(
        started.session().plan.items.iter().all(|i| i.follow_ups.is_empty()),
        "main answers only"
    );
    // A second drill while this one is live is refused like any second interview.
    assert!(matches!(
        e.start_drill(drill(&ana, "d2"), later).await.unwrap(),
        Err(NoDrill::Refused(_))
    ));

    // Answering the drill's first question is a review of it.
    let mut s = started.stored.session.clone();
    for input in [
        Input::answer(WEAK),
        Input::Submit,
        Input::Checklist { ticks: vec![] },
        Input::Rate { rating: 4 },
    ] {
        s = applied(
            e.apply(&s.id, &ana, &input, &format!("k:{}", uuid::Uuid::new_v4()), later + 1000)
                .await
                .unwrap(),
        );
    }
    let cards = e.refresh_cards(&ana, later + 2000).await.unwrap();
    assert_eq!(cards.iter().find(|c| &c.question == due_q).unwrap().reps, 2);
    assert!(cards.iter().all(|c| c.question != theirs.plan.items[0].question));
    // Forgetting a user deletes their cards (and reminder) with their sessions.
    e.set_reminder(&ana, "09:00", "UTC", None, later).await.unwrap().unwrap();
    e.forget(&ana, later).await.unwrap();
    assert!(e.cards(&ana).await.unwrap().is_empty());
    assert_eq!(e.reminder(&ana).await.unwrap(), None);
    assert_eq!(e.refresh_cards(&ben, later).await.unwrap().len(), 1, "someone else's stay");
    e.close().await;
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Millis {
    use chrono::TimeZone;
    chrono::Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap().timestamp_millis()
}

async fn a_reminder_fires_once_for_the_user_who_asked_at_their_local_time(db: Db) {
    let (e, _) = open(&db).await;
    let (ana, ben) = (ActorId::discord(1), ActorId::discord(2));
    let set_at = utc(2026, 12, 1, 6, 0);
    // Bad input changes nothing.
    assert!(e.set_reminder(&ben, "25:00", "Europe/Berlin", None, set_at).await.unwrap().is_err());
    assert!(e.set_reminder(&ben, "09:00", "Berlin", None, set_at).await.unwrap().is_err());
    assert_eq!(e.reminder(&ben).await.unwrap(), None);
    let (said, first) = e.set_reminder(&ana, "09:00", "Europe/Berlin", None, set_at).await.unwrap().unwrap();
    assert_eq!(said, "09:00 Europe/Berlin (daily)");
    assert_eq!(first, utc(2026, 12, 1, 8, 0), "09:00 in Berlin is 08:00 UTC in winter");
    interview(
        &e,
        &ana,
        (Scope::Dm, Mode::Dm),
        &["python"],
        1,
        set_at - 5 * DAY_MS,
        &[Turn { answer: WEAK, rating: 1 }],
    )
    .await;

    assert_eq!(e.due_reminders(first - 60_000).await.unwrap(), vec![], "not a minute early");
    // Two processes look at the same moment: the reminder is claimed and sent once.
    let other = Engine::new(Store::connect(&db.url).await.unwrap(), bank(), Settings::default());
    let (a, b) = tokio::join!(e.due_reminders(first), other.due_reminders(first));
    let fired: Vec<_> = a.unwrap().into_iter().chain(b.unwrap()).collect();
    assert_eq!(fired, vec![panelist::engine::DueReminder { user: ana.clone(), due: 1 }]);
    assert_eq!(e.due_reminders(first + 60_000).await.unwrap(), vec![], "once");
    // A restart (a new engine on the same database) keeps the schedule: the next day, again.
    let next = utc(2026, 12, 2, 8, 0);
    assert_eq!(other.reminder(&ana).await.unwrap().unwrap().next_at, next);
    assert_eq!(other.due_reminders(next).await.unwrap().len(), 1);
    assert!(e.reminder_off(&ana).await.unwrap());
    assert_eq!(e.due_reminders(utc(2026, 12, 9, 8, 0)).await.unwrap(), vec![], "off means off");
    other.close().await;
    e.close().await;
}

#[test]
fn the_chart_is_a_png_of_the_expected_size_that_matches_the_reference() {
    use panelist::progress::chart::{self, HEIGHT, WIDTH};
    use panelist::progress::reviews::Review;
    use panelist::progress::stats::stats;
    let review = |n: i64, area: &str, self_rating: u8, peers: &[u8], coverage: f64| Review {
        session: format!("s{n}"),
        item: 0,
        role: "senior-python-developer".into(),
        question: format!("{area}-{n}"),
        area: area.into(),
        at: T0 + n * DAY_MS,
        self_rating: Some(self_rating),
        peer_ratings: peers.to_vec(),
        coverage,
    };
    let reviews = vec![
        review(0, "python", 2, &[], 0.3),
        review(0, "concurrency", 3, &[2, 2], 0.2),
        review(3, "python", 3, &[3], 0.5),
        review(3, "concurrency", 3, &[], 0.4),
        review(7, "python", 4, &[3, 4], 0.8),
        review(7, "web", 2, &[], 0.1),
    ];
    let s = stats(&reviews, &["python".into(), "concurrency".into(), "web".into()]);
    let bytes = chart::render(&s, "Senior Python Developer: progress over 6 answers", &|a| a.to_string());
    let (w, h, pixels) = decode(&bytes);
    assert_eq!((w, h), (WIDTH, HEIGHT));
    let count = |rgb: [u8; 3]| pixels.chunks(3).filter(|p| *p == rgb).count();
    assert!(
        count(chart::SELF) > 100 && count(chart::PEERS) > 100 && count(chart::COVERAGE) > 100,
        "all three series are drawn"
    );

    let reference = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/progress-chart.png"));
    if std::env::var_os("PANELIST_UPDATE_REFERENCE").is_some() {
        std::fs::write(reference, &bytes).unwrap();
    }
    let stored = std::fs::read(reference).expect("tests/fixtures/progress-chart.png (PANELIST_UPDATE_REFERENCE=1 writes it)");
    let (rw, rh, expected) = decode(&stored);
    assert_eq!((rw, rh), (w, h));
    // Within a small tolerance: font rasterisers may move an edge pixel, nothing more.
    let off = pixels
        .chunks(3)
        .zip(expected.chunks(3))
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 48))
        .count();
    assert!(off * 1000 < (w * h) as usize, "{off} of {} pixels differ from the reference", w * h);
}

/// (width, height, RGB bytes) of a PNG, checking it is 8-bit RGB.
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().expect("a valid PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).expect("one frame");
    assert_eq!((info.color_type, info.bit_depth), (png::ColorType::Rgb, png::BitDepth::Eight));
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[tokio::test]
async fn transcripts_are_found_by_id_prefix_and_only_where_they_may_be_shown() {
    let db = sqlite().await;
    let (e, _) = open(&db).await;
    let me = ActorId::discord(77);
    let in_dm = interview(
        &e,
        &me,
        (Scope::Dm, Mode::Dm),
        &["python"],
        1,
        T0,
        &[Turn {
            answer: "My DM answer about copies.",
            rating: 2,
        }],
    )
    .await;
    let in_server = interview(
        &e,
        &me,
        (Scope::Server(5), Mode::Channel),
        &["python"],
        2,
        T0 + 1000,
        &[Turn {
            answer: "My server answer.",
            rating: 3,
        }],
    )
    .await;
    let newest_dm = e.transcript_of(&me, Scope::Dm, None).await.unwrap().unwrap();
    assert_eq!(newest_dm.session, in_server.id, "DMs show every session; the newest by default");
    let by_prefix = e.transcript_of(&me, Scope::Dm, Some(&in_dm.id[..6])).await.unwrap().unwrap();
    assert!(
        by_prefix.markdown.contains("> My DM answer about copies."),
        "{}",
        by_prefix.markdown
    );
    assert!(by_prefix.markdown.contains("Self-score: 2/4"));
    let refused = e.transcript_of(&me, Scope::Server(5), Some(&in_dm.id[..6])).await.unwrap();
    assert!(
        refused.unwrap_err().contains("No session of yours here"),
        "a DM session is never shown in a server"
    );
    assert!(
        e.transcript_of(&me, Scope::Server(6), None).await.unwrap().is_err(),
        "nor another server's"
    );
    assert!(e
        .transcript_of(&me, Scope::Dm, Some("ab"))
        .await
        .unwrap()
        .unwrap_err()
        .contains("at least the first 4"));
    e.close().await;
}

#[test]
fn dm_sessions_are_visible_only_in_dms() {
    use panelist::engine::visible;
    assert!(visible(Scope::Dm, Scope::Dm));
    assert!(visible(Scope::Server(1), Scope::Dm));
    assert!(!visible(Scope::Dm, Scope::Server(1)));
    assert!(!visible(Scope::Server(2), Scope::Server(1)));
    assert!(visible(Scope::Server(1), Scope::Server(1)));
    assert!(!visible(Scope::Terminal, Scope::Dm));
    assert!(visible(Scope::Terminal, Scope::Terminal));
}

/// The built binary on a fresh database, with stdin piped.
fn panelist(dir: &Path, args: &[&str], input: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_panelist"))
        .current_dir(dir)
        .env("DATABASE_URL", format!("sqlite://{}?mode=rwc", dir.join("p.db").display()))
        .env("PANELIST_PROMPTS", concat!(env!("CARGO_MANIFEST_DIR"), "/prompts"))
        .env_remove("RUST_LOG")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_terminal_shows_history_stats_and_transcripts_and_runs_a_drill() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let practice = [
        "practice",
        "--areas",
        "python",
        "--per-area",
        "1",
        "--follow-ups",
        "0",
        "--seed",
        "3",
        "--user",
        "pat",
    ];
    let done = panelist(d, &practice, b"I am not sure, I would look it up.\n/submit\n1\n1\n");
    assert!(done.status.success() && stdout(&done).contains("saved"), "{}", stdout(&done));

    let history = panelist(d, &["history", "--user", "pat"], b"");
    let text = stdout(&history);
    assert!(history.status.success(), "{text}");
    assert!(
        text.contains("page 1 of 1, 1 in all") && text.contains("terminal  finished  1/1 answered"),
        "{text}"
    );
    assert!(text.contains("self 1.0"), "{text}");
    assert!(stdout(&panelist(d, &["history", "--user", "nobody"], b"")).contains("No interviews yet"));

    let png = d.join("chart.png");
    let stats = panelist(d, &["stats", "--user", "pat", "--out", png.to_str().unwrap()], b"");
    let text = stdout(&stats);
    assert!(text.contains("1 answer to 1 different question in 1 session."), "{text}");
    let (w, h, _) = decode(&std::fs::read(&png).unwrap());
    assert_eq!((w, h), (panelist::progress::chart::WIDTH, panelist::progress::chart::HEIGHT));

    let md = stdout(&panelist(d, &["transcript", "--user", "pat"], b""));
    assert!(
        md.contains("> I am not sure, I would look it up.") && md.contains("Self-score: 1/4"),
        "{md}"
    );
    let short = panelist(d, &["transcript", "ab", "--user", "pat"], b"");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least the first 4"));

    // Nothing is due yet, so the drill is new questions of the weakest (an unpractised) area.
    let drill = panelist(d, &["practice", "--drill", "--user", "pat"], b"");
    let text = stdout(&drill);
    assert!(
        drill.status.success() && text.contains("Drill: the questions due for review"),
        "{text}"
    );
    assert!(text.contains("Question 1 of 5"), "{text}");
}

mod discord {
    //! The same, through the real bot and the fake Discord.

    use serde_json::Value;

    use super::support::bot::{after_defer, callback, custom_id, interaction_id, push, response, token, Bot, WAIT};
    use super::support::fake_discord::payloads::{button_click, slash_command};
    use super::support::fake_discord::{opt, FakeDiscord, FakeUser};
    use super::*;

    async fn seeded(bot: &Bot, fake: &FakeDiscord, user: &FakeUser) -> (Vec<String>, String) {
        let me = ActorId::discord(user.id);
        let mut server = Vec::new();
        let base = now_millis() - 10 * DAY_MS;
        for n in 0..6 {
            let s = interview(
                &bot.engine,
                &me,
                (Scope::Server(fake.guild_id()), Mode::Channel),
                &["python"],
                n,
                base + n as Millis * 60_000,
                &[Turn { answer: WEAK, rating: 2 }],
            )
            .await;
            server.push(s.id);
        }
        let dm = interview(
            &bot.engine,
            &me,
            (Scope::Dm, Mode::Dm),
            &["python"],
            99,
            base + DAY_MS,
            &[Turn {
                answer: "A private DM answer.",
                rating: 1,
            }],
        )
        .await;
        (server, dm.id)
    }

    fn short(id: &str) -> String {
        format!("`{}`", &id[..8])
    }

    #[tokio::test]
    async fn history_pages_turn_with_buttons_and_dm_sessions_stay_in_dms() {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let bot = Bot::start(&fake, dir.path()).await;
        let user = FakeUser::fresh("hana");
        let (server, dm) = seeded(&bot, &fake, &user).await;

        let ix = push(
            &fake,
            slash_command(&fake.in_guild(&user), "interview", vec![opt::subcommand("history", vec![])]),
        );
        let message = response(&fake, &ix).await;
        let page1 = &message;
        let text = page1["content"].as_str().unwrap();
        assert!(text.contains("page 1 of 2 · 6 in all"), "{text}");
        let answered = callback(&fake, &interaction_id(&ix)).await;
        assert_eq!(
            (answered.body["type"].as_i64(), answered.body["data"]["flags"].as_i64()),
            (Some(4), Some(64)),
            "at once, privately"
        );
        for id in &server[1..] {
            assert!(text.contains(&short(id)), "newest five on page one: {text}");
        }
        assert!(!text.contains(&short(&server[0])), "the oldest is on page two");
        assert!(!text.contains(&short(&dm)), "a DM session is never listed in a server");
        assert!(text.contains("self 2.0"), "{text}");

        // Someone else cannot turn the pages; the owner can.
        let older = custom_id(&message, "Older");
        let stranger = FakeUser::fresh("ivo");
        let poke = push(&fake, button_click(&fake.in_guild(&stranger), &message, &older));
        let refused = callback(&fake, &interaction_id(&poke)).await;
        assert!(
            refused.body["data"]["content"].as_str().unwrap().contains("someone else's"),
            "{}",
            refused.body
        );
        let click = push(&fake, button_click(&fake.in_guild(&user), &message, &older));
        let turned = callback(&fake, &interaction_id(&click)).await;
        assert_eq!(turned.body["type"], 7, "the message itself turns to page two");
        let text2 = turned.body["data"]["content"].as_str().unwrap();
        assert!(text2.contains("page 2 of 2") && text2.contains(&short(&server[0])), "{text2}");

        // In DMs every session is listed, the DM one included.
        let ix = push(
            &fake,
            slash_command(&fake.in_dm(&user), "interview", vec![opt::subcommand("history", vec![])]),
        );
        let in_dm = response(&fake, &ix).await;
        let text = in_dm["content"].as_str().unwrap();
        assert!(text.contains("7 in all") && text.contains(&short(&dm)), "{text}");
        bot.stop().await;
    }

    #[tokio::test]
    async fn a_transcript_arrives_as_a_markdown_attachment_in_a_multipart_upload() {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let bot = Bot::start(&fake, dir.path()).await;
        let user = FakeUser::fresh("jo");
        let (_, dm) = seeded(&bot, &fake, &user).await;

        let ix = push(
            &fake,
            slash_command(
                &fake.in_dm(&user),
                "interview",
                vec![opt::subcommand("transcript", vec![opt::string("session", &dm[..8])])],
            ),
        );
        let prefix = format!("/webhooks/{}/{}", fake.application_id(), token(&ix));
        let upload = fake
            .wait_for_request(|r| r.path.starts_with(&prefix) && !r.files.is_empty(), WAIT)
            .await;
        let body: &Value = &upload.body;
        assert!(
            body["content"].as_str().unwrap().contains(&dm),
            "payload_json carries the message: {body}"
        );
        assert_eq!(upload.files.len(), 1);
        let file = &upload.files[0];
        assert_eq!(file.field, "files[0]");
        assert_eq!(file.filename, format!("transcript-{}.md", &dm[..8]));
        let md = String::from_utf8(file.bytes.clone()).unwrap();
        assert!(md.starts_with("# Senior Python Developer mock interview"), "{md}");
        assert!(md.contains("> A private DM answer.") && md.contains("Self-score: 1/4"), "{md}");

        // The same DM session asked for in the server: refused, nothing attached.
        let ix = push(
            &fake,
            slash_command(
                &fake.in_guild(&user),
                "interview",
                vec![opt::subcommand("transcript", vec![opt::string("session", &dm[..8])])],
            ),
        );
        let said = after_defer(&fake, &ix).await;
        assert!(said["content"].as_str().unwrap().contains("No session of yours here"), "{said}");
        bot.stop().await;
    }

    #[tokio::test]
    async fn drill_asks_the_due_question_in_the_dms_of_the_user_who_asked() {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let bot = Bot::start(&fake, dir.path()).await;
        let (kim, lou) = (FakeUser::fresh("kim"), FakeUser::fresh("lou"));
        let past = now_millis() - 5 * DAY_MS;
        let mine = interview(
            &bot.engine,
            &ActorId::discord(kim.id),
            (Scope::Dm, Mode::Dm),
            &["python"],
            4,
            past,
            &[Turn { answer: WEAK, rating: 1 }],
        )
        .await;
        let theirs = interview(
            &bot.engine,
            &ActorId::discord(lou.id),
            (Scope::Dm, Mode::Dm),
            &["web"],
            5,
            past,
            &[Turn { answer: WEAK, rating: 1 }],
        )
        .await;
        let pack = bot
            .engine
            .pack_in(Scope::Dm, "senior-python-developer", false)
            .await
            .unwrap()
            .unwrap();
        let prompt = |s: &Session| pack.question(&s.plan.items[0].question).unwrap().prompt.clone();

        let ix = push(&fake, slash_command(&fake.in_guild(&kim), "drill", vec![]));
        let said = after_defer(&fake, &ix).await;
        assert!(said["content"].as_str().unwrap().contains("I sent you a DM"), "{said}");
        let dm = fake.dm_channel_id(&kim);
        let first_words: String = prompt(&mine).chars().take(40).collect();
        let asked = fake
            .wait_for("the due question in kim's DMs", WAIT, |f| {
                f.messages_in(dm)
                    .into_iter()
                    .find(|m| super::support::bot::text_of(m).contains(&first_words))
            })
            .await;
        let other_words: String = prompt(&theirs).chars().take(40).collect();
        assert!(!super::support::bot::text_of(&asked).contains(&other_words));
        let stored: Vec<(String, String)> = sqlx::query("SELECT candidate, mode FROM sessions WHERE status = 'active'")
            .fetch_all(bot.store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        assert_eq!(
            stored,
            vec![(format!("discord:{}", kim.id), "dm".to_string())],
            "one drill, for kim only"
        );
        assert!(fake.messages_in(fake.dm_channel_id(&lou)).is_empty(), "nobody else is messaged");
        bot.stop().await;
    }

    #[tokio::test]
    async fn a_reminder_set_by_command_reaches_only_its_user_at_their_local_time() {
        use chrono::{TimeZone, Timelike};
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let bot = Bot::start(&fake, dir.path()).await;
        let (mia, noa) = (FakeUser::fresh("mia"), FakeUser::fresh("noa"));
        let me = ActorId::discord(mia.id);
        interview(
            &bot.engine,
            &me,
            (Scope::Dm, Mode::Dm),
            &["python"],
            4,
            now_millis() - 5 * DAY_MS,
            &[Turn { answer: WEAK, rating: 1 }],
        )
        .await;
        interview(
            &bot.engine,
            &ActorId::discord(noa.id),
            (Scope::Dm, Mode::Dm),
            &["python"],
            5,
            now_millis() - 5 * DAY_MS,
            &[Turn { answer: WEAK, rating: 1 }],
        )
        .await;

        let remind = |user: &FakeUser, time: &str| {
            push(
                &fake,
                slash_command(
                    &fake.in_guild(user),
                    "interview",
                    vec![opt::subcommand(
                        "remind",
                        vec![opt::string("time", time), opt::string("timezone", "Asia/Tokyo")],
                    )],
                ),
            )
        };
        let bad = remind(&noa, "7.30");
        let said = after_defer(&fake, &bad).await;
        assert!(said["content"].as_str().unwrap().contains("Nothing was set"), "{said}");
        let ok = remind(&mia, "07:30");
        let said = after_defer(&fake, &ok).await;
        assert!(
            said["content"].as_str().unwrap().contains("Reminder set: 07:30 Asia/Tokyo (daily)"),
            "{said}"
        );
        assert_eq!(
            bot.engine.reminder(&ActorId::discord(noa.id)).await.unwrap(),
            None,
            "nobody is reminded who did not ask"
        );

        let at = bot.engine.reminder(&me).await.unwrap().unwrap().next_at;
        let local = chrono_tz::Asia::Tokyo.timestamp_millis_opt(at).unwrap();
        assert_eq!((local.hour(), local.minute()), (7, 30));
        let http = fake.http();
        assert_eq!(
            panelist::discord::send_reminders(&http, &bot.engine, at - 60_000).await.unwrap(),
            0,
            "not early"
        );
        assert_eq!(panelist::discord::send_reminders(&http, &bot.engine, at).await.unwrap(), 1);
        assert_eq!(
            panelist::discord::send_reminders(&http, &bot.engine, at + 1000).await.unwrap(),
            0,
            "once"
        );
        let dm = fake.dm_channel_id(&mia);
        let sent = fake.messages_in(dm);
        assert_eq!(sent.len(), 1);
        assert!(
            sent[0]["content"].as_str().unwrap().contains("1 question is due for review"),
            "{}",
            sent[0]
        );
        assert!(fake.messages_in(fake.dm_channel_id(&noa)).is_empty(), "nobody else is messaged");
        bot.stop().await;
    }

    #[tokio::test]
    async fn stats_arrive_as_a_png_chart_with_the_summary() {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let bot = Bot::start(&fake, dir.path()).await;
        let user = FakeUser::fresh("oli");
        seeded(&bot, &fake, &user).await;

        let ix = push(
            &fake,
            slash_command(&fake.in_dm(&user), "interview", vec![opt::subcommand("stats", vec![])]),
        );
        let prefix = format!("/webhooks/{}/{}", fake.application_id(), token(&ix));
        let upload = fake
            .wait_for_request(|r| r.path.starts_with(&prefix) && !r.files.is_empty(), WAIT)
            .await;
        let text = upload.body["content"].as_str().unwrap();
        assert!(text.contains("7 answers to") && text.contains("in 7 sessions."), "{text}");
        assert!(text.contains("Strongest area:") && text.contains("Calibration"), "{text}");
        assert_eq!(upload.files[0].filename, "progress.png");
        let (w, h, _) = decode(&upload.files[0].bytes);
        assert_eq!((w, h), (panelist::progress::chart::WIDTH, panelist::progress::chart::HEIGHT));

        // In the server only the server's six sessions count.
        let ix = push(
            &fake,
            slash_command(&fake.in_guild(&user), "interview", vec![opt::subcommand("stats", vec![])]),
        );
        let prefix = format!("/webhooks/{}/{}", fake.application_id(), token(&ix));
        let upload = fake
            .wait_for_request(|r| r.path.starts_with(&prefix) && !r.files.is_empty(), WAIT)
            .await;
        let text = upload.body["content"].as_str().unwrap();
        assert!(text.contains("6 answers to") && text.contains("in 6 sessions."), "{text}");
        bot.stop().await;
    }
}
