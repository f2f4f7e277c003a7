//! User text as panelist keeps it: control characters that a database or a terminal would trip
//! on are removed (the same on every backend: PostgreSQL refuses NUL in text), and text a reader
//! would see nothing of (spaces, zero-width and blank-looking characters) counts as empty.

use std::borrow::Cow;

/// `s` without NUL and other control characters; newlines and tabs stay.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| !removed(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|&c| !removed(c)).collect())
}

fn removed(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\t')
}

/// Whether a reader would see nothing of `s`.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || c.is_control() || invisible(c))
}

/// Characters that render as nothing or as blank space but are not Unicode whitespace.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' // soft hyphen
            | '\u{034F}' // combining grapheme joiner
            | '\u{115F}' | '\u{1160}' // Hangul fillers
            | '\u{17B4}' | '\u{17B5}' // Khmer inherent vowels
            | '\u{180E}' // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}' // zero-width space, joiners, direction marks
            | '\u{202A}'..='\u{202E}' // direction embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{206F}' // direction isolates and deprecated formats
            | '\u{2800}' // braille blank
            | '\u{3164}' // Hangul filler
            | '\u{FE00}'..='\u{FE0F}' // variation selectors
            | '\u{FEFF}' // zero-width no-break space
            | '\u{FFA0}' // halfwidth Hangul filler
    )
}
