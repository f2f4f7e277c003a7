//! Storage tests on a temporary SQLite database: one transaction per input, re-delivered inputs
//! applied once, concurrent writers serialised by version, and sessions found again on reopen.

use std::path::Path;

use panelist::bank::load_path;
use panelist::engine::{Engine, NewSession, Outcome};
use panelist::interview::{Input, PlanOptions, Session, Settings, Stage};
use panelist::store::Store;
use sqlx::Row;

const ME: &str = "local:tester";
const T0: i64 = 1_700_000_000_000;

async fn engine(dir: &Path) -> Engine {
    let url = format!("sqlite://{}?mode=rwc", dir.join("test.db").display());
    let store = Store::connect(&url).await.expect("open database");
    let bank = load_path(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/prompts/senior-python-developer.toml"
    )))
    .expect("pack");
    Engine::new(store, bank, Settings::default())
}

async fn start(e: &Engine, key: &str) -> Session {
    start_in(e, "local", key).await
}

async fn start_in(e: &Engine, scope: &str, key: &str) -> Session {
    let new = NewSession {
        scope,
        candidate: ME,
        mode: "practice",
        role: "senior-python-developer",
        options: PlanOptions {
            areas: vec!["python".into(), "concurrency".into()],
            per_area: 1,
            follow_ups: 1,
            seed: 5,
        },
        time_limit_secs: None,
        channel_id: None,
        key,
        peer: None,
    };
    e.start(new, T0).await.unwrap().expect("started").0
}

async fn apply(e: &Engine, s: &str, input: Input, key: &str) -> Outcome {
    e.apply(s, ME, &input, key, T0 + 1000).await.unwrap()
}

async fn count(e: &Engine, sql: &str, id: &str) -> i64 {
    sqlx::query(sql)
        .bind(id)
        .fetch_one(e.store.pool())
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

fn applied(o: Outcome) -> Session {
    match o {
        Outcome::Applied { session, .. } => session,
        other => panic!("expected Applied, got {other:?}"),
    }
}

#[tokio::test]
async fn every_accepted_input_is_one_event_and_one_version() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path()).await;
    let s = start(&e, "k0").await;
    assert_eq!(count(&e, "SELECT COUNT(*) FROM events WHERE session_id = $1", &s.id).await, 1);
    applied(
        apply(
            &e,
            &s.id,
            Input::Answer {
                text: "a first line".into(),
            },
            "k1",
        )
        .await,
    );
    applied(
        apply(
            &e,
            &s.id,
            Input::Answer {
                text: "a second line".into(),
            },
            "k2",
        )
        .await,
    );
    let after = applied(apply(&e, &s.id, Input::Submit, "k3").await);
    assert_eq!(after.version, 4);
    assert_eq!(count(&e, "SELECT COUNT(*) FROM events WHERE session_id = $1", &s.id).await, 4);
    assert_eq!(count(&e, "SELECT MAX(version) FROM events WHERE session_id = $1", &s.id).await, 4);
    let body: String = sqlx::query("SELECT body FROM answers WHERE session_id = $1 AND item = 0 AND part = 0")
        .bind(&s.id)
        .fetch_one(e.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(body, "a first line\na second line");
    // A rejected input writes nothing.
    let before = count(&e, "SELECT COUNT(*) FROM events WHERE session_id = $1", &s.id).await;
    assert!(matches!(apply(&e, &s.id, Input::Submit, "k4").await, Outcome::Rejected(_)));
    assert_eq!(count(&e, "SELECT COUNT(*) FROM events WHERE session_id = $1", &s.id).await, before);
}

#[tokio::test]
async fn a_stale_write_rolls_back_the_whole_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path()).await;
    let s = start(&e, "k0").await;
    let pack = e.bank.role("senior-python-developer").unwrap();
    let (next, _) = panelist::interview::step(&s, ME, &Input::SubmitForm { text: "answer".into() }, pack, T0).unwrap();
    // Someone else moves the session on first.
    applied(apply(&e, &s.id, Input::Answer { text: "other".into() }, "other").await);
    let r = e
        .store
        .persist(&s, &next, ME, &Input::SubmitForm { text: "answer".into() }, "stale", T0)
        .await
        .unwrap();
    assert_eq!(r, panelist::store::Persisted::Conflict);
    assert!(
        !e.store.event_exists("stale").await.unwrap(),
        "the event was rolled back with the snapshot"
    );
    assert_eq!(count(&e, "SELECT COUNT(*) FROM answers WHERE session_id = $1", &s.id).await, 0);
}

