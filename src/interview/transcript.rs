//! A Markdown transcript of a session: every question asked, the answers given, the self-score
//! and the talking-point coverage. Posted as a file when an interview ends.

use std::fmt::Write;

use super::state::Session;
use super::summary::summarize;
use crate::bank::Pack;

pub fn transcript(s: &Session, pack: &Pack) -> String {
    let mut out = format!("# {} mock interview\n\nSession `{}`\n\n", pack.role.name, s.id);
    for (i, (plan, rec)) in s.plan.items.iter().zip(&s.items).enumerate() {
        if !rec.asked {
            continue;
        }
        let Some(q) = pack.question(&plan.question) else {
            continue;
        };
        let area = pack.area(&q.area).map_or(q.area.as_str(), |a| a.name.as_str());
        let _ = writeln!(out, "## Question {} of {} · {area}\n\n{}\n", i + 1, s.plan.items.len(), q.prompt);
        for a in &rec.answers {
            if a.part > 0 {
                let text = plan
                    .follow_ups
                    .get(a.part - 1)
                    .and_then(|&f| q.follow_ups.get(f))
                    .map_or("(no longer in the pack)", String::as_str);
                let _ = writeln!(out, "**Follow-up:** {text}\n");
            }
            let late = if a.over_time { " (after the time limit)" } else { "" };
            let _ = writeln!(out, "**Answer{late}:**\n\n{}\n", quote(&a.text));
        }
        if rec.skipped {
            out.push_str("_Skipped._\n\n");
        }
        if let Some(c) = &rec.coverage {
            let _ = writeln!(out, "Talking points covered: {} of {}", c.covered(), c.points.len());
            for p in &c.points {
                let mark = if p.evidence.is_some() { "x" } else { " " };
                let hint = if p.hinted { " (a hint gave this)" } else { "" };
                let _ = writeln!(out, "- [{mark}] {}{hint}", p.point);
            }
            for m in &c.misconceptions {
                let _ = writeln!(out, "- Check this: {}", m.correction);
            }
            out.push('\n');
        }
        if let Some(score) = &rec.self_score {
            let _ = writeln!(out, "Self-score: {}/4 ({}); checklist:", score.rating.get(), score.rating.label());
            for (n, item) in q.checklist.iter().enumerate() {
                let mark = if score.ticks.contains(&(n as u8)) { "x" } else { " " };
                let _ = writeln!(out, "- [{mark}] {item}");
            }
            out.push('\n');
        }
    }
    let sum = summarize(s, pack);
    out.push_str("## Summary\n\n| Area | Answered | Self rating | Talking points |\n|---|---|---|---|\n");
    for a in sum
        .areas
        .iter()
        .map(|a| (a.name.as_str(), &a.totals))
        .chain([("Overall", &sum.overall)])
    {
        let (name, t) = a;
        let rating = t.mean_rating().map_or("-".into(), |r| format!("{r:.1}"));
        let cov = t.mean_coverage().map_or("-".into(), |c| format!("{:.0}%", c * 100.0));
        let _ = writeln!(out, "| {name} | {}/{} | {rating} | {cov} |", t.answered, t.asked);
    }
    out
}

fn quote(text: &str) -> String {
    text.lines().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n")
}
