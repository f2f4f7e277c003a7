//! Unicode word segmentation (UAX #29) as `unicode-segmentation` does it, faster on ASCII: the
//! crate's rules for ASCII stretches applied here, the crate itself for the rest.

use unicode_segmentation::UnicodeSegmentation;

/// ASCII whitespace: between it and an ASCII character that is not whitespace, Unicode word
/// segmentation (UAX #29) always breaks, and no rule looks across it.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// The words (with their byte offsets) that `text.unicode_word_indices()` gives, in order,
/// faster: ASCII stretches are split here by the same rules as the crate's ASCII path, and only
/// the stretches holding other characters go through the crate. A stretch ends wherever an ASCII
/// space meets an ASCII non-space, a boundary under every rule (the tests compare the two on
/// random text).
pub(super) fn segment(text: &str, mut f: impl FnMut(usize, &str)) {
    if text.is_ascii() {
        ascii_words(text, 0, &mut |at, w, _| f(at, w));
        return;
    }
    let b = text.as_bytes();
    let mut start = 0;
    let stretch = |from: usize, to: usize, f: &mut dyn FnMut(usize, &str)| {
        let s = &text[from..to];
        if s.is_ascii() {
            ascii_words(s, from, &mut |at, w, _| f(at, w));
        } else {
            for (at, w) in s.unicode_word_indices() {
                f(from + at, w);
            }
        }
    };
    for i in 1..b.len() {
        if b[i] < 0x80 && b[i - 1] < 0x80 && is_space(b[i]) != is_space(b[i - 1]) {
            stretch(start, i, &mut f);
            start = i;
        }
    }
    stretch(start, b.len(), &mut f);
}

/// Letters, digits and `_`: what an ASCII word is made of (UAX #29 WB5-WB13b).
pub(super) fn is_core(b: u8) -> bool {
    CORE[b as usize]
}

const CORE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

/// Lowercase ASCII letters and digits: a word made only of them needs no lowercasing or
/// splitting.
pub(super) const LOWER_OR_DIGIT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_lowercase() || c.is_ascii_digit();
        b += 1;
    }
    t
};

/// [`segment`] of an ASCII text (the caller checked), also saying of each word whether it is
/// made only of lowercase letters and digits (found in the same pass over its bytes).
pub(super) fn segment_ascii(text: &str, mut f: impl FnMut(usize, &str, bool)) {
    ascii_words(text, 0, &mut f);
}

/// A mark joined into a word between two letters or two digits: `e.g`, `it's`, `3.14`, `1,000`
/// (WB6, WB7, WB11, WB12).
pub(super) fn is_infix(b: u8, prev: u8, next: u8) -> bool {
    match b {
        b'.' | b',' | b';' | b'\'' if prev.is_ascii_digit() && next.is_ascii_digit() => true,
        b'\'' | b'.' | b':' if prev.is_ascii_alphabetic() && next.is_ascii_alphabetic() => true,
        _ => false,
    }
}

/// The words of an ASCII text as `unicode_word_indices` finds them: runs of letters, digits and
/// `_` with their infix marks, holding at least one letter or digit; offsets from `offset`.
/// `f` also learns whether the word is made only of lowercase letters and digits.
fn ascii_words<F: FnMut(usize, &str, bool) + ?Sized>(s: &str, offset: usize, f: &mut F) {
    for (start, end, plain) in AsciiWords::new(s) {
        f(offset + start, &s[start..end], plain);
    }
}

/// The words of an ASCII text, as [`ascii_words`] finds them, one at a time: each word's start
/// and end byte offsets and whether it is made only of lowercase letters and digits (found in
/// the same pass over its bytes).
pub(super) struct AsciiWords<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> AsciiWords<'a> {
    pub(super) fn new(s: &'a str) -> Self {
        AsciiWords { b: s.as_bytes(), i: 0 }
    }
}

impl Iterator for AsciiWords<'_> {
    type Item = (usize, usize, bool);

    // Inlined into each caller's loop (callgrind: 2% fewer instructions per assessment than
    // `#[inline]`, which left a call per word).
    #[inline(always)]
    fn next(&mut self) -> Option<(usize, usize, bool)> {
        let (b, n) = (self.b, self.b.len());
        let mut i = self.i;
        while i < n {
            if !is_core(b[i]) {
                i += 1;
                continue;
            }
            let start = i;
            let mut plain = true;
            loop {
                while i < n && is_core(b[i]) {
                    plain &= LOWER_OR_DIGIT[b[i] as usize];
                    i += 1;
                }
                if i + 1 < n && is_infix(b[i], b[i - 1], b[i + 1]) {
                    plain = false;
                    i += 1;
                } else {
                    break;
                }
            }
            // A plain word has a letter or digit; any other needs one that is not `_`.
            if plain || b[start..i].iter().any(|&c| c != b'_') {
                self.i = i;
                return Some((start, i, plain));
            }
        }
        self.i = n;
        None
    }
}
