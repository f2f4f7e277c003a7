//! Progress across a candidate's sessions: history pages, transcripts on demand, the
//! spaced-repetition cards (replayed from every stored answer and score, then persisted) and
//! drills of the questions due, and opt-in reminders. What a place may show is decided here: a server sees its own
//! sessions, a DM sees the user's sessions everywhere (DM sessions are shown only in DMs), the
//! terminal sees the terminal's.

use std::collections::HashMap;
use std::sync::Arc;

use super::{already_live, Applied, Engine};
use crate::bank::Pack;
use crate::interview::{self, address, ActorId, Millis, Mode, Plan, PlanItem, Rejection, Scope, Settings};
use crate::progress::history::{self, Page};
use crate::progress::reviews::{reviews, Review};
use crate::progress::schedule::{self, Card};
use crate::progress::stats::{self, Stats};
use crate::progress::{chart, remind, SessionRow};
use crate::store::{NewRow, ReminderRow, Stored};

/// The most questions a drill asks.
pub const DRILL_SIZE: usize = 5;

/// A drill to start: who, where it lives, and in which role.
pub struct DrillRequest {
    pub scope: Scope,
    pub mode: Mode,
    pub candidate: ActorId,
    pub role: String,
    pub channel: Option<u64>,
    /// Idempotency key of the start.
    pub key: String,
    pub size: usize,
}

/// Why no drill started.
#[derive(Debug)]
pub enum NoDrill {
    Refused(Rejection),
    /// Nothing is due and every question of the weakest area was seen.
    NothingDue,
}

/// A session shown as a transcript.
#[derive(Debug, Clone)]
pub struct TranscriptFile {
    pub session: String,
    pub markdown: String,
}

/// Whether a session stored in `stored` may be shown in `here`.
pub fn visible(stored: Scope, here: Scope) -> bool {
    match here {
        Scope::Server(g) => stored == Scope::Server(g),
        Scope::Dm => matches!(stored, Scope::Dm | Scope::Server(_)),
        Scope::Terminal => stored == Scope::Terminal,
    }
}

impl Engine {
    /// The candidate's sessions that may be shown in `here`, oldest first.
    pub async fn progress_rows(&self, candidate: &ActorId, here: Scope) -> anyhow::Result<Vec<SessionRow>> {
        let rows = self.store.session_rows(candidate).await?;
        Ok(rows.into_iter().filter(|r| visible(r.scope, here)).collect())
    }

    /// Page `page` (from 0) of the candidate's history as seen from `here`.
    pub async fn history_page(&self, candidate: &ActorId, here: Scope, page: usize, per_page: usize) -> anyhow::Result<Page> {
        let rows = self.progress_rows(candidate, here).await?;
        Ok(history::page(history::lines(&rows), page, per_page))
    }

