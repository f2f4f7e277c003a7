//! Turning effects into terminal text. Colour only when stdout is a terminal.

use std::fmt::Write;

use crate::interview::summary::{Summary, Totals};
use crate::interview::{Ask, Effect, Feedback};

pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn good(&self, s: &str) -> String {
        self.paint("32", s)
    }
    fn bad(&self, s: &str) -> String {
        self.paint("31", s)
    }
    pub fn error(&self, s: &str) -> String {
        self.paint("33", &format!("! {s}"))
    }
}

pub const HELP: &str = "Type your answer over as many lines as you like, then /submit on a line of its own.
Commands: /submit  /hint  /skip  /repeat  /pause  /resume  /end  /quit (leave; resume later)  /help
A line of your answer that starts with / : write it with // (//usr/bin becomes /usr/bin).";

pub fn effect(st: &Style, fx: &Effect) -> String {
    match fx {
        Effect::Started {
            role,
            areas,
            questions,
            time_limit_secs,
        } => {
            let limit = time_limit_secs.map_or(String::new(), |s| format!(" {} minutes per question.", s / 60));
            format!(
                "{}\n{questions} questions across {}.{limit}\n{}\n",
                st.bold(&format!("{role} mock interview")),
                areas.join(", "),
                st.dim(HELP)
            )
        }
        Effect::Ask(a) => ask(st, a),
        Effect::DraftSaved { .. } => String::new(),
        Effect::Hint { text, number, of } => format!("{} {text}\n", st.bold(&format!("Hint {number} of {of}:"))),
        Effect::Submitted { chars, over_time, .. } => {
            let late = if *over_time { " (after the time limit)" } else { "" };
            st.dim(&format!("Answer saved ({chars} characters){late}.\n"))
        }
        Effect::TimeUp { .. } => st.bad("Time is up for this question.\n"),
        Effect::Rubric {
            checklist, area_rubric, ..
        } => rubric(st, checklist, area_rubric),
        Effect::AskRating { ticked, of, .. } => {
            format!("{ticked} of {of} ticked. Rate the answer 1-4 (1 strong no hire, 2 lean no hire, 3 lean hire, 4 strong hire):\n")
        }
        Effect::Feedback(f) => feedback(st, f),
        Effect::Skipped { timed_out: true, .. } => "No answer before the time limit: question skipped.\n".into(),
        Effect::Skipped { .. } => "Skipped.\n".into(),
        Effect::Paused { idle } => {
            let why = if *idle { "Paused after inactivity." } else { "Paused." };
            format!("{why} Your draft is kept. Type /resume (or keep answering) to continue.\n")
        }
        Effect::Resumed => st.dim("Resumed.\n"),
        Effect::Finished(s) => summary(st, s),
        Effect::Abandoned => "This interview was abandoned after a long pause; its answers are kept.\n".into(),
        // Peer review happens in Discord only; the terminal never runs a peer session.
        Effect::Lobby { .. }
        | Effect::ReviewerJoined { .. }
        | Effect::ReviewerLeft { .. }
        | Effect::ScoringOpened { .. }
        | Effect::PeerDraft { .. }
        | Effect::NoteSaved { .. }
        | Effect::ScoreSaved { .. }
        | Effect::ScoreNotice { .. }
        | Effect::Aggregate(_)
        | Effect::Report(_) => String::new(),
    }
}

fn ask(st: &Style, a: &Ask) -> String {
    let mut head = format!("Question {} of {} · {}", a.item + 1, a.total, a.area);
    if a.is_follow_up() {
        head = format!("Follow-up {} of {} · {head}", a.part, a.parts - 1);
    }
    let mut out = format!("\n{}\n{}\n", st.bold(&head), a.text);
    let mut meta = format!("{} · difficulty {}/3 · about {} min", a.kind.as_str(), a.difficulty, a.minutes);
    if let Some(l) = a.time_limit_secs {
        let _ = write!(meta, " · time limit {} min", l / 60);
    }
    let _ = writeln!(out, "{}", st.dim(&format!("({meta})")));
    if a.draft_chars > 0 {
        let _ = writeln!(
            out,
            "{}",
            st.dim(&format!(
                "Your draft so far ({} characters) is kept; /submit when done.",
                a.draft_chars
            ))
        );
    }
    out
}

fn rubric(st: &Style, checklist: &[String], area_rubric: &[String]) -> String {
    let mut out = format!("{}\n", st.bold("Score your answer. Which of these did it do?"));
    for (i, c) in checklist.iter().enumerate() {
        let _ = writeln!(out, "  {}. {c}", i + 1);
    }
    if !area_rubric.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            st.dim(&format!("Also weigh, for this area: {}.", area_rubric.join("; ")))
        );
    }
    out.push_str("Type the numbers (for example: 1 3 4), or an empty line for none:\n");
    out
}

fn feedback(st: &Style, f: &Feedback) -> String {
    let c = &f.coverage;
    let mut out = format!("Talking points your answer covered: {} of {}\n", c.covered(), c.points.len());
    if c.off_topic {
        out.push_str("  Your answer did not get to this question's topic, so no talking point counted.\n");
    }
    for p in &c.points {
        let hint = if p.hinted { " (a hint gave this)" } else { "" };
        let line = match &p.evidence {
            Some(e) => st.good(&format!("  + {}{hint}: \"{}\"", p.point, e.replace('\n', " "))),
            None => st.bad(&format!("  - {}{hint}", p.point)),
        };
        let _ = writeln!(out, "{line}");
    }
    for m in &c.misconceptions {
        let _ = writeln!(
            out,
            "  ! Check this: {} (you wrote \"{}\")",
            m.correction,
            m.evidence.replace('\n', " ")
        );
    }
    match f.rating {
        Some(r) => {
            let _ = writeln!(
                out,
                "Your self-score: {}/4 ({}), checklist {} of {}.",
                r.get(),
                r.label(),
                f.ticks.len(),
                f.checklist.len()
            );
        }
        None => out.push_str("Self-score skipped.\n"),
    }
    let _ = writeln!(out, "{}", st.bold("Model answer outline:"));
    for l in f.outline.trim().lines() {
        let _ = writeln!(out, "  {l}");
    }
    out
}

fn totals_line(t: &Totals) -> String {
    t.parts().join(", ")
}

fn summary(st: &Style, s: &Summary) -> String {
    let mut out = format!("\n{}\n", st.bold(&format!("Summary · {}", s.role)));
    for a in &s.areas {
        let _ = writeln!(out, "  {}: {}", a.name, totals_line(&a.totals));
    }
    let _ = writeln!(out, "  {}: {}", st.bold("Overall"), totals_line(&s.overall));
    out
}
