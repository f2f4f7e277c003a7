//! Talking-point coverage: which expected points an answer actually makes, in which clause, which
//! of them the used hints gave away, and which common wrong claims it makes. The reading itself
//! (words, clauses, patterns, negation, echo) is `crate::text`; this module turns it into the
//! feedback the candidate sees. `prompts/FORMAT.md` documents the rules for pack authors.

use serde::{Deserialize, Serialize};

use crate::bank::Question;
use crate::text::matcher::hit_spans;
use crate::text::pattern::Hit;
use crate::text::Doc;

/// Longest clause quoted as evidence, in characters.
const EVIDENCE_CHARS: usize = 160;

/// Coverage of one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub points: Vec<PointHit>,
    /// The answer never addressed the question's topic, so no point counted.
    #[serde(default)]
    pub off_topic: bool,
    /// Wrong claims the answer made, with what is true instead.
    #[serde(default)]
    pub misconceptions: Vec<Flag>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointHit {
    pub point: String,
    /// The clause of the answer that made the point; `None` when the point was missed.
    pub evidence: Option<String>,
    /// The answer's own words that matched, in order.
    #[serde(default)]
    pub words: Vec<String>,
    /// The hints the candidate used would have given this point away.
    #[serde(default)]
    pub hinted: bool,
    /// A misconception in the answer contradicts this point.
    #[serde(default)]
    pub contradicted: bool,
}

/// A misconception the answer made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    pub correction: String,
    /// The clause that made the wrong claim.
    pub evidence: String,
}

impl Coverage {
    pub fn covered(&self) -> usize {
        self.points.iter().filter(|p| p.evidence.is_some()).count()
    }

    /// Fraction of points covered, 0.0 to 1.0 (1.0 for a question without points).
    pub fn fraction(&self) -> f64 {
        if self.points.is_empty() {
            1.0
        } else {
            self.covered() as f64 / self.points.len() as f64
        }
    }

    /// Points the hints gave, covered or not.
    pub fn hinted(&self) -> impl Iterator<Item = &PointHit> {
        self.points.iter().filter(|p| p.hinted)
    }
}

/// Reads `answer` against question `q`, the candidate having used its first `hints_used` hints.
pub fn assess(answer: &str, q: &Question, hints_used: usize) -> Coverage {
    let (doc, reading) = q.matcher().read(answer, hints_used);
    let points = q
        .talking_points
        .iter()
        .zip(reading.points.iter().zip(reading.hinted.iter().zip(&reading.contradicted)))
        .map(|(tp, (hit, (&hinted, &contradicted)))| PointHit {
            point: tp.point.clone(),
            evidence: hit.as_ref().map(|h| clause(answer, &doc, h)),
            words: hit.as_ref().map_or_else(Vec::new, |h| words(answer, &doc, h)),
            hinted,
            contradicted,
        })
        .collect();
    let misconceptions = reading
        .misconceptions
        .iter()
        .filter_map(|(i, h)| {
            Some(Flag {
                correction: q.misconceptions.get(*i)?.correction.clone(),
                evidence: clause(answer, &doc, h),
            })
        })
        .collect();
    Coverage {
        points,
        off_topic: reading.off_topic,
        misconceptions,
    }
}

fn clause(answer: &str, doc: &Doc, hit: &Hit) -> String {
    let text = answer[doc.clause_span(hit.clause)].trim();
    // No more bytes than the limit means no more characters either: most clauses are not counted.
    if text.len() <= EVIDENCE_CHARS || text.chars().count() <= EVIDENCE_CHARS {
        return text.to_string();
    }
    // Centre the quote on the matched words.
    let first = hit_spans(doc, hit).iter().map(|r| r.start).min().unwrap_or(0);
    let start = doc.clause_span(hit.clause).start;
    let from = answer[start..first]
        .char_indices()
        .rev()
        .nth(EVIDENCE_CHARS / 3)
        .map_or(start, |(i, _)| start + i);
    // The first `EVIDENCE_CHARS` characters from `from`, sliced rather than pushed one by one.
    let to = answer[from..]
        .char_indices()
        .nth(EVIDENCE_CHARS)
        .map_or(answer.len(), |(i, _)| from + i);
    let quoted = &answer[from..to];
    let lead = if from > start { "…" } else { "" };
    format!("{lead}{}…", quoted.trim())
}

fn words(answer: &str, doc: &Doc, hit: &Hit) -> Vec<String> {
    let mut spans = hit_spans(doc, hit);
    spans.sort_by_key(|r| r.start);
    spans.dedup();
    spans.into_iter().map(|r| answer[r].to_string()).collect()
}

#[cfg(test)]
mod tests;
