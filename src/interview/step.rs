//! The transition function: `step(session, actor, input, pack, now)` gives the next session and
//! the effects to show, or a [`Rejection`] and no change. No I/O happens here.

use super::advance::{advance_part, check_len, finish, next_item, submit};
use super::clock::{clock, pause, resume};
use super::ids::ActorId;
use super::io::{Effect, Input, MAX_ANSWER_CHARS};
use super::peer::{self, Peer};
use super::plan::{select, PlanOptions};
use super::rejection::Rejection;
use super::state::{ItemRecord, Millis, Piece, Rating, SelfScore, Session, Settings, Stage};
use super::view::{ask, current_prompt, feedback, question};
use crate::bank::Pack;

/// Starts a session: selects the plan and asks the first question. The session is at version 1.
pub fn start(
    id: String,
    candidate: &ActorId,
    pack: &Pack,
    opts: &PlanOptions,
    settings: Settings,
    now: Millis,
) -> Result<(Session, Vec<Effect>), Rejection> {
    let plan = select(pack, opts)?;
    start_with(id, candidate, pack, plan, settings, now)
}

/// Starts a session on a plan chosen elsewhere (a drill's due questions). Every question must
/// be in the pack and the plan not empty (else `PackChanged`: nothing is started).
pub fn start_with(
    id: String,
    candidate: &ActorId,
    pack: &Pack,
    plan: super::plan::Plan,
    settings: Settings,
    now: Millis,
) -> Result<(Session, Vec<Effect>), Rejection> {
    if plan.items.is_empty() || plan.items.iter().any(|i| pack.question(&i.question).is_none()) {
        return Err(Rejection::PackChanged);
    }
    let mut items = vec![ItemRecord::default(); plan.items.len()];
    items[0].asked = true;
    let stage = Stage::Asking {
        item: 0,
        part: 0,
        draft: String::new(),
        asked_at: now,
        pieces: Vec::new(),
    };
    let s = Session {
        id,
        candidate: candidate.clone(),
        plan,
        settings,
        stage,
        items: items.into(),
        version: 1,
        created_at: now,
        last_activity: now,
        peer: None,
    };
    let areas = s.plan.items.iter().fold(Vec::<String>::new(), |mut v, i| {
        let name = pack.area(&i.area).map_or(i.area.clone(), |a| a.name.clone());
        if !v.contains(&name) {
            v.push(name);
        }
        v
    });
    let mut fx = vec![Effect::Started {
        role: pack.role.name.clone(),
        areas,
        questions: s.plan.items.len(),
        time_limit_secs: s.settings.time_limit_secs,
    }];
    fx.extend(ask(&s, pack, false).map(Effect::Ask));
    Ok((s, fx))
}

/// Starts a peer-review session in its lobby: reviewers join, then the host starts it.
#[allow(clippy::too_many_arguments)]
pub fn start_peer(
    id: String,
    candidate: &ActorId,
    host: &ActorId,
    pack: &Pack,
    opts: &PlanOptions,
    settings: Settings,
    scoring_secs: u32,
    now: Millis,
) -> Result<(Session, Vec<Effect>), Rejection> {
    let (mut s, _) = start(id, candidate, pack, opts, settings, now)?;
    s.stage = Stage::Lobby;
    s.items[0].asked = false;
    s.peer = Some(Peer::new(host.clone(), s.plan.items.len(), scoring_secs, false));
    Ok((s, vec![Effect::Lobby { host: host.clone() }]))
}

/// Applies one input. On success the version has grown by exactly one.
pub fn step(s: &Session, actor: &ActorId, input: &Input, pack: &Pack, now: Millis) -> Result<(Session, Vec<Effect>), Rejection> {
    let mut next = s.clone();
    let mut fx = Vec::new();
    if peer::is_peer_input(input) {
        peer::apply(&mut next, actor, input, pack, now, &mut fx)?;
    } else {
        if s.stage.is_over() && !matches!(input, Input::Clock) {
            return Err(Rejection::Ended);
        }
        check_actor(s, actor, input)?;
        match input {
            Input::Clock => clock(&mut next, pack, now, &mut fx)?,
            Input::End => finish(&mut next, pack, now, &mut fx),
            Input::Pause => pause(&mut next, now, false, &mut fx)?,
            Input::Resume => resume(&mut next, pack, now, &mut fx, true)?,
            // Editing or deleting a typed message changes the draft without resuming.
            Input::EditMessage { message, text } => revise(&mut next, *message, Some(text), &mut fx)?,
            Input::RetractMessage { message } => revise(&mut next, *message, None, &mut fx)?,
            _ => {
                if matches!(next.stage, Stage::Paused { .. }) {
                    resume(&mut next, pack, now, &mut fx, false)?;
                }
                act(&mut next, input, pack, now, &mut fx)?;
            }
        }
        if !matches!(input, Input::Clock) {
            next.last_activity = now;
        }
    }
    peer::maybe_report(&mut next, pack, &mut fx);
    next.version += 1;
    Ok((next, fx))
}

