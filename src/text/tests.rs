use std::collections::HashSet;

use super::pattern::Pattern;
use super::*;

fn matches(pattern: &str, text: &str) -> bool {
    let doc = Doc::new(text);
    Pattern::parse(pattern).unwrap().find(&doc, &vec![false; doc.words.len()]).is_some()
}

#[test]
fn inflections_plurals_and_units_share_a_stem() {
    for group in [
        &["cache", "caches", "cached", "caching"][..],
        &["process", "processes", "processing", "processed"],
        &["queue", "queues"],
        &["thread", "threads", "threading", "threaded"],
        &["commit", "commits", "committed", "committing"],
        &["query", "queries"],
        &["PR", "PRs"],
        &["write", "writes"],
    ] {
        let stems: HashSet<String> = group.iter().map(|w| stem(w)).collect();
        assert_eq!(stems.len(), 1, "{group:?} stem to {stems:?}");
    }
    assert!(matches("write + per second | s", "about 5k writes/s at peak"));
    assert!(matches("tb + year", "roughly 2 TB/year of logs"));
    assert!(matches("pr", "we review PRs within a day"));
}

#[test]
fn code_and_contractions_split_into_words() {
    assert_eq!(stems("copy.deepcopy()"), vec!["copi", "deepcopi"]);
    assert_eq!(stems("__init__"), vec!["init"]);
    assert_eq!(stems("doesn't"), vec!["doe", "not"]);
    assert_eq!(stems("can't"), vec!["can", "not"]);
    assert!(matches("deepcopy", "use copy.deepcopy here"));
    assert!(matches("copy copy", "copy.copy(x) makes a shallow one"));
}

#[test]
fn a_keyword_never_matches_inside_a_longer_word() {
    assert!(!matches("gil", "a vigil"));
    assert!(!matches("index", "reindexing the table"));
    assert!(matches("gil", "The GIL!"));
}

#[test]
fn groups_must_meet_in_one_clause() {
    let p = "shallow + share | same object + nested | inner";
    assert!(matches(p, "A shallow copy shares the nested lists with the original."));
    assert!(!matches(p, "A shallow copy is quick. Nested lists are shared by reference."));
    assert!(!matches(p, "a shallow copy is fast; the inner items are the same object"));
    // A contrast word starts a new claim.
    assert!(!matches(
        "deep + share + nested",
        "A deep copy duplicates everything, whereas a shallow one shares nested lists"
    ));
}

#[test]
fn negation_cancels_an_alternative_unless_written_into_it() {
    assert!(!matches("thread safe", "a dict is not thread safe for that"));
    assert!(matches("not thread safe | unsafe", "a dict is not thread safe for that"));
    assert!(!matches("copy + nested", "it doesn't copy the nested objects"));
    assert!(matches("not copy + nested", "it doesn't copy the nested objects"));
    assert!(matches("lock", "no lock is needed. Take the lock first"));
}

#[test]
fn long_clauses_are_read_in_windows() {
    let filler = "and then we went on talking about many other unrelated things for quite a while ".repeat(3);
    assert!(!matches("cache + invalidation", &format!("the cache {filler} invalidation")));
    assert!(matches("cache + invalidation", "the cache needs explicit invalidation on write"));
}

#[test]
fn echo_marks_runs_repeated_from_a_source() {
    let q = Doc::new("What is the difference between a shallow copy and a deep copy in Python?");
    let a = Doc::new("The difference between a shallow copy and a deep copy is sharing.");
    let mask = a.echo_mask(&[&q.runs()]);
    assert!(mask[..9].iter().all(|m| *m), "{mask:?}");
    assert!(!mask[10], "{mask:?}");
    assert!(Doc::new("short").echo_mask(&[&q.runs()]).iter().all(|m| !m));
}

#[test]
fn patterns_without_words_are_errors() {
    assert!(Pattern::parse("a + + b").is_err());
    assert!(Pattern::parse("==").is_err());
    assert!(Pattern::parse("x | ").is_err());
    assert!(Pattern::parse("gil | global interpreter lock").is_ok());
}

#[test]
fn one_word_cannot_satisfy_two_groups() {
    assert!(!matches("wraps + wrapped | wrap", "functools.wraps copies the name"));
    assert!(matches(
        "wraps + wrapped | wrap",
        "functools.wraps copies the name of the wrapped function"
    ));
}

#[test]
fn a_colon_and_a_dot_inside_a_word_do_not_end_a_clause() {
    assert!(matches("drift + input | feature", "Data drift: the input features change"));
    assert!(matches("functools wraps", "use functools.wraps on the inner function"));
    assert!(!matches("drift + input", "It drifted. The input is new"));
}

#[test]
fn announcing_what_one_would_say_is_not_saying_it() {
    let text = "I'd talk about how shallow copies share nested lists. A shallow copy shares nested lists.";
    let doc = Doc::new(text);
    let mask = doc.announcement_mask(text);
    let first = doc.clauses[0].clone();
    assert!(
        mask[first.clone()].iter().all(|m| *m) && mask[first.end..].iter().all(|m| !m),
        "{mask:?}"
    );
    for claim in [
        "I'd mention that shallow copies share nested lists.",
        "I would cover two things: a shallow copy shares nested lists.",
        "I used a shallow copy and the nested lists were shared.",
        "I would cover two things - a shallow copy shares nested lists.",
        "I would write a script: compare them, and the nested lists were shared.",
    ] {
        let doc = Doc::new(claim);
        let mask = doc.announcement_mask(claim);
        let shared = doc.words.iter().position(|w| w.stem == stem_id("shared")).unwrap();
        assert!(!mask[shared], "{claim}: {mask:?}");
    }
}

