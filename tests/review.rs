//! Peer review end to end, against the fake Discord: a candidate, a host and three reviewers.
//! Asserts what each user was shown (public messages vs ephemeral flags) and the stored scores.

mod support;

use serde_json::Value;
use sqlx::Row;
use support::bot::{
    after_defer, callback, click, custom_id, interaction_id, message_with, push, response, text_of, type_answer, Bot, WAIT,
};
use support::fake_discord::payloads::{button_click, modal_submit, resolved_users, select_click, slash_command, slash_command_resolved};
use support::fake_discord::{opt, FakeDiscord, FakeUser, Fault, FaultKind, Origin, RecordedRequest};

struct Team {
    cand: FakeUser,
    host: FakeUser,
    reviewers: Vec<FakeUser>,
}

fn team() -> Team {
    Team {
        cand: FakeUser::fresh("cand"),
        host: FakeUser::fresh("host"),
        reviewers: (1..=3).map(|i| FakeUser::fresh(&format!("rev{i}"))).collect(),
    }
}

/// `/review start candidate:@cand areas:python per_area:1`; returns the thread id.
async fn open_lobby(fake: &FakeDiscord, t: &Team) -> u64 {
    let opts = vec![opt::subcommand(
        "start",
        vec![
            opt::user("candidate", t.cand.id),
            opt::string("areas", "python"),
            opt::integer("per_area", 1),
        ],
    )];
    let ix = push(
        fake,
        slash_command_resolved(
            &fake.in_guild(&t.host),
            "review",
            opts,
            resolved_users(std::slice::from_ref(&t.cand), true),
        ),
    );
    let said = after_defer(fake, &ix).await;
    assert_eq!(said["flags"], 64);
    assert!(said["content"].as_str().unwrap().contains("I asked"), "{said}");
    // Nothing starts until the candidate accepts (their live slot is theirs to give).
    let invitation = message_with(fake, fake.channel_id(), "Accept").await;
    assert!(fake
        .requests_matching("POST", &format!("/channels/{}/threads", fake.channel_id()))
        .is_empty());
    let accept = click(fake, &fake.in_guild(&t.cand), &invitation, "Accept").await;
    let created = fake
        .wait_for_request(|r| r.is("POST", &format!("/channels/{}/threads", fake.channel_id())), WAIT)
        .await;
    let accepted = callback(fake, &interaction_id(&accept)).await;
    assert!(text_of(&accepted.body["data"]).contains("accepted"), "{}", accepted.body);
    created.response["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_review_of_someone_else_needs_their_consent() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let t = team();
    let opts = vec![opt::subcommand(
        "start",
        vec![opt::user("candidate", t.cand.id), opt::string("areas", "python")],
    )];
    let ask = |fake: &FakeDiscord| {
        push(
            fake,
            slash_command_resolved(
                &fake.in_guild(&t.host),
                "review",
                opts.clone(),
                resolved_users(std::slice::from_ref(&t.cand), true),
            ),
        )
    };
    let ix = ask(&fake);
    after_defer(&fake, &ix).await;
    let invitation = message_with(&fake, fake.channel_id(), "Decline").await;
    // The invitation is public, a follow-up of the command: no rate-limited channel post.
    assert_ne!(invitation["flags"], 64);
    assert!(posted_in(&fake, fake.channel_id(), "would like to run").is_empty());
    assert_eq!(public_with(&fake, "would like to run").len(), 1);
    // Only the candidate may answer.
    let meddle = click(&fake, &fake.in_guild(&t.reviewers[0]), &invitation, "Accept").await;
    let refused = callback(&fake, &interaction_id(&meddle)).await;
    assert!(text_of(&refused.body["data"]).contains("Only"), "{}", refused.body);
    let decline = click(&fake, &fake.in_guild(&t.cand), &invitation, "Decline").await;
    let declined = callback(&fake, &interaction_id(&decline)).await;
    assert_eq!(declined.body["type"], 7, "{}", declined.body);
    assert!(text_of(&declined.body["data"]).contains("declined"));
    let sessions: i64 = sqlx::query("SELECT COUNT(*) FROM sessions")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(sessions, 0, "a declined invitation takes no slot");
    assert!(fake
        .requests_matching("POST", &format!("/channels/{}/threads", fake.channel_id()))
        .is_empty());
    // Pressed again, the answered invitation is gone.
    let again = click(&fake, &fake.in_guild(&t.cand), &invitation, "Accept").await;
    let gone = callback(&fake, &interaction_id(&again)).await;
    assert!(
        text_of(&gone.body["data"]).contains("expired or was already answered"),
        "{}",
        gone.body
    );
    bot.stop().await;
}

fn at(fake: &FakeDiscord, thread: u64, u: &FakeUser) -> Origin {
    fake.in_thread(thread, u)
}

/// Everyone joins, the host starts, the candidate answers question 1 and its follow-up.
/// Returns the public "Score this answer" message.
async fn answered(bot: &Bot, fake: &FakeDiscord, t: &Team, thread: u64, joiners: usize) -> Value {
    let lobby = message_with(fake, thread, "Join as reviewer").await;
    for r in &t.reviewers[..joiners] {
        let ix = click(fake, &at(fake, thread, r), &lobby, "Join as reviewer").await;
        let upd = callback(fake, &interaction_id(&ix)).await;
        assert_eq!(upd.body["type"], 7, "joining updates the lobby in place");
        assert!(text_of(&upd.body["data"]).contains(&format!("<@{}>", r.id)));
    }
    let cand_joins = click(fake, &at(fake, thread, &t.cand), &lobby, "Join as reviewer").await;
    let refused = callback(fake, &interaction_id(&cand_joins)).await;
    assert_eq!(refused.body["data"]["flags"], 64);
    let go = click(fake, &at(fake, thread, &t.host), &lobby, "Start interview").await;
    let question = response(fake, &go).await;
    assert!(text_of(&question).contains("Question 1 of 1"), "{}", text_of(&question));
    let me = at(fake, thread, &t.cand);
    type_answer(
        bot,
        fake,
        &me.place,
        &t.cand,
        "Threads for I/O-bound work, multiprocessing for CPU-bound work.",
    )
    .await;
    let follow = response(fake, &click(fake, &me, &question, "Submit answer").await).await;
    type_answer(bot, fake, &me.place, &t.cand, "Measure first with a profiler.").await;
    click(fake, &me, &follow, "Submit answer").await;
    message_with(fake, thread, "Score this answer").await
}

/// A reviewer opens their private rubric from the public message; returns the rubric message.
async fn rubric(fake: &FakeDiscord, thread: u64, who: &FakeUser, score_msg: &Value) -> Value {
    let ix = click(fake, &at(fake, thread, who), score_msg, "Score this answer").await;
    let cb = callback(fake, &interaction_id(&ix)).await;
    assert_eq!(cb.body["type"], 4);
    assert_eq!(cb.body["data"]["flags"], 64, "the rubric is private to the reviewer");
    response(fake, &ix).await
}

async fn rate(fake: &FakeDiscord, thread: u64, who: &FakeUser, rubric: &Value, n: u8) -> Value {
    click(fake, &at(fake, thread, who), rubric, &format!("{n} ·")).await
}

async fn peer_scores(bot: &Bot) -> Vec<(String, i64)> {
    sqlx::query("SELECT scorer, rating FROM scores WHERE kind = 'peer' ORDER BY scorer")
        .fetch_all(bot.store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

fn posted_in(fake: &FakeDiscord, thread: u64, needle: &str) -> Vec<Value> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == format!("/channels/{thread}/messages") && text_of(&r.body).contains(needle))
        .map(|r| r.body)
        .collect()
}

/// Every public message (channel post or interaction follow-up) whose text has `needle`.
fn public_with(fake: &FakeDiscord, needle: &str) -> Vec<RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method == "POST" && (r.path.starts_with("/channels/") || r.path.starts_with("/webhooks/")))
        .filter(|r| r.body["flags"].as_u64().unwrap_or(0) & 64 == 0 && text_of(&r.body).contains(needle))
        .collect()
}

