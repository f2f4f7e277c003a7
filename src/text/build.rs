//! The words of a [`super::Doc`] read in one pass: on ASCII text a hand-written byte loop finds
//! each word, reads the gap before it, looks its stem up and pushes it, with no closure between.

use std::ops::Range;

use super::segment::AsciiWords;
use super::words::{each_word, no_special_case, split_word, Lexeme, StemCache};
use super::Word;

/// What one pass over a text collects: its words, its sentences (before lists are split) and,
/// per word, whether a comma precedes it.
pub(super) struct Reader {
    pub words: Vec<Word>,
    pub sentences: Vec<Range<usize>>,
    pub after_comma: Vec<bool>,
    start: usize,
    prev_end: usize,
}

impl Reader {
    /// Reads `text` with this thread's stem `cache`.
    pub(super) fn read(text: &str, cache: &mut StemCache) -> Reader {
        let guess = text.len() / 4 + 1;
        let mut r = Reader {
            words: Vec::with_capacity(guess),
            sentences: Vec::with_capacity(guess / 8 + 1),
            after_comma: Vec::with_capacity(guess),
            start: 0,
            prev_end: 0,
        };
        if text.is_ascii() {
            r.ascii(text, cache);
        } else {
            each_word(text, |w, span| {
                let gap = read_gap(&text[r.prev_end.min(span.start)..span.start]);
                r.push(gap, cache.get(w), span)
            });
        }
        if r.start < r.words.len() {
            r.sentences.push(r.start..r.words.len());
        }
        r
    }

    /// One word, its lexeme and what the gap before it says (see [`read_gap`]).
    #[inline(always)]
    fn push(&mut self, (ends, comma): (bool, bool), lex: Lexeme, span: Range<usize>) {
        let i = self.words.len();
        self.after_comma.push(comma);
        let contrast = lex.contrast || (lex.is_while && comma);
        if i > self.start && (ends || contrast) {
            self.sentences.push(self.start..i);
            self.start = i;
        }
        self.prev_end = span.end;
        self.words.push(Word {
            stem: lex.stem,
            span,
            negation: lex.negation,
            starts_sentence: ends,
        });
    }

    /// The words of an ASCII text as `segment` and `each_word` find them (`AsciiWords`, the
    /// byte loop of `segment`), each pushed as soon as it is found.
    fn ascii(&mut self, text: &str, cache: &mut StemCache) {
        let b = text.as_bytes();
        let mut lower = String::new();
        for (start, end, plain) in AsciiWords::new(text) {
            let w = &text[start..end];
            if plain && no_special_case(w) {
                let gap = read_gap_ascii(&b[self.prev_end.min(start)..start]);
                self.push(gap, cache.get(w), start..end);
            } else {
                split_word(&mut lower, start, w, &mut |w, span| {
                    let gap = read_gap_ascii(&b[self.prev_end.min(span.start)..span.start]);
                    self.push(gap, cache.get(w), span)
                });
            }
        }
    }
}

/// What the text between two words says: whether it ends a clause (a line break, or sentence
/// punctuation followed by a space, so the dot of `copy.copy` or `3.14` does not; a colon does
/// not either: what follows it says something about what precedes it, "Drift: the inputs
/// change") and whether it holds a comma. One pass over the gap's bytes.
pub(super) fn read_gap(gap: &str) -> (bool, bool) {
    if gap.is_ascii() {
        return read_gap_ascii(gap.as_bytes());
    }
    let (mut newline, mut stop, mut space, mut comma) = (false, false, false, false);
    for c in gap.chars() {
        match c {
            '\n' => newline = true,
            '.' | '!' | '?' | ';' => stop = true,
            ',' => comma = true,
            c if c.is_whitespace() => space = true,
            _ => {}
        }
    }
    (newline || (stop && space), comma)
}

/// [`read_gap`] of ASCII bytes: the ASCII characters `char::is_whitespace` accepts are
/// `\t \n \x0B \x0C \r` and space.
#[inline(always)]
fn read_gap_ascii(gap: &[u8]) -> (bool, bool) {
    if gap == b" " {
        return (false, false);
    }
    let (mut newline, mut stop, mut space, mut comma) = (false, false, false, false);
    for &c in gap {
        match c {
            b'\n' => newline = true,
            b'.' | b'!' | b'?' | b';' => stop = true,
            b',' => comma = true,
            b' ' | b'\t' | 0x0B | 0x0C | b'\r' => space = true,
            _ => {}
        }
    }
    (newline || (stop && space), comma)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_gaps_read_as_chars_do() {
        for c in 0u8..128 {
            assert_eq!(
                (c as char).is_whitespace(),
                matches!(c, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'),
                "{c}"
            );
        }
        for gap in [" ", ". ", ".", ",", ", ", "\n", ";\t", "!", " - ", "?\r", ":", "..."] {
            let mut chars = (false, false);
            let (mut nl, mut stop, mut sp) = (false, false, false);
            for c in gap.chars() {
                match c {
                    '\n' => nl = true,
                    '.' | '!' | '?' | ';' => stop = true,
                    ',' => chars.1 = true,
                    c if c.is_whitespace() => sp = true,
                    _ => {}
                }
            }
            chars.0 = nl || (stop && sp);
            assert_eq!(read_gap(gap), chars, "{gap:?}");
        }
    }
}
