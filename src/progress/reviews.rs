//! Every answered question is a review: its self rating, the peers' ratings (from a live peer
//! review, or later from the session shared for review) and its talking-point coverage. The
//! grade the scheduler uses comes from these.

use super::SessionRow;
use crate::interview::Millis;

/// One answered question.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub session: String,
    pub item: usize,
    pub role: String,
    pub question: String,
    pub area: String,
    /// When the main answer was submitted.
    pub at: Millis,
    pub self_rating: Option<u8>,
    pub peer_ratings: Vec<u8>,
    /// Talking-point coverage, 0.0 to 1.0.
    pub coverage: f64,
}

/// How well a question went, as the scheduler grades it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Grade {
    Again,
    Hard,
    Good,
    Easy,
}

impl Review {
    pub fn peer_median(&self) -> Option<f64> {
        median(&self.peer_ratings)
    }

    /// The human verdict: the peers' median when there is one (they are the better judges),
    /// else the candidate's own rating.
    pub fn rating(&self) -> Option<f64> {
        self.peer_median().or(self.self_rating.map(f64::from))
    }

    /// 0.0 (weak) to 1.0 (strong): the rating (1-4 mapped to 0-1) and the coverage weighed
    /// equally; coverage alone when nobody rated it.
    pub fn strength(&self) -> f64 {
        let cov = self.coverage.clamp(0.0, 1.0);
        match self.rating() {
            Some(r) => 0.5 * ((r - 1.0) / 3.0).clamp(0.0, 1.0) + 0.5 * cov,
            None => cov,
        }
    }

    /// Below 0.35 the question is forgotten (Again); then Hard, Good, and from 0.8 Easy.
    pub fn grade(&self) -> Grade {
        grade_of(self.strength())
    }
}

pub fn grade_of(strength: f64) -> Grade {
    match strength {
        s if s < 0.35 => Grade::Again,
        s if s < 0.55 => Grade::Hard,
        s if s < 0.8 => Grade::Good,
        _ => Grade::Easy,
    }
}

/// The median of 1-4 ratings (the mean of the middle two for an even count).
pub fn median(ratings: &[u8]) -> Option<f64> {
    if ratings.is_empty() {
        return None;
    }
    let mut v: Vec<u8> = ratings.to_vec();
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] as f64 + v[n / 2] as f64) / 2.0
    })
}

/// The reviews of the sessions' answered questions, oldest first. Peer scores given on a
/// session shared for review count for the original answer; the shared copy adds no review.
pub fn reviews(rows: &[SessionRow]) -> Vec<Review> {
    let mut out: Vec<Review> = Vec::new();
    for row in rows.iter().filter(|r| r.shared_from.is_none()) {
        out.extend(session_reviews(row));
    }
    for shared in rows.iter().filter(|r| r.shared_from.is_some()) {
        let from = shared.shared_from.as_deref().unwrap_or_default();
        let Some(peer) = &shared.session.peer else { continue };
        for (item, round) in peer.rounds.iter().enumerate() {
            let Some(round) = round else { continue };
            let question = shared.session.plan.items.get(item).map(|p| p.question.as_str());
            if let Some(r) = out
                .iter_mut()
                .find(|r| r.session == from && r.item == item && Some(r.question.as_str()) == question)
            {
                r.peer_ratings.extend(round.scores.iter().map(|s| s.rating.get()));
            }
        }
    }
    out.sort_by(|a, b| a.at.cmp(&b.at).then(a.item.cmp(&b.item)));
    out
}

