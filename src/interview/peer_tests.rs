//! Peer-review rules, enforced by the core whatever the buttons allow.

use super::peer::Peer;
use super::*;
use crate::bank::{parse_pack, Pack};

const HOST: &str = "discord:host";
const CAND: &str = "discord:cand";
const R1: &str = "discord:r1";
const R2: &str = "discord:r2";
const T0: Millis = 5_000_000;

fn id(a: &str) -> ActorId {
    ActorId::from_stored(a)
}

/// The shipped pack, parsed once: it is large, and every step reads it.
fn pack() -> &'static Pack {
    static PACK: std::sync::OnceLock<Pack> = std::sync::OnceLock::new();
    PACK.get_or_init(|| {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/senior-python-developer.toml")).unwrap();
        parse_pack(&text, "spd").unwrap()
    })
}

fn ok(s: &Session, actor: &str, input: Input) -> (Session, Vec<Effect>) {
    let (n, fx) = step(s, &id(actor), &input, pack(), T0 + 1000).unwrap_or_else(|r| panic!("{input:?} by {actor}: {r}"));
    assert_eq!(n.version, s.version + 1);
    (n, fx)
}

fn no(s: &Session, actor: &str, input: Input) -> Rejection {
    step(s, &id(actor), &input, pack(), T0 + 1000).expect_err("refused")
}

fn peer(s: &Session) -> &Peer {
    s.peer.as_ref().unwrap()
}

/// A started session with two reviewers, the first answer submitted (its round open).
fn answered() -> Session {
    let opts = PlanOptions {
        areas: vec!["python".into(), "concurrency".into()],
        per_area: 1,
        follow_ups: 0,
        seed: 1,
    };
    let (s, fx) = start_peer("p1".into(), &id(CAND), &id(HOST), pack(), &opts, Settings::default(), 600, T0).unwrap();
    assert_eq!(fx, vec![Effect::Lobby { host: id(HOST) }]);
    assert_eq!(no(&s, HOST, Input::StartInterview), Rejection::NoReviewers);
    assert_eq!(no(&s, CAND, Input::Join), Rejection::CandidateCannotJoin);
    let (s, _) = ok(&s, R1, Input::Join);
    let (s, _) = ok(&s, R2, Input::Join);
    assert_eq!(no(&s, R1, Input::Join), Rejection::AlreadyReviewer);
    assert_eq!(no(&s, R1, Input::StartInterview), Rejection::NotHost(HostOnly::StartInterview));
    assert_eq!(no(&s, CAND, Input::answer("early")), Rejection::InLobby);
    let (s, _) = ok(&s, HOST, Input::StartInterview);
    assert_eq!(
        no(&s, R1, Input::PeerRate { item: 0, rating: 3 }),
        Rejection::NoAnswerToScore { item: 0 }
    );
    let (s, fx) = ok(
        &s,
        CAND,
        Input::SubmitForm {
            text: "Threads for I/O, processes for CPU.".into(),
        },
    );
    assert!(
        fx.iter().any(|e| matches!(e, Effect::ScoringOpened { item: 0, reviewers: 2, .. })),
        "{fx:?}"
    );
    s
}

#[test]
fn only_joined_reviewers_score_and_never_the_candidate() {
    let s = answered();
    assert_eq!(no(&s, CAND, Input::PeerRate { item: 0, rating: 4 }), Rejection::OwnAnswers);
    assert_eq!(
        no(&s, "discord:stranger", Input::PeerRate { item: 0, rating: 2 }),
        Rejection::NotJoined
    );
    assert_eq!(
        no(&s, R1, Input::PeerRate { item: 0, rating: 7 }),
        Rejection::BadPeerRating { got: 7 }
    );
    assert!(matches!(
        no(&s, R1, Input::PeerTicks { item: 0, ticks: vec![42] }),
        Rejection::NoSuchChecklistItem { number: 43, .. }
    ));
}

