//! Peer-score aggregation: per answer (ticks per checklist item, median and spread of ratings,
//! a disagreement flag, notes, self beside peers) and the end-of-session report per area.

use super::coverage::Coverage;
pub use super::state::PeerScore;
use super::state::{Rating, Session};
use crate::bank::Pack;

/// The aggregate of one answer's peer scores, as posted when its scoring closes.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub item: usize,
    pub question_id: String,
    pub checklist: Vec<String>,
    /// For each checklist item, how many reviewers ticked it.
    pub ticks: Vec<usize>,
    pub reviewers: usize,
    pub median: Option<f64>,
    /// Highest minus lowest rating.
    pub spread: Option<u8>,
    /// Ratings differ by 2 or more.
    pub disagreement: bool,
    pub notes: Vec<String>,
    pub self_rating: Option<Rating>,
    pub coverage: Option<Coverage>,
}

/// The median of ratings; the mean of the middle two for an even count.
pub fn median(ratings: &[Rating]) -> Option<f64> {
    let mut r: Vec<u8> = ratings.iter().map(|r| r.get()).collect();
    r.sort_unstable();
    match r.len() {
        0 => None,
        n if n % 2 == 1 => Some(r[n / 2] as f64),
        n => Some((r[n / 2 - 1] + r[n / 2]) as f64 / 2.0),
    }
}

pub fn spread(ratings: &[Rating]) -> Option<u8> {
    let max = ratings.iter().map(|r| r.get()).max()?;
    let min = ratings.iter().map(|r| r.get()).min()?;
    Some(max - min)
}

/// Aggregates `scores` of item `item` (checklist of `n` items).
pub fn aggregate(s: &Session, pack: &Pack, item: usize, scores: &[PeerScore]) -> Aggregate {
    let q = pack.question(&s.plan.items[item].question);
    let checklist = q.map_or_else(Vec::new, |q| q.checklist.clone());
    let mut ticks = vec![0usize; checklist.len()];
    for sc in scores {
        for &t in &sc.ticks {
            if let Some(n) = ticks.get_mut(t as usize) {
                *n += 1;
            }
        }
    }
    let ratings: Vec<Rating> = scores.iter().map(|s| s.rating).collect();
    let spread = spread(&ratings);
    Aggregate {
        item,
        question_id: s.plan.items[item].question.clone(),
        checklist,
        ticks,
        reviewers: scores.len(),
        median: median(&ratings),
        spread,
        disagreement: spread.is_some_and(|d| d >= 2),
        notes: scores.iter().filter_map(|s| s.note.clone()).collect(),
        self_rating: s.items[item].self_score.as_ref().map(|sc| sc.rating),
        coverage: s.items[item].coverage.clone(),
    }
}

/// The end-of-session report: per area and overall.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub role: String,
    pub areas: Vec<ReportRow>,
    pub overall: ReportRow,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportRow {
    pub name: String,
    pub answered: usize,
    /// Median of all peer ratings given in this area.
    pub peer_median: Option<f64>,
    pub peer_scores: usize,
    pub self_mean: Option<f64>,
    pub coverage: Option<f64>,
    /// The checklist items reviewers ticked most and least often (by share of reviewers).
    pub strongest: Option<String>,
    pub weakest: Option<String>,
}

/// Builds the report from every scored round of the session.
pub fn report(s: &Session, pack: &Pack, rounds: &[Option<Vec<PeerScore>>]) -> Report {
    let mut areas: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, p) in s.plan.items.iter().enumerate() {
        if s.items[i].answers.is_empty() {
            continue;
        }
        match areas.iter_mut().find(|(a, _)| *a == p.area) {
            Some((_, v)) => v.push(i),
            None => areas.push((p.area.clone(), vec![i])),
        }
    }
    let all: Vec<usize> = areas.iter().flat_map(|(_, v)| v.clone()).collect();
    let rows = areas
        .iter()
        .map(|(a, items)| row(s, pack, rounds, pack.area(a).map_or(a.clone(), |x| x.name.clone()), items))
        .collect();
    Report {
        role: pack.role.name.clone(),
        areas: rows,
        overall: row(s, pack, rounds, "Overall".into(), &all),
    }
}

fn row(s: &Session, pack: &Pack, rounds: &[Option<Vec<PeerScore>>], name: String, items: &[usize]) -> ReportRow {
    let mut ratings = Vec::new();
    let mut selfs = Vec::new();
    let mut cov = Vec::new();
    // (share ticked, item text) per checklist item that had reviewers
    let mut shares: Vec<(f64, String)> = Vec::new();
    for &i in items {
        let scores = rounds.get(i).and_then(|r| r.as_deref()).unwrap_or(&[]);
        ratings.extend(scores.iter().map(|sc| sc.rating));
        if let Some(sc) = &s.items[i].self_score {
            selfs.push(sc.rating.get() as f64);
        }
        if let Some(c) = &s.items[i].coverage {
            cov.push(c.fraction());
        }
        if !scores.is_empty() {
            let agg = aggregate(s, pack, i, scores);
            for (n, text) in agg.ticks.iter().zip(&agg.checklist) {
                shares.push((*n as f64 / scores.len() as f64, text.clone()));
            }
        }
    }
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let best = shares.iter().max_by(|a, b| a.0.total_cmp(&b.0)).map(|x| x.1.clone());
    let worst = shares.iter().min_by(|a, b| a.0.total_cmp(&b.0)).map(|x| x.1.clone());
    ReportRow {
        name,
        answered: items.len(),
        peer_median: median(&ratings),
        peer_scores: ratings.len(),
        self_mean: mean(&selfs),
        coverage: mean(&cov),
        strongest: best,
        weakest: worst,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(v: &[u8]) -> Vec<Rating> {
        v.iter().map(|&n| Rating::new(n).unwrap()).collect()
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&r(&[])), None);
        assert_eq!(median(&r(&[3])), Some(3.0));
        assert_eq!(median(&r(&[4, 1, 3])), Some(3.0));
        assert_eq!(median(&r(&[1, 4])), Some(2.5));
        assert_eq!(median(&r(&[2, 4, 1, 3])), Some(2.5));
        assert_eq!(median(&r(&[3, 3, 4, 4])), Some(3.5));
    }

    #[test]
    fn spread_and_disagreement() {
        assert_eq!(spread(&r(&[])), None);
        assert_eq!(spread(&r(&[2, 2])), Some(0));
        assert_eq!(spread(&r(&[2, 3])), Some(1));
        assert_eq!(spread(&r(&[1, 3, 2])), Some(2));
        assert_eq!(spread(&r(&[4, 1])), Some(3));
    }
}
