//! Effects -> Discord messages: the cards of an interview (questions, hints, rubric, feedback,
//! summary), with peer-review cards from `review_render` and components from `components`.

use poise::serenity_prelude as serenity;
use serenity::CreateAttachment;

use super::card::{clip, Card, Reply, BLUE, GREEN, GREY, MAX_EMBED_CHARS};
use super::components::{ask_components, lobby_components, rubric_components, scoring_components};
use super::review_render::{aggregate_card, line, lobby_card, report_card, scoring_card};
use crate::bank::Pack;
use crate::interview::summary::{Summary, Totals};
use crate::interview::transcript::transcript;
use crate::interview::{Ask, Effect, Feedback, Session};

const MAX_ECHO: usize = 1500;

/// Renders the effects of one accepted input. `echo` is answer text to show (form answers are
/// not otherwise visible in the channel).
pub fn render(session: &Session, pack: &Pack, effects: &[Effect], echo: Option<&str>) -> Vec<Reply> {
    let mut out = vec![Reply::default()];
    let mut lines: Vec<String> = Vec::new();
    for fx in effects {
        let card = match fx {
            Effect::Started {
                role,
                areas,
                questions,
                time_limit_secs,
            } => Some(started(role, areas, *questions, *time_limit_secs)),
            Effect::Ask(a) => {
                let card = ask_card(a);
                push(&mut out, card);
                out.last_mut().unwrap().components = ask_components(&session.id, a);
                continue;
            }
            Effect::Rubric {
                item,
                checklist,
                area_rubric,
                ..
            } => {
                push(&mut out, rubric_card(checklist, area_rubric));
                out.last_mut().unwrap().components = rubric_components(&session.id, *item, checklist);
                continue;
            }
            Effect::DraftSaved { .. } => None,
            Effect::Hint { text, number, of } => Some(Card {
                title: format!("Hint {number} of {of}"),
                body: text.clone(),
                footer: None,
                colour: GREY,
            }),
            Effect::Submitted {
                chars,
                messages,
                over_time,
                ..
            } => {
                let late = if *over_time { " (after the time limit)" } else { "" };
                match echo {
                    Some(text) => Some(Card {
                        title: format!("Answer saved{late}"),
                        body: clip(text, MAX_ECHO),
                        footer: Some(format!("{chars} characters")),
                        colour: GREY,
                    }),
                    None => {
                        // The one confirmation of typed parts: no call per message.
                        let from = match messages {
                            0 => String::new(),
                            1 => "1 message, ".into(),
                            n => format!("{n} messages, "),
                        };
                        lines.push(format!("Answer saved ({from}{chars} characters){late}."));
                        None
                    }
                }
            }
            Effect::TimeUp { .. } => {
                lines.push("⏰ Time is up for this question.".into());
                None
            }
            Effect::AskRating { ticked, of, .. } => {
                lines.push(format!("Ticked {ticked} of {of}. Now rate the answer 1-4."));
                None
            }
            Effect::Feedback(f) => Some(feedback_card(f)),
            Effect::Skipped { timed_out, .. } => {
                lines.push(
                    if *timed_out {
                        "No answer before the time limit: question skipped."
                    } else {
                        "Skipped."
                    }
                    .into(),
                );
                None
            }
            Effect::Paused { idle } => {
                let why = if *idle { "Paused after inactivity." } else { "Paused." };
                lines.push(format!(
                    "⏸️ {why} Your draft is kept. Use `/interview resume` (or just keep answering) to continue."
                ));
                None
            }
            Effect::Resumed => {
                lines.push("▶️ Resumed.".into());
                None
            }
            Effect::Finished(sum) => {
                push(&mut out, summary_card(sum));
                let md = transcript(session, pack);
                out.last_mut()
                    .unwrap()
                    .files
                    .push(CreateAttachment::bytes(md.into_bytes(), "transcript.md"));
                continue;
            }
            Effect::Abandoned => {
                lines.push("This interview was abandoned after a long pause. Its answers are kept: see `/interview history`.".into());
                None
            }
            Effect::Lobby { host } => {
                push(&mut out, lobby_card(session, host));
                out.last_mut().unwrap().components = lobby_components(&session.id);
                continue;
            }
            Effect::ScoringOpened {
                item,
                reviewers,
                closes_at,
            } => {
                push(&mut out, scoring_card(session, *item, *reviewers, *closes_at));
                out.last_mut().unwrap().components = scoring_components(&session.id, *item);
                continue;
            }
            Effect::Aggregate(a) => Some(aggregate_card(a)),
            Effect::Report(r) => Some(report_card(r)),
            Effect::ReviewerJoined { .. }
            | Effect::ReviewerLeft { .. }
            | Effect::PeerDraft { .. }
            | Effect::NoteSaved { .. }
            | Effect::ScoreSaved { .. } => {
                lines.push(line(fx));
                None
            }
            // Sent by DM as a plain line (see `deliver`).
            Effect::ScoreNotice { .. } => None,
        };
        if let Some(c) = card {
            push(&mut out, c);
        }
    }
    if !lines.is_empty() {
        out[0].content = Some(clip(&lines.join("\n"), 2000));
    }
    out.retain(|r| r.content.is_some() || !r.embeds.is_empty());
    out
}

