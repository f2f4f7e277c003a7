//! Text handling shared by packs and the interview core: words (Unicode word boundaries, Snowball
//! English stems), clauses, negation and echo. It knows nothing about questions; `pattern` builds
//! the concept patterns that talking points are written in on top of it.

// Input an adapter may send must never panic the core: refuse it with a Rejection instead.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable))]

mod announce;
mod build;
mod index;
mod input;
pub mod matcher;
pub mod pattern;
mod segment;
mod words;

use std::ops::Range;

use index::Index;
pub use input::{is_blank, sanitize};
pub use words::{clear_stem_cache, content_stems, stem, stem_id, stem_ids, stems, Runs, StemHasher};

/// A word's identity after lowercasing and stemming, hashed so that comparisons are cheap.
pub type Stem = u64;

/// Longest run of words read as one place; longer clauses are read in overlapping windows.
pub const WINDOW: usize = 24;
/// Words before an alternative in which a negation cancels it.
const NEGATION_REACH: usize = 3;
/// Repeating this many consecutive words of the question (or a used hint) is echo.
pub const ECHO_RUN: usize = 5;

const NEGATIONS: &[&str] = &["not", "no", "never", "nor", "neither"];
/// Words that start a new clause: what follows them is a separate claim. So does "while" after
/// a comma (", while a deep copy..."), but not the "while" of time ("released while waiting").
const CONTRAST: &[&str] = &["whereas", "whilst", "unlike", "versus", "vs"];

/// One word of a text: its stem, where it is in the text, and whether it negates.
#[derive(Debug, Clone)]
pub struct Word {
    pub stem: Stem,
    /// Byte range of the surface word in the text it came from.
    pub span: Range<usize>,
    pub negation: bool,
    /// Whether a sentence ends before this word (`.` `!` `?` `;` or a line break), as opposed
    /// to a clause cut at a contrast word or a list's comma inside one sentence.
    pub starts_sentence: bool,
}

/// A text read into words and clauses.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub words: Vec<Word>,
    /// Word ranges of the clauses, in order; every word is in exactly one.
    pub clauses: Vec<Range<usize>>,
    /// The clause index of each word.
    pub clause_of: Vec<u32>,
    /// Where each stem occurs, so matching costs what a pattern finds, not the text's length.
    index: Index,
}

/// Items of at most this many words on average make a clause a list, not a sentence.
const LIST_ITEM_WORDS: usize = 3;
/// A list needs at least this many items.
const LIST_ITEMS: usize = 4;

/// A clause that is a list of short comma-separated items ("mocks, stubs, in-memory fakes,
/// contract tests") relates none of them to another, so each item is read as a clause of its
/// own; a sentence with commas stays whole, and so does code or a pair in brackets
/// ("`[8, 9]` and `[9, 12]`", "`Money('12.50', 'EUR')`"), whose commas separate no items.
fn split_list(clause: Range<usize>, after_comma: &[bool], words: &[Word], text: &str, out: &mut Vec<Range<usize>>) {
    let commas = || (clause.start + 1..clause.end).filter(|&i| after_comma[i]);
    let items = 1 + commas().count();
    if items < LIST_ITEMS || clause.len() > LIST_ITEM_WORDS * items {
        out.push(clause);
        return;
    }
    let separators: Vec<usize> = outside_brackets(&clause, after_comma, words, text);
    let items = 1 + separators.len();
    if items < LIST_ITEMS || clause.len() > LIST_ITEM_WORDS * items {
        out.push(clause);
        return;
    }
    let mut from = clause.start;
    for i in separators {
        out.push(from..i);
        from = i;
    }
    out.push(from..clause.end);
}

/// The words of `clause` after a comma that stands outside brackets.
fn outside_brackets(clause: &Range<usize>, after_comma: &[bool], words: &[Word], text: &str) -> Vec<usize> {
    let mut depth = 0u32;
    let mut out = Vec::new();
    for i in clause.start + 1..clause.end {
        let gap = text.get(words[i - 1].span.end..words[i].span.start).unwrap_or("");
        let mut separated = false;
        for c in gap.chars() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => separated = true,
                _ => {}
            }
        }
        if separated && after_comma[i] {
            out.push(i);
        }
    }
    out
}

