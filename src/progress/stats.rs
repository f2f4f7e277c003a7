//! The numbers behind `/interview stats`: per area, self rating, peer median and coverage over
//! time (one point per session), and a summary: strongest and weakest area, the trend, how much
//! was practised, and calibration (how self-scores compare with peers' and with coverage).

use super::reviews::{median, Review};
use crate::interview::Millis;

/// One session's figures in one area (ratings 1-4, coverage 0-1).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub at: Millis,
    pub self_rating: Option<f64>,
    pub peer_median: Option<f64>,
    pub coverage: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AreaStats {
    pub area: String,
    pub answered: usize,
    /// Mean strength (0-1, see [`Review::strength`]) of its answers.
    pub strength: f64,
    /// Oldest first.
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub sessions: usize,
    /// Answers reviewed, and distinct questions among them.
    pub answered: usize,
    pub questions: usize,
    pub areas: Vec<AreaStats>,
    pub strongest: Option<String>,
    pub weakest: Option<String>,
    /// Mean strength of the newer half of the answers minus the older half (needs 4 answers).
    pub trend: Option<f64>,
    /// Self rating minus the peers' median, in rating points, over answers both scored.
    pub self_minus_peers: Option<(f64, usize)>,
    /// Self rating (mapped to 0-1) minus coverage, over rated answers.
    pub self_minus_coverage: Option<(f64, usize)>,
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn points(of: &[&Review]) -> Vec<Point> {
    let mut sessions: Vec<&str> = Vec::new();
    for r in of {
        if !sessions.contains(&r.session.as_str()) {
            sessions.push(&r.session);
        }
    }
    let mut out: Vec<Point> = sessions
        .into_iter()
        .map(|s| {
            let rs: Vec<&&Review> = of.iter().filter(|r| r.session == s).collect();
            let selfs: Vec<f64> = rs.iter().filter_map(|r| r.self_rating.map(f64::from)).collect();
            let peers: Vec<u8> = rs.iter().flat_map(|r| r.peer_ratings.iter().copied()).collect();
            let cov: Vec<f64> = rs.iter().map(|r| r.coverage).collect();
            Point {
                at: rs.iter().map(|r| r.at).min().unwrap_or_default(),
                self_rating: mean(&selfs),
                peer_median: median(&peers),
                coverage: mean(&cov).unwrap_or_default(),
            }
        })
        .collect();
    out.sort_by_key(|p| p.at);
    out
}

/// The stats of `reviews` (any order), areas in `area_order` first, then any others.
pub fn stats(reviews: &[Review], area_order: &[String]) -> Stats {
    let mut sorted: Vec<&Review> = reviews.iter().collect();
    sorted.sort_by_key(|r| r.at);
    let mut areas: Vec<String> = area_order
        .iter()
        .filter(|a| sorted.iter().any(|r| &r.area == *a))
        .cloned()
        .collect();
    for r in &sorted {
        if !areas.contains(&r.area) {
            areas.push(r.area.clone());
        }
    }
    let areas: Vec<AreaStats> = areas
        .into_iter()
        .map(|area| {
            let of: Vec<&Review> = sorted.iter().copied().filter(|r| r.area == area).collect();
            let strengths: Vec<f64> = of.iter().map(|r| r.strength()).collect();
            AreaStats {
                answered: of.len(),
                strength: mean(&strengths).unwrap_or_default(),
                points: points(&of),
                area,
            }
        })
        .collect();
    let by_strength = |best: bool| {
        areas
            .iter()
            .max_by(|a, b| {
                let o = a.strength.total_cmp(&b.strength);
                if best {
                    o
                } else {
                    o.reverse()
                }
            })
            .map(|a| a.area.clone())
    };
    let strengths: Vec<f64> = sorted.iter().map(|r| r.strength()).collect();
    let trend = (strengths.len() >= 4).then(|| {
        let half = strengths.len() / 2;
        mean(&strengths[strengths.len() - half..]).unwrap_or_default() - mean(&strengths[..half]).unwrap_or_default()
    });
    let vs_peers: Vec<f64> = sorted
        .iter()
        .filter_map(|r| Some(r.self_rating? as f64 - r.peer_median()?))
        .collect();
    let vs_cov: Vec<f64> = sorted
        .iter()
        .filter_map(|r| Some((r.self_rating? as f64 - 1.0) / 3.0 - r.coverage))
        .collect();
    let mut sessions: Vec<&str> = sorted.iter().map(|r| r.session.as_str()).collect();
    sessions.sort_unstable();
    sessions.dedup();
    let mut questions: Vec<(&str, &str)> = sorted.iter().map(|r| (r.role.as_str(), r.question.as_str())).collect();
    questions.sort_unstable();
    questions.dedup();
    Stats {
        sessions: sessions.len(),
        answered: sorted.len(),
        questions: questions.len(),
        strongest: by_strength(true),
        weakest: if areas.len() > 1 { by_strength(false) } else { None },
        areas,
        trend,
        self_minus_peers: mean(&vs_peers).map(|m| (m, vs_peers.len())),
        self_minus_coverage: mean(&vs_cov).map(|m| (m, vs_cov.len())),
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The summary as lines of plain text; `name` turns an area id into its name.
pub fn summary_lines(s: &Stats, name: &dyn Fn(&str) -> String) -> Vec<String> {
    if s.answered == 0 {
        return vec!["No answered questions yet.".into()];
    }
    let mut out = vec![format!(
        "{} to {} in {}.",
        plural(s.answered, "answer"),
        plural(s.questions, "different question"),
        plural(s.sessions, "session")
    )];
    if let Some(a) = &s.strongest {
        out.push(format!("Strongest area: {}.", name(a)));
    }
    if let Some(a) = &s.weakest {
        out.push(format!("Weakest area: {} (drills bring its questions back).", name(a)));
    }
    match s.trend {
        Some(t) if t > 0.05 => out.push(format!("Trend: improving (recent answers {:+.0} points stronger).", t * 100.0)),
        Some(t) if t < -0.05 => out.push(format!("Trend: slipping (recent answers {:+.0} points weaker).", t * 100.0)),
        Some(_) => out.push("Trend: steady.".into()),
        None => out.push("Trend: needs at least 4 answers.".into()),
    }
    match s.self_minus_peers {
        Some((d, n)) if d.abs() < 0.5 => out.push(format!(
            "Calibration: your self-scores agree with your peers' (within {:.1} of a point, {n} answers).",
            d.abs()
        )),
        Some((d, n)) => out.push(format!(
            "Calibration: you rate yourself {:.1} points {} than your peers do ({n} answers).",
            d.abs(),
            if d > 0.0 { "higher" } else { "lower" }
        )),
        None => out.push("Calibration against peers: no peer-scored answers yet (try /review share).".into()),
    }
    if let Some((d, n)) = s.self_minus_coverage {
        let how = if d > 0.15 {
            "above what your answers covered"
        } else if d < -0.15 {
            "below what your answers covered"
        } else {
            "in line with what your answers covered"
        };
        out.push(format!(
            "Self-scores run {how} ({:+.0} points on a 100-point scale, {n} answers).",
            d * 100.0
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(session: &str, area: &str, at: Millis, self_rating: Option<u8>, peers: &[u8], coverage: f64) -> Review {
        Review {
            session: session.into(),
            item: 0,
            role: "r".into(),
            question: format!("{area}-{at}"),
            area: area.into(),
            at,
            self_rating,
            peer_ratings: peers.to_vec(),
            coverage,
        }
    }

    #[test]
    fn stats_of_a_scripted_set() {
        let reviews = vec![
            r("s1", "a", 1, Some(2), &[], 0.2),
            r("s1", "b", 2, Some(4), &[2], 0.9),
            r("s2", "a", 3, Some(3), &[], 0.4),
            r("s2", "b", 4, Some(4), &[4], 1.0),
        ];
        let s = stats(&reviews, &["b".into(), "a".into()]);
        assert_eq!((s.sessions, s.answered, s.questions), (2, 4, 4));
        assert_eq!(s.areas.iter().map(|a| a.area.as_str()).collect::<Vec<_>>(), vec!["b", "a"]);
        assert_eq!(s.strongest.as_deref(), Some("b"));
        assert_eq!(s.weakest.as_deref(), Some("a"));
        let a = &s.areas[1];
        assert_eq!(a.points.len(), 2);
        assert_eq!(
            a.points[0],
            Point {
                at: 1,
                self_rating: Some(2.0),
                peer_median: None,
                coverage: 0.2
            }
        );
        assert_eq!(s.areas[0].points[0].peer_median, Some(2.0));
        // Self minus peers: (4 - 2) and (4 - 4): mean 1.0 over 2 answers.
        assert_eq!(s.self_minus_peers, Some((1.0, 2)));
        let (d, n) = s.self_minus_coverage.unwrap();
        assert_eq!(n, 4);
        let want = ((1.0 / 3.0 - 0.2) + (1.0 - 0.9) + (2.0 / 3.0 - 0.4) + (1.0 - 1.0)) / 4.0;
        assert!((d - want).abs() < 1e-9);
        let strengths: Vec<f64> = reviews.iter().map(Review::strength).collect();
        let want_trend = (strengths[2] + strengths[3]) / 2.0 - (strengths[0] + strengths[1]) / 2.0;
        assert!((s.trend.unwrap() - want_trend).abs() < 1e-9);
        let lines = summary_lines(&s, &|a| a.to_uppercase());
        assert!(lines[0].starts_with("4 answers to 4 different questions in 2 sessions"));
        assert!(lines.iter().any(|l| l == "Strongest area: B."));
        assert!(lines.iter().any(|l| l.contains("1.0 points higher than your peers")), "{lines:?}");
    }

    #[test]
    fn no_answers_no_figures() {
        let s = stats(&[], &[]);
        assert_eq!(s.answered, 0);
        assert_eq!(s.strongest, None);
        assert_eq!(summary_lines(&s, &|a| a.into()), vec!["No answered questions yet."]);
    }
}
