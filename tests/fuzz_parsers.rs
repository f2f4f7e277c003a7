//! Property tests of the parsers that take outside input: `bank::parse_pack` (server uploads and
//! `prompts/`) and `discord::ComponentId::parse` (every click and form). Neither may panic on
//! any input; a pack parses only if it is valid, and a component id survives encoding, fits
//! Discord's 100-character `custom_id` and parses back to itself.
//!
//! `PROPTEST_CASES=N` raises the number of cases of every property (defaults below keep the
//! suite fast in debug builds). The coverage-guided fuzz targets in `fuzz/` run the same
//! checks for longer.

use std::collections::HashSet;
use std::sync::OnceLock;

use panelist::bank::{parse_pack, Pack};
use panelist::discord::ComponentId;
use proptest::prelude::*;

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok());
    ProptestConfig {
        cases: cases.unwrap_or(default_cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------- packs

const PACK_FILE: &str = "software-engineer.toml";

fn real_pack() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/software-engineer.toml");
        std::fs::read_to_string(path).expect("the shipped pack")
    })
}

/// The top-level blocks of a pack's text: the preamble with `[role]`, then one block per
/// `[[areas]]` and per `[[questions]]` (with its `[[questions.*]]` sub-tables).
fn blocks(text: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![String::new()];
    for line in text.split_inclusive('\n') {
        if line.starts_with("[[areas]]") || line.starts_with("[[questions]]") {
            out.push(String::new());
        }
        out.last_mut().expect("a block").push_str(line);
    }
    out
}

fn field<'a>(block: &'a str, key: &str) -> Option<&'a str> {
    block.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.trim_start().strip_prefix('=')?;
        Some(rest.trim().trim_matches('"'))
    })
}

/// A small valid pack cut from the real one: its role, its first two areas and the first
/// question of each (about 28 kB). Mutating this is fast; a few cases mutate the whole pack too.
fn small_pack() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let blocks = blocks(real_pack());
        let mut out = blocks[0].clone();
        let areas: Vec<&String> = blocks.iter().filter(|b| b.starts_with("[[areas]]")).take(2).collect();
        for area in &areas {
            out.push_str(area);
        }
        for area in &areas {
            let id = field(area, "id").expect("area id");
            let question = blocks
                .iter()
                .find(|b| b.starts_with("[[questions]]") && field(b, "area") == Some(id))
                .expect("a question per area");
            out.push_str(question);
        }
        out
    })
}

/// What `parse_pack` promises of a pack it returns, checked independently of its validator.
fn assert_valid(pack: &Pack, text: &str) {
    let id_ok = |id: &str| !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let filled = |s: &str| !s.trim().is_empty();
    let why = || format!("parse_pack accepted an invalid pack from:\n{}", excerpt(text));
    assert!(id_ok(&pack.role.id) && filled(&pack.role.name), "role: {}", why());
    assert!(!pack.areas.is_empty() && !pack.questions.is_empty(), "{}", why());
    let areas: HashSet<&str> = pack.areas.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(areas.len(), pack.areas.len(), "duplicate area ids: {}", why());
    for area in &pack.areas {
        assert!(id_ok(&area.id) && filled(&area.name), "area {}: {}", area.id, why());
        assert!(
            pack.questions.iter().any(|q| q.area == area.id),
            "area {} has no question: {}",
            area.id,
            why()
        );
    }
    let mut ids = HashSet::new();
    for q in &pack.questions {
        assert!(id_ok(&q.id) && ids.insert(q.id.as_str()), "question id {:?}: {}", q.id, why());
        assert!(areas.contains(q.area.as_str()), "question {} in unknown area: {}", q.id, why());
        assert!(
            (1..=3).contains(&q.difficulty) && (1..=60).contains(&q.minutes),
            "{}: {}",
            q.id,
            why()
        );
        assert!((3..=8).contains(&q.checklist.len()), "{} checklist: {}", q.id, why());
        assert!(filled(&q.prompt) && filled(&q.outline), "{}: {}", q.id, why());
        assert!(q.checklist.iter().all(|c| filled(c)), "{}: {}", q.id, why());
        assert!(!q.talking_points.is_empty(), "{}: {}", q.id, why());
        for tp in &q.talking_points {
            assert!(filled(&tp.point) && !tp.phrases.is_empty(), "{}: {}", q.id, why());
        }
        for m in &q.misconceptions {
            assert!(!m.phrases.is_empty(), "{}: {}", q.id, why());
            for c in &m.contradicts {
                assert!(q.talking_points.iter().any(|tp| &tp.point == c), "{}: {}", q.id, why());
            }
        }
        // Its patterns compile (they were validated), and scoring an answer does not panic.
        let _ = q.matcher();
    }
    // What it accepted it accepts again, written out.
    let written = toml::to_string(pack).expect("a pack serializes");
    if let Err(errors) = parse_pack(&written, "rewritten.toml") {
        panic!("a rewritten accepted pack is refused: {errors:?}\n{}", why());
    }
}

