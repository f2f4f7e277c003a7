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
                let verb_end =
                    (from..(from + 4).min(clause.end)).find_map(|j| cues.verbs.iter().find(|v| at(j, clause.end, v)).map(|v| j + v.len()));
                let Some(end) = verb_end else { continue };
                if end < clause.end && self.words[end].stem == cues.that {
                    continue;
                }
                let stop = (end..clause.end)
                    .find(|&k| text[self.words[k - 1].span.end..self.words[k].span.start].contains([':', '-', '—', '–']))
                    .unwrap_or(clause.end);
                mask[clause.start..stop].iter_mut().for_each(|m| *m = true);
            }
        }
        mask
    }
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
];

fn announcement_cues() -> &'static Cues {
    static CUES: OnceLock<Cues> = OnceLock::new();
    CUES.get_or_init(|| Cues {
        modals: MODALS.iter().map(|m| stem_ids(m)).collect(),
        verbs: META_VERBS.iter().map(|v| stem_ids(v)).collect(),
        that: stem_id("that"),
    })
}
