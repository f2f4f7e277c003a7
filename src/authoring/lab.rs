//! `panelist packs lab QUESTION_ID [FILE]`: how one answer reads against a question, clause by
//! clause: which points each clause made and with which words, the wrong claims it made, what
//! the hints would give, and which points nothing covered.

use std::fmt::Write;

use crate::bank::Question;
use crate::text::matcher::hit_spans;
use crate::text::Doc;

/// The lab report for `answer` to `q`, as plain text.
pub fn report(q: &Question, answer: &str, hints_used: usize) -> String {
    let (doc, reading) = q.matcher().read(answer, hints_used);
    let mut out = format!("{} ({} talking points)\n", q.id, q.talking_points.len());
    if reading.off_topic {
        let _ = writeln!(
            out,
            "OFF TOPIC: no `topic` pattern matched ({}), so no point counts.",
            q.topic.join(" ; ")
        );
    }
    let mut shown = vec![false; q.talking_points.len()];
    for (c, _) in doc.clauses.iter().enumerate() {
        let span = doc.clause_span(c);
        let mut lines = Vec::new();
        for (i, hit) in reading.points.iter().enumerate() {
            if let Some(h) = hit.as_ref().filter(|h| h.clause == c) {
                shown[i] = true;
                lines.push(format!("    + {}  [{}]", q.talking_points[i].point, quoted(answer, &doc, h)));
            }
        }
        for (m, h) in reading.misconceptions.iter().filter(|(_, h)| h.clause == c) {
            let claim = q.misconceptions.get(*m).map_or("?", |x| x.claim.as_str());
            lines.push(format!("    ! misconception: {claim}  [{}]", quoted(answer, &doc, h)));
        }
        let _ = writeln!(out, "{:>3}. {}", c + 1, answer[span].trim().replace('\n', " "));
        for l in lines {
            let _ = writeln!(out, "{l}");
        }
    }
    let _ = writeln!(out, "\nCovered {} of {}.", shown.iter().filter(|s| **s).count(), shown.len());
    for (i, tp) in q.talking_points.iter().enumerate() {
        if shown[i] {
            continue;
        }
        let why = if reading.contradicted[i] {
            "contradicted by a misconception"
        } else if reading.off_topic {
            "off topic"
        } else {
            "no pattern matched"
        };
        let _ = writeln!(out, "  - not covered: {} ({why})", tp.point);
    }
    for (i, tp) in q.talking_points.iter().enumerate().filter(|(i, _)| reading.hinted[*i]) {
        let _ = writeln!(out, "  ~ the hints used give: {} ({i})", tp.point);
    }
    out
}

fn quoted(answer: &str, doc: &Doc, h: &crate::text::pattern::Hit) -> String {
    hit_spans(doc, h)
        .into_iter()
        .map(|r| answer[r].to_string())
        .collect::<Vec<_>>()
        .join(" + ")
}
