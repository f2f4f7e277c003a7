//! Storage tests, each run on a fresh SQLite file and on a fresh PostgreSQL database (from the
//! machine, 127.0.0.1:5432 unless `PANELIST_TEST_POSTGRES` says otherwise; the tests fail, not
//! skip, without it): one transaction per input, re-delivered inputs applied once, concurrent
//! writers serialised by version, sessions found again on reopen, deadlines swept from the
//! database.

mod support;

use std::path::Path;

use panelist::bank::load_path;
use panelist::engine::{Engine, NewSession, Outcome};
use panelist::interview::{ActorId, Input, Mode, PlanOptions, Rejection, Scope, Session, Settings, Stage};
use panelist::store::Store;
use sqlx::Row;
use support::db::{sqlite, Db};

fn me() -> ActorId {
    ActorId::local("tester")
}

/// The engine under test and a handle on its database, for assertions on what it stored.
struct Env {
    engine: Engine,
    store: Store,
}

impl std::ops::Deref for Env {
    type Target = Engine;
    fn deref(&self) -> &Engine {
        &self.engine
    }
}
const T0: i64 = 1_700_000_000_000;

on_both!(
    every_accepted_input_is_one_event_and_one_version,
    a_stale_write_rolls_back_the_whole_transaction,
    a_redelivered_input_is_applied_once,
    concurrent_writers_are_serialised_by_version,
    reopening_the_database_resumes_the_session,
    the_sweeper_pauses_idle_sessions_from_the_database,
    server_packs_are_stored_per_server,
    control_characters_are_stored_the_same_on_both_backends,
    ended_sessions_past_the_retention_period_are_deleted,
    a_server_the_bot_left_is_purged_after_the_grace_period,
    a_snapshot_of_the_older_layout_loads_and_is_rewritten_on_its_next_input,
    the_snapshot_leaves_answer_texts_out_and_does_not_grow_with_answers,
    two_engines_on_one_database_stay_correct,
    due_work_is_claimed_once_across_engines_and_a_dead_claim_expires,
    inputs_written_together_keep_their_own_rules,
);

fn bank() -> panelist::bank::Bank {
    load_path(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/prompts/senior-python-developer.toml"
    )))
    .expect("pack")
}

async fn engine(db: &Db) -> Env {
    let store = Store::connect(&db.url).await.expect("open database");
    Env {
        engine: Engine::new(store.clone(), bank(), Settings::default()),
        store,
    }
}

async fn start(e: &Engine, key: &str) -> Session {
    start_in(e, Scope::Terminal, key).await
}

async fn start_in(e: &Engine, scope: Scope, key: &str) -> Session {
    let new = NewSession {
        scope,
        candidate: me(),
        mode: Mode::Terminal,
        role: "senior-python-developer".into(),
        options: PlanOptions {
            areas: vec!["python".into(), "concurrency".into()],
            per_area: 1,
            follow_ups: 1,
            seed: 5,
        },
        time_limit_secs: None,
        channel: None,
        key: key.into(),
        peer: None,
    };
    e.start(new, T0).await.unwrap().expect("started").stored.session
}

async fn apply(e: &Engine, s: &str, input: Input, key: &str) -> Outcome {
    e.apply(s, &me(), &input, key, T0 + 1000).await.unwrap()
}

async fn count(e: &Env, sql: &str, id: &str) -> i64 {
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
        Outcome::Applied(a) => a.stored.session,
        other => panic!("expected Applied, got {other:?}"),
    }
}

