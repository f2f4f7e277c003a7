//! Spaced repetition with FSRS (the `rs-fsrs` crate, long-term scheduler, no fuzz): each
//! question the candidate answered is a card, replayed review by review in time order, so a late
//! peer score re-grades its answer. What is due, and the drill: the due questions first
//! (most overdue first), then never-seen questions of the weakest area.

use chrono::{DateTime, TimeZone, Utc};
use rs_fsrs::{Card as FsrsCard, Parameters, Rating, State, FSRS};
use serde::{Deserialize, Serialize};

use super::reviews::{Grade, Review};
use super::DAY_MS;
use crate::bank::Pack;
use crate::interview::Millis;

/// One question's schedule for one candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub role: String,
    pub question: String,
    pub area: String,
    pub due: Millis,
    pub stability: f64,
    pub difficulty: f64,
    pub elapsed_days: i64,
    pub scheduled_days: i64,
    pub reps: i32,
    pub lapses: i32,
    /// 0 new, 1 learning, 2 review, 3 relearning (FSRS's states).
    pub state: u8,
    pub last_review: Millis,
    pub last_grade: Grade,
}

impl Card {
    pub fn is_due(&self, now: Millis) -> bool {
        self.due <= now
    }

    /// Days from the last review to the due date.
    pub fn interval_days(&self) -> f64 {
        (self.due - self.last_review) as f64 / DAY_MS as f64
    }
}

fn fsrs() -> FSRS {
    FSRS::new(Parameters {
        enable_short_term: false,
        enable_fuzz: false,
        ..Parameters::default()
    })
}

fn time(ms: Millis) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn state_of(n: u8) -> State {
    match n {
        1 => State::Learning,
        2 => State::Review,
        3 => State::Relearning,
        _ => State::New,
    }
}

fn rating(g: Grade) -> Rating {
    match g {
        Grade::Again => Rating::Again,
        Grade::Hard => Rating::Hard,
        Grade::Good => Rating::Good,
        Grade::Easy => Rating::Easy,
    }
}

/// The card after one review graded `grade` at `now` (`None`: the question's first review).
pub fn review(card: Option<&Card>, role: &str, question: &str, area: &str, grade: Grade, now: Millis) -> Card {
    let before = card.map_or_else(
        || FsrsCard {
            due: time(now),
            last_review: time(now),
            ..FsrsCard::default()
        },
        |c| FsrsCard {
            due: time(c.due),
            stability: c.stability,
            difficulty: c.difficulty,
            elapsed_days: c.elapsed_days,
            scheduled_days: c.scheduled_days,
            reps: c.reps,
            lapses: c.lapses,
            state: state_of(c.state),
            last_review: time(c.last_review),
        },
    );
    let after = fsrs().next(before, time(now), rating(grade)).card;
    Card {
        role: role.to_string(),
        question: question.to_string(),
        area: area.to_string(),
        due: after.due.timestamp_millis(),
        stability: after.stability,
        difficulty: after.difficulty,
        elapsed_days: after.elapsed_days,
        scheduled_days: after.scheduled_days,
        reps: after.reps,
        lapses: after.lapses,
        state: after.state as u8,
        last_review: now,
        last_grade: grade,
    }
}

/// Every question's card after replaying all reviews in time order.
pub fn replay(reviews: &[Review]) -> Vec<Card> {
    let mut cards: Vec<Card> = Vec::new();
    let mut ordered: Vec<&Review> = reviews.iter().collect();
    ordered.sort_by_key(|r| r.at);
    for r in ordered {
        match cards.iter_mut().find(|c| c.role == r.role && c.question == r.question) {
            Some(c) => *c = review(Some(c), &r.role, &r.question, &r.area, r.grade(), r.at),
            None => cards.push(review(None, &r.role, &r.question, &r.area, r.grade(), r.at)),
        }
    }
    cards
}

/// The due cards of `role`, most overdue first.
pub fn due<'a>(cards: &'a [Card], role: Option<&str>, now: Millis) -> Vec<&'a Card> {
    let mut out: Vec<&Card> = cards.iter().filter(|c| c.is_due(now) && role.is_none_or(|r| c.role == r)).collect();
    out.sort_by(|a, b| a.due.cmp(&b.due).then(a.question.cmp(&b.question)));
    out
}

/// The area of `pack` the candidate is weakest in: the lowest mean strength over its reviews;
/// an area never practised counts as weakest of all (nothing is known there yet).
pub fn weakest_area(pack: &Pack, reviews: &[Review]) -> Option<String> {
    pack.areas
        .iter()
        .map(|a| {
            let s: Vec<f64> = reviews
                .iter()
                .filter(|r| r.role == pack.role.id && r.area == a.id)
                .map(Review::strength)
                .collect();
            let mean = if s.is_empty() {
                -1.0
            } else {
                s.iter().sum::<f64>() / s.len() as f64
            };
            (a.id.clone(), mean)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id)
}

/// The questions of a drill of at most `size`: due ones first, and never-seen questions of the
/// weakest area after them (at least one when there are any, so something new comes up). A
/// due question no longer in the pack is left out.
pub fn drill_plan(pack: &Pack, cards: &[Card], reviews: &[Review], now: Millis, size: usize) -> Vec<String> {
    let size = size.max(1);
    let due: Vec<String> = due(cards, Some(&pack.role.id), now)
        .into_iter()
        .filter(|c| pack.question(&c.question).is_some())
        .map(|c| c.question.clone())
        .collect();
    let seen = |q: &str| cards.iter().any(|c| c.role == pack.role.id && c.question == q);
    let fresh: Vec<String> = weakest_area(pack, reviews)
        .map(|area| {
            pack.questions
                .iter()
                .filter(|q| q.area == area && !seen(&q.id))
                .map(|q| q.id.clone())
                .collect()
        })
        .unwrap_or_default();
    let n_new = if fresh.is_empty() || size < 2 {
        0
    } else {
        size.saturating_sub(due.len()).max(1).min(fresh.len())
    };
    let mut out: Vec<String> = due.into_iter().take(size - n_new).collect();
    out.extend(fresh.into_iter().take(size - out.len()));
    out
}

#[cfg(test)]
mod tests;
