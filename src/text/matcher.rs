//! A question's patterns compiled once (topic, points, misconceptions, the question's own words
//! and its hints), and the reading of one answer against them. Pure and deterministic; the
//! interview core turns the reading into feedback.

use std::ops::Range;
use std::sync::OnceLock;

use super::pattern::{Hit, Pattern};
use super::{Doc, Echo, Runs, Stem};

/// What a question's feedback is computed from, with every pattern parsed.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    topic: Vec<Pattern>,
    points: Vec<Vec<Pattern>>,
    misconceptions: Vec<Misconception>,
    /// Per number of hints used (0 to all): the runs of words of the prompt, the follow-ups and
    /// those hints, merged; repeating them earns nothing.
    echo: Vec<Echo>,
    /// Per hint, in order: which points its text alone would cover.
    hints: Vec<Vec<bool>>,
}

#[derive(Debug, Clone)]
struct Misconception {
    patterns: Vec<Pattern>,
    contradicts: Vec<usize>,
}

/// The source of a matcher: pattern texts as a pack holds them. Patterns that do not parse are
/// skipped (pack validation reports them before a pack is ever used).
pub struct Spec<'a> {
    pub topic: &'a [String],
    pub points: Vec<&'a [String]>,
    /// Per misconception: its patterns and the indexes of the points it contradicts.
    pub misconceptions: Vec<(&'a [String], Vec<usize>)>,
    /// The prompt and the follow-ups.
    pub question: Vec<&'a str>,
    pub hints: Vec<&'a str>,
}

/// How one answer reads against a matcher.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The answer matched no topic pattern (only when the question has some).
    pub off_topic: bool,
    /// Per point: where it was made, if anywhere (after topic, echo and contradictions).
    pub points: Vec<Option<Hit>>,
    /// Per point: the hints the candidate used would cover it on their own.
    pub hinted: Vec<bool>,
    /// Per point: a misconception the answer made cancels it.
    pub contradicted: Vec<bool>,
    /// Misconceptions the answer made: their index and where.
    pub misconceptions: Vec<(usize, Hit)>,
}

fn parse_all(sources: &[String]) -> Vec<Pattern> {
    sources.iter().filter_map(|s| Pattern::parse(s).ok()).collect()
}

fn first_hit(patterns: &[Pattern], doc: &Doc, echo: &[bool]) -> Option<Hit> {
    patterns.iter().find_map(|p| p.find(doc, echo))
}

impl Matcher {
    pub fn new(spec: Spec<'_>) -> Matcher {
        let question_runs: Runs = spec.question.iter().flat_map(|t| Doc::new(t).runs()).collect();
        let mut m = Matcher {
            topic: parse_all(spec.topic),
            points: spec.points.iter().map(|p| parse_all(p)).collect(),
            misconceptions: spec
                .misconceptions
                .iter()
                .map(|(p, c)| Misconception {
                    patterns: parse_all(p),
                    contradicts: c.clone(),
                })
                .collect(),
            echo: Vec::new(),
            hints: Vec::new(),
        };
        let mut hint_runs = Vec::new();
        for h in &spec.hints {
            let doc = Doc::new(h);
            let none = vec![false; doc.words.len()];
            m.hints.push(m.points.iter().map(|p| first_hit(p, &doc, &none).is_some()).collect());
            hint_runs.push(doc.runs());
        }
        m.echo = (0..=hint_runs.len())
            .map(|used| Echo::new(std::iter::once(&question_runs).chain(&hint_runs[..used])))
            .collect();
        m
    }

    /// Reads `answer`, given that the candidate saw the first `hints_used` hints.
    pub fn read(&self, answer: &str, hints_used: usize) -> (Doc, Reading) {
        let doc = Doc::new(answer);
        let used = hints_used.min(self.hints.len());
        let mut echo = match self.echo.get(used) {
            Some(e) => doc.echo_mask_of(e),
            None => vec![false; doc.words.len()],
        };
        for (e, a) in echo.iter_mut().zip(doc.announcement_mask(answer)) {
            *e |= a;
        }
        let n = self.points.len();
        let hinted = (0..n).map(|i| self.hints[..used].iter().any(|covers| covers[i])).collect();
        let misconceptions: Vec<(usize, Hit)> = self
            .misconceptions
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                m.patterns
                    .iter()
                    .filter_map(|p| p.find(&doc, &echo))
                    .find(|h| !disclaims(&doc, h.clause))
                    .map(|h| (i, h))
            })
            .collect();
        let mut contradicted = vec![false; n];
        for (i, _) in &misconceptions {
            for &p in &self.misconceptions[*i].contradicts {
                if let Some(c) = contradicted.get_mut(p) {
                    *c = true;
                }
            }
        }
        // The topic must be in the candidate's own words: echoing the question does not open it.
        let off_topic = !self.topic.is_empty() && first_hit(&self.topic, &doc, &echo).is_none();
        let points = (0..n)
            .map(|i| {
                if off_topic || contradicted[i] {
                    None
                } else {
                    first_hit(&self.points[i], &doc, &echo)
                }
            })
            .collect();
        let reading = Reading {
            off_topic,
            points,
            hinted,
            contradicted,
            misconceptions,
        };
        (doc, reading)
    }
}

/// Words that mark a clause as reporting a wrong belief rather than holding it ("a common
/// misconception is that the GIL makes code thread safe"): such a clause makes no misconception.
const DISCLAIMERS: &[&str] = &[
    "misconception",
    "myth",
    "mistake",
    "mistaken",
    "misunderstand",
    "misunderstanding",
    "fallacy",
    "pitfall",
    "gotcha",
];

fn disclaims(doc: &Doc, clause: usize) -> bool {
    static STEMS: OnceLock<Vec<Stem>> = OnceLock::new();
    let stems = STEMS.get_or_init(|| DISCLAIMERS.iter().map(|w| super::stem_id(w)).collect());
    doc.words[doc.clauses[clause].clone()].iter().any(|w| stems.contains(&w.stem))
}

/// The byte ranges in the answer of the words a hit was made of.
pub fn hit_spans(doc: &Doc, hit: &Hit) -> Vec<Range<usize>> {
    hit.words
        .iter()
        .map(|r| doc.words[r.start].span.start..doc.words[r.end - 1].span.end)
        .collect()
}