fn excerpt(text: &str) -> String {
    let cut: String = text.chars().take(600).collect();
    if cut.len() < text.len() {
        format!("{cut}... ({} bytes)", text.len())
    } else {
        cut
    }
}

/// Parses without panicking; an accepted pack must be valid, a refused one must say why.
fn check_pack(text: &str) -> Result<(), ()> {
    match parse_pack(text, "fuzz.toml") {
        Ok(pack) => {
            assert_valid(&pack, text);
            Ok(())
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "refused without an error:\n{}", excerpt(text));
            for e in &errors {
                assert_eq!(e.file, "fuzz.toml");
                assert!(!e.message.is_empty() && !e.field.is_empty(), "{e:?}");
            }
            Err(())
        }
    }
}

/// Pieces of pack syntax, so generated text gets past the TOML parser into validation.
fn pack_token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[role]\n".to_owned()),
        Just("[[areas]]\n".to_owned()),
        Just("[[questions]]\n".to_owned()),
        Just("[[questions.talking_points]]\n".to_owned()),
        Just("[[questions.misconceptions]]\n".to_owned()),
        Just("id = \"a\"\n".to_owned()),
        Just("name = \"A\"\n".to_owned()),
        Just("area = \"a\"\n".to_owned()),
        Just("kind = \"concept\"\n".to_owned()),
        Just("difficulty = 2\n".to_owned()),
        Just("minutes = 0\n".to_owned()),
        Just("prompt = \"Why?\"\n".to_owned()),
        Just("outline = \"Because.\"\n".to_owned()),
        Just("checklist = [\"a\", \"b\", \"c\"]\n".to_owned()),
        Just("point = \"p\"\n".to_owned()),
        Just("phrases = [\"queue\", \"a (b|c)\"]\n".to_owned()),
        Just("contradicts = [\"p\"]\n".to_owned()),
        Just("claim = \"c\"\ncorrection = \"d\"\n".to_owned()),
        Just("topic = [\"\"]\n".to_owned()),
        "[a-z_]{1,12} = \"[^\"\\\\]{0,20}\"\n",
        "[a-z_]{1,12} = [0-9]{1,4}\n",
        "[a-z_]{1,12} = \\[(\"[a-z ()|*?]{0,12}\", ){0,4}\\]\n",
        "[\\[\\]{}=\",.\\\\#\n\"' ]{1,6}",
        any::<String>(),
    ]
}

fn pack_like_text() -> impl Strategy<Value = String> {
    prop::collection::vec(pack_token(), 0..60).prop_map(|tokens| tokens.concat())
}

