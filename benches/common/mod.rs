//! What the `core` and `durable` benches share: the shipped packs, 300-word answers from the
//! answer sets, and whole-interview input scripts built by walking the state machine once.

#![allow(dead_code)] // each bench uses its own part

use std::collections::HashMap;
use std::path::Path;

use panelist::bank::{load_path, Bank, Pack};
use panelist::interview::{self, Input, Millis, PlanOptions, Session, Settings, Stage};

pub const T0: Millis = 1_700_000_000_000;
/// Words per submitted answer (main answer and each follow-up answer).
pub const ANSWER_WORDS: usize = 300;
/// Typed messages (`Input::Answer`) an answer is sent in before `Submit`.
pub const MESSAGES_PER_ANSWER: usize = 3;

/// True when `PANELIST_BENCH_SMOKE` is set (to anything but `0` or empty): tiny sizes, for CI.
pub fn smoke() -> bool {
    std::env::var("PANELIST_BENCH_SMOKE").is_ok_and(|v| !v.is_empty() && v != "0")
}

#[derive(serde::Deserialize)]
struct Set {
    question: String,
    answers: Vec<SetAnswer>,
}

#[derive(serde::Deserialize)]
struct SetAnswer {
    text: String,
}

pub struct Fixture {
    pub bank: Bank,
    /// Question id -> its answer-set texts.
    by_question: HashMap<String, Vec<String>>,
    /// Every answer-set text, for questions without a set of their own.
    all: Vec<String>,
}

/// Exactly `n` words, repeating the text if it is shorter.
pub fn words(text: &str, n: usize) -> String {
    let ws: Vec<&str> = text.split_whitespace().collect();
    ws.iter().cycle().take(n).copied().collect::<Vec<_>>().join(" ")
}

/// `text` cut into `parts` messages of about equal word counts.
fn messages(text: &str, parts: usize) -> Vec<String> {
    let ws: Vec<&str> = text.split_whitespace().collect();
    let per = ws.len().div_ceil(parts);
    ws.chunks(per).map(|c| c.join(" ")).collect()
}

impl Fixture {
    pub fn load() -> Fixture {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let bank = load_path(&root.join("prompts")).expect("packs load");
        let mut dir: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/answer-sets"))
            .expect("answer sets")
            .flatten()
            .map(|e| e.path())
            .collect();
        dir.sort();
        let mut by_question = HashMap::new();
        let mut all = Vec::new();
        for path in dir {
            let set: Set = toml::from_str(&std::fs::read_to_string(&path).expect("read")).expect("answer set parses");
            let texts: Vec<String> = set.answers.into_iter().map(|a| a.text).collect();
            all.extend(texts.iter().cloned());
            by_question.insert(set.question, texts);
        }
        Fixture { bank, by_question, all }
    }

    pub fn pack(&self, role: &str) -> &Pack {
        self.bank.role(role).expect("shipped role")
    }

    /// A 300-word answer to `question`: the question's own answer-set texts where it has a
    /// set (the `n`th, cycling), any answer-set text otherwise.
    pub fn answer(&self, question: &str, n: usize) -> String {
        let text = match self.by_question.get(question) {
            Some(texts) => &texts[n % texts.len()],
            None => &self.all[(n + question.len()) % self.all.len()],
        };
        words(text, ANSWER_WORDS)
    }

    /// The inputs of one whole interview, the way a candidate goes through it: per item a
    /// Hint (when the question has hints), then per part (main answer and each follow-up) the
    /// answer typed in 3 messages and Submit, then Checklist (items 1 and 3) and Rate 3.
    pub fn script(&self, pack: &Pack, opts: &PlanOptions, candidate: &str) -> Script {
        let candidate = &interview::ActorId::from_stored(candidate);
        let (mut s, _) = interview::start("0".repeat(32), candidate, pack, opts, Settings::default(), T0).expect("the plan starts");
        let first = s.clone();
        let mut steps = Vec::new();
        let mut queue: Vec<String> = Vec::new();
        let mut at = (usize::MAX, usize::MAX);
        let mut now = T0;
        loop {
            let input = match &s.stage {
                Stage::Asking { item, part, draft, .. } => {
                    let q = pack.question(&s.plan.items[*item].question).expect("planned question");
                    if (*item, *part) != at {
                        at = (*item, *part);
                        let mut m = messages(&self.answer(&q.id, *part), MESSAGES_PER_ANSWER);
                        m.reverse();
                        queue = m;
                    }
                    if *part == 0 && s.items[*item].hints_used == 0 && !q.hints.is_empty() && draft.is_empty() {
                        Input::Hint
                    } else if let Some(text) = queue.pop() {
                        Input::answer(text)
                    } else {
                        Input::Submit
                    }
                }
                Stage::Scoring { item, ticks: None } => {
                    let q = pack.question(&s.plan.items[*item].question).expect("planned question");
                    let ticks = [0u8, 2].into_iter().filter(|&t| (t as usize) < q.checklist.len()).collect();
                    Input::Checklist { ticks }
                }
                Stage::Scoring { ticks: Some(_), .. } => Input::Rate { rating: 3 },
                Stage::Finished { .. } => break,
                other => panic!("unexpected stage {other:?}"),
            };
            now += 1000;
            let item = s.stage.item().unwrap_or(0);
            let (next, _) = interview::step(&s, candidate, &input, pack, now).unwrap_or_else(|r| panic!("{input:?} rejected: {r}"));
            let snapshot = serde_json::to_string(&next).expect("snapshot");
            let change = panelist::store::Change::between(&s, &next, now, false).expect("change");
            let input_json = serde_json::to_string(&input).expect("input");
            steps.push(Step {
                input,
                item,
                now,
                input_json,
                snapshot_len: snapshot.len(),
                snapshot,
                status: if next.stage.is_over() { "finished" } else { "active" },
                next_deadline: next.next_deadline(),
                change,
            });
            s = next;
        }
        Script { first, steps }
    }
}

/// One accepted input of a script, with what the store writes for it.
pub struct Step {
    pub input: Input,
    /// The plan item (0-based) the session was on when the input came.
    pub item: usize,
    pub now: Millis,
    /// The event row's `input` column.
    pub input_json: String,
    /// The whole session after the input as JSON: the `state` column before the session's
    /// items had rows of their own (kept to show what that layout wrote).
    pub snapshot: String,
    pub snapshot_len: usize,
    pub status: &'static str,
    pub next_deadline: Option<Millis>,
    /// What the store writes for this input (its snapshot, changed item records, new rows).
    pub change: panelist::store::Change,
}

pub struct Script {
    /// The session as `start` left it (version 1).
    pub first: Session,
    pub steps: Vec<Step>,
}

impl Script {
    pub fn submits(&self) -> usize {
        self.steps.iter().filter(|s| matches!(s.input, Input::Submit)).count()
    }
}

/// The long interview: every area of senior-python-developer (8), 5 questions each (40
/// questions), one follow-up each.
pub fn long_options(seed: u64) -> PlanOptions {
    PlanOptions {
        areas: Vec::new(),
        per_area: 5,
        follow_ups: 1,
        seed,
    }
}

pub const LONG_ROLE: &str = "senior-python-developer";

/// Mean of a slice of nanosecond figures, in microseconds.
pub fn mean_us(ns: &[u64]) -> f64 {
    if ns.is_empty() {
        return f64::NAN;
    }
    ns.iter().sum::<u64>() as f64 / ns.len() as f64 / 1000.0
}
