//! The latency breakdown: p50 / p99 / max by kind of interaction (command, button or menu,
//! form), and with `--stages` each interaction's time from the fake's push to its first REST
//! answer split into the gateway (push to the handler), the bot's stages (`panelist::stages`)
//! and the REST call (its start to its arrival at the fake): the mean of each over all
//! interactions with a trace, the slowest 1% and the slowest 0.1%.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use panelist::stages::{Trace, ALL};

/// One interaction: its token, its type (2 command, 3 component, 5 form), when it was pushed
/// and when its first answer arrived.
pub type Timed = (String, u64, Instant, Instant);

/// One traced interaction: its total, then gateway, each stage, rest, other.
type Row = (Duration, Vec<Duration>);

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn print(timed: &[Timed], traces: &[Trace]) {
    for (kind, name) in [(2, "commands"), (3, "buttons and menus"), (5, "forms")] {
        let mut l: Vec<Duration> = timed
            .iter()
            .filter(|t| t.1 == kind)
            .map(|t| t.3.saturating_duration_since(t.2))
            .collect();
        if l.is_empty() {
            continue;
        }
        l.sort();
        let at = |p: f64| l[((l.len() as f64 - 1.0) * p).round() as usize];
        println!(
            "  {name}: {} interactions, latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; over 1 s: {}",
            l.len(),
            ms(at(0.5)),
            ms(at(0.99)),
            ms(l[l.len() - 1]),
            l.iter().filter(|d| **d > Duration::from_secs(1)).count()
        );
    }
    if traces.is_empty() {
        return;
    }
    let by_key: HashMap<&str, &Trace> = traces.iter().map(|t| (t.key.as_str(), t)).collect();
    // Per interaction: total, then gateway, each stage, rest, other.
    let mut rows: Vec<Row> = timed
        .iter()
        .filter_map(|(token, _, sent, first)| {
            let t = by_key.get(token.as_str())?;
            let total = first.saturating_duration_since(*sent);
            let mut parts = vec![t.start.saturating_duration_since(*sent)];
            parts.extend(t.spent.iter().copied());
            let rest = t.rest_at.map_or(Duration::ZERO, |r| first.saturating_duration_since(r));
            parts.push(rest);
            let known: Duration = parts.iter().sum();
            parts.push(total.saturating_sub(known));
            Some((total, parts))
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut names = vec!["gateway"];
    names.extend(ALL.iter().map(|s| s.name()));
    names.extend(["rest", "other"]);
    let n = rows.len();
    for (label, take) in [("all", n), ("slowest 1%", n.div_ceil(100)), ("slowest 0.1%", n.div_ceil(1000))] {
        let part = &rows[..take.min(n)];
        let mean = |f: &dyn Fn(&Row) -> Duration| ms(part.iter().map(f).sum::<Duration>()) / part.len().max(1) as f64;
        let total = mean(&|r| r.0);
        let stages: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, name)| format!("{name} {:.2}", mean(&|r| r.1[i])))
            .collect();
        println!(
            "  stages, {label} ({} traced interactions): mean {total:.2} ms = {}",
            part.len(),
            stages.join(" + ")
        );
    }
}