fn session_reviews(row: &SessionRow) -> Vec<Review> {
    let s = &row.session;
    let mut out = Vec::new();
    for (item, (plan, rec)) in s.plan.items.iter().zip(&s.items).enumerate() {
        let Some(first) = rec.answers.first() else { continue };
        let peer_ratings = s
            .peer
            .as_ref()
            .and_then(|p| p.rounds.get(item))
            .and_then(|r| r.as_ref())
            .map_or_else(Vec::new, |r| r.scores.iter().map(|sc| sc.rating.get()).collect());
        out.push(Review {
            session: row.id.clone(),
            item,
            role: row.role.clone(),
            question: plan.question.clone(),
            area: plan.area.clone(),
            at: first.submitted_at,
            self_rating: rec.self_score.as_ref().map(|sc| sc.rating.get()),
            peer_ratings,
            coverage: rec.coverage.as_ref().map_or(0.0, |c| c.fraction()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interview::state::{Answer, Peer, PeerScore, Round, SelfScore};
    use crate::interview::{ActorId, Mode, Plan, PlanItem, Rating, Scope, Session, Settings, Stage};

    fn session(id: &str, questions: &[&str]) -> Session {
        let plan = Plan {
            role: "r".into(),
            items: questions
                .iter()
                .map(|q| PlanItem {
                    question: q.to_string(),
                    area: "a".into(),
                    follow_ups: vec![],
                })
                .collect(),
        };
        Session {
            id: id.into(),
            candidate: ActorId::local("me"),
            items: vec![Default::default(); plan.items.len()].into(),
            plan,
            settings: Settings::default(),
            stage: Stage::Finished { at: 0 },
            version: 1,
            created_at: 0,
            last_activity: 0,
            peer: None,
        }
    }

    fn answered(s: &mut Session, item: usize, at: i64, rating: Option<u8>) {
        let rec = &mut s.items[item];
        rec.asked = true;
        rec.answers.push(Answer {
            part: 0,
            text: "x".into(),
            submitted_at: at,
            over_time: false,
        });
        rec.self_score = rating.map(|r| SelfScore {
            ticks: vec![],
            rating: Rating::new(r).unwrap(),
        });
    }

    fn scored(s: &mut Session, item: usize, ratings: &[u8]) {
        let peer = s.peer.get_or_insert_with(|| Peer::new(ActorId::local("host"), 2, 600, true));
        peer.rounds[item] = Some(Round {
            opened_at: 0,
            closes_at: 1,
            closed_at: Some(1),
            scores: ratings
                .iter()
                .enumerate()
                .map(|(n, &r)| PeerScore {
                    reviewer: ActorId::local(&format!("peer{n}")),
                    ticks: vec![],
                    rating: Rating::new(r).unwrap(),
                    note: None,
                    at: 5,
                })
                .collect(),
            drafts: vec![],
        });
    }

    fn row(s: Session, mode: Mode, shared_from: Option<&str>) -> SessionRow {
        SessionRow {
            id: s.id.clone(),
            scope: Scope::Terminal,
            mode,
            role: "r".into(),
            created_at: 0,
            session: s,
            shared_from: shared_from.map(str::to_string),
        }
    }

    #[test]
    fn peer_scores_of_a_shared_copy_count_for_the_original_answer() {
        let mut original = session("orig", &["q1", "q2"]);
        answered(&mut original, 0, 10, Some(4));
        // q2 was asked but skipped: not a review.
        original.items[1].asked = true;
        original.items[1].skipped = true;
        let mut shared = session("copy", &["q1", "q2"]);
        answered(&mut shared, 0, 10, Some(4));
        scored(&mut shared, 0, &[1, 2, 2]);
        let all = reviews(&[row(shared, Mode::Async, Some("orig")), row(original, Mode::Terminal, None)]);
        assert_eq!(all.len(), 1, "one review: the copy adds none, the skip is none");
        assert_eq!(all[0].session, "orig");
        assert_eq!(all[0].peer_ratings, vec![1, 2, 2]);
        assert_eq!(all[0].peer_median(), Some(2.0));
        assert_eq!(all[0].rating(), Some(2.0), "the peers' verdict before the self rating");
    }

    #[test]
    fn a_live_review_carries_its_peer_scores() {
        let mut s = session("live", &["q1", "q2"]);
        answered(&mut s, 0, 20, None);
        answered(&mut s, 1, 10, Some(3));
        scored(&mut s, 0, &[4, 3]);
        let all = reviews(&[row(s, Mode::Peer, None)]);
        assert_eq!(
            all.iter().map(|r| r.question.as_str()).collect::<Vec<_>>(),
            vec!["q2", "q1"],
            "oldest first"
        );
        assert_eq!(all[1].peer_median(), Some(3.5));
        assert_eq!(all[1].self_rating, None);
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3, 1, 2]), Some(2.0));
    }
}
