//! How a session is laid out in the database: the snapshot (`sessions.state`: everything but
//! the per-item records, marked `"layout":2`), one `session_items` row per plan item (its record
//! without the answers), and the answers themselves in `answers`. [`Change`] is what one
//! accepted input writes: the snapshot, the items it changed and the rows it added, so the work
//! per input follows the input, not the length of the session ([`write_rows`] writes all but the
//! event and the snapshot). Snapshots of the older layout (the whole session as JSON, answer
//! texts included) still decode.

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::codec::status;
use crate::interview::coverage::Coverage;
use crate::interview::state::{Answer, ItemRecord, Peer, SelfScore};
use crate::interview::{ActorId, Millis, Plan, Session, Settings, Stage};

/// Every snapshot of this layout starts with this (the encoder writes `layout` first).
const LAYOUT_2: &str = "{\"layout\":2,";

/// The session without its items. Built by destructuring [`Session`], so a new field fails to
/// compile here instead of being left out of the snapshot.
#[derive(Serialize)]
struct Header<'a> {
    layout: u8,
    id: &'a str,
    candidate: &'a ActorId,
    plan: &'a Plan,
    settings: &'a Settings,
    stage: &'a Stage,
    items: [u8; 0],
    version: u64,
    created_at: Millis,
    last_activity: Millis,
    peer: &'a Option<Peer>,
}

/// The snapshot of `s` in this layout (no items: they have their own rows).
pub(super) fn header(s: &Session) -> serde_json::Result<String> {
    let Session {
        id,
        candidate,
        plan,
        settings,
        stage,
        items: _,
        version,
        created_at,
        last_activity,
        peer,
    } = s;
    serde_json::to_string(&Header {
        layout: 2,
        id,
        candidate,
        plan,
        settings,
        stage,
        items: [],
        version: *version,
        created_at: *created_at,
        last_activity: *last_activity,
        peer,
    })
}

/// Whether a stored snapshot is of this layout (its items are in `session_items`).
pub(super) fn is_header(state: &str) -> bool {
    state.starts_with(LAYOUT_2)
}

/// A stored snapshot in the layout it was written in (`forget` rewrites one in place).
pub(super) fn reencode(state: &str, s: &Session) -> serde_json::Result<String> {
    if is_header(state) {
        header(s)
    } else {
        serde_json::to_string(s)
    }
}

/// One item's record as stored: everything but the answers (those are `answers` rows).
#[derive(Serialize)]
struct ItemRef<'a> {
    asked: bool,
    skipped: bool,
    hints_used: u8,
    coverage: &'a Option<Coverage>,
    self_score: &'a Option<SelfScore>,
}

#[derive(Deserialize)]
struct ItemRow {
    #[serde(default)]
    asked: bool,
    skipped: bool,
    hints_used: u8,
    coverage: Option<Coverage>,
    self_score: Option<SelfScore>,
}

fn item_json(rec: &ItemRecord) -> serde_json::Result<String> {
    let ItemRecord {
        asked,
        answers: _,
        skipped,
        hints_used,
        coverage,
        self_score,
    } = rec;
    serde_json::to_string(&ItemRef {
        asked: *asked,
        skipped: *skipped,
        hints_used: *hints_used,
        coverage,
        self_score,
    })
}

/// What a session's `session_items` and `answers` rows hold, read back in order.
pub(super) enum Part {
    /// `(item, record JSON)`
    Record(usize, String),
    Answer(usize, Answer),
}