/// Adds a card, starting a new message when this one would pass Discord's embed limits.
fn push(out: &mut Vec<Reply>, card: Card) {
    let n = card.chars();
    let last = out.last().unwrap();
    if last.embeds.len() >= 10 || last.embed_chars + n > MAX_EMBED_CHARS || !last.components.is_empty() || !last.files.is_empty() {
        out.push(Reply::default());
    }
    let last = out.last_mut().unwrap();
    last.embed_chars += n;
    last.embeds.push(card.embed());
}

fn started(role: &str, areas: &[String], questions: usize, limit: Option<u32>) -> Card {
    let limit = limit.map_or(String::new(), |s| format!("\n⏱️ {} minutes per question.", s / 60));
    Card {
        title: format!("{role} mock interview"),
        body: format!(
            "{questions} questions across {}.{limit}\n\nType your answer as one or more messages, then press **Submit answer**; or use **Answer in a form**. **Hint**, **Skip** and **End** are on every question. Follow-up questions come after your main answer.",
            areas.join(", ")
        ),
        footer: None,
        colour: BLUE,
    }
}

fn ask_card(a: &Ask) -> Card {
    let mut title = format!("Question {} of {} · {}", a.item + 1, a.total, a.area);
    if a.is_follow_up() {
        title = format!("Follow-up {} of {} · {title}", a.part, a.parts - 1);
    }
    let mut footer = format!("{} · difficulty {}/3 · about {} min", a.kind.as_str(), a.difficulty, a.minutes);
    if let Some(l) = a.time_limit_secs {
        footer.push_str(&format!(" · time limit {} min", l / 60));
    }
    if a.draft_chars > 0 {
        footer.push_str(&format!(" · your draft so far: {} characters", a.draft_chars));
    }
    Card {
        title,
        body: a.text.clone(),
        footer: Some(footer),
        colour: BLUE,
    }
}

fn rubric_card(checklist: &[String], area_rubric: &[String]) -> Card {
    let items: Vec<String> = checklist.iter().enumerate().map(|(i, c)| format!("{}. {c}", i + 1)).collect();
    let general = if area_rubric.is_empty() {
        String::new()
    } else {
        format!("\n\n**Also weigh, for this area:** {}", area_rubric.join("; "))
    };
    Card {
        title: "Score your answer".into(),
        body: format!(
            "Which of these did your answer do? Tick them in the menu, then rate it.\n\n{}{general}",
            items.join("\n")
        ),
        footer: Some("1 strong no hire · 2 lean no hire · 3 lean hire · 4 strong hire".into()),
        colour: BLUE,
    }
}

/// Escapes Discord markdown in text the candidate wrote, so a quote shows as typed.
fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '*' | '_' | '~' | '`' | '|' | '>' | '\\' | '#' | '[' | ']') {
            out.push('\\');
        }
        out.push(if ch == '\n' { ' ' } else { ch });
    }
    out
}

fn feedback_card(f: &Feedback) -> Card {
    let c = &f.coverage;
    let mut body: Vec<String> = Vec::new();
    if c.off_topic {
        body.push("Your answer did not get to this question's topic, so no talking point counted.".into());
    }
    body.extend(c.points.iter().map(|p| {
        let hint = if p.hinted { " *(a hint gave this)*" } else { "" };
        match &p.evidence {
            Some(e) => format!("✅ {}{hint} — “{}”", p.point, escape_md(e)),
            None => format!("▫️ {}{hint}", p.point),
        }
    }));
    for m in &c.misconceptions {
        body.push(format!(
            "⚠️ **Check this:** {} (you wrote “{}”)",
            m.correction,
            escape_md(&m.evidence)
        ));
    }
    body.push(String::new());
    body.push(match f.rating {
        Some(r) => format!(
            "**Your self-score:** {}/4 ({}), checklist {} of {}.",
            r.get(),
            r.label(),
            f.ticks.len(),
            f.checklist.len()
        ),
        None => "Self-score skipped.".into(),
    });
    // The outline gets what the description (4,096) leaves, so its spoiler is never cut open.
    let used: usize = body.iter().map(|l| l.chars().count() + 1).sum();
    let room = 4096usize.saturating_sub(used + 60).min(3000);
    body.push(format!(
        "\n**Model answer outline** (tap to reveal)\n||{}||",
        clip(f.outline.trim(), room)
    ));
    Card {
        title: format!("Talking points covered: {} of {}", c.covered(), c.points.len()),
        body: body.join("\n"),
        footer: None,
        colour: GREEN,
    }
}

pub fn totals_line(t: &Totals) -> String {
    t.parts().join(" · ")
}

fn summary_card(s: &Summary) -> Card {
    let mut lines: Vec<String> = s
        .areas
        .iter()
        .map(|a| format!("**{}**: {}", a.name, totals_line(&a.totals)))
        .collect();
    lines.push(format!("\n**Overall**: {}", totals_line(&s.overall)));
    lines.push("\nThe full transcript is attached.".into());
    Card {
        title: format!("Summary · {}", s.role),
        body: lines.join("\n"),
        footer: None,
        colour: GREEN,
    }
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
