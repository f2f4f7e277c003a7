//! Announcements: a clause in which the candidate says what they would talk about ("I'd cover
//! the GIL and threads") instead of saying it earns nothing.

use std::sync::OnceLock;

use super::{stem_id, stem_ids, Doc, Stem};

impl Doc {
    /// Marks the words of clauses that announce what the candidate would talk about ("I'd cover
    /// the GIL and threads") instead of saying it: a plan to answer is not an answer. The mark
    /// stops at a colon or dash after the announcement ("I'd cover two things: ..."), and a verb
    /// followed by "that" states a claim ("I'd mention that the GIL is released").
    pub fn announcement_mask(&self, text: &str) -> Vec<bool> {
        let cues = announcement_cues();
        let mut mask = vec![false; self.words.len()];
        let at = |i: usize, end: usize, phrase: &[Stem]| {
            i + phrase.len() <= end && self.words[i..i + phrase.len()].iter().zip(phrase).all(|(w, s)| w.stem == *s)
        };
        // Only where a modal's first word stands (the index finds them), not at every word.
        for modal in &cues.modals {
            for i in self.positions(modal[0]) {
                let clause = self.clauses[self.clause_of[i] as usize].clone();
                if mask[i] || !at(i, clause.end, modal) {
                    continue;
                }
                let from = i + modal.len();
                // The verb follows the modal closely ("I'd also cover"), with no punctuation
                // between: "I would write a reconciliation: compare..." announces nothing.
                let verb_end = (from..(from + 4).min(clause.end))
                    .take_while(|&j| j == from || !self.gap_before(j, text).contains([':', ',', '-', '—', '–', '(']))
                    .find_map(|j| cues.verbs.iter().find(|v| at(j, clause.end, v)).map(|v| j + v.len()));
                let Some(end) = verb_end else { continue };
                if end < clause.end && self.words[end].stem == cues.that {
                    continue;
                }
                // The plan runs to the end of its sentence, across contrast words and list
                // commas ("I'd cover X, Y versus Z"), or to a colon or dash that starts the answer.
                let stop = (end..self.words.len())
                    .find(|&k| self.words[k].starts_sentence || starts_answer(self.gap_before(k, text)))
                    .unwrap_or(self.words.len());
                mask[clause.start..stop].iter_mut().for_each(|m| *m = true);
            }
        }
        mask
    }

    /// The text between word `k - 1` and word `k` (`k` > 0).
    fn gap_before<'t>(&self, k: usize, text: &'t str) -> &'t str {
        text.get(self.words[k - 1].span.end..self.words[k].span.start).unwrap_or("")
    }
}

/// Whether the gap between two words opens what the announcement announced: a colon, or a dash
/// that stands between words ("two things - first", "two things—first"), not the hyphen of a
/// compound ("in-place", "CPU-bound").
fn starts_answer(gap: &str) -> bool {
    gap.contains([':', '—', '–']) || (gap.contains('-') && gap.contains(char::is_whitespace))
}

struct Cues {
    modals: Vec<Vec<Stem>>,
    verbs: Vec<Vec<Stem>>,
    that: Stem,
}

const MODALS: &[&str] = &[
    "i would",
    "i'd",
    "i will",
    "i'll",
    "we would",
    "we'd",
    "we will",
    "we'll",
    "i could",
    "we could",
    "i can",
    "we can",
    "i want to",
    "i plan to",
    "let me",
    "going to",
    "i should",
    "i might",
    "we should",
    "we might",
];
const META_VERBS: &[&str] = &[
    "talk about",
    "talk through",
    "cover",
    "discuss",
    "touch on",
    "go over",
    "go into",
    "go through",
    "mention",
    "walk through",
    "walk you through",
    "get into",
    "dive into",
    "explain",
    "describe",
    "elaborate",
    "summarize",
    "summarise",
    "outline",
    "compare",
    "contrast",
    "structure it",
    "structure my answer",
    "organize it",
    "organise it",
    "frame it",
    "break it down",
];

fn announcement_cues() -> &'static Cues {
    static CUES: OnceLock<Cues> = OnceLock::new();
    CUES.get_or_init(|| Cues {
        modals: MODALS.iter().map(|m| stem_ids(m)).collect(),
        verbs: META_VERBS.iter().map(|v| stem_ids(v)).collect(),
        that: stem_id("that"),
    })
}
