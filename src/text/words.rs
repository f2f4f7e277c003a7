//! Words: Unicode word boundaries (`unicode-segmentation`), the pieces code and prose join
//! (`copy.deepcopy`, `doesn't`), and Snowball English stems (`rust-stemmers`) behind a
//! per-thread cache, hashed into [`Stem`] ids.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_segmentation::UnicodeSegmentation;

use super::Stem;

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
            h = (h.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ b as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
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
pub(super) fn each_word(text: &str, mut emit: impl FnMut(&str, Range<usize>)) {
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

/// Lowercased stems of `text` as strings (for near-duplicate detection of prompts).
pub fn stems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_word(text, |w, _| out.push(stemmer().stem(w).into_owned()));
    out
}

const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are", "be", "you", "your", "how", "what", "when", "why",
    "would", "do", "does", "it", "its", "that", "this", "as", "at", "by", "from", "which", "can", "we", "i", "they", "if", "into", "about",
    "one",
];

/// Distinct stems without stop words: the content of a prompt, for near-duplicate detection.
pub fn content_stems(text: &str) -> HashSet<String> {
    static STOP: OnceLock<HashSet<String>> = OnceLock::new();
    let stop = STOP.get_or_init(|| STOP_WORDS.iter().map(|w| stem(w)).collect());
    stems(text).into_iter().filter(|t| !stop.contains(t)).collect()
}

/// Stem ids of a short text such as a pattern alternative (no clauses, no spans).
pub fn stem_ids(text: &str) -> Vec<Stem> {
    let mut out = Vec::new();
    each_word(text, |w, _| out.push(stem_id(w)));
    out
}