fn check_actor(s: &Session, actor: &ActorId, input: &Input) -> Result<(), Rejection> {
    match input {
        Input::Clock if actor.is_system() => Ok(()),
        Input::Clock => Err(Rejection::NotClock),
        _ if *actor == s.candidate => Ok(()),
        Input::End if s.peer.as_ref().is_some_and(|p| p.host == *actor) => Ok(()),
        _ => Err(Rejection::NotCandidate),
    }
}

/// Inputs that need an active (unpaused) stage.
fn act(s: &mut Session, input: &Input, pack: &Pack, now: Millis, fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    // The stage to match on, without the draft: matching must not copy the answer being typed.
    let stage = match &s.stage {
        Stage::Asking { item, part, asked_at, .. } => Stage::Asking {
            item: *item,
            part: *part,
            draft: String::new(),
            asked_at: *asked_at,
            pieces: Vec::new(),
        },
        other => other.clone(),
    };
    match (input, stage) {
        (Input::Answer { text, message }, Stage::Asking { .. }) => append(s, text, *message, fx),
        (Input::Submit, Stage::Asking { .. }) => {
            // Moved out, not copied: on success the stage moves on, on a refusal `step`
            // discards this session.
            let (draft, typed) = match &mut s.stage {
                Stage::Asking { draft, pieces, .. } => (std::mem::take(draft), pieces.len()),
                _ => (String::new(), 0),
            };
            submit(s, pack, (&draft, typed), now, false, fx)
        }
        (Input::SubmitForm { text }, Stage::Asking { .. }) => {
            check_len(text)?;
            submit(s, pack, (text, 0), now, false, fx)
        }
        (Input::Hint, Stage::Asking { item, .. }) => hint(s, pack, item, fx),
        (Input::Skip, Stage::Asking { item, part, .. }) => {
            skip_question(s, pack, item, part, now, fx);
            Ok(())
        }
        (Input::Skip, Stage::Scoring { item, .. }) => {
            fx.push(Effect::Feedback(feedback(s, pack, item)));
            next_item(s, pack, item, now, fx);
            Ok(())
        }
        (Input::Repeat, _) => {
            let prompt = current_prompt(s, pack, true).ok_or(Rejection::NothingToRepeat)?;
            fx.push(prompt);
            Ok(())
        }
        (Input::Checklist { ticks }, Stage::Scoring { item, .. }) => checklist(s, pack, item, ticks, fx),
        (Input::Rate { rating }, Stage::Scoring { item, ticks }) => rate(s, pack, item, ticks, *rating, now, fx),
        (Input::Answer { .. } | Input::Submit | Input::SubmitForm { .. } | Input::Hint, Stage::Scoring { .. }) => {
            Err(Rejection::AwaitingSelfScore)
        }
        (_, Stage::Lobby) => Err(Rejection::InLobby),
        (Input::Checklist { .. } | Input::Rate { .. }, _) => Err(Rejection::NothingToScore),
        (other, stage) => Err(Rejection::NotNow {
            input: other.name(),
            stage: stage.name(),
        }),
    }
}

fn append(s: &mut Session, text: &str, message: Option<u64>, fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    let text = &*crate::text::sanitize(text);
    if crate::text::is_blank(text) {
        return Err(Rejection::EmptyMessage);
    }
    let Stage::Asking { draft, pieces, .. } = &mut s.stage else {
        return Err(Rejection::NotAsking);
    };
    let mut next_pieces = pieces.clone();
    let joined = match message {
        // Parts with ids are kept in id order: messages that arrive out of order (concurrent
        // deliveries) still read in the order they were sent.
        Some(id) => {
            if next_pieces.is_empty() && !draft.is_empty() {
                next_pieces.push(Piece {
                    id: 0,
                    text: draft.clone(),
                });
            }
            let at = next_pieces.iter().position(|p| p.id > id).unwrap_or(next_pieces.len());
            next_pieces.insert(
                at,
                Piece {
                    id,
                    text: text.to_string(),
                },
            );
            join(&next_pieces)
        }
        None if draft.is_empty() => text.to_string(),
        None => {
            if let Some(last) = next_pieces.last().map(|p| p.id) {
                next_pieces.push(Piece {
                    id: last,
                    text: text.to_string(),
                });
            }
            format!("{draft}\n{text}")
        }
    };
    set_draft(draft, pieces, joined, next_pieces, fx)
}

