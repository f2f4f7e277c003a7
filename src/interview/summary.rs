//! The end-of-interview summary: per area and overall, self ratings beside talking-point coverage.

use super::state::{band, Session};
use crate::bank::Pack;

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub role: String,
    pub areas: Vec<AreaSummary>,
    pub overall: Totals,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AreaSummary {
    pub area: String,
    pub name: String,
    pub totals: Totals,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub asked: usize,
    pub answered: usize,
    pub skipped: usize,
    pub rated: usize,
    /// Sum of self ratings over rated questions.
    rating_sum: u32,
    /// Sum of coverage fractions over answered questions.
    coverage_sum: f64,
    pub ticked: usize,
    pub checklist_items: usize,
    pub hints_used: usize,
}

impl Totals {
    pub fn mean_rating(&self) -> Option<f64> {
        (self.rated > 0).then(|| self.rating_sum as f64 / self.rated as f64)
    }

    /// Mean talking-point coverage of the answered questions, 0.0 to 1.0.
    pub fn mean_coverage(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.coverage_sum / self.answered as f64)
    }

    /// The totals as short phrases ("answered 2/3", "self 3.0/4 (lean hire)", ...), for adapters
    /// to join in their own style.
    pub fn parts(&self) -> Vec<String> {
        let mut out = vec![
            format!("answered {}/{}", self.answered, self.asked),
            format!("skipped {}", self.skipped),
        ];
        out.push(
            self.mean_rating()
                .map_or("not rated".into(), |r| format!("self {r:.1}/4 ({})", band(r))),
        );
        out.push(
            self.mean_coverage()
                .map_or("talking points n/a".into(), |c| format!("talking points {:.0}%", c * 100.0)),
        );
        if self.checklist_items > 0 {
            out.push(format!("checklist {}/{}", self.ticked, self.checklist_items));
        }
        out.push(format!("hints {}", self.hints_used));
        out
    }

    pub fn band(&self) -> Option<&'static str> {
        self.mean_rating().map(band)
    }

    fn add(&mut self, other: &Totals) {
        self.asked += other.asked;
        self.answered += other.answered;
        self.skipped += other.skipped;
        self.rated += other.rated;
        self.rating_sum += other.rating_sum;
        self.coverage_sum += other.coverage_sum;
        self.ticked += other.ticked;
        self.checklist_items += other.checklist_items;
        self.hints_used += other.hints_used;
    }
}

/// Summarises the items asked so far (an ended interview's unasked items do not count).
pub fn summarize(s: &Session, pack: &Pack) -> Summary {
    let mut areas: Vec<AreaSummary> = Vec::new();
    for (i, (plan, rec)) in s.plan.items.iter().zip(&s.items).enumerate() {
        if !rec.asked {
            continue;
        }
        let t = item_totals(s, pack, i);
        match areas.iter_mut().find(|a| a.area == plan.area) {
            Some(a) => a.totals.add(&t),
            None => areas.push(AreaSummary {
                area: plan.area.clone(),
                name: pack.area(&plan.area).map_or(plan.area.clone(), |a| a.name.clone()),
                totals: t,
            }),
        }
    }
    let mut overall = Totals::default();
    for a in &areas {
        overall.add(&a.totals);
    }
    Summary {
        role: pack.role.name.clone(),
        areas,
        overall,
    }
}

fn item_totals(s: &Session, pack: &Pack, i: usize) -> Totals {
    let rec = &s.items[i];
    let answered = !rec.answers.is_empty();
    let q = pack.question(&s.plan.items[i].question);
    let mut t = Totals {
        asked: 1,
        answered: answered as usize,
        skipped: rec.skipped as usize,
        hints_used: rec.hints_used as usize,
        ..Totals::default()
    };
    if answered {
        t.coverage_sum = rec.coverage.as_ref().map_or(0.0, |c| c.fraction());
    }
    if let Some(score) = &rec.self_score {
        t.rated = 1;
        t.rating_sum = score.rating.get() as u32;
        t.ticked = score.ticks.len();
        t.checklist_items = q.map_or(0, |q| q.checklist.len());
    }
    t
}