    /// Role names (by role id) and area names (by `role/area`) of the packs `here` can see.
    pub async fn names<'a>(&self, here: Scope, roles: impl Iterator<Item = &'a str>) -> HashMap<String, String> {
        let mut out = HashMap::new();
        for role in roles {
            if out.contains_key(role) {
                continue;
            }
            if let Ok(Ok(pack)) = self.pack_in(here, role, false).await {
                out.insert(role.to_string(), pack.role.name.clone());
                for a in &pack.areas {
                    out.insert(format!("{role}/{}", a.id), a.name.clone());
                }
            }
        }
        out
    }

    /// Replays every review of the candidate's into cards and stores them; returns them.
    pub async fn refresh_cards(&self, candidate: &ActorId, now: Millis) -> anyhow::Result<Vec<Card>> {
        let rows = self.store.session_rows(candidate).await?;
        let cards = schedule::replay(&reviews(&rows));
        self.store.save_cards(candidate, &cards, now).await?;
        Ok(cards)
    }

    /// The candidate's stored cards (as of their last refresh).
    pub async fn cards(&self, candidate: &ActorId) -> anyhow::Result<Vec<Card>> {
        self.store.cards(candidate).await
    }

    /// How many questions are due for the candidate at `now` (cards refreshed first).
    pub async fn due_count(&self, candidate: &ActorId, now: Millis) -> anyhow::Result<usize> {
        let cards = self.refresh_cards(candidate, now).await?;
        Ok(schedule::due(&cards, None, now).len())
    }

    /// The questions a drill of `role` would ask the candidate at `now`.
    pub async fn drill_questions(&self, candidate: &ActorId, pack: &Pack, now: Millis, size: usize) -> anyhow::Result<Vec<String>> {
        let rows = self.store.session_rows(candidate).await?;
        let all: Vec<Review> = reviews(&rows);
        let cards = schedule::replay(&all);
        self.store.save_cards(candidate, &cards, now).await?;
        Ok(schedule::drill_plan(pack, &cards, &all, now, size))
    }

    /// Starts a drill: the candidate's due questions of the role, then new ones of their weakest
    /// area, main answers only. Refused like any start when they have a live session here.
    pub async fn start_drill(&self, req: DrillRequest, now: Millis) -> anyhow::Result<Result<Applied, NoDrill>> {
        let pack: Arc<Pack> = match self.pack_in(req.scope, &req.role, true).await? {
            Ok(p) => p,
            Err(r) => return Ok(Err(NoDrill::Refused(r))),
        };
        if let Some(live) = self.live(req.scope, &req.candidate).await? {
            return Ok(Err(NoDrill::Refused(already_live(&live))));
        }
        let questions = self.drill_questions(&req.candidate, &pack, now, req.size).await?;
        if questions.is_empty() {
            return Ok(Err(NoDrill::NothingDue));
        }
        let items = questions
            .iter()
            .filter_map(|q| pack.question(q))
            .map(|q| PlanItem {
                question: q.id.clone(),
                area: q.area.clone(),
                follow_ups: Vec::new(),
            })
            .collect();
        let plan = Plan {
            role: pack.role.id.clone(),
            items,
        };
        let id = uuid::Uuid::new_v4().simple().to_string();
        let settings: Settings = self.settings.clone();
        let (session, effects) = match interview::start_with(id, &req.candidate, &pack, plan, settings, now) {
            Ok(x) => x,
            Err(r) => return Ok(Err(NoDrill::Refused(r))),
        };
        let start_input = serde_json::json!({ "drill": questions }).to_string();
        let row = NewRow {
            scope: req.scope,
            mode: req.mode,
            channel: req.channel,
            key: &req.key,
            start_input: &start_input,
        };
        if !self.store.insert_session(&session, &row, now).await? {
            return Ok(Err(NoDrill::Refused(match self.live(req.scope, &req.candidate).await? {
                Some(live) => already_live(&live),
                None => Rejection::AlreadyLive { channel: None },
            })));
        }
        let effects = address(&session, effects);
        let stored = Stored {
            session,
            scope: req.scope,
            mode: req.mode,
            channel: req.channel,
        };
        Ok(Ok(Applied { stored, pack, effects }))
    }

    /// A transcript of one of the candidate's sessions visible in `here`: the one whose id starts
    /// with `wanted` (at least 4 characters, and only one may match), or the newest. `Ok(Err)`
    /// is what to tell the user.
    pub async fn transcript_of(
        &self,
        candidate: &ActorId,
        here: Scope,
        wanted: Option<&str>,
    ) -> anyhow::Result<Result<TranscriptFile, String>> {
        let rows = self.progress_rows(candidate, here).await?;
        let own: Vec<&SessionRow> = rows.iter().filter(|r| r.shared_from.is_none()).collect();
        let row = match wanted.map(str::trim).filter(|w| !w.is_empty()) {
            None => match own.iter().rev().find(|r| r.session.items.iter().any(|i| !i.answers.is_empty())) {
                Some(r) => *r,
                None => return Ok(Err("You have no interview with answers here yet.".into())),
            },
            Some(w) if w.len() < 4 => {
                return Ok(Err(
                    "Give at least the first 4 characters of the session id (see the history).".into()
                ))
            }
            Some(w) => {
                let found: Vec<&&SessionRow> = own.iter().filter(|r| r.id.starts_with(w)).collect();
                match found.as_slice() {
                    [one] => **one,
                    [] => return Ok(Err(format!("No session of yours here starts with `{w}`."))),
                    _ => return Ok(Err(format!("More than one session starts with `{w}`: give more of the id."))),
                }
            }
        };
        let stored = Stored {
            session: row.session.clone(),
            scope: row.scope,
            mode: row.mode,
            channel: None,
        };
        let pack = match self.pack_in(stored.scope, &row.role, false).await? {
            Ok(p) => p,
            Err(_) => {
                return Ok(Err(
                    "That session's question pack is no longer available, so its transcript can't be written.".into(),
                ))
            }
        };
        let mut markdown = interview::transcript::transcript(&row.session, &pack);
        markdown.push_str(&peer_section(&reviews(&rows), &row.id, &pack));
        Ok(Ok(TranscriptFile {
            session: row.id.clone(),
            markdown,
        }))
    }
}