#[test]
fn a_resubmission_replaces_and_the_last_reviewer_closes_the_round() {
    let s = answered();
    let (s, _) = ok(
        &s,
        R1,
        Input::PeerTicks {
            item: 0,
            ticks: vec![1, 0, 1],
        },
    );
    let (s, _) = ok(
        &s,
        R1,
        Input::PeerNote {
            item: 0,
            note: "Good split of I/O and CPU work".into(),
        },
    );
    let (s, fx) = ok(&s, R1, Input::PeerRate { item: 0, rating: 2 });
    assert!(fx.contains(&Effect::ScoreSaved {
        item: 0,
        reviewer: id(R1),
        replaced: false,
        scored: 1,
        of: 2
    }));
    let (s, fx) = ok(&s, R1, Input::PeerRate { item: 0, rating: 3 });
    assert!(fx.contains(&Effect::ScoreSaved {
        item: 0,
        reviewer: id(R1),
        replaced: true,
        scored: 1,
        of: 2
    }));
    let round = peer(&s).rounds[0].as_ref().unwrap();
    assert_eq!(round.scores.len(), 1);
    assert_eq!(round.scores[0].ticks, vec![0, 1]);
    assert_eq!(round.scores[0].note.as_deref(), Some("Good split of I/O and CPU work"));
    let (s, fx) = ok(&s, R2, Input::PeerRate { item: 0, rating: 1 });
    let Some(Effect::Aggregate(a)) = fx.iter().find(|e| matches!(e, Effect::Aggregate(_))) else {
        panic!("{fx:?}")
    };
    assert_eq!((a.reviewers, a.median, a.spread, a.disagreement), (2, Some(2.0), Some(2), true));
    assert_eq!(a.ticks[0], 1);
    assert_eq!(no(&s, R2, Input::PeerRate { item: 0, rating: 4 }), Rejection::ScoringClosed);
}

#[test]
fn removed_reviewers_keep_their_scores_but_score_no_more() {
    let s = answered();
    let (s, _) = ok(&s, R1, Input::PeerRate { item: 0, rating: 4 });
    assert_eq!(
        no(&s, R1, Input::RemoveReviewer { reviewer: id(R2) }),
        Rejection::NotHost(HostOnly::RemoveReviewers)
    );
    // Removing the one who had not scored completes the round: everyone left has scored.
    let (s, fx) = ok(&s, HOST, Input::RemoveReviewer { reviewer: id(R2) });
    assert!(fx.iter().any(|e| matches!(e, Effect::Aggregate(a) if a.reviewers == 1)), "{fx:?}");
    assert_eq!(no(&s, R2, Input::Join), Rejection::RemovedCannotRejoin);
    let (s, _) = ok(&s, HOST, Input::RemoveReviewer { reviewer: id(R1) });
    assert_eq!(
        peer(&s).rounds[0].as_ref().unwrap().scores.len(),
        1,
        "a removed reviewer's scores stay"
    );
}

#[test]
fn the_host_closes_scoring_and_the_report_comes_once_at_the_end() {
    let s = answered();
    let (s, _) = ok(&s, R1, Input::PeerRate { item: 0, rating: 3 });
    assert_eq!(
        no(&s, R1, Input::CloseScoring { item: 0 }),
        Rejection::NotHost(HostOnly::CloseScoring)
    );
    let (s, fx) = ok(&s, HOST, Input::CloseScoring { item: 0 });
    assert!(fx.iter().any(|e| matches!(e, Effect::Aggregate(_))));
    let (s, _) = ok(&s, CAND, Input::Skip); // skip the self-score
    let (s, _) = ok(
        &s,
        CAND,
        Input::SubmitForm {
            text: "asyncio for many sockets".into(),
        },
    );
    let (s, fx) = ok(&s, CAND, Input::End);
    assert!(fx.iter().any(|e| matches!(e, Effect::Finished(_))));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Report(_))), "round 2 is still open");
    // Scores still arrive after the interview ended, until scoring closes.
    let (s, _) = ok(&s, R1, Input::PeerRate { item: 1, rating: 4 });
    let (s, fx) = ok(&s, R2, Input::PeerRate { item: 1, rating: 4 });
    let Some(Effect::Report(r)) = fx.iter().find(|e| matches!(e, Effect::Report(_))) else {
        panic!("{fx:?}")
    };
    assert_eq!(r.areas.len(), 2);
    assert_eq!(r.overall.peer_scores, 3);
    assert_eq!(r.overall.peer_median, Some(4.0));
    assert!(peer(&s).reported);
    let (_, fx) = ok(&s, R1, Input::Leave);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Report(_))), "the report is emitted once");
}

#[test]
fn the_clock_closes_overdue_rounds() {
    let s = answered();
    let p = pack();
    assert_eq!(s.next_deadline(), Some(T0 + 1000 + 600_000));
    let (s, fx) = step(&s, &ActorId::system(), &Input::Clock, p, T0 + 1000 + 600_000).unwrap();
    assert!(fx.iter().any(|e| matches!(e, Effect::Aggregate(a) if a.reviewers == 0)), "{fx:?}");
    assert_eq!(no(&s, R1, Input::PeerRate { item: 0, rating: 3 }), Rejection::ScoringClosed);
}

