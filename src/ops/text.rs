//! Prometheus' text exposition format (version 0.0.4): the process's counters and histograms,
//! and the figures read at scrape time.

use std::fmt::Write;
use std::sync::atomic::Ordering;

use super::health::ShardState;
use super::metrics::{Histogram, BUCKETS, REGISTRY};

pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// What is read when `/metrics` is scraped (`None`: the database did not answer).
pub struct Scraped {
    pub shards: Vec<ShardState>,
    pub database_up: bool,
    pub live_sessions: Option<Vec<(String, i64)>>,
    pub outbox_depth: Option<i64>,
    pub in_flight: usize,
    pub draining: bool,
}

fn head(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn histogram(out: &mut String, name: &str, label: &str, value: &str, h: &Histogram) {
    let mut cumulative = 0;
    for (bound, n) in BUCKETS.iter().zip(h.counts) {
        cumulative += n;
        let _ = writeln!(out, "{name}_bucket{{{label}=\"{value}\",le=\"{bound}\"}} {cumulative}");
    }
    let _ = writeln!(out, "{name}_bucket{{{label}=\"{value}\",le=\"+Inf\"}} {}", h.count);
    let _ = writeln!(out, "{name}_sum{{{label}=\"{value}\"}} {}", h.sum);
    let _ = writeln!(out, "{name}_count{{{label}=\"{value}\"}} {}", h.count);
}

pub fn render(s: &Scraped) -> String {
    let mut out = String::new();
    let r = &*REGISTRY;
    head(
        &mut out,
        "panelist_inputs_total",
        "counter",
        "Inputs by what the engine did with them.",
    );
    for (outcome, c) in [("applied", &r.applied), ("rejected", &r.rejected), ("duplicate", &r.duplicate)] {
        let _ = writeln!(out, "panelist_inputs_total{{outcome=\"{outcome}\"}} {}", c.load(Ordering::Relaxed));
    }
    head(
        &mut out,
        "panelist_events_refused_draining_total",
        "counter",
        "Events refused because shutdown had begun.",
    );
    let _ = writeln!(
        out,
        "panelist_events_refused_draining_total {}",
        r.refused_draining.load(Ordering::Relaxed)
    );
    head(
        &mut out,
        "panelist_rest_requests_total",
        "counter",
        "Discord REST calls made, by route.",
    );
    head(
        &mut out,
        "panelist_rest_errors_total",
        "counter",
        "Discord REST calls that failed, by route.",
    );
    if let Ok(m) = r.rest.lock() {
        for (route, (calls, errors)) in m.iter() {
            let _ = writeln!(out, "panelist_rest_requests_total{{route=\"{route}\"}} {calls}");
            let _ = writeln!(out, "panelist_rest_errors_total{{route=\"{route}\"}} {errors}");
        }
    }
    head(
        &mut out,
        "panelist_rest_request_seconds",
        "histogram",
        "Discord REST call time, by route.",
    );
    if let Ok(m) = r.rest_seconds.lock() {
        for (route, h) in m.iter() {
            histogram(&mut out, "panelist_rest_request_seconds", "route", route, h);
        }
    }
    head(
        &mut out,
        "panelist_input_handling_seconds",
        "histogram",
        "Time to handle one gateway event, by kind.",
    );
    if let Ok(m) = r.handling.lock() {
        for (kind, h) in m.iter() {
            histogram(&mut out, "panelist_input_handling_seconds", "kind", kind, h);
        }
    }
    scraped(&mut out, s);
    out
}

fn scraped(out: &mut String, s: &Scraped) {
    head(out, "panelist_shard_connected", "gauge", "1 when the gateway shard is connected.");
    for sh in &s.shards {
        let _ = writeln!(
            out,
            "panelist_shard_connected{{shard=\"{}\",stage=\"{}\"}} {}",
            sh.id,
            sh.stage,
            u8::from(sh.connected())
        );
    }
    head(out, "panelist_gateway_latency_seconds", "gauge", "Heartbeat round trip per shard.");
    for sh in &s.shards {
        if let Some(ms) = sh.latency_ms {
            let _ = writeln!(
                out,
                "panelist_gateway_latency_seconds{{shard=\"{}\"}} {}",
                sh.id,
                ms as f64 / 1000.0
            );
        }
    }
    head(out, "panelist_database_up", "gauge", "1 when the database answered this scrape.");
    let _ = writeln!(out, "panelist_database_up {}", u8::from(s.database_up));
    if let Some(live) = &s.live_sessions {
        head(
            out,
            "panelist_sessions",
            "gauge",
            "Live sessions in the database (all processes), by status.",
        );
        for (status, n) in live {
            let _ = writeln!(out, "panelist_sessions{{status=\"{status}\"}} {n}");
        }
    }
    if let Some(depth) = s.outbox_depth {
        head(
            out,
            "panelist_outbox_depth",
            "gauge",
            "Messages waiting in the outbox (all processes).",
        );
        let _ = writeln!(out, "panelist_outbox_depth {depth}");
    }
    head(
        out,
        "panelist_handlers_in_flight",
        "gauge",
        "Event handlers running in this process.",
    );
    let _ = writeln!(out, "panelist_handlers_in_flight {}", s.in_flight);
    head(out, "panelist_draining", "gauge", "1 once shutdown has begun.");
    let _ = writeln!(out, "panelist_draining {}", u8::from(s.draining));
}