#[test]
fn commas_inside_brackets_make_no_list() {
    // Four short "items" only if the commas inside the brackets counted.
    let text = "Touching `[2, 5], [5, 8]` merge into [2, 8]";
    assert_eq!(Doc::new(text).clauses.len(), 1, "{:?}", Doc::new(text).clauses);
    assert!(matches("touching + merge", text));
    // A real list is still read item by item.
    let list = "mocks, stubs, fakes, spies";
    assert_eq!(Doc::new(list).clauses.len(), 4);
}

#[test]
fn an_announcement_runs_to_the_end_of_its_sentence() {
    // A compound's hyphen is no dash, and a contrast word or a list's comma does not end the
    // plan; the next sentence is a claim again.
    for plan in [
        "I'd talk about an in-place add on a list inside a tuple, and shared nested lists.",
        "I would cover the definition, its purpose, I/O versus CPU-bound work, and shared nested lists.",
        "I'd structure it around the situation, the resistance, and shared nested lists.",
    ] {
        let text = format!("{plan} A shallow copy shares nested lists.");
        let doc = Doc::new(&text);
        let mask = doc.announcement_mask(&text);
        let shared: Vec<usize> = doc
            .words
            .iter()
            .enumerate()
            .filter(|(_, w)| w.stem == stem_id("shared"))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(shared.len(), 2, "{text}");
        assert!(mask[shared[0]], "{plan}: the plan's words are echo");
        assert!(!mask[shared[1]], "{plan}: the next sentence is a claim");
    }
}

#[test]
fn a_negation_inside_an_alternative_belongs_to_it() {
    assert!(matches("did not + take over", "I did not take over the project"));
    assert!(matches("not + share", "it cannot share state"));
    assert_eq!(stems("cannot"), stems("can't"));
}

#[test]
fn a_contrastive_while_splits_and_a_temporal_one_does_not() {
    assert!(!matches(
        "shallow + share",
        "a deep copy shares nothing, while a shallow one duplicates"
    ));
    assert!(matches("release + i o", "the GIL is released while waiting on I/O"));
}

#[test]
fn a_keyword_list_relates_none_of_its_items() {
    assert!(!matches(
        "fake + in memory",
        "mocks, stubs, fakes, in-memory repository, contract tests"
    ));
    assert!(matches(
        "fake + in memory",
        "a fake is a real in-memory implementation, like a dict-backed repository"
    ));
    assert!(matches(
        "dict + linked list",
        "dict plus a doubly linked list, O(1) get and put, evict the tail"
    ));
}

/// Characters that exercise every word-boundary rule the fast path relies on: ASCII letters,
/// digits, infix marks, spaces and line breaks, and non-ASCII letters, marks that extend the
/// previous character (one of them alphabetic), joiners, wide and no-break spaces, quotes,
/// emoji and regional indicators, Hebrew, Katakana and Arabic digits.
const SEGMENT_CHARS: &[char] = &[
    'a', 'Z', 'k', 's', '0', '7', '_', '.', ',', ';', ':', '\'', '"', '-', '/', '(', ')', '!', '?', ' ', ' ', ' ', '\t', '\n', '\r',
    '\u{0B}', '\u{0C}', 'é', 'É', 'ß', 'İ', '’', '‘', '—', '–', '…', '\u{0301}', '\u{093F}', '\u{200D}', '\u{200B}', '\u{00AD}',
    '\u{3000}', '\u{00A0}', '\u{2024}', '\u{FF0E}', '😀', '🇺', '🇸', 'א', 'ア', '٣', '日',
];

proptest::proptest! {
    #[test]
    fn segmenting_matches_unicode_word_indices(chars in proptest::collection::vec(proptest::sample::select(SEGMENT_CHARS), 0..60)) {
        use unicode_segmentation::UnicodeSegmentation;
        let text: String = chars.into_iter().collect();
        let mut fast = Vec::new();
        segment::segment(&text, |at, w| fast.push((at, w.to_string())));
        let unicode: Vec<(usize, String)> = text.unicode_word_indices().map(|(at, w)| (at, w.to_string())).collect();
        proptest::prop_assert_eq!(fast, unicode, "{:?}", text);
    }
}

#[test]
fn segmenting_matches_unicode_word_indices_on_the_answer_sets() {
    use unicode_segmentation::UnicodeSegmentation;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/answer-sets");
    let mut texts = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let mut fast = Vec::new();
        segment::segment(&text, |at, w| fast.push((at, w.to_string())));
        let unicode: Vec<(usize, String)> = text.unicode_word_indices().map(|(at, w)| (at, w.to_string())).collect();
        assert_eq!(fast, unicode);
        texts += 1;
    }
    assert!(texts >= 40, "{texts} answer-set files read");
}

#[test]
fn the_stem_cache_tells_apart_words_of_every_length() {
    // Words of 1 to 20 bytes that differ in one byte anywhere: the front table's packed keys
    // must keep them apart, however the lookups are ordered.
    let mut words = Vec::new();
    for n in 1..=20 {
        let base: String = "abcdefghijklmnopqrstuvwxyz".chars().cycle().skip(n).take(n).collect();
        words.push(base.clone());
        for i in 0..n {
            let mut w = base.clone().into_bytes();
            w[i] = if w[i] == b'z' { b'y' } else { b'z' };
            words.push(String::from_utf8(w).unwrap());
        }
    }
    clear_stem_cache();
    let first: Vec<Stem> = words.iter().map(|w| stem_id(w)).collect();
    let again: Vec<Stem> = words.iter().rev().map(|w| stem_id(w)).collect();
    assert!(first.iter().eq(again.iter().rev()));
    for (a, sa) in words.iter().zip(&first) {
        for (b, sb) in words.iter().zip(&first) {
            assert_eq!(stem(a) == stem(b), sa == sb, "{a} / {b}");
        }
    }
}