/// Fills a decoded header's items from its rows (records first within each item, then its
/// answers by part).
pub(super) fn assemble(s: &mut Session, parts: Vec<Part>) -> anyhow::Result<()> {
    let n = s.plan.items.len();
    let mut items = vec![None; n];
    let mut answers: Vec<Vec<Answer>> = vec![Vec::new(); n];
    for part in parts {
        match part {
            Part::Record(i, json) if i < n => {
                let r: ItemRow = serde_json::from_str(&json).with_context(|| format!("decoding the record of item {i}"))?;
                items[i] = Some(ItemRecord {
                    asked: r.asked,
                    answers: Vec::new(),
                    skipped: r.skipped,
                    hints_used: r.hints_used,
                    coverage: r.coverage,
                    self_score: r.self_score,
                });
            }
            Part::Answer(i, a) if i < n => answers[i].push(a),
            Part::Record(i, _) | Part::Answer(i, _) => anyhow::bail!("a stored row names item {i} of a {n}-item plan"),
        }
    }
    s.items = items
        .into_iter()
        .zip(answers)
        .enumerate()
        .map(|(i, (rec, answers))| {
            let mut rec = rec.with_context(|| format!("item {i} has no stored record"))?;
            rec.answers = answers;
            Ok(rec)
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(())
}

/// An `answers` row.
#[derive(Debug, Clone)]
pub struct AnswerRow {
    pub item: i64,
    pub part: i64,
    pub question_id: String,
    pub area: String,
    pub body: String,
    pub over_time: i64,
    pub coverage: f64,
    pub submitted_at: Millis,
}

/// A `scores` row (`kind` self or peer).
#[derive(Debug, Clone)]
pub struct ScoreRow {
    pub item: i64,
    pub scorer: String,
    pub ticks: String,
    pub rating: i64,
    pub note: Option<String>,
    pub created_at: Millis,
}

/// Everything one accepted input writes besides its event, encoded before the transaction
/// begins (SQLite's write lock is held from the first write on).
#[derive(Debug, Clone)]
pub struct Change {
    pub id: String,
    /// The version the input was applied to (the UPDATE's check) and the one it made.
    pub before_version: i64,
    pub version: i64,
    pub status: &'static str,
    pub next_deadline: Option<Millis>,
    /// `sessions.state`: the session without its items.
    pub snapshot: String,
    /// `(item, record JSON)` of every item the input changed.
    pub items: Vec<(usize, String)>,
    /// New answers (re-inserting an existing one is a no-op when `upgrade`).
    pub answers: Vec<AnswerRow>,
    pub self_scores: Vec<ScoreRow>,
    /// Inserted, or replaced when a reviewer resubmits before scoring closes.
    pub peer_scores: Vec<ScoreRow>,
    /// The stored session was of the older layout: every item is written, and its answers.
    pub upgrade: bool,
}

/// Did the step change this item? Answers only ever grow (the core appends), so their count
/// stands for them and the texts are not compared.
fn item_changed(old: &ItemRecord, new: &ItemRecord) -> bool {
    debug_assert!(
        new.answers.len() < old.answers.len() || new.answers[..old.answers.len()] == old.answers[..],
        "answers are append-only"
    );
    old.asked != new.asked
        || old.skipped != new.skipped
        || old.hints_used != new.hints_used
        || old.answers.len() != new.answers.len()
        || old.self_score != new.self_score
        || old.coverage != new.coverage
}

fn answer_row(s: &Session, i: usize, a: &Answer) -> AnswerRow {
    let plan = &s.plan.items[i];
    AnswerRow {
        item: i as i64,
        part: a.part as i64,
        question_id: plan.question.clone(),
        area: plan.area.clone(),
        body: a.text.clone(),
        over_time: a.over_time as i64,
        coverage: s.items[i].coverage.as_ref().map_or(0.0, |c| c.fraction()),
        submitted_at: a.submitted_at,
    }
}

impl Change {
    /// What storing `after` in place of `before` writes; `upgrade` when `before` is stored in
    /// the older layout.
    pub fn between(before: &Session, after: &Session, now: Millis, upgrade: bool) -> anyhow::Result<Change> {
        let mut c = Change {
            id: after.id.clone(),
            before_version: before.version as i64,
            version: after.version as i64,
            status: status(&after.stage),
            next_deadline: after.next_deadline(),
            snapshot: header(after)?,
            items: Vec::new(),
            answers: Vec::new(),
            self_scores: Vec::new(),
            peer_scores: Vec::new(),
            upgrade,
        };
        anyhow::ensure!(before.items.len() == after.items.len(), "a step changed the number of plan items");
        for (i, (old, new)) in before.items.iter().zip(&after.items).enumerate() {
            if upgrade {
                c.items.push((i, item_json(new)?));
                c.answers.extend(new.answers.iter().map(|a| answer_row(after, i, a)));
            } else if item_changed(old, new) {
                c.items.push((i, item_json(new)?));
                c.answers
                    .extend(new.answers.iter().skip(old.answers.len()).map(|a| answer_row(after, i, a)));
            } else {
                continue;
            }
            if let (None, Some(score)) = (&old.self_score, &new.self_score) {
                c.self_scores.push(ScoreRow {
                    item: i as i64,
                    scorer: after.candidate.as_str().to_string(),
                    ticks: serde_json::to_string(&score.ticks)?,
                    rating: score.rating.get() as i64,
                    note: None,
                    created_at: now,
                });
            }
        }
        if let (Some(old), Some(new)) = (&before.peer, &after.peer) {
            for (item, round) in new.rounds.iter().enumerate() {
                let Some(round) = round else { continue };
                let previous = old.rounds.get(item).and_then(|r| r.as_ref()).map_or(&[][..], |r| &r.scores[..]);
                for sc in round.scores.iter().filter(|sc| !previous.contains(sc)) {
                    c.peer_scores.push(ScoreRow {
                        item: item as i64,
                        scorer: sc.reviewer.as_str().to_string(),
                        ticks: serde_json::to_string(&sc.ticks)?,
                        rating: sc.rating.get() as i64,
                        note: sc.note.clone(),
                        created_at: sc.at,
                    });
                }
            }
        }
        Ok(c)
    }

    /// What inserting a new session writes: every item, and any answers it starts with (a
    /// shared session copies the original's).
    pub(super) fn whole(s: &Session) -> anyhow::Result<Change> {
        let mut c = Change::between(s, s, 0, true)?;
        c.before_version = s.version as i64;
        Ok(c)
    }

    /// The plan items this change rewrites.
    pub fn item_indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.items.iter().map(|(i, _)| *i)
    }
}

/// Decodes a stored snapshot: `Ok((session, true))` when its items are still to be read from
/// their rows (this layout), `(session, false)` for a snapshot of the older layout (whole).
pub(super) fn decode(state: &str) -> anyhow::Result<(Session, bool)> {
    let s: Session = serde_json::from_str(state).context("decoding a session snapshot")?;
    Ok((s, is_header(state)))
}

/// The item records, answers and scores of `c`, inside `tx`.
pub(super) async fn write_rows(tx: &mut sqlx::Transaction<'_, sqlx::Any>, c: &Change) -> anyhow::Result<()> {
    for (item, record) in &c.items {
        sqlx::query(
            "INSERT INTO session_items (session_id, item, record) VALUES ($1, $2, $3)
             ON CONFLICT (session_id, item) DO UPDATE SET record = excluded.record",
        )
        .bind(&c.id)
        .bind(*item as i64)
        .bind(record)
        .execute(&mut **tx)
        .await
        .context("storing an item record")?;
    }
    // Rewriting a session of the older layout: its answers may be stored already.
    let answer_sql = if c.upgrade {
        "INSERT INTO answers (session_id, item, part, question_id, area, body, over_time, coverage, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (session_id, item, part) DO NOTHING"
    } else {
        "INSERT INTO answers (session_id, item, part, question_id, area, body, over_time, coverage, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    };
    for a in &c.answers {
        sqlx::query(answer_sql)
            .bind(&c.id)
            .bind(a.item)
            .bind(a.part)
            .bind(&a.question_id)
            .bind(&a.area)
            .bind(&a.body)
            .bind(a.over_time)
            .bind(a.coverage)
            .bind(a.submitted_at)
            .execute(&mut **tx)
            .await
            .context("storing an answer")?;
    }
    for sc in &c.self_scores {
        sqlx::query(
            "INSERT INTO scores (session_id, item, scorer, kind, ticks, rating, note, created_at) VALUES ($1, $2, $3, 'self', $4, $5, NULL, $6)",
        )
        .bind(&c.id)
        .bind(sc.item)
        .bind(&sc.scorer)
        .bind(&sc.ticks)
        .bind(sc.rating)
        .bind(sc.created_at)
        .execute(&mut **tx)
        .await
        .context("storing a self-score")?;
    }
    for sc in &c.peer_scores {
        sqlx::query(
            "INSERT INTO scores (session_id, item, scorer, kind, ticks, rating, note, created_at) VALUES ($1, $2, $3, 'peer', $4, $5, $6, $7)
             ON CONFLICT (session_id, item, scorer) DO UPDATE SET ticks = excluded.ticks, rating = excluded.rating,
                 note = excluded.note, created_at = excluded.created_at",
        )
        .bind(&c.id)
        .bind(sc.item)
        .bind(&sc.scorer)
        .bind(&sc.ticks)
        .bind(sc.rating)
        .bind(sc.note.as_deref())
        .bind(sc.created_at)
        .execute(&mut **tx)
        .await
        .context("storing a peer score")?;
    }
    Ok(())
}