/// Edits of channel messages in `thread` (rate-limited calls).
fn edits_in(fake: &FakeDiscord, thread: u64) -> Vec<RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|q| q.method == "PATCH" && q.path.starts_with(&format!("/channels/{thread}/messages/")))
        .collect()
}

/// A running bot, a team, and the first answer of a started review waiting for scores.
struct Scene {
    fake: FakeDiscord,
    _dir: tempfile::TempDir,
    bot: Bot,
    t: Team,
    thread: u64,
    score_msg: Value,
}

async fn scene() -> Scene {
    let fake = FakeDiscord::start().await;
    let _dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, _dir.path()).await;
    let t = team();
    let thread = open_lobby(&fake, &t).await;
    let score_msg = answered(&bot, &fake, &t, thread, 3).await;
    Scene {
        fake,
        _dir,
        bot,
        t,
        thread,
        score_msg,
    }
}

#[tokio::test]
async fn a_full_peer_review_to_the_report() {
    let Scene {
        fake,
        _dir,
        bot,
        t,
        thread,
        score_msg,
    } = scene().await;
    assert!(text_of(&score_msg).contains("Awaiting 3 reviewer(s)"), "{}", text_of(&score_msg));

    // The candidate and a stranger are refused privately.
    for (who, why) in [(&t.cand, "can't peer-score your own answers"), (&t.host, "Only joined reviewers")] {
        let ix = click(&fake, &at(&fake, thread, who), &score_msg, "Score this answer").await;
        let cb = callback(&fake, &interaction_id(&ix)).await;
        assert_eq!(cb.body["data"]["flags"], 64);
        assert!(cb.body["data"]["content"].as_str().unwrap().contains(why), "{}", cb.body);
    }

    let r = &t.reviewers;
    let first = rubric(&fake, thread, &r[0], &score_msg).await;
    let ticks = push(
        &fake,
        select_click(&at(&fake, thread, &r[0]), &first, &custom_id(&first, "Checklist"), &["0", "1"]),
    );
    assert_eq!(callback(&fake, &interaction_id(&ticks)).await.body["type"], 7);
    let note = click(&fake, &at(&fake, thread, &r[0]), &first, "Add a note").await;
    let modal = callback(&fake, &interaction_id(&note)).await;
    assert_eq!(modal.body["type"], 9);
    let form = modal.body["data"]["custom_id"].as_str().unwrap().to_string();
    let sent = push(
        &fake,
        modal_submit(
            &at(&fake, thread, &r[0]),
            &form,
            &[("note", "Clear split of I/O and CPU work")],
            Some(&first),
        ),
    );
    assert_eq!(callback(&fake, &interaction_id(&sent)).await.body["data"]["flags"], 64);
    let ix = rate(&fake, thread, &r[0], &first, 3).await;
    let saved = callback(&fake, &interaction_id(&ix)).await;
    assert_eq!(saved.body["type"], 7, "the reviewer's own rubric says the score is in");
    // Progress is in the reviewer's own confirmation; the public message is not edited per
    // score (a rate-limited call each) and shows no score.
    let shown = text_of(&saved.body["data"]);
    assert!(shown.contains("is in: 1 of 3 reviewers scored"), "{shown}");
    assert!(edits_in(&fake, thread).is_empty(), "no edit of the public message per score");
    assert!(public_with(&fake, "Peer scores").is_empty(), "no aggregate before scoring closes");

    let second = rubric(&fake, thread, &r[1], &score_msg).await;
    let second_saved = text_of(
        &callback(&fake, &interaction_id(&rate(&fake, thread, &r[1], &second, 4).await))
            .await
            .body["data"],
    );
    assert!(second_saved.contains("2 of 3 reviewers scored"), "{second_saved}");
    let third = rubric(&fake, thread, &r[2], &score_msg).await;
    let last = rate(&fake, thread, &r[2], &third, 1).await;
    // The aggregate is a public follow-up of the score that closed the round: once, in the
    // thread, exempt from the global rate limit; no channel post.
    let token = support::bot::token(&last);
    let agg = fake
        .wait_for_request(
            |q| q.is("POST", "/webhooks/") && q.path.contains(&token) && text_of(&q.body).contains("Peer scores"),
            WAIT,
        )
        .await;
    assert_ne!(agg.body["flags"], 64, "the aggregate is public");
    assert_eq!(agg.response["channel_id"], thread.to_string(), "in the thread");
    assert_eq!(public_with(&fake, "Peer scores").len(), 1, "the aggregate arrives once");
    assert!(posted_in(&fake, thread, "Peer scores").is_empty(), "not as a channel post");
    // The public message is edited once, when scoring closed: it says so and loses its buttons,
    // through the webhook of the candidate's Submit that posted it (no channel edit).
    let id = score_msg["id"].as_str().unwrap().to_string();
    let edited = |f: &FakeDiscord| -> Vec<RecordedRequest> {
        f.requests()
            .into_iter()
            .filter(|q| q.method == "PATCH" && q.path.ends_with(&format!("/messages/{id}")))
            .collect()
    };
    let edits = fake
        .wait_for("the closing edit", WAIT, |f| Some(edited(f)).filter(|e| !e.is_empty()))
        .await;
    assert_eq!(edits.len(), 1, "one edit per answer, at closing");
    assert!(edits[0].path.starts_with("/webhooks/"), "{}", edits[0].path);
    assert!(edits_in(&fake, thread).is_empty(), "no channel edit");
    assert!(
        text_of(&edits[0].body).contains("Scoring closed: 3 reviewer(s) scored"),
        "{}",
        edits[0].body
    );
    assert_eq!(edits[0].body["components"], serde_json::json!([]));
    let text = text_of(&agg.body);
    assert!(
        text.contains("Peer median:** 3.0 (lean hire) from 3 reviewer(s), spread 3"),
        "{text}"
    );
    assert!(
        text.contains("Ratings differ by 2 or more") && text.contains("Clear split of I/O and CPU work"),
        "{text}"
    );
    assert!(text.contains("`1/3`"), "ticks per checklist item: {text}");

    // The candidate self-scores; the interview ends and the report goes to the thread and by DM.
    let self_rubric = fake
        .wait_for("the candidate's own rubric", WAIT, |f| {
            f.messages_in(thread)
                .into_iter()
                .rev()
                .find(|m| support::bot::components(m).iter().any(|(id, _)| id.starts_with("r:rate1:")))
        })
        .await;
    let done = rate(&fake, thread, &t.cand, &self_rubric, 2).await;
    let token = support::bot::token(&done);
    let report = fake
        .wait_for_request(|q| q.path.contains(&token) && text_of(&q.body).contains("Peer review report"), WAIT)
        .await;
    let text = text_of(&report.body);
    assert!(text.contains("peers 3.0 (lean hire) (3 scores)"), "{text}");
    assert_ne!(report.body["flags"], 64, "the report is public in the thread");
    let dm = fake.dm_channel_id(&t.cand);
    let dm_report = fake
        .wait_for_request(
            |q| q.is("POST", &format!("/channels/{dm}/messages")) && text_of(&q.body).contains("Peer review report"),
            WAIT,
        )
        .await;
    assert_eq!(dm_report.body["allowed_mentions"]["parse"], serde_json::json!([]));

    let ids: Vec<(String, i64)> = r.iter().zip([3, 4, 1]).map(|(u, n)| (format!("discord:{}", u.id), n)).collect();
    let mut ids = ids;
    ids.sort();
    assert_eq!(peer_scores(&bot).await, ids);
    let note: Option<String> = sqlx::query("SELECT note FROM scores WHERE scorer = $1")
        .bind(format!("discord:{}", r[0].id))
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(note.as_deref(), Some("Clear split of I/O and CPU work"));
    bot.stop().await;
}