/// The new draft, if it fits.
fn set_draft(draft: &mut String, pieces: &mut Vec<Piece>, joined: String, next: Vec<Piece>, fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    let n = joined.chars().count();
    if n > MAX_ANSWER_CHARS {
        return Err(Rejection::DraftTooLong {
            chars: n,
            max: MAX_ANSWER_CHARS,
        });
    }
    *draft = joined;
    *pieces = next;
    fx.push(Effect::DraftSaved { chars: n });
    Ok(())
}

fn join(pieces: &[Piece]) -> String {
    pieces.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n")
}

/// An edit (`Some(text)`) or deletion (`None`) of a typed message still in the draft (looking
/// through a pause). An edit to nothing visible removes the part.
fn revise(s: &mut Session, message: u64, text: Option<&String>, fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    let stage = match &mut s.stage {
        Stage::Paused { resume, .. } => resume.as_mut(),
        other => other,
    };
    let Stage::Asking { draft, pieces, .. } = stage else {
        return Err(Rejection::NotInDraft);
    };
    let Some(at) = pieces.iter().position(|p| p.id == message) else {
        return Err(Rejection::NotInDraft);
    };
    let text = text
        .map(|t| crate::text::sanitize(t).into_owned())
        .filter(|t| !crate::text::is_blank(t));
    let mut next = pieces.clone();
    match text {
        Some(t) => next[at].text = t,
        None => {
            next.remove(at);
        }
    }
    let joined = join(&next);
    set_draft(draft, pieces, joined, next, fx)
}

fn hint(s: &mut Session, pack: &Pack, item: usize, fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    let hints = &question(s, pack, item).hints;
    let used = s.items[item].hints_used as usize;
    if used >= hints.len() {
        return Err(if hints.is_empty() {
            Rejection::NoHints
        } else {
            Rejection::NoMoreHints
        });
    }
    s.items[item].hints_used += 1;
    fx.push(Effect::Hint {
        text: hints[used].clone(),
        number: used + 1,
        of: hints.len(),
    });
    Ok(())
}

/// Skipping the main question skips the item; skipping a follow-up goes on to scoring.
fn skip_question(s: &mut Session, pack: &Pack, item: usize, part: usize, now: Millis, fx: &mut Vec<Effect>) {
    if part == 0 {
        s.items[item].skipped = true;
        fx.push(Effect::Skipped { item, timed_out: false });
        next_item(s, pack, item, now, fx);
    } else {
        let last = s.plan.items[item].parts() - 1;
        advance_part(s, pack, item, last, now, fx);
    }
}

fn checklist(s: &mut Session, pack: &Pack, item: usize, ticks: &[u8], fx: &mut Vec<Effect>) -> Result<(), Rejection> {
    let n = question(s, pack, item).checklist.len();
    if let Some(bad) = ticks.iter().find(|&&t| t as usize >= n) {
        return Err(Rejection::NoSuchChecklistItem {
            number: *bad as usize + 1,
            of: n,
        });
    }
    let mut ticks = ticks.to_vec();
    ticks.sort_unstable();
    ticks.dedup();
    fx.push(Effect::AskRating {
        item,
        ticked: ticks.len(),
        of: n,
    });
    s.stage = Stage::Scoring { item, ticks: Some(ticks) };
    Ok(())
}

fn rate(
    s: &mut Session,
    pack: &Pack,
    item: usize,
    ticks: Option<Vec<u8>>,
    rating: u8,
    now: Millis,
    fx: &mut Vec<Effect>,
) -> Result<(), Rejection> {
    let rating = Rating::new(rating).ok_or(Rejection::BadRating { got: rating })?;
    s.items[item].self_score = Some(SelfScore {
        ticks: ticks.unwrap_or_default(),
        rating,
    });
    fx.push(Effect::Feedback(feedback(s, pack, item)));
    next_item(s, pack, item, now, fx);
    Ok(())
}
