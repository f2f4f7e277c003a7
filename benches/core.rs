//! Core throughput: inputs per second through the pure state machine (`interview::start` and
//! `interview::step`) on one core, whole interviews with the shipped packs: every answer 300
//! words typed in 3 messages and submitted (so coverage runs), a Hint per question, the
//! follow-ups, Checklist and Rate. No database, no rendering. Run with `cargo bench --bench
//! core`; `PANELIST_BENCH_SMOKE=1` runs one round of a few interviews. BENCHMARKS.md records
//! the figures.

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use panelist::bank::Pack;
use panelist::interview::{self, PlanOptions, Settings};

use common::{long_options, mean_us, smoke, Fixture, Script, LONG_ROLE, T0};

const ME: &str = "discord:100000000000000001";

fn me() -> interview::ActorId {
    interview::ActorId::from_stored(ME)
}

/// One whole interview through the core; returns the inputs applied.
fn run(pack: &Pack, opts: &PlanOptions, script: &Script) -> usize {
    let (mut s, fx) = interview::start("0".repeat(32), &me(), pack, opts, Settings::default(), T0).expect("starts");
    black_box(fx);
    for step in &script.steps {
        let (next, fx) = interview::step(&s, &me(), &step.input, pack, step.now).expect("accepted");
        black_box(fx);
        s = next;
    }
    black_box(&s);
    script.steps.len() + 1
}

fn main() {
    let fx = Fixture::load();
    let smoke = smoke();
    let (seeds, rounds) = if smoke { (1, 1) } else { (4, 20) };

    // The mix: each shipped pack, default options (3 questions per area, 1 follow-up).
    let mut mix: Vec<(&Pack, PlanOptions, Script)> = Vec::new();
    for pack in fx.bank.packs() {
        for seed in 0..seeds {
            let opts = PlanOptions {
                seed,
                ..PlanOptions::default()
            };
            let script = fx.script(pack, &opts, ME);
            mix.push((pack, opts, script));
        }
    }
    let long_pack = fx.pack(LONG_ROLE);
    let long_opts = long_options(7);
    let long = fx.script(long_pack, &long_opts, ME);

    // Warm-up: compiles every planned question's patterns and fills the stem cache.
    for (pack, opts, script) in &mix {
        run(pack, opts, script);
    }
    run(long_pack, &long_opts, &long);

    let report = |name: &str, cases: &[(&Pack, &PlanOptions, &Script)]| {
        let inputs_per_round: usize = cases.iter().map(|(_, _, s)| s.steps.len() + 1).sum();
        let submits_per_round: usize = cases.iter().map(|(_, _, s)| s.submits()).sum();
        let start = Instant::now();
        let mut inputs = 0;
        for _ in 0..rounds {
            for (pack, opts, script) in cases {
                inputs += run(pack, opts, script);
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let submits = submits_per_round * rounds;
        println!(
            "{name}: {:.0} inputs/s, {:.0} submitted answers/s ({} interviews, {} inputs incl. start, {} submits, in {:.2} s; {:.1} µs per input)",
            inputs as f64 / secs,
            submits as f64 / secs,
            cases.len() * rounds,
            inputs,
            submits,
            secs,
            secs * 1e6 / inputs as f64
        );
        debug_assert_eq!(inputs, inputs_per_round * rounds);
    };
    let mix_cases: Vec<_> = mix.iter().map(|(p, o, s)| (*p, o, s)).collect();
    report(
        &format!(
            "core, mix of {} interviews (3 packs x {seeds} seeds, 3 questions per area, 1 follow-up)",
            mix.len()
        ),
        &mix_cases,
    );
    report(
        &format!("core, long interview ({} questions, 1 follow-up)", long.first.plan.items.len()),
        &[(long_pack, &long_opts, &long)],
    );

    // Where it goes: each step timed alone, by input kind, and by question for the long one.
    let mut by_kind: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    let mut by_item: BTreeMap<(usize, &str), Vec<u64>> = BTreeMap::new();
    let mut clone_ns: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
    let all: Vec<_> = mix_cases.iter().copied().chain([(long_pack, &long_opts, &long)]).collect();
    for _ in 0..rounds.max(2) / 2 {
        for (i, (pack, opts, script)) in all.iter().enumerate() {
            let is_long = i == all.len() - 1;
            let (mut s, _) = interview::start("0".repeat(32), &me(), pack, opts, Settings::default(), T0).expect("starts");
            for step in &script.steps {
                let t = Instant::now();
                let (next, fx) = interview::step(&s, &me(), &step.input, pack, step.now).expect("accepted");
                let ns = t.elapsed().as_nanos() as u64;
                black_box(fx);
                by_kind.entry(step.input.name()).or_default().push(ns);
                if is_long {
                    by_item.entry((step.item, step.input.name())).or_default().push(ns);
                    let t = Instant::now();
                    black_box(s.clone());
                    clone_ns.entry(step.item).or_default().push(t.elapsed().as_nanos() as u64);
                }
                s = next;
            }
        }
    }
    println!("per input kind, mean µs per step (all interviews):");
    for (kind, ns) in &by_kind {
        println!("  {kind:<10} {:>8.2} µs  ({} steps)", mean_us(ns), ns.len());
    }
    // What the final snapshot of the long interview is made of, in JSON bytes.
    let last = serde_json::to_value(&long.steps.last().expect("steps").snapshot).expect("json");
    let last: serde_json::Value = serde_json::from_str(last.as_str().expect("a string")).expect("snapshot");
    let len = |v: &serde_json::Value| serde_json::to_string(v).expect("json").len();
    let items = last["items"].as_array().expect("items");
    let field = |name: &str| items.iter().map(|i| len(&i[name])).sum::<usize>();
    println!(
        "long interview, final snapshot {} bytes: plan {}, items {} (answers {}, coverage {}, self_score {}), stage {}",
        len(&last),
        len(&last["plan"]),
        len(&last["items"]),
        field("answers"),
        field("coverage"),
        field("self_score"),
        len(&last["stage"])
    );
    let n = long.first.plan.items.len();
    let snap = |item: usize| {
        long.steps
            .iter()
            .filter(|s| s.item == item)
            .map(|s| s.snapshot_len)
            .max()
            .unwrap_or(0)
    };
    for item in [0, n / 2, n - 1] {
        let get = |k: &str| by_item.get(&(item, k)).map_or(f64::NAN, |v| mean_us(v));
        println!(
            "long interview, question {:>2}: answer {:.2} µs, hint {:.2} µs, submit {:.2} µs, checklist {:.2} µs, rate {:.2} µs; cloning the session {:.2} µs; snapshot up to {} bytes",
            item + 1,
            get("answer"),
            get("hint"),
            get("submit"),
            get("checklist"),
            get("rate"),
            clone_ns.get(&item).map_or(f64::NAN, |v| mean_us(v)),
            snap(item)
        );
    }
}