#[tokio::test]
async fn an_aggregate_whose_follow_up_fails_reaches_the_thread() {
    let Scene {
        fake,
        _dir,
        bot,
        t,
        thread,
        score_msg,
    } = scene().await;
    let r = &t.reviewers;
    for (who, n) in r[..2].iter().zip([3, 4]) {
        let mine = rubric(&fake, thread, who, &score_msg).await;
        callback(&fake, &interaction_id(&rate(&fake, thread, who, &mine, n).await)).await;
    }
    let last = rubric(&fake, thread, &r[2], &score_msg).await;
    // Discord fails the follow-up that carries the aggregate.
    fake.inject(Fault::new("POST", "/webhooks/", 1, FaultKind::Status(503)));
    let ix = rate(&fake, thread, &r[2], &last, 2).await;
    let saved = callback(&fake, &interaction_id(&ix)).await;
    assert!(text_of(&saved.body["data"]).contains("3 of 3 reviewers scored"), "{}", saved.body);
    let posted = fake
        .wait_for("the aggregate in the thread", WAIT, |f| posted_in(f, thread, "Peer scores").pop())
        .await;
    assert!(text_of(&posted).contains("Peer median:** 3.0"), "{}", text_of(&posted));
    let failed = fake
        .requests()
        .into_iter()
        .filter(|q| q.is("POST", "/webhooks/") && q.status == 503)
        .count();
    assert_eq!(failed, 1, "the follow-up was tried first");
    assert_eq!(public_with(&fake, "Peer scores").len() - failed, 1, "delivered once");
    bot.stop().await;
}

