//! How peer-review effects look in Discord: the lobby, the "Score this answer" message with its
//! progress, the private rubric a reviewer fills in, aggregates and the final report.

use super::card::{clip, Card, BLUE, GREEN, GREY};
use crate::interview::aggregate::{Aggregate, Report, ReportRow};
use crate::interview::state::band;
use crate::interview::{ActorId, Effect, Session};

/// `<@id>` for an actor id `discord:<id>`.
pub fn mention(actor: &ActorId) -> String {
    format!("<@{}>", actor.discord_user().map_or_else(|| actor.to_string(), |u| u.to_string()))
}

pub fn lobby_card(s: &Session, host: &ActorId) -> Card {
    let reviewers: Vec<String> = s.peer.iter().flat_map(|p| p.active()).map(|r| mention(&r.actor)).collect();
    let list = if reviewers.is_empty() {
        "none yet".to_string()
    } else {
        reviewers.join(", ")
    };
    Card {
        title: "Peer review lobby".into(),
        body: format!(
            "Candidate: {} · Host: {}\nReviewers: {list}\n\nTeammates: press **Join as reviewer**. You will score each answer privately against its rubric; nobody sees another reviewer's score before submitting their own. The host presses **Start interview** once at least one reviewer has joined.",
            mention(&s.candidate),
            mention(host)
        ),
        footer: None,
        colour: BLUE,
    }
}

/// The public message of an answer's scoring round, as it opens (`of` reviewers awaited). It is
/// not edited per score (a rate-limited call each): each reviewer's private confirmation says
/// how many have scored, and the message is edited once, when scoring closes
/// ([`closed_text`]).
pub fn scoring_card(s: &Session, item: usize, of: usize, closes_at: i64) -> Card {
    Card {
        title: scoring_title(s, item),
        body: format!(
            "Reviewers: press **Score this answer** to score it privately.\n**Awaiting {of} reviewer(s).** Scoring closes <t:{}:R>, when every reviewer has scored, or when the host presses **Close scoring**.",
            closes_at / 1000
        ),
        footer: None,
        colour: BLUE,
    }
}

pub fn scoring_title(s: &Session, item: usize) -> String {
    format!("Score this answer · question {} of {}", item + 1, s.plan.items.len())
}

/// The scoring message once its round closed with `scored` scores.
pub fn closed_text(scored: usize) -> String {
    format!("Scoring closed: {scored} reviewer(s) scored. The aggregate is below.")
}

/// The card of a reviewer's private rubric (its rows: `components::reviewer_rubric_rows`).
pub fn reviewer_rubric_card(item: usize, checklist: &[String]) -> Card {
    let items: Vec<String> = checklist.iter().enumerate().map(|(i, c)| format!("{}. {c}", i + 1)).collect();
    Card {
        title: format!("Your private score · question {}", item + 1),
        body: format!(
            "Tick what the answer did, optionally add a note, then pick a rating to submit. Only the aggregate is shown to others.\n\n{}",
            items.join("\n")
        ),
        footer: Some("A new submission before scoring closes replaces your earlier one.".into()),
        colour: GREY,
    }
}

pub fn line(fx: &Effect) -> String {
    match fx {
        Effect::ReviewerJoined { reviewer, reviewers } => format!("{} joined as a reviewer ({reviewers} in all).", mention(reviewer)),
        Effect::ReviewerLeft {
            reviewer,
            removed: true,
            reviewers,
        } => {
            format!(
                "{} was removed as a reviewer; their scores so far stay ({reviewers} reviewers left).",
                mention(reviewer)
            )
        }
        Effect::ReviewerLeft { reviewer, reviewers, .. } => format!(
            "{} stopped reviewing; their scores so far stay ({reviewers} reviewers left).",
            mention(reviewer)
        ),
        Effect::PeerDraft { ticked, of, .. } => format!("Ticked {ticked} of {of}. Pick a rating to submit."),
        Effect::NoteSaved { .. } => "Note saved. Pick a rating in your private rubric to submit your score.".into(),
        // The only place progress shows before scoring closes (the public message is not
        // edited per score).
        Effect::ScoreSaved {
            item,
            replaced: true,
            scored,
            of,
            ..
        } => format!(
            "Your new score for question {} replaced your earlier one. {scored} of {of} reviewers scored.",
            item + 1
        ),
        Effect::ScoreSaved { item, scored, of, .. } => {
            format!(
                "Your score for question {} is in: {scored} of {of} reviewers scored. Thank you!",
                item + 1
            )
        }
        _ => String::new(),
    }
}

fn rating_text(r: f64) -> String {
    format!("{r:.1} ({})", band(r))
}

pub fn aggregate_card(a: &Aggregate) -> Card {
    let mut body = Vec::new();
    if a.reviewers == 0 {
        body.push("No reviewer scored this answer.".to_string());
    } else {
        body.push(format!(
            "**Peer median:** {} from {} reviewer(s), spread {}",
            a.median.map_or("-".into(), rating_text),
            a.reviewers,
            a.spread.unwrap_or(0)
        ));
        if a.disagreement {
            body.push("⚠️ Ratings differ by 2 or more: worth talking through.".into());
        }
        for (n, item) in a.ticks.iter().zip(&a.checklist) {
            body.push(format!("`{n}/{}` {item}", a.reviewers));
        }
    }
    if let Some(r) = a.self_rating {
        body.push(format!("**Self-score:** {}/4 ({})", r.get(), r.label()));
    }
    if let Some(c) = &a.coverage {
        body.push(format!("**Talking points covered:** {} of {}", c.covered(), c.points.len()));
    }
    for n in &a.notes {
        body.push(format!("> {}", clip(n, 1000).replace('\n', " ")));
    }
    Card {
        title: format!("Peer scores · question {}", a.item + 1),
        body: body.join("\n"),
        footer: None,
        colour: GREEN,
    }
}

fn report_line(r: &ReportRow) -> String {
    let peer = r.peer_median.map_or("no peer scores".into(), |m| {
        format!("peers {} ({} scores)", rating_text(m), r.peer_scores)
    });
    let me = r.self_mean.map_or("self -".into(), |m| format!("self {m:.1}"));
    let cov = r.coverage.map_or("-".into(), |c| format!("{:.0}%", c * 100.0));
    let mut s = format!("**{}**: {peer} · {me} · talking points {cov} · answered {}", r.name, r.answered);
    if let (Some(best), Some(worst)) = (&r.strongest, &r.weakest) {
        s.push_str(&format!("\n  strongest: {} · weakest: {}", clip(best, 80), clip(worst, 80)));
    }
    s
}

pub fn report_card(r: &Report) -> Card {
    let mut lines: Vec<String> = r.areas.iter().map(report_line).collect();
    lines.push(report_line(&r.overall));
    Card {
        title: format!("Peer review report · {}", r.role),
        body: lines.join("\n"),
        footer: None,
        colour: GREEN,
    }
}