async fn every_accepted_input_is_one_event_and_one_version(db: Db) {
    let e = engine(&db).await;
    let s = start(&e, "k0").await;
    assert_eq!(count(&e, "SELECT COUNT(*) FROM events WHERE session_id = $1", &s.id).await, 1);
    applied(apply(&e, &s.id, Input::answer("a first line"), "k1").await);
    applied(apply(&e, &s.id, Input::answer("a second line"), "k2").await);
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

async fn a_stale_write_rolls_back_the_whole_transaction(db: Db) {
    let e = engine(&db).await;
    let s = start(&e, "k0").await;
    let bank = bank();
    let pack = bank.role("senior-python-developer").unwrap();
    let (next, _) = panelist::interview::step(&s, &me(), &Input::SubmitForm { text: "answer".into() }, pack, T0).unwrap();
    // Someone else moves the session on first.
    applied(apply(&e, &s.id, Input::answer("other"), "other").await);
    let r = e
        .store
        .persist(&s, &next, &me(), &Input::SubmitForm { text: "answer".into() }, "stale", T0)
        .await
        .unwrap();
    assert_eq!(r, panelist::store::Persisted::Conflict);
    assert!(
        !e.store.event_exists("stale").await.unwrap(),
        "the event was rolled back with the snapshot"
    );
    assert_eq!(count(&e, "SELECT COUNT(*) FROM answers WHERE session_id = $1", &s.id).await, 0);
}

async fn a_redelivered_input_is_applied_once(db: Db) {
    let e = engine(&db).await;
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
        scope: Scope::Terminal,
        candidate: me(),
        mode: Mode::Terminal,
        role: "senior-python-developer".into(),
        options: PlanOptions::default(),
        time_limit_secs: None,
        channel: None,
        key: "k0".into(),
        peer: None,
    };
    let refused = e.start(again, T0).await.unwrap().unwrap_err();
    assert!(matches!(refused, Rejection::AlreadyLive { .. }), "{refused}");
}