#[tokio::test]
async fn simultaneous_and_double_submissions() {
    let Scene {
        fake,
        _dir,
        bot,
        t,
        thread,
        score_msg,
    } = scene().await;
    let r = &t.reviewers;
    let a = rubric(&fake, thread, &r[0], &score_msg).await;
    let b = rubric(&fake, thread, &r[1], &score_msg).await;
    // Two reviewers at the same instant: both scores are kept.
    let ia = button_click(&at(&fake, thread, &r[0]), &a, &custom_id(&a, "2 ·"));
    let ib = button_click(&at(&fake, thread, &r[1]), &b, &custom_id(&b, "4 ·"));
    fake.push_interaction(ia.clone());
    fake.push_interaction(ib.clone());
    callback(&fake, &interaction_id(&ia)).await;
    callback(&fake, &interaction_id(&ib)).await;
    assert_eq!(peer_scores(&bot).await.len(), 2);
    // A double click (two interactions) replaces; the same interaction delivered twice applies once.
    let again = rate(&fake, thread, &r[0], &a, 3).await;
    callback(&fake, &interaction_id(&again)).await;
    fake.push_interaction(again.clone());
    let events: i64 = sqlx::query("SELECT COUNT(*) FROM events WHERE idempotency_key = $1")
        .bind(format!("ix:{}", interaction_id(&again)))
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(events, 1);
    let scores = peer_scores(&bot).await;
    assert_eq!(scores.len(), 2, "one score per reviewer per answer: {scores:?}");
    assert!(
        scores.contains(&(format!("discord:{}", r[0].id), 3)),
        "the second submission replaced the first: {scores:?}"
    );
    assert_eq!(
        fake.requests_matching("POST", &format!("/interactions/{}/", interaction_id(&again)))
            .len(),
        1
    );
    bot.stop().await;
}

