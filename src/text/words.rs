//! Words: Unicode word boundaries (`segment`), the pieces code and prose join (`copy.deepcopy`,
//! `doesn't`), and Snowball English stems (`rust-stemmers`) behind a per-thread cache, hashed
//! into [`Stem`] ids.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::segment::{segment, segment_ascii};
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

/// What [`super::Doc`] needs of a lowercased word, computed once per distinct word: its stem
/// and whether it is a negation, a contrast word or "while".
#[derive(Debug, Clone, Copy)]
pub(super) struct Lexeme {
    pub stem: Stem,
    pub negation: bool,
    pub contrast: bool,
    pub is_while: bool,
}

impl Lexeme {
    fn of(lower: &str) -> Lexeme {
        Lexeme {
            stem: hash_str(&stemmer().stem(lower)),
            negation: super::NEGATIONS.contains(&lower),
            contrast: super::CONTRAST.contains(&lower),
            is_while: lower == "while",
        }
    }
}

/// Lowercased word -> its [`Lexeme`]: a direct-mapped table of short words in front (one
/// probe, the word compared in two machine words) of a hash map holding every word seen.
pub(super) struct StemCache {
    front: Vec<Slot>,
    map: HashMap<Box<str>, Lexeme, BuildHasherDefault<StemHasher>>,
}

/// Slots of the front table (a power of two), and the longest word it holds.
const FRONT_SLOTS: usize = 16384;
const FRONT_KEY: usize = 16;

/// One word of the front table: a word of `len` bytes packed by [`front_key`]; `len` 255 when
/// empty.
#[derive(Clone, Copy)]
struct Slot {
    len: u8,
    key: [u64; 2],
    lex: Lexeme,
}

/// A word of at most [`FRONT_KEY`] bytes in two machine words, read with whole-word loads
/// instead of a copy: 8 bytes or more as its first and last eight bytes, 4 to 7 as its first and
/// last four, shorter ones byte by byte. For a given length the packing is one to one (the
/// pieces cover every byte), so two words of one length are equal exactly when their keys are.
#[inline(always)]
fn front_key(b: &[u8]) -> [u64; 2] {
    let n = b.len();
    let u64_of = |s: &[u8]| u64::from_le_bytes(s.try_into().unwrap_or_default());
    let u32_of = |s: &[u8]| u32::from_le_bytes(s.try_into().unwrap_or_default()) as u64;
    if n >= 8 {
        [u64_of(&b[..8]), u64_of(&b[n - 8..])]
    } else if n >= 4 {
        [u32_of(&b[..4]) | u32_of(&b[n - 4..]) << 32, 0]
    } else {
        [b.iter().fold(0u64, |k, &c| k << 8 | c as u64), 0]
    }
}

const EMPTY: Slot = Slot {
    len: u8::MAX,
    key: [0; 2],
    lex: Lexeme {
        stem: 0,
        negation: false,
        contrast: false,
        is_while: false,
    },
};

impl Default for StemCache {
    fn default() -> StemCache {
        StemCache {
            front: vec![EMPTY; FRONT_SLOTS],
            map: HashMap::default(),
        }
    }
}

impl StemCache {
    pub(super) fn get(&mut self, lower: &str) -> Lexeme {
        let b = lower.as_bytes();
        if b.len() > FRONT_KEY {
            return self.lookup(lower);
        }
        let key = front_key(b);
        let [lo, hi] = key;
        let h = (lo ^ hi.rotate_left(29) ^ b.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let at = (h >> (64 - FRONT_SLOTS.trailing_zeros())) as usize;
        let slot = &self.front[at];
        if slot.len as usize == b.len() && slot.key == key {
            return slot.lex;
        }
        let lex = self.lookup(lower);
        self.front[at] = Slot {
            len: b.len() as u8,
            key,
            lex,
        };
        lex
    }

    fn lookup(&mut self, lower: &str) -> Lexeme {
        if let Some(l) = self.map.get(lower) {
            return *l;
        }
        let l = Lexeme::of(lower);
        if self.map.len() >= STEM_CACHE_MAX {
            self.map.clear();
        }
        self.map.insert(lower.into(), l);
        l
    }

    fn clear(&mut self) {
        self.map.clear();
        self.front.iter_mut().for_each(|s| *s = EMPTY);
    }
}

thread_local! {
    /// Stemming costs far more than a lookup, and an interview's vocabulary repeats.
    static STEM_CACHE: RefCell<StemCache> = RefCell::default();
}

/// Runs `f` with this thread's stem cache (borrowed once for a whole text, not per word).
pub(super) fn with_cache<R>(f: impl FnOnce(&mut StemCache) -> R) -> R {
    STEM_CACHE.with(|c| f(&mut c.borrow_mut()))
}

/// The stem of one lowercased word, hashed (FNV-1a).
pub fn stem_id(lower: &str) -> Stem {
    with_cache(|c| c.get(lower).stem)
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
    if text.is_ascii() {
        // The segmenter already knows which words are lowercase letters and digits only.
        segment_ascii(text, |at, w, lower_or_digit| {
            if lower_or_digit && no_special_case(w) {
                emit(w, at..at + w.len());
            } else {
                split_word(&mut lower, at, w, &mut emit);
            }
        });
    } else {
        segment(text, |at, w| split_word(&mut lower, at, w, &mut emit));
    }
}

/// A word that is already lowercase letters and digits and none of the special cases below
/// (`cannot`, `1990s`): it is its own only word, as it stands.
fn is_plain(w: &str) -> bool {
    w.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) && no_special_case(w)
}

/// Not one of the lowercase words [`split_word`] changes: `cannot`, a decade such as `1990s`.
pub(super) fn no_special_case(w: &str) -> bool {
    let b = w.as_bytes();
    w != "cannot" && !(b.len() >= 3 && b[b.len() - 1] == b's' && b[..b.len() - 1].iter().all(u8::is_ascii_digit))
}

/// One word as Unicode segmentation gives it, lowercased and split into the words it joins.
pub(super) fn split_word(lower: &mut String, at: usize, w: &str, emit: &mut impl FnMut(&str, Range<usize>)) {
    if is_plain(w) {
        emit(w, at..at + w.len());
        return;
    }
    lower.clear();
    if w.is_ascii() {
        lower.push_str(w);
        lower.make_ascii_lowercase();
    } else {
        lower.extend(w.chars().flat_map(char::to_lowercase));
    }
    if lower.len() != w.len() {
        // Lowercasing changed byte lengths (rare scripts): keep the word whole.
        emit(lower, at..at + w.len());
        return;
    }
    let end = at + w.len();
    if acronym_plural(w) {
        emit(&lower[..lower.len() - 1], at..end);
        return;
    }
    if lower == "cannot" {
        emit("can", at..at + 3);
        emit("not", at + 3..end);
        return;
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
        return;
    }
    pieces(lower, |p, span| emit(p, at + span.start..at + span.end));
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
