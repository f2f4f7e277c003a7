//! Text handling shared by packs and the interview core: words (Unicode word boundaries, Snowball
//! English stems), clauses, negation and echo. It knows nothing about questions; `pattern` builds
//! the concept patterns that talking points are written in on top of it.

// Input an adapter may send must never panic the core: refuse it with a Rejection instead.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable))]

pub mod matcher;
pub mod pattern;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_segmentation::UnicodeSegmentation;

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

/// An open-addressing table from stem to its first position, with the later positions of the
/// same stem chained through `next`: built in one pass, no allocation per word.
#[derive(Debug, Clone, Default)]
struct Index {
    slots: Vec<(Stem, u32)>,
    next: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Index {
    fn new(words: &[Word]) -> Index {
        let cap = (words.len() * 2).next_power_of_two().max(8);
        let mut index = Index {
            slots: vec![(0, NONE); cap],
            next: vec![NONE; words.len()],
        };
        // Backwards, so that each chain lists positions in order.
        for (i, w) in words.iter().enumerate().rev() {
            let slot = index.slot(w.stem);
            let (key, head) = &mut index.slots[slot];
            *key = w.stem;
            index.next[i] = *head;
            *head = i as u32;
        }
        index
    }

    /// The slot holding `stem`, or the empty slot where it would go.
    fn slot(&self, stem: Stem) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = (stem as usize) & mask;
        while self.slots[i].1 != NONE && self.slots[i].0 != stem {
            i = (i + 1) & mask;
        }
        i
    }

    fn positions(&self, stem: Stem) -> impl Iterator<Item = usize> + '_ {
        let head = if self.slots.is_empty() {
            NONE
        } else {
            self.slots[self.slot(stem)].1
        };
        std::iter::successors((head != NONE).then_some(head), |&p| {
            let n = self.next[p as usize];
            (n != NONE).then_some(n)
        })
        .map(|p| p as usize)
    }
}

/// A set of word-run hashes (see [`Doc::runs`]).
pub type Runs = HashSet<u64, BuildHasherDefault<StemHasher>>;

/// Stems and runs are already hashes, so their sets use them as they are; other keys (the
/// stem cache's words) get a multiply-rotate hash over eight bytes at a time.
#[derive(Default)]
pub struct StemHasher(u64);

impl Hasher for StemHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Eight bytes at a time (the stem cache hashes every word of every answer).
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(0x51_7cc1_b727_220a_95);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7cc1_b727_220a_95);
        }
        self.0 = h;
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// Entries kept in a thread's stem cache before it starts over (a few MB at most).
const STEM_CACHE_MAX: usize = 50_000;

thread_local! {
    /// Stemming costs far more than a lookup, and an interview's vocabulary repeats.
    static STEM_CACHE: RefCell<HashMap<Box<str>, Stem, BuildHasherDefault<StemHasher>>> = RefCell::default();
}

/// The stem of one lowercased word, hashed (FNV-1a).
pub fn stem_id(lower: &str) -> Stem {
    STEM_CACHE.with(|c| {
        if let Some(s) = c.borrow().get(lower) {
            return *s;
        }
        let s = hash_str(&stemmer().stem(lower));
        let mut c = c.borrow_mut();
        if c.len() >= STEM_CACHE_MAX {
            c.clear();
        }
        c.insert(lower.into(), s);
        s
    })
}

/// Empties this thread's stem cache (benchmarks measure the cold path with it).
pub fn clear_stem_cache() {
    STEM_CACHE.with(|c| c.borrow_mut().clear());
}

/// The stem of one word as text, for near-duplicate checks and diagnostics.
pub fn stem(word: &str) -> String {
    stems(word).join(" ")
}