async fn concurrent_writers_are_serialised_by_version(db: Db) {
    let e = engine(&db).await;
    let s = start(&e, "k0").await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (e, id) = (e.engine.clone(), s.id.clone());
        tasks.push(tokio::spawn(async move {
            e.apply(&id, &me(), &Input::answer(format!("line {i}")), &format!("line-{i}"), T0 + i)
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

async fn reopening_the_database_resumes_the_session(db: Db) {
    let id = {
        let e = engine(&db).await;
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
        applied(apply(&e, &s.id, Input::answer("draft of the follow-up"), "k2").await);
        e.close().await;
        s.id
    };
    let e = engine(&db).await;
    let live = e
        .live(Scope::Terminal, &me())
        .await
        .unwrap()
        .expect("the unfinished session is found");
    assert_eq!(live.session.id, id);
    assert_eq!(live.session.version, 3);
    assert_eq!(live.session.items[0].answers[0].text, "kept across restarts");
    assert!(matches!(&live.session.stage, Stage::Asking { item: 0, part: 1, draft, .. } if draft == "draft of the follow-up"));
    assert!(
        e.live(Scope::Terminal, &ActorId::local("someone-else")).await.unwrap().is_none(),
        "reads are scoped to the candidate"
    );
    assert!(
        e.live(Scope::Server(1), &me()).await.unwrap().is_none(),
        "reads are scoped to the scope"
    );
}

async fn the_sweeper_pauses_idle_sessions_from_the_database(db: Db) {
    let e = engine(&db).await;
    let local = start(&e, "k-local").await;
    let s = start_in(&e, Scope::Server(1), "k0").await;
    assert!(e.sweep(T0 + 60_000).await.unwrap().is_empty(), "nothing is due after a minute");
    let idle = T0 + Settings::default().idle_pause_secs as i64 * 1000;
    let done = e.sweep(idle).await.unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].stored.session.id, s.id);
    assert!(matches!(done[0].stored.session.stage, Stage::Paused { idle: true, .. }));
    let stored = e.store.load(&s.id).await.unwrap().unwrap();
    assert!(matches!(stored.session.stage, Stage::Paused { .. }));
    assert!(e.sweep(idle).await.unwrap().is_empty(), "a swept deadline is not applied twice");
    let untouched = e.store.load(&local.id).await.unwrap().unwrap();
    assert_eq!(
        untouched.session.version, 1,
        "terminal sessions are left to the terminal's own clock"
    );
}

async fn server_packs_are_stored_per_server(db: Db) {
    use panelist::store::PackUpload;
    let e = engine(&db).await;
    let by = ActorId::discord(1);
    let up = |guild: u64, body: &'static str| PackUpload {
        guild,
        role_id: "sre",
        name: "SRE",
        body,
        questions: 1,
        uploaded_by: &by,
    };
    assert_eq!(e.store.put_server_pack(&up(1, "first"), T0).await.unwrap(), 1);
    assert_eq!(
        e.store.put_server_pack(&up(1, "second"), T0).await.unwrap(),
        2,
        "a replacement bumps the version"
    );
    assert_eq!(e.store.put_server_pack(&up(2, "other"), T0).await.unwrap(), 1);
    assert_eq!(e.store.server_pack(1, "sre").await.unwrap().unwrap().body, "second");
    assert!(e.store.remove_server_pack(1, "sre", T0).await.unwrap());
    assert!(!e.store.remove_server_pack(1, "sre", T0).await.unwrap());
    assert!(e.store.server_packs(1).await.unwrap().is_empty());
    assert_eq!(
        e.store.server_packs(2).await.unwrap().len(),
        1,
        "servers never see each other's packs"
    );
}

#[tokio::test]
async fn a_session_whose_pack_lost_its_question_is_refused_not_crashed() {
    let db = sqlite().await;
    let e = engine(&db).await;
    let s = start(&e, "k0").await;
    let first = s.plan.items[0].question.clone();
    // A deploy removes the question the session is on.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/senior-python-developer.toml");
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace(&format!("id = \"{first}\""), "id = \"renamed-in-a-deploy\"");
    let pack = panelist::bank::parse_pack(&text, "edited").unwrap();
    let bank = panelist::bank::Bank::new(vec![("edited".into(), pack)]).unwrap();
    let edited = Engine::new(e.store.clone(), bank, Settings::default());
    match edited.apply(&s.id, &me(), &Input::Submit, "k1", T0).await.unwrap() {
        Outcome::Rejected(r) => assert_eq!(r, Rejection::PackChanged),
        other => panic!("{other:?}"),
    }
}

async fn control_characters_are_stored_the_same_on_both_backends(db: Db) {
    let e = engine(&db).await;
    let s = start(&e, "k0").await;
    // PostgreSQL refuses NUL in text: before sanitising, this broke Submit and End for good.
    applied(apply(&e, &s.id, Input::answer("before\u{0}after\u{7}"), "k1").await);
    applied(apply(&e, &s.id, Input::Submit, "k2").await);
    applied(apply(&e, &s.id, Input::answer("draft\u{0}kept"), "k3").await);
    let ended = applied(apply(&e, &s.id, Input::End, "k4").await);
    assert!(ended.stage.is_over());
    let bodies: Vec<String> = sqlx::query("SELECT body FROM answers WHERE session_id = $1 ORDER BY item, part")
        .bind(&s.id)
        .fetch_all(e.store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(bodies, vec!["beforeafter".to_string(), "draftkept".to_string()]);
}

async fn ended_sessions_past_the_retention_period_are_deleted(db: Db) {
    let e = engine(&db).await;
    let kept = Engine::new(e.store.clone(), bank(), Settings::default());
    assert_eq!(
        kept.purge_expired(T0 + 400 * 86_400_000).await.unwrap(),
        0,
        "without retention nothing is deleted"
    );
    let e30 = Engine::new(e.store.clone(), bank(), Settings::default()).with_retention(Some(30));
    let ended = start(&e, "k0").await;
    applied(apply(&e, &ended.id, Input::End, "k1").await);
    let live = start_in(&e, Scope::Server(1), "k2").await;
    let day = 86_400_000;
    assert_eq!(e30.purge_expired(T0 + 29 * day).await.unwrap(), 0, "not yet 30 days old");
    assert_eq!(e30.purge_expired(T0 + 31 * day).await.unwrap(), 1);
    assert!(e.load(&ended.id).await.unwrap().is_none());
    assert_eq!(count(&e, "SELECT COUNT(*) FROM events WHERE session_id = $1", &ended.id).await, 0);
    assert!(e.load(&live.id).await.unwrap().is_some(), "a live session is never purged");
}

async fn a_server_the_bot_left_is_purged_after_the_grace_period(db: Db) {
    use panelist::store::PackUpload;
    let e = engine(&db).await;
    let gone = start_in(&e, Scope::Server(1), "k1").await;
    let stays = start_in(&e, Scope::Server(2), "k2").await;
    let by = ActorId::discord(1);
    let pack = PackUpload {
        guild: 1,
        role_id: "sre",
        name: "SRE",
        body: "x",
        questions: 1,
        uploaded_by: &by,
    };
    e.store.put_server_pack(&pack, T0).await.unwrap();
    let day = 86_400_000;
    e.guild_left(1, T0).await.unwrap();
    e.guild_left(3, T0).await.unwrap();
    e.guild_present(3).await.unwrap(); // added back before the grace period ended
    assert_eq!(e.purge_departed(T0 + 29 * day).await.unwrap(), 0, "within the 30-day grace period");
    assert_eq!(e.purge_departed(T0 + 31 * day).await.unwrap(), 1);
    assert!(e.load(&gone.id).await.unwrap().is_none(), "the server's sessions are gone");
    assert_eq!(count(&e, "SELECT COUNT(*) FROM events WHERE session_id = $1", &gone.id).await, 0);
    assert!(e.store.server_packs(1).await.unwrap().is_empty(), "and its packs");
    assert!(e.load(&stays.id).await.unwrap().is_some(), "other servers keep theirs");
    assert_eq!(e.purge_departed(T0 + 400 * day).await.unwrap(), 0, "purged once");
}

/// The stored snapshot of session `id`.
async fn state(e: &Env, id: &str) -> String {
    sqlx::query("SELECT state FROM sessions WHERE id = $1")
        .bind(id)
        .fetch_one(e.store.pool())
        .await
        .unwrap()
        .get(0)
}

/// Answers one question of a fresh session (main answer and follow-up) and scores it.
async fn answer_one_question(e: &Env, id: &str, tag: &str) -> Session {
    applied(apply(e, id, Input::answer(format!("{tag} the main answer")), &format!("{tag}-1")).await);
    applied(apply(e, id, Input::Submit, &format!("{tag}-2")).await);
    applied(apply(e, id, Input::answer(format!("{tag} the follow-up answer")), &format!("{tag}-3")).await);
    applied(apply(e, id, Input::Submit, &format!("{tag}-4")).await);
    applied(apply(e, id, Input::Checklist { ticks: vec![0] }, &format!("{tag}-5")).await);
    applied(apply(e, id, Input::Rate { rating: 3 }, &format!("{tag}-6")).await)
}

async fn a_snapshot_of_the_older_layout_loads_and_is_rewritten_on_its_next_input(db: Db) {
    let e = engine(&db).await;
    // Two sessions as the code before the item rows stored them: the whole session in
    // `state`, answer texts included, and no item rows. The first has its answer rows (an
    // interview); the second has none (a shared review copied its answers into the snapshot).
    let mut old = Vec::new();
    for (scope, tag, keep_answers) in [(Scope::Terminal, "a", true), (Scope::Dm, "b", false)] {
        let s = start_in(&e, scope, &format!("{tag}-0")).await;
        let whole = answer_one_question(&e, &s.id, tag).await;
        assert_eq!(whole.items[0].answers.len(), 2);
        sqlx::query("UPDATE sessions SET state = $1 WHERE id = $2")
            .bind(serde_json::to_string(&whole).unwrap())
            .bind(&s.id)
            .execute(e.store.pool())
            .await
            .unwrap();
        sqlx::query("DELETE FROM session_items WHERE session_id = $1")
            .bind(&s.id)
            .execute(e.store.pool())
            .await
            .unwrap();
        if !keep_answers {
            sqlx::query("DELETE FROM answers WHERE session_id = $1")
                .bind(&s.id)
                .execute(e.store.pool())
                .await
                .unwrap();
        }
        old.push((whole, tag));
    }
    e.close().await;
    for (whole, tag) in old {
        // A new process reads it as it was...
        let e = engine(&db).await;
        let loaded = e.load(&whole.id).await.unwrap().expect("the old snapshot loads");
        assert_eq!(loaded.session, whole, "{tag}: loaded as stored");
        // ...and its next input moves it to the new layout, losing nothing.
        let next = applied(apply(&e, &whole.id, Input::answer(format!("{tag} next question")), &format!("{tag}-7")).await);
        assert_eq!(next.items[0], whole.items[0]);
        assert!(state(&e, &whole.id).await.starts_with(r#"{"layout":2,"#));
        assert_eq!(
            count(&e, "SELECT COUNT(*) FROM session_items WHERE session_id = $1", &whole.id).await,
            whole.plan.items.len() as i64
        );
        assert_eq!(count(&e, "SELECT COUNT(*) FROM answers WHERE session_id = $1", &whole.id).await, 2);
        e.close().await;
        let e = engine(&db).await;
        let again = e.load(&whole.id).await.unwrap().unwrap().session;
        assert_eq!(again, next, "{tag}: read back from the new layout");
        e.close().await;
    }
}

async fn the_snapshot_leaves_answer_texts_out_and_does_not_grow_with_answers(db: Db) {
    let e = engine(&db).await;
    let s = start(&e, "k0").await;
    let first = state(&e, &s.id).await;
    let after_one = answer_one_question(&e, &s.id, "one").await;
    let one = state(&e, &s.id).await;
    assert!(!one.contains("the main answer"), "answer texts stay in `answers`: {one}");
    // The snapshot is the session without its items: answering grows the item rows only.
    assert!(one.len() < first.len() + 200, "{} bytes, then {} bytes", first.len(), one.len());
    let after_two = answer_one_question(&e, &s.id, "two").await;
    assert_eq!(after_two.items[0], after_one.items[0]);
    let two = state(&e, &s.id).await;
    assert!(two.len() < first.len() + 200, "{} bytes, then {} bytes", first.len(), two.len());
    // A new process reads the same session back.
    let other = engine(&db).await;
    assert_eq!(other.load(&s.id).await.unwrap().unwrap().session, after_two);
    let listed = other.history(Scope::Terminal, &me(), 5).await.unwrap();
    assert_eq!(listed[0].session, after_two, "history reads the items too");
}

async fn two_engines_on_one_database_stay_correct(db: Db) {
    // Two processes on one database, each with its own copies of the sessions it wrote.
    let a = engine(&db).await;
    let b = engine(&db).await;
    let s = start(&a, "k0").await;
    applied(apply(&a, &s.id, Input::answer("first line"), "k1").await);
    applied(apply(&b, &s.id, Input::answer("second line"), "k2").await);
    // A's copy is a version behind: its write conflicts, and it reloads.
    let third = applied(apply(&a, &s.id, Input::answer("third line"), "k3").await);
    assert_eq!(third.version, 4);
    assert!(matches!(&third.stage, Stage::Asking { draft, .. } if draft == "first line\nsecond line\nthird line"));
    // B moves the session to scoring; a checklist sent through A is refused by A's stale copy,
    // but A checks again on a fresh load before saying no.
    applied(apply(&b, &s.id, Input::Submit, "k4").await);
    applied(apply(&b, &s.id, Input::answer("the follow-up"), "k5").await);
    let scoring = applied(apply(&b, &s.id, Input::Submit, "k6").await);
    assert!(matches!(scoring.stage, Stage::Scoring { .. }), "{:?}", scoring.stage);
    let ticked = applied(apply(&a, &s.id, Input::Checklist { ticks: vec![0] }, "k7").await);
    assert_eq!(ticked.version, 8);
    // A's `load` sees B's writes (its copy is checked against the stored version).
    applied(apply(&b, &s.id, Input::Rate { rating: 2 }, "k8").await);
    assert_eq!(a.load(&s.id).await.unwrap().unwrap().session.version, 9);
    // A refusal on a fresh read is still a refusal, and writes nothing.
    assert!(matches!(
        apply(&a, &s.id, Input::Rate { rating: 2 }, "k9").await,
        Outcome::Rejected(_)
    ));
    assert_eq!(count(&a, "SELECT MAX(version) FROM events WHERE session_id = $1", &s.id).await, 9);
}

async fn due_work_is_claimed_once_across_engines_and_a_dead_claim_expires(db: Db) {
    use panelist::store::Queued;
    // Two processes' engines sweep the same due deadlines at the same moment.
    let a = engine(&db).await;
    let b = engine(&db).await;
    let mut ids = Vec::new();
    for server in 1..=8 {
        ids.push(start_in(&a, Scope::Server(server), &format!("k{server}")).await.id);
    }
    let idle = T0 + Settings::default().idle_pause_secs as i64 * 1000;
    let (from_a, from_b) = tokio::join!(a.sweep(idle), b.sweep(idle));
    let mut swept: Vec<String> = from_a
        .unwrap()
        .into_iter()
        .chain(from_b.unwrap())
        .map(|x| x.stored.session.id)
        .collect();
    swept.sort();
    ids.sort();
    assert_eq!(swept, ids, "every due deadline applied once, by one engine or the other");
    for id in &ids {
        assert_eq!(
            count(&a, "SELECT COUNT(*) FROM events WHERE session_id = $1 AND kind = 'clock'", id).await,
            1
        );
    }

    // A process claims a deadline and dies before applying it: nobody else takes it until the
    // claim's lease (a minute) runs out, then another process applies it.
    let late = start_in(&a, Scope::Server(99), "k99").await;
    let due = idle + 1_000;
    let later = due + Settings::default().idle_pause_secs as i64 * 1000;
    let claimed = a.store.claim_due(later, 60_000, 100).await.unwrap();
    assert_eq!(
        claimed.iter().map(|s| s.session.id.as_str()).collect::<Vec<_>>(),
        [late.id.as_str()]
    );
    assert!(
        b.sweep(later + 59_000).await.unwrap().is_empty(),
        "a claimed deadline is left alone"
    );
    let taken = b.sweep(later + 60_001).await.unwrap();
    assert_eq!(taken.len(), 1, "the dead claim expired");
    assert!(matches!(taken[0].stored.session.stage, Stage::Paused { idle: true, .. }));

    // The outbox: two processes claim at once; each message goes to one, in queued order.
    for i in 0..6 {
        let q = Queued {
            id: format!("m{i}"),
            session_id: None,
            channel: 7,
            payload: "{}".into(),
            attempts: 1,
            next_at: T0 + i,
        };
        a.queue_message(q, T0, "503").await.unwrap();
    }
    let (ca, cb) = tokio::join!(a.due_messages(T0 + 10, 50), b.due_messages(T0 + 10, 50));
    let (ca, cb) = (ca.unwrap(), cb.unwrap());
    let mut all: Vec<&str> = ca.iter().chain(&cb).map(|q| q.id.as_str()).collect();
    all.sort();
    assert_eq!(all, ["m0", "m1", "m2", "m3", "m4", "m5"], "each message claimed once");
    for claim in [&ca, &cb] {
        let order: Vec<&str> = claim.iter().map(|q| q.id.as_str()).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "claimed in the order queued");
    }
    assert!(a.due_messages(T0 + 10, 50).await.unwrap().is_empty(), "leased messages are not due");
    assert_eq!(
        a.due_messages(T0 + 10 + 60_000, 50).await.unwrap().len(),
        6,
        "until the lease runs out"
    );
}

/// Inputs arriving together (on SQLite: one batch of the store's writer, one commit) are each
/// judged alone: the valid ones are stored, a stale one and a re-delivered key write nothing.
async fn inputs_written_together_keep_their_own_rules(db: Db) {
    let e = engine(&db).await;
    let bank = bank();
    let pack = bank.role("senior-python-developer").unwrap();
    let mut sessions = Vec::new();
    for i in 0..12 {
        sessions.push(start_in(&e, Scope::Server(1000 + i), &format!("start-{i}")).await);
    }
    let input = Input::SubmitForm { text: "together".into() };
    let nexts: Vec<Session> = sessions
        .iter()
        .map(|s| panelist::interview::step(s, &me(), &input, pack, T0 + 1).unwrap().0)
        .collect();
    // Session 0 is moved on first, so its write below is stale.
    applied(apply(&e, &sessions[0].id, Input::answer("first"), "moved-on").await);
    let writes: Vec<_> = sessions
        .iter()
        .zip(&nexts)
        .enumerate()
        .map(|(i, (s, next))| {
            // Sessions 1 and 2 reuse one key: only one of them may be stored.
            let key = if i == 2 { "key-1".to_string() } else { format!("key-{i}") };
            let (store, input, s, next) = (e.store.clone(), input.clone(), s.clone(), next.clone());
            tokio::spawn(async move { store.persist(&s, &next, &me(), &input, &key, T0 + 1).await.unwrap() })
        })
        .collect();
    let mut results = Vec::new();
    for w in writes {
        results.push(w.await.unwrap());
    }
    use panelist::store::Persisted::{Conflict, Done, Duplicate};
    assert_eq!(results[0], Conflict, "the stale write");
    let mut pair = [results[1].clone(), results[2].clone()];
    pair.sort_by_key(|r| format!("{r:?}"));
    assert_eq!(pair, [Done, Duplicate], "one key, stored once");
    assert!(results[3..].iter().all(|r| *r == Done), "{results:?}");
    for (i, s) in sessions.iter().enumerate() {
        let stored = e.store.load(&s.id).await.unwrap().unwrap().session;
        let expect = match (i, &results[i]) {
            (0, _) => 2,    // only the input that moved it on
            (_, Done) => 2, // the write of this test
            (_, _) => 1,    // the duplicate wrote nothing
        };
        assert_eq!(stored.version, expect, "session {i}");
        let answers = count(&e, "SELECT COUNT(*) FROM answers WHERE session_id = $1", &s.id).await;
        assert_eq!(answers, i64::from(results[i] == Done), "answers of session {i}");
    }
    assert!(
        !e.store.event_exists("key-0").await.unwrap(),
        "the stale write's event was rolled back"
    );
}
