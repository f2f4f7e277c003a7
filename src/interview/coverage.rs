//! Talking-point coverage: which expected points an answer's text actually mentions.
//!
//! Matching is token based (runs of letters and digits, lowercased, lightly stemmed), so case,
//! punctuation and inflection do not matter and a keyword never matches inside a longer word.
//! `prompts/FORMAT.md` documents the rules for pack authors.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::bank::TalkingPoint;

/// Coverage of one answer: for each talking point, the phrase that showed it (if any).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub points: Vec<PointHit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointHit {
    pub point: String,
    /// The phrase from the pack that matched, as evidence; `None` when the point was missed.
    pub evidence: Option<String>,
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
}

/// Computes which `points` the `answer` covers.
pub fn coverage(answer: &str, points: &[TalkingPoint]) -> Coverage {
    let words = tokens(answer);
    let points = points
        .iter()
        .map(|tp| PointHit {
            point: tp.point.clone(),
            evidence: tp.phrases.iter().find(|p| contains_phrase(&words, &tokens(p))).cloned(),
        })
        .collect();
    Coverage { points }
}

fn contains_phrase(words: &[String], phrase: &[String]) -> bool {
    !phrase.is_empty() && words.windows(phrase.len()).any(|w| w == phrase)
}

/// Splits text into lowercased, stemmed tokens of letters and digits.
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| stem(&t.to_lowercase()))
        .collect()
}

const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are", "be", "you", "your", "how", "what", "when", "why",
    "would", "do", "does", "it", "its", "that", "this", "as", "at", "by", "from", "which", "can", "we", "i", "they", "if", "into", "about",
    "one",
];

/// Distinct tokens without stop words: the content of a prompt, for near-duplicate detection.
pub fn content_tokens(text: &str) -> HashSet<String> {
    tokens(text).into_iter().filter(|t| !STOP_WORDS.contains(&t.as_str())).collect()
}

/// A light suffix stemmer: plurals, -ing, -ed and a final -e, applied the same way to answers and
/// to phrases, so only consistency matters, not linguistic accuracy.
pub fn stem(word: &str) -> String {
    let mut t: String = word.to_string();
    let n = t.chars().count();
    if n > 4 && t.ends_with("ies") {
        t.truncate(t.len() - 3);
        t.push('y');
    } else if n > 3 && t.ends_with("es") && ["s", "x", "z", "ch", "sh"].iter().any(|s| t[..t.len() - 2].ends_with(s)) {
        t.truncate(t.len() - 2);
    } else if n > 3 && t.ends_with('s') && !["ss", "us", "is"].iter().any(|s| t.ends_with(s)) {
        t.truncate(t.len() - 1);
    }
    let n = t.chars().count();
    let stripped = if n > 4 && t.ends_with("ing") {
        t.truncate(t.len() - 3);
        true
    } else if n > 3 && t.ends_with("ed") {
        t.truncate(t.len() - 2);
        true
    } else {
        false
    };
    if stripped {
        let cs: Vec<char> = t.chars().collect();
        if let [.., a, b] = cs[..] {
            if a == b && a.is_alphabetic() && !"lsz".contains(a) {
                t.pop();
            }
        }
    }
    if t.chars().count() > 3 && t.ends_with('e') {
        t.pop();
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(point: &str, phrases: &[&str]) -> TalkingPoint {
        TalkingPoint {
            point: point.into(),
            phrases: phrases.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn inflections_match_each_other() {
        for group in [
            &["cache", "caches", "cached", "caching"][..],
            &["process", "processes", "processing", "processed"],
            &["queue", "queues", "queued", "queuing"],
            &["thread", "threads", "threading", "threaded"],
            &["commit", "commits", "committed", "committing"],
            &["index", "indexes"],
            &["query", "queries"],
        ] {
            let stems: HashSet<String> = group.iter().map(|w| stem(w)).collect();
            assert_eq!(stems.len(), 1, "{group:?} stem to {stems:?}");
        }
    }

    #[test]
    fn multi_word_phrases_and_synonyms() {
        let points = [tp(
            "Processes for CPU work",
            &["multiprocessing", "multiple processes", "process pool"],
        )];
        for answer in [
            "I'd use Multiprocessing here.",
            "spawn multiple PROCESSES, one per core",
            "a process-pool executor",
            "ProcessPool... no: a process pool.",
        ] {
            assert_eq!(coverage(answer, &points).covered(), 1, "{answer}");
        }
        assert_eq!(coverage("processes are multiple", &points).covered(), 0);
    }

    #[test]
    fn no_match_inside_unrelated_words() {
        let points = [tp("GIL", &["gil"]), tp("index", &["index"])];
        let c = coverage("A vigil while reindexing the table", &points);
        assert_eq!(c.covered(), 0);
        let c = coverage("The GIL, and an index.", &points);
        assert_eq!(c.covered(), 2);
        assert_eq!(c.points[0].evidence.as_deref(), Some("gil"));
    }

    #[test]
    fn punctuation_and_case_are_ignored() {
        let points = [tp("deepcopy", &["copy.deepcopy"]), tp("big o", &["O(n log n)"])];
        let c = coverage("Use COPY . DEEPCOPY; runs in o(n log n)!", &points);
        assert_eq!(c.covered(), 2);
        assert!((c.fraction() - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn empty_answer_covers_nothing() {
        let points = [tp("a", &["alpha"]), tp("b", &["beta"])];
        let c = coverage("", &points);
        assert_eq!(c.covered(), 0);
        assert_eq!(c.fraction(), 0.0);
    }
}