fn hash_str(s: &str) -> Stem {
    s.bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// Splits one lowercased Unicode word at the marks that join words in code and prose
/// (`copy.deepcopy`, `__init__`, `it's`, `[2,8]`), with byte offsets into the word.
fn pieces(word: &str, mut emit: impl FnMut(&str, Range<usize>)) {
    if !word.bytes().any(|b| matches!(b, b'.' | b'_' | b'\'' | b',' | 0xE2)) {
        // Nothing joins words here (0xE2 leads the UTF-8 of the typographic apostrophe).
        emit(word, 0..word.len());
        return;
    }
    let mut at = 0;
    for part in word.split(['.', '_', '\'', '’', ',']) {
        let start = at;
        at += part.len() + word[start + part.len()..].chars().next().map_or(0, char::len_utf8);
        if part.chars().any(char::is_alphanumeric) {
            emit(part, start..start + part.len());
        }
    }
}

/// `PRs`, `URLs`, `DBs`: an upper-case acronym with a plural `s`, which stemmers leave alone.
fn acronym_plural(w: &str) -> bool {
    let Some(head) = w.strip_suffix('s') else { return false };
    head.chars().count() >= 2 && head.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Calls `emit` with each word of `text`, lowercased but not stemmed, and its byte span;
/// `n't` becomes `not`.
fn each_word(text: &str, mut emit: impl FnMut(&str, Range<usize>)) {
    let mut lower = String::new();
    for (at, w) in text.unicode_word_indices() {
        lower.clear();
        if w.is_ascii() {
            lower.push_str(w);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(w.chars().flat_map(char::to_lowercase));
        }
        if lower.len() != w.len() {
            // Lowercasing changed byte lengths (rare scripts): keep the word whole.
            emit(&lower, at..at + w.len());
            continue;
        }
        let end = at + w.len();
        if acronym_plural(w) {
            emit(&lower[..lower.len() - 1], at..end);
            continue;
        }
        if lower == "cannot" {
            emit("can", at..at + 3);
            emit("not", at + 3..end);
            continue;
        }
        if let Some(cut) = ["n't", "n’t"].iter().find(|s| lower.ends_with(*s)).map(|s| s.len()) {
            let base = match &lower[..lower.len() - cut] {
                "ca" => "can",
                "wo" => "will",
                "sha" => "shall",
                b => b,
            };
            if !base.is_empty() {
                emit(base, at..end - cut);
            }
            emit("not", end - cut..end);
            continue;
        }
        pieces(&lower, |p, span| emit(p, at + span.start..at + span.end));
    }
}

/// Words of `text`, lowercased, with their byte spans.
fn surface_words(text: &str) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    each_word(text, |w, span| out.push((w.to_string(), span)));
    out
}

/// Lowercased stems of `text` as strings (for near-duplicate detection of prompts).
pub fn stems(text: &str) -> Vec<String> {
    surface_words(text)
        .into_iter()
        .map(|(w, _)| stemmer().stem(&w).into_owned())
        .collect()
}

const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are", "be", "you", "your", "how", "what", "when", "why",
    "would", "do", "does", "it", "its", "that", "this", "as", "at", "by", "from", "which", "can", "we", "i", "they", "if", "into", "about",
    "one",
];

/// Distinct stems without stop words: the content of a prompt, for near-duplicate detection.
pub fn content_stems(text: &str) -> HashSet<String> {
    let stop: HashSet<String> = STOP_WORDS.iter().map(|w| stem(w)).collect();
    stems(text).into_iter().filter(|t| !stop.contains(t)).collect()
}

/// Stem ids of a short text such as a pattern alternative (no clauses, no spans).
pub fn stem_ids(text: &str) -> Vec<Stem> {
    surface_words(text).iter().map(|(w, _)| stem_id(w)).collect()
}

/// True when the text between two words ends a clause: a line break, or sentence punctuation
/// followed by a space (so the dot of `copy.copy` or `3.14` does not). A colon does not: what
/// follows it says something about what precedes it ("Drift: the inputs change").
fn ends_clause(gap: &str) -> bool {
    if gap == " " {
        return false;
    }
    gap.contains('\n') || (gap.contains(['.', '!', '?', ';']) && gap.contains(char::is_whitespace))
}

/// Items of at most this many words on average make a clause a list, not a sentence.
const LIST_ITEM_WORDS: usize = 3;
/// A list needs at least this many items.
const LIST_ITEMS: usize = 4;

/// A clause that is a list of short comma-separated items ("mocks, stubs, in-memory fakes,
/// contract tests") relates none of them to another, so each item is read as a clause of its
/// own; a sentence with commas stays whole.
fn split_list(clause: Range<usize>, after_comma: &[bool]) -> Vec<Range<usize>> {
    let mut items = Vec::new();
    let mut from = clause.start;
    for i in clause.start + 1..clause.end {
        if after_comma[i] {
            items.push(from..i);
            from = i;
        }
    }
    items.push(from..clause.end);
    if items.len() >= LIST_ITEMS && clause.len() <= LIST_ITEM_WORDS * items.len() {
        items
    } else {
        vec![clause]
    }
}

impl Doc {
    /// Reads `text` into stemmed words and clauses.
    pub fn new(text: &str) -> Doc {
        let mut doc = Doc {
            words: Vec::with_capacity(text.len() / 5),
            ..Doc::default()
        };
        let mut start = 0;
        let mut prev_end = 0;
        // Whether a comma precedes each word, to find keyword lists.
        let mut after_comma = Vec::new();
        each_word(text, |w, span| {
            let i = doc.words.len();
            let gap = &text[prev_end.min(span.start)..span.start];
            after_comma.push(gap.contains(','));
            let contrast = CONTRAST.contains(&w) || (w == "while" && gap.contains(','));
            if i > start && (ends_clause(gap) || contrast) {
                doc.clauses.push(start..i);
                start = i;
            }
            prev_end = span.end;
            doc.words.push(Word {
                stem: stem_id(w),
                span,
                negation: NEGATIONS.contains(&w),
            });
        });
        if start < doc.words.len() {
            doc.clauses.push(start..doc.words.len());
        }
        doc.clauses = doc.clauses.iter().flat_map(|c| split_list(c.clone(), &after_comma)).collect();
        doc.index = Index::new(&doc.words);
        doc.clause_of = vec![0; doc.words.len()];
        for (c, r) in doc.clauses.iter().enumerate() {
            for i in r.clone() {
                doc.clause_of[i] = c as u32;
            }
        }
        doc
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

#[cfg(test)]
mod tests;