/// A pack's bytes with `flips` bytes XOR-ed, decoded lossily.
fn flipped(text: &str, flips: &[(prop::sample::Index, u8)]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for (at, mask) in flips {
        let i = at.index(bytes.len());
        bytes[i] ^= (*mask).max(1);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn truncated(text: &str, at: prop::sample::Index) -> String {
    let bytes = text.as_bytes();
    String::from_utf8_lossy(&bytes[..at.index(bytes.len() + 1)]).into_owned()
}

/// The pack with its top-level block `which` copied to position `to`.
fn with_duplicate_block(text: &str, which: prop::sample::Index, to: prop::sample::Index) -> (String, String) {
    let mut blocks = blocks(text);
    let copy = blocks[which.index(blocks.len())].clone();
    let at = to.index(blocks.len() + 1);
    blocks.insert(at, copy.clone());
    (blocks.concat(), copy)
}

#[test]
fn the_small_pack_cut_from_a_real_one_is_valid() {
    let pack = parse_pack(small_pack(), PACK_FILE).expect("the cut-down pack is valid");
    assert_eq!(pack.questions.len(), pack.areas.len());
    assert_valid(&pack, small_pack());
    assert!(parse_pack(real_pack(), PACK_FILE).is_ok());
}

#[test]
fn edge_inputs() {
    for text in [
        "",
        "\u{feff}",
        "\0",
        "[",
        "[[questions]]",
        "[role]\nid = \"\"",
        "a = \"\\u{d800}\"",
        "\"\"\"",
        "\u{10ffff}",
    ] {
        let _ = check_pack(text);
    }
    // A pack just over the size limit is refused before parsing, not parsed slowly.
    let big = "#".repeat(panelist::bank::MAX_PACK_BYTES + 1);
    let errors = parse_pack(&big, "big.toml").expect_err("too big");
    assert_eq!(errors[0].field, "(file)");
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn parse_pack_never_panics_on_arbitrary_strings(text in any::<String>()) {
        let _ = check_pack(&text);
    }

    #[test]
    fn parse_pack_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = check_pack(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn parse_pack_never_panics_on_pack_like_text(text in pack_like_text()) {
        let _ = check_pack(&text);
    }
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn parse_pack_survives_byte_flips(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let _ = check_pack(&flipped(small_pack(), &flips));
    }

    #[test]
    fn parse_pack_survives_truncation(at in any::<prop::sample::Index>()) {
        let _ = check_pack(&truncated(small_pack(), at));
    }

    #[test]
    fn a_duplicated_table_is_refused(which in any::<prop::sample::Index>(), to in any::<prop::sample::Index>()) {
        let (text, copy) = with_duplicate_block(small_pack(), which, to);
        // The copy repeats a role table, an area id or a question id: never a valid pack.
        prop_assert!(check_pack(&text).is_err(), "accepted a pack with this block twice:\n{}", copy);
    }

    #[test]
    fn a_duplicated_sub_table_or_line_never_panics(which in any::<prop::sample::Index>(), to in any::<prop::sample::Index>()) {
        let mut lines: Vec<&str> = small_pack().split_inclusive('\n').collect();
        let copy = lines[which.index(lines.len())];
        lines.insert(to.index(lines.len() + 1), copy);
        let _ = check_pack(&lines.concat());
    }
}

proptest! {
    // The whole 500 kB pack: slower per case, so fewer cases.
    #![proptest_config(config(4))]

    #[test]
    fn the_full_pack_survives_flips_and_truncation(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        at in any::<prop::sample::Index>(),
    ) {
        let _ = check_pack(&flipped(real_pack(), &flips));
        let _ = check_pack(&truncated(real_pack(), at));
    }
}

// ---------------------------------------------------------------- component ids

const QUESTION_ACTIONS: [&str; 5] = ["submit", "form", "hint", "skip", "end"];
const LOBBY_ACTIONS: [&str; 3] = ["join", "leave", "start"];
const PEER_ACTIONS: [&str; 4] = ["score", "close", "ticks", "note"];

/// A session id as the bot makes them (`Uuid::new_v4().simple()`).
fn bot_session() -> &'static str {
    "[0-9a-f]{32}"
}

/// Any session id the format can carry (anything without the `:` separator).
fn any_session() -> &'static str {
    "[^:]{0,40}"
}

fn parsed(text: &str) -> ComponentId {
    ComponentId::parse(text).unwrap_or_else(|| panic!("{text} is a valid id"))
}

/// Every kind of id, built from its parts (the action enums are private to the crate, so an
/// action is taken from a parsed template and the id rebuilt around it).
fn component_id(session: impl Strategy<Value = String> + Clone) -> impl Strategy<Value = ComponentId> {
    prop_oneof![
        (0..QUESTION_ACTIONS.len(), session.clone(), any::<usize>(), any::<usize>()).prop_map(|(a, session, item, part)| {
            let ComponentId::Question { action, .. } = parsed(&format!("q:{}:s:0:0", QUESTION_ACTIONS[a])) else {
                unreachable!()
            };
            ComponentId::Question {
                action,
                session,
                item,
                part,
            }
        }),
        (
            prop_oneof![
                Just("ticks".to_owned()),
                Just("skipscore".to_owned()),
                any::<u8>().prop_map(|n| format!("rate{n}"))
            ],
            session.clone(),
            any::<usize>()
        )
            .prop_map(|(code, session, item)| {
                let ComponentId::Rubric { action, .. } = parsed(&format!("r:{code}:s:0")) else {
                    unreachable!()
                };
                ComponentId::Rubric { action, session, item }
            }),
        (session.clone(), any::<usize>(), any::<usize>()).prop_map(|(session, item, part)| ComponentId::Form { session, item, part }),
        (0..LOBBY_ACTIONS.len(), session.clone()).prop_map(|(a, session)| {
            let ComponentId::Lobby { action, .. } = parsed(&format!("l:{}:s", LOBBY_ACTIONS[a])) else {
                unreachable!()
            };
            ComponentId::Lobby { action, session }
        }),
        (
            prop_oneof![
                (0..PEER_ACTIONS.len()).prop_map(|a| PEER_ACTIONS[a].to_owned()),
                any::<u8>().prop_map(|n| format!("rate{n}"))
            ],
            session.clone(),
            any::<usize>(),
            any::<u64>()
        )
            .prop_map(|(code, session, item, message)| {
                let ComponentId::Peer { action, .. } = parsed(&format!("p:{code}:s:0:0")) else {
                    unreachable!()
                };
                ComponentId::Peer {
                    action,
                    session,
                    item,
                    message,
                }
            }),
        (session, any::<usize>(), any::<u64>()).prop_map(|(session, item, message)| ComponentId::Note { session, item, message }),
    ]
}

/// Text near the id grammar: known prefixes and actions, numbers (signed, huge, padded),
/// separators, and noise.
fn id_like_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[qrmlpn]",
        "(submit|form|hint|skip|end|ticks|skipscore|rate|join|leave|start|score|close|note)",
        "rate[+-]?[0-9]{0,4}",
        "[+-]?[0-9]{0,25}",
        "[0-9a-f]{0,32}",
        ":{1,2}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|pieces| pieces.join(":"))
}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn component_id_parse_never_panics(text in any::<String>()) {
        let _ = ComponentId::parse(&text);
    }

    #[test]
    fn what_parses_encodes_canonically(text in id_like_text()) {
        if let Some(id) = ComponentId::parse(&text) {
            prop_assert_eq!(ComponentId::parse(&id.encode()), Some(id.clone()), "{}", text);
            prop_assert_eq!(id.session(), text.split(':').nth(if matches!(id, ComponentId::Form { .. } | ComponentId::Note { .. }) { 1 } else { 2 }).unwrap());
        }
    }

    #[test]
    fn ids_round_trip(id in component_id(any_session())) {
        let text = id.encode();
        prop_assert_eq!(ComponentId::parse(&text), Some(id), "{}", text);
    }

    #[test]
    fn ids_the_bot_makes_fit_a_custom_id(id in component_id(bot_session())) {
        let text = id.encode();
        prop_assert!(text.chars().count() <= 100, "{} characters: {}", text.chars().count(), text);
        prop_assert_eq!(ComponentId::parse(&text), Some(id));
    }
}