#[tokio::test]
async fn a_redelivered_input_is_applied_once() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path()).await;
    let s = start(&e, "k0").await;
    applied(apply(&e, &s.id, Input::SubmitForm { text: "only once".into() }, "interaction-1").await);
    assert!(matches!(
        apply(&e, &s.id, Input::SubmitForm { text: "only once".into() }, "interaction-1").await,
        Outcome::Duplicate
    ));
    let stored = e.store.load(&s.id).await.unwrap().unwrap().session;
    assert_eq!(stored.version, 2);
    assert_eq!(stored.items[0].answers.len(), 1);
    assert_eq!(count(&e, "SELECT COUNT(*) FROM answers WHERE session_id = $1", &s.id).await, 1);
    // The same start delivered twice starts one session.
    let again = NewSession {
        scope: "local",
        candidate: ME,
        mode: "practice",
        role: "senior-python-developer",
        options: PlanOptions::default(),
        time_limit_secs: None,
        channel_id: None,
        key: "k0",
        peer: None,
    };
    let refused = e.start(again, T0).await.unwrap().unwrap_err();
    assert!(refused.message.contains("already have an interview"), "{refused}");
}

#[tokio::test]
async fn concurrent_writers_are_serialised_by_version() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path()).await;
    let s = start(&e, "k0").await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (e, id) = (e.clone(), s.id.clone());
        tasks.push(tokio::spawn(async move {
            e.apply(&id, ME, &Input::Answer { text: format!("line {i}") }, &format!("line-{i}"), T0 + i)
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        applied(t.await.unwrap());
    }
    let stored = e.store.load(&s.id).await.unwrap().unwrap().session;
    assert_eq!(stored.version, 9);
    let Stage::Asking { draft, .. } = &stored.stage else {
        panic!("{:?}", stored.stage)
    };
    assert_eq!(draft.lines().count(), 8, "no line was lost: {draft:?}");
}

#[tokio::test]
async fn reopening_the_database_resumes_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let e = engine(dir.path()).await;
        let s = start(&e, "k0").await;
        applied(
            apply(
                &e,
                &s.id,
                Input::SubmitForm {
                    text: "kept across restarts".into(),
                },
                "k1",
            )
            .await,
        );
        applied(
            apply(
                &e,
                &s.id,
                Input::Answer {
                    text: "draft of the follow-up".into(),
                },
                "k2",
            )
            .await,
        );
        e.store.close().await;
        s.id
    };
    let e = engine(dir.path()).await;
    let live = e.live("local", ME).await.unwrap().expect("the unfinished session is found");
    assert_eq!(live.session.id, id);
    assert_eq!(live.session.version, 3);
    assert_eq!(live.session.items[0].answers[0].text, "kept across restarts");
    assert!(matches!(&live.session.stage, Stage::Asking { item: 0, part: 1, draft, .. } if draft == "draft of the follow-up"));
    assert!(
        e.live("local", "local:someone-else").await.unwrap().is_none(),
        "reads are scoped to the candidate"
    );
    assert!(e.live("guild:1", ME).await.unwrap().is_none(), "reads are scoped to the scope");
}

#[tokio::test]
async fn the_sweeper_pauses_idle_sessions_from_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path()).await;
    let local = start(&e, "k-local").await;
    let s = start_in(&e, "guild:1", "k0").await;
    assert!(e.sweep(T0 + 60_000).await.unwrap().is_empty(), "nothing is due after a minute");
    let idle = T0 + Settings::default().idle_pause_secs as i64 * 1000;
    let done = e.sweep(idle).await.unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].0.session.id, s.id);
    assert!(matches!(done[0].0.session.stage, Stage::Paused { idle: true, .. }));
    let stored = e.store.load(&s.id).await.unwrap().unwrap();
    assert!(matches!(stored.session.stage, Stage::Paused { .. }));
    assert!(e.sweep(idle).await.unwrap().is_empty(), "a swept deadline is not applied twice");
    let untouched = e.store.load(&local.id).await.unwrap().unwrap();
    assert_eq!(
        untouched.session.version, 1,
        "terminal sessions are left to the terminal's own clock"
    );
}