/// The peers' ratings per question, when there were any (a live review, or a shared one).
fn peer_section(all: &[Review], session: &str, pack: &Pack) -> String {
    let rated: Vec<&Review> = all.iter().filter(|r| r.session == session && !r.peer_ratings.is_empty()).collect();
    if rated.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n## Peer scores\n\n| Question | Ratings | Median |\n|---|---|---|\n");
    for r in rated {
        let prompt = pack.question(&r.question).map_or(r.question.as_str(), |q| q.prompt.as_str());
        let short: String = prompt.chars().take(60).collect();
        let ratings: Vec<String> = r.peer_ratings.iter().map(u8::to_string).collect();
        let median = r.peer_median().map_or("-".into(), |m| format!("{m:.1}"));
        out.push_str(&format!("| {}. {short} | {} | {median} |\n", r.item + 1, ratings.join(", ")));
    }
    out
}

/// A reminder that fell due: whom to DM and how many questions are due for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    pub user: ActorId,
    pub due: usize,
}

impl Engine {
    /// Turns on (or changes) `user`'s reminder; `Ok(Err)` says what was wrong with the input
    /// (nothing is stored then). `Ok(Ok)` confirms, with the first reminder's time.
    pub async fn set_reminder(
        &self,
        user: &ActorId,
        time: &str,
        zone: &str,
        days: Option<&str>,
        now: Millis,
    ) -> anyhow::Result<Result<(String, Millis), String>> {
        let spec = match remind::parse(time, zone, days) {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        let row = ReminderRow {
            user: user.clone(),
            local_time: spec.time.format("%H:%M").to_string(),
            timezone: spec.zone.name().to_string(),
            days: remind::days_text(&spec.days),
            next_at: remind::next_after(&spec, now),
        };
        self.store.set_reminder(&row, now).await?;
        Ok(Ok((format!("{} {} ({})", row.local_time, row.timezone, row.days), row.next_at)))
    }

    /// Turns `user`'s reminder off; whether one was on.
    pub async fn reminder_off(&self, user: &ActorId) -> anyhow::Result<bool> {
        self.store.remove_reminder(user).await
    }

    pub async fn reminder(&self, user: &ActorId) -> anyhow::Result<Option<ReminderRow>> {
        self.store.reminder(user).await
    }

    /// Claims every reminder due at `now` (each is claimed by one process only, and moved on to
    /// its next time in the same statement) and counts each user's due questions.
    pub async fn due_reminders(&self, now: Millis) -> anyhow::Result<Vec<DueReminder>> {
        let next = |r: &ReminderRow| match remind::parse(&r.local_time, &r.timezone, Some(&r.days)) {
            Ok(spec) => remind::next_after(&spec, now),
            // A stored zone this build no longer knows: try again in a day rather than loop.
            Err(_) => now + crate::progress::DAY_MS,
        };
        let mut out = Vec::new();
        for r in self.store.claim_due_reminders(now, 100, next).await? {
            let due = self.due_count(&r.user, now).await?;
            out.push(DueReminder { user: r.user, due });
        }
        Ok(out)
    }
}

/// `/interview stats` and `panelist stats`: the figures, their summary and the chart.
#[derive(Debug, Clone)]
pub struct StatsReport {
    pub role: String,
    pub stats: Stats,
    pub summary: Vec<String>,
    pub png: Vec<u8>,
}

impl Engine {
    /// The stats of the candidate's answers in `role` (default: the role they answered most)
    /// among the sessions `here` may show.
    pub async fn stats_report(&self, candidate: &ActorId, here: Scope, role: Option<&str>) -> anyhow::Result<StatsReport> {
        let rows = self.progress_rows(candidate, here).await?;
        let all = reviews(&rows);
        let role = match role {
            Some(r) => r.to_string(),
            None => most_answered(&all).unwrap_or_else(|| self.default_role()),
        };
        let of_role: Vec<Review> = all.into_iter().filter(|r| r.role == role).collect();
        let pack = self.pack_in(here, &role, false).await?.ok();
        let order: Vec<String> = pack
            .as_ref()
            .map_or_else(Vec::new, |p| p.areas.iter().map(|a| a.id.clone()).collect());
        let stats = stats::stats(&of_role, &order);
        let name = |id: &str| {
            pack.as_ref()
                .and_then(|p| p.area(id))
                .map_or_else(|| id.to_string(), |a| a.name.clone())
        };
        let role_name = pack.as_ref().map_or(role.clone(), |p| p.role.name.clone());
        let title = format!("{role_name}: progress over {} answers", stats.answered);
        let png = chart::render(&stats, &title, &name);
        Ok(StatsReport {
            summary: stats::summary_lines(&stats, &name),
            role: role_name,
            stats,
            png,
        })
    }
}

fn most_answered(all: &[Review]) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for r in all {
        match counts.iter_mut().find(|(role, _)| *role == r.role) {
            Some(c) => c.1 += 1,
            None => counts.push((&r.role, 1)),
        }
    }
    counts.into_iter().max_by_key(|c| c.1).map(|c| c.0.to_string())
}