#[tokio::test]
async fn closing_scoring_and_a_reviewer_leaving() {
    let Scene {
        fake,
        _dir,
        bot,
        t,
        thread,
        score_msg,
    } = scene().await;
    let r = &t.reviewers;
    let a = rubric(&fake, thread, &r[0], &score_msg).await;
    rate(&fake, thread, &r[0], &a, 3).await;
    // A reviewer leaves midway: the round no longer waits for them.
    let lobby = message_with(&fake, thread, "Leave").await;
    let left = click(&fake, &at(&fake, thread, &r[2]), &lobby, "Leave").await;
    callback(&fake, &interaction_id(&left)).await;
    let ix = click(&fake, &at(&fake, thread, &r[2]), &score_msg, "Score this answer").await;
    let refused = callback(&fake, &interaction_id(&ix)).await;
    assert_eq!(refused.body["data"]["flags"], 64);
    assert!(
        refused.body["data"]["content"].as_str().unwrap().contains("Only joined reviewers"),
        "{}",
        refused.body
    );
    // Only the host closes scoring.
    let early = click(&fake, &at(&fake, thread, &r[1]), &score_msg, "Close scoring").await;
    assert!(callback(&fake, &interaction_id(&early)).await.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("Only the host"));
    let b = rubric(&fake, thread, &r[1], &score_msg).await; // opened before scoring closes
    let close = click(&fake, &at(&fake, thread, &t.host), &score_msg, "Close scoring").await;
    let closed = callback(&fake, &interaction_id(&close)).await;
    assert!(text_of(&closed.body["data"]).contains("Peer median:** 3.0"), "{}", closed.body);
    assert_ne!(closed.body["data"]["flags"], 64, "the aggregate is public");
    // A score after closing is refused with a message and not stored.
    let late = rate(&fake, thread, &r[1], &b, 4).await;
    let cb = callback(&fake, &interaction_id(&late)).await;
    assert!(
        cb.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("closed; your score was not recorded"),
        "{}",
        cb.body
    );
    assert_eq!(peer_scores(&bot).await.len(), 1);
    bot.stop().await;
}