#[test]
fn a_shared_session_is_scored_asynchronously_by_anyone_but_the_candidate() {
    let opts = PlanOptions {
        areas: vec!["python".into()],
        per_area: 1,
        follow_ups: 0,
        seed: 1,
    };
    let (s, _) = start("o1".into(), &id(CAND), pack(), &opts, Settings::default(), T0).unwrap();
    assert_eq!(peer::share(&s, "x".into(), 60, T0).unwrap_err(), Rejection::NotFinished);
    let (s, _) = ok(&s, CAND, Input::SubmitForm { text: "my answer".into() });
    let (s, _) = ok(&s, CAND, Input::End);
    let (shared, fx) = peer::share(&s, "s2".into(), 7 * 86_400, T0 + 5000).unwrap();
    assert_eq!(shared.version, 1);
    assert!(matches!(fx[..], [Effect::ScoringOpened { item: 0, .. }]));
    assert_eq!(no(&shared, CAND, Input::PeerRate { item: 0, rating: 4 }), Rejection::OwnAnswers);
    let (shared, fx) = ok(&shared, R1, Input::PeerRate { item: 0, rating: 3 });
    assert!(
        fx.iter().any(|e| matches!(e, Effect::ReviewerJoined { .. })),
        "scoring joins in an asynchronous review"
    );
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Aggregate(_))),
        "asynchronous rounds stay open until their deadline"
    );
    let (_, fx) = step(&shared, &ActorId::system(), &Input::Clock, pack(), T0 + 5000 + 7 * 86_400_000).unwrap();
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Aggregate(_))) && fx.iter().any(|e| matches!(e, Effect::Report(_))),
        "{fx:?}"
    );
}

#[test]
fn a_late_reviewer_scores_from_then_on_without_holding_up_earlier_answers() {
    let s = answered();
    let p = pack();
    let (s, _) = step(&s, &id("discord:late"), &Input::Join, p, T0 + 2000).unwrap();
    let (s, _) = ok(&s, R1, Input::PeerRate { item: 0, rating: 3 });
    let (s, fx) = ok(&s, R2, Input::PeerRate { item: 0, rating: 3 });
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Aggregate(_))),
        "the late joiner does not hold up question 1: {fx:?}"
    );
    assert_eq!(
        no(&s, "discord:late", Input::PeerRate { item: 0, rating: 1 }),
        Rejection::ScoringClosed
    );
}

#[test]
fn the_host_can_bar_a_reviewer_who_left_or_never_joined() {
    let s = answered();
    let (s, _) = ok(&s, R2, Input::Leave);
    let (s, _) = ok(&s, HOST, Input::RemoveReviewer { reviewer: id(R2) });
    assert_eq!(no(&s, R2, Input::Join), Rejection::RemovedCannotRejoin);
    let (s, _) = ok(
        &s,
        HOST,
        Input::RemoveReviewer {
            reviewer: id("discord:never"),
        },
    );
    assert_eq!(no(&s, "discord:never", Input::Join), Rejection::RemovedCannotRejoin);
    assert_eq!(
        no(&s, HOST, Input::RemoveReviewer { reviewer: id(CAND) }),
        Rejection::CandidateNotReviewer
    );
}

#[test]
fn ending_in_the_lobby_sends_no_empty_report() {
    let opts = PlanOptions {
        areas: vec!["python".into()],
        per_area: 1,
        follow_ups: 0,
        seed: 1,
    };
    let (s, _) = start_peer("p2".into(), &id(CAND), &id(HOST), pack(), &opts, Settings::default(), 600, T0).unwrap();
    let (_, fx) = ok(&s, HOST, Input::End);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Report(_))), "{fx:?}");
}

mod any_input {
    //! Every input, from every actor, in every stage of a peer-review session: applied (version
    //! +1) or refused, never a panic, and no submitted answer ever lost.
    use proptest::prelude::*;

    use super::*;

    const ACTORS: [&str; 6] = [HOST, CAND, R1, R2, "discord:stranger", "system"];

