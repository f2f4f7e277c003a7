//! The history: one line per session (newest first) with date, role, mode and, per area, the
//! self rating, the peers' median and the talking-point coverage; and pages of it.

use super::reviews::{median, reviews, Review};
use super::SessionRow;
use crate::interview::{Millis, Mode};

/// One area of one session.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaScore {
    pub area: String,
    pub answered: usize,
    /// Mean self rating (1-4) of the answers rated.
    pub self_mean: Option<f64>,
    /// Median of every peer rating the area's answers received.
    pub peer_median: Option<f64>,
    /// Mean coverage (0-1) of the answered questions.
    pub coverage: Option<f64>,
}

impl AreaScore {
    /// "self 3.0 · peers 2.5 · points 60%" (what is missing is left out).
    pub fn figures(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = self.self_mean {
            parts.push(format!("self {s:.1}"));
        }
        if let Some(p) = self.peer_median {
            parts.push(format!("peers {p:.1}"));
        }
        if let Some(c) = self.coverage {
            parts.push(format!("points {:.0}%", c * 100.0));
        }
        if parts.is_empty() {
            "not scored".into()
        } else {
            parts.join(" · ")
        }
    }
}

/// One session.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryLine {
    pub id: String,
    pub at: Millis,
    pub role: String,
    pub mode: Mode,
    /// "finished", "abandoned", "asking", ... (the stage's name).
    pub status: &'static str,
    pub asked: usize,
    pub answered: usize,
    pub areas: Vec<AreaScore>,
}

/// A page of the history (`page` counts from 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub lines: Vec<HistoryLine>,
    pub page: usize,
    pub pages: usize,
    pub total: usize,
}

impl Page {
    pub fn has_older(&self) -> bool {
        self.page + 1 < self.pages
    }
    pub fn has_newer(&self) -> bool {
        self.page > 0
    }
}

/// How a mode reads in a history line.
pub fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::Channel => "channel",
        Mode::Dm => "DM",
        Mode::Peer => "review",
        Mode::Async => "shared for review",
        Mode::Terminal => "terminal",
    }
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// Scores per area, in the order the areas were asked.
pub fn area_scores(reviews: &[&Review]) -> Vec<AreaScore> {
    let mut areas: Vec<String> = Vec::new();
    for r in reviews {
        if !areas.contains(&r.area) {
            areas.push(r.area.clone());
        }
    }
    areas
        .into_iter()
        .map(|area| {
            let of: Vec<&&Review> = reviews.iter().filter(|r| r.area == area).collect();
            let selfs: Vec<f64> = of.iter().filter_map(|r| r.self_rating.map(f64::from)).collect();
            let peers: Vec<u8> = of.iter().flat_map(|r| r.peer_ratings.iter().copied()).collect();
            let cov: Vec<f64> = of.iter().map(|r| r.coverage).collect();
            AreaScore {
                area,
                answered: of.len(),
                self_mean: mean(&selfs),
                peer_median: median(&peers),
                coverage: mean(&cov),
            }
        })
        .collect()
}

/// Every session's line, newest first. A copy shared for review is not a line of its own: its
/// peer scores count on the original's line.
pub fn lines(rows: &[SessionRow]) -> Vec<HistoryLine> {
    let all = reviews(rows);
    let mut out: Vec<HistoryLine> = rows
        .iter()
        .filter(|r| r.shared_from.is_none())
        .map(|row| {
            let of: Vec<&Review> = all.iter().filter(|r| r.session == row.id).collect();
            HistoryLine {
                id: row.id.clone(),
                at: row.created_at,
                role: row.role.clone(),
                mode: row.mode,
                status: row.session.stage.name(),
                asked: row.session.items.iter().filter(|i| i.asked).count(),
                answered: of.len(),
                areas: area_scores(&of),
            }
        })
        .collect();
    out.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
    out
}

/// Page `page` (from 0, clamped to the last) of `per_page` lines.
pub fn page(lines: Vec<HistoryLine>, page: usize, per_page: usize) -> Page {
    let per_page = per_page.max(1);
    let total = lines.len();
    let pages = total.div_ceil(per_page).max(1);
    let page = page.min(pages - 1);
    let lines = lines.into_iter().skip(page * per_page).take(per_page).collect();
    Page { lines, page, pages, total }
}