#[tokio::test]
async fn an_asynchronous_review_of_a_shared_session() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let t = team();
    // The candidate practises in DMs and ends after one answer.
    let dm = fake.in_dm(&t.cand);
    push(
        &fake,
        slash_command(&dm, "practice", vec![opt::string("areas", "python"), opt::integer("per_area", 1)]),
    );
    let q = message_with(&fake, fake.dm_channel_id(&t.cand), "Submit answer").await;
    type_answer(&bot, &fake, &dm.place, &t.cand, "My private practice answer about copies.").await;
    click(&fake, &dm, &q, "Submit answer").await;
    let end = push(&fake, slash_command(&dm, "interview", vec![opt::subcommand("end", vec![])]));
    fake.wait_for_request(
        |r| r.path.contains(&support::bot::token(&end)) && text_of(&r.body).contains("Summary"),
        WAIT,
    )
    .await;
    // Nothing of it is in the server until it is shared.
    assert!(posted_in(&fake, fake.channel_id(), "private practice").is_empty());
    // Without asking for the DM practice by name, nothing from it is shared.
    let plain = push(
        &fake,
        slash_command(&fake.in_guild(&t.cand), "review", vec![opt::subcommand("share", vec![])]),
    );
    let said = after_defer(&fake, &plain).await;
    assert!(
        said["content"].as_str().unwrap().contains("no finished interview in this server"),
        "{said}"
    );
    let opts = vec![opt::subcommand(
        "share",
        vec![opt::integer("days", 3), opt::boolean("from_dm", true)],
    )];
    let share = push(&fake, slash_command(&fake.in_guild(&t.cand), "review", opts));
    let said = after_defer(&fake, &share).await;
    assert!(said["content"].as_str().unwrap().contains("Shared for review"), "{said}");
    let created = fake
        .wait_for_request(|r| r.is("POST", &format!("/channels/{}/threads", fake.channel_id())), WAIT)
        .await;
    let thread: u64 = created.response["id"].as_str().unwrap().parse().unwrap();
    assert!(
        !posted_in(&fake, thread, "My private practice answer").is_empty(),
        "the shared answer is shown to reviewers"
    );
    let score_msg = message_with(&fake, thread, "Score this answer").await;
    let r = &t.reviewers[0];
    let mine = rubric(&fake, thread, r, &score_msg).await;
    let ix = rate(&fake, thread, r, &mine, 4).await;
    callback(&fake, &interaction_id(&ix)).await;
    let dm_ch = fake.dm_channel_id(&t.cand);
    let notice = |q: &support::fake_discord::RecordedRequest| {
        q.is("POST", &format!("/channels/{dm_ch}/messages")) && text_of(&q.body).contains("1 new score(s) from teammates")
    };
    fake.wait_for_request(notice, WAIT).await;
    // Re-rating does not DM the candidate again within the hour: one notice per session per hour.
    let again = rate(&fake, thread, r, &mine, 3).await;
    callback(&fake, &interaction_id(&again)).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let notices = fake
        .requests()
        .iter()
        .filter(|q| q.is("POST", &format!("/channels/{dm_ch}/messages")) && text_of(&q.body).contains("new score(s)"))
        .count();
    assert_eq!(notices, 1, "a re-rating within the hour sends no second DM");
    let row = sqlx::query("SELECT s.mode, sc.rating FROM scores sc JOIN sessions s ON s.id = sc.session_id WHERE sc.kind = 'peer'")
        .fetch_one(bot.store.pool())
        .await
        .unwrap();
    assert_eq!(
        (row.get::<String, _>(0), row.get::<i64, _>(1)),
        ("async".to_string(), 3),
        "the re-rating replaced the score"
    );
    // The candidate cannot score their own shared answers.
    let own = click(&fake, &at(&fake, thread, &t.cand), &score_msg, "Score this answer").await;
    assert!(callback(&fake, &interaction_id(&own)).await.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("own answers"));
    bot.stop().await;
}