    fn input() -> impl Strategy<Value = Input> {
        let text = prop_oneof![Just(String::new()), "[a-z ]{1,30}", Just("threads for I/O".to_string())];
        let item = 0usize..4;
        prop_oneof![
            3 => text.clone().prop_map(Input::answer),
            2 => Just(Input::Submit),
            2 => text.clone().prop_map(|text| Input::SubmitForm { text }),
            1 => Just(Input::Hint),
            1 => Just(Input::Skip),
            1 => Just(Input::Repeat),
            1 => Just(Input::Pause),
            1 => Just(Input::Resume),
            1 => Just(Input::End),
            1 => Just(Input::Clock),
            1 => prop::collection::vec(0u8..9, 0..3).prop_map(|ticks| Input::Checklist { ticks }),
            1 => (0u8..6).prop_map(|rating| Input::Rate { rating }),
            3 => Just(Input::Join),
            1 => Just(Input::Leave),
            1 => (0usize..6).prop_map(|i| Input::RemoveReviewer { reviewer: id(ACTORS[i]) }),
            2 => Just(Input::StartInterview),
            1 => (item.clone(), prop::collection::vec(0u8..9, 0..3)).prop_map(|(item, ticks)| Input::PeerTicks { item, ticks }),
            1 => (item.clone(), text).prop_map(|(item, note)| Input::PeerNote { item, note }),
            2 => (item.clone(), 0u8..6).prop_map(|(item, rating)| Input::PeerRate { item, rating }),
            1 => item.prop_map(|item| Input::CloseScoring { item }),
        ]
    }

    fn answers(s: &Session) -> Vec<Vec<String>> {
        s.items.iter().map(|r| r.answers.iter().map(|a| a.text.clone()).collect()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn peer_sessions_apply_or_refuse_every_input(
            steps in prop::collection::vec((0usize..6, input(), 0i64..900_000), 1..60),
            asynchronous in any::<bool>(),
        ) {
            let p = pack();
            let opts = PlanOptions { areas: vec!["python".into(), "concurrency".into()], per_area: 1, follow_ups: 1, seed: 3 };
            let settings = Settings { time_limit_secs: Some(300), idle_pause_secs: 600, idle_abandon_secs: 7200, ..Settings::default() };
            let (mut s, _) = start_peer("p".into(), &id(CAND), &id(HOST), p, &opts, settings, 600, T0).unwrap();
            if asynchronous {
                s.peer.as_mut().unwrap().asynchronous = true;
            }
            let mut now = T0;
            for (who, input, dt) in steps {
                now += dt;
                let before = answers(&s);
                if let Ok((next, _)) = step(&s, &id(ACTORS[who]), &input, p, now) {
                    prop_assert_eq!(next.version, s.version + 1);
                    s = next;
                }
                let after = answers(&s);
                for (b, a) in before.iter().zip(&after) {
                    prop_assert!(a.starts_with(b), "a submitted answer was lost: {:?} -> {:?}", b, a);
                }
            }
        }
    }
}

#[test]
fn the_summary_goes_to_the_candidate_only_while_a_round_is_open() {
    let s = answered();
    assert!(peer(&s).rounds[0].as_ref().is_some_and(|r| r.closed_at.is_none()));
    let (ended, fx) = ok(&s, CAND, Input::End);
    let finished: Vec<_> = address(&ended, fx)
        .into_iter()
        .filter(|a| matches!(a.effect, Effect::Finished(_)))
        .map(|a| a.to)
        .collect();
    assert_eq!(finished, vec![Audience::CandidateDm], "self-scores stay hidden from reviewers");
}

#[test]
fn a_forgotten_reviewer_keeps_their_score_without_their_name_or_note() {
    let s = answered();
    let (s, _) = ok(
        &s,
        R1,
        Input::PeerNote {
            item: 0,
            note: "my private note".into(),
        },
    );
    let (s, _) = ok(&s, R1, Input::PeerRate { item: 0, rating: 3 });
    let mut s = s;
    let gone = id("forgotten:x");
    let (scores, named) = super::forget::forget_reviewer(&mut s, &id(R1), &gone);
    assert_eq!((scores, named), (1, true));
    let round = peer(&s).rounds[0].as_ref().unwrap();
    assert_eq!(round.scores.len(), 1, "the score stays for the candidate");
    assert_eq!(round.scores[0].reviewer, gone);
    assert_eq!(round.scores[0].note, None);
    assert!(peer(&s).reviewers.iter().all(|r| r.actor != id(R1)));
    let json = serde_json::to_string(&s).unwrap();
    assert!(!json.contains(R1) && !json.contains("my private note"), "{json}");
    assert_eq!(
        super::forget::forget_reviewer(&mut s, &id(R1), &gone),
        (0, false),
        "nothing left to forget"
    );
}

#[test]
fn the_candidates_own_rubric_stays_private_in_a_live_review() {
    let s = answered();
    let (s, fx) = ok(&s, CAND, Input::Checklist { ticks: vec![0] });
    let to: Vec<_> = address(&s, fx)
        .into_iter()
        .filter(|a| matches!(a.effect, Effect::AskRating { .. }))
        .map(|a| a.to)
        .collect();
    assert_eq!(
        to,
        vec![Audience::Actor],
        "reviewers do not see how many items the candidate ticked"
    );
}