impl Doc {
    /// Reads `text` into stemmed words and clauses.
    pub fn new(text: &str) -> Doc {
        let build::Reader {
            words,
            sentences,
            after_comma,
            ..
        } = words::with_cache(|cache| build::Reader::read(text, cache));
        let mut clauses = Vec::with_capacity(sentences.len());
        for c in sentences {
            split_list(c, &after_comma, &words, text, &mut clauses);
        }
        let mut clause_of = vec![0; words.len()];
        for (c, r) in clauses.iter().enumerate() {
            clause_of[r.clone()].iter_mut().for_each(|x| *x = c as u32);
        }
        Doc {
            index: Index::new(&words),
            words,
            clauses,
            clause_of,
        }
    }

    /// Positions of the words whose stem is `stem`.
    pub fn positions(&self, stem: Stem) -> impl Iterator<Item = usize> + '_ {
        self.index.positions(stem)
    }

    /// The negation word within reach before word `at`, in its clause, if any.
    pub fn negated_by(&self, at: usize) -> Option<usize> {
        let clause = &self.clauses[self.clause_of[at] as usize];
        (clause.start.max(at.saturating_sub(NEGATION_REACH))..at)
            .rev()
            .find(|&i| self.words[i].negation)
    }

    /// Byte range of clause `c` in the source text.
    pub fn clause_span(&self, c: usize) -> Range<usize> {
        let r = &self.clauses[c];
        self.words[r.start].span.start..self.words[r.end - 1].span.end
    }

    /// Hashes of every run of `ECHO_RUN` consecutive stems, for echo detection.
    pub fn runs(&self) -> Runs {
        self.run_hashes().map(|(_, h)| h).collect()
    }

    /// Marks each word that belongs to a run of `ECHO_RUN` words found in `sources`.
    pub fn echo_mask(&self, sources: &[&Runs]) -> Vec<bool> {
        let mut mask = vec![false; self.words.len()];
        if sources.iter().all(|s| s.is_empty()) {
            return mask;
        }
        for (i, h) in self.run_hashes() {
            if sources.iter().any(|s| s.contains(&h)) {
                mask[i..i + ECHO_RUN].iter_mut().for_each(|m| *m = true);
            }
        }
        mask
    }

    /// The same marks as [`Doc::echo_mask`], against sources merged into one [`Echo`].
    pub fn echo_mask_of(&self, echo: &Echo) -> Vec<bool> {
        let mut mask = vec![false; self.words.len()];
        if echo.runs.is_empty() {
            return mask;
        }
        for (i, h) in self.run_hashes() {
            if echo.contains(h) {
                mask[i..i + ECHO_RUN].iter_mut().for_each(|m| *m = true);
            }
        }
        mask
    }

    /// (start, hash) of every run of `ECHO_RUN` consecutive stems: a polynomial hash rolled one
    /// word at a time, so the cost is one multiply per word whatever the run length.
    fn run_hashes(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        const P: u64 = 0x0100_0000_01b3;
        let out_weight = (0..ECHO_RUN - 1).fold(1u64, |w, _| w.wrapping_mul(P));
        let mut h = 0u64;
        self.words.iter().enumerate().filter_map(move |(i, w)| {
            if i >= ECHO_RUN {
                h = h.wrapping_sub(self.words[i - ECHO_RUN].stem.wrapping_mul(out_weight));
            }
            h = h.wrapping_mul(P).wrapping_add(w.stem);
            (i + 1 >= ECHO_RUN).then(|| (i + 1 - ECHO_RUN, h))
        })
    }
}

/// Echo sources (the question, the hints used) merged into one set of runs, with a bitmap in
/// front: most runs of an answer are no echo, and a bit that is clear settles them.
#[derive(Debug, Clone, Default)]
pub struct Echo {
    bits: Vec<u64>,
    runs: Runs,
}

/// Bits of [`Echo`]'s bitmap (a power of two).
const ECHO_BITS: usize = 4096;

impl Echo {
    pub fn new<'a>(sources: impl IntoIterator<Item = &'a Runs>) -> Echo {
        let runs: Runs = sources.into_iter().flatten().copied().collect();
        let mut bits = vec![0u64; ECHO_BITS / 64];
        for &h in &runs {
            let b = Echo::bit(h);
            bits[b / 64] |= 1 << (b % 64);
        }
        Echo { bits, runs }
    }

    fn bit(h: u64) -> usize {
        (h >> 40) as usize & (ECHO_BITS - 1)
    }

    fn contains(&self, h: u64) -> bool {
        let b = Echo::bit(h);
        self.bits[b / 64] >> (b % 64) & 1 == 1 && self.runs.contains(&h)
    }
}

#[cfg(test)]
mod tests;
