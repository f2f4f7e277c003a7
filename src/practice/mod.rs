//! The terminal adapter: `panelist practice` runs the same engine and database as the bot,
//! reading stdin line by line (so it works piped) and printing the effects.

pub mod progress;
mod render;
pub(crate) mod words;

use std::io::{IsTerminal, Write};

use clap::Args;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::engine::{now_millis, Engine, NewSession, Outcome};
use crate::interview::{current_prompt, ActorId, Addressed, Audience, Effect, Input, Mode, PlanOptions, Scope, Session, Stage};
use render::Style;

#[derive(Args, Debug, Clone)]
pub struct PracticeArgs {
    /// Role id (see `panelist packs check`) [default: senior-python-developer, or the first pack]
    #[arg(long)]
    pub role: Option<String>,
    /// Comma-separated area ids [default: every area of the role]
    #[arg(long, value_delimiter = ',')]
    pub areas: Vec<String>,
    /// Questions per area (1-5)
    #[arg(long, default_value_t = 3)]
    pub per_area: u8,
    /// Follow-up questions after each main answer (0-4)
    #[arg(long, default_value_t = 1)]
    pub follow_ups: u8,
    /// Time limit per question, in minutes (shown; answers submitted later are flagged as late)
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub time_limit: Option<u32>,
    /// Seed for choosing questions [default: random]
    #[arg(long)]
    pub seed: Option<u64>,
    /// Local user name; each user has their own sessions [default: $USER]
    #[arg(long, env = "USER", default_value = "local")]
    pub user: String,
    /// End an unfinished session (its answers are kept) and start a new one.
    #[arg(long)]
    pub new: bool,
    /// A short drill instead: the questions due for review (spaced repetition), then new ones of
    /// your weakest area (main answers only).
    #[arg(long)]
    pub drill: bool,
}

struct Term {
    style: Style,
    out: std::io::Stdout,
}

impl Term {
    fn print(&mut self, s: &str) {
        let _ = self.out.write_all(s.as_bytes());
        let _ = self.out.flush();
    }
    fn effects(&mut self, fx: &[Effect]) {
        for f in fx {
            let text = render::effect(&self.style, f);
            self.print(&text);
        }
    }
    /// The terminal user is the actor and the whole audience; copies meant for the
    /// candidate's DMs would only repeat what the channel shows.
    fn addressed(&mut self, fx: &[Addressed]) {
        for a in fx.iter().filter(|a| a.to != Audience::CandidateDm) {
            let text = render::effect(&self.style, &a.effect);
            self.print(&text);
        }
    }
    fn error(&mut self, msg: &str) {
        let text = format!("{}\n", self.style.error(msg));
        self.print(&text);
    }
}

/// Runs (or resumes) the local user's practice session until it ends or stdin closes.
pub async fn run(engine: &Engine, args: &PracticeArgs) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut term = Term {
        style: Style {
            color: stdout.is_terminal(),
        },
        out: stdout,
    };
    let candidate = ActorId::local(&args.user);
    let Some(mut session) = open(engine, args, &candidate, &mut term).await? else {
        return Ok(());
    };
    let mut lines = BufReader::new(tokio::io::stdin());
    let mut pending_blank = 0usize;
    loop {
        if session.stage.is_over() {
            term.print(&format!("Session {} saved.\n", session.id));
            return Ok(());
        }
        let mut buf = Vec::new();
        if lines.read_until(b'\n', &mut buf).await? == 0 {
            term.print("\nInput ended. Your answers are saved; run `panelist practice` again to continue.\n");
            return Ok(());
        }
        let line = match String::from_utf8(buf) {
            Ok(s) => s,
            Err(e) => {
                term.error("That line was not valid UTF-8; unreadable bytes were replaced with \u{fffd}.");
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        let line = line.trim_end_matches(['\n', '\r']);
        let mut quit = false;
        let Some(input) = parse_line(&session, line, &mut pending_blank, &mut quit, &mut term) else {
            if quit {
                return Ok(());
            }
            continue;
        };
        session = apply(engine, &session, &candidate, input, &mut term).await?;
    }
}

/// Resumes the unfinished session, or starts a new one.
async fn open(engine: &Engine, args: &PracticeArgs, candidate: &ActorId, term: &mut Term) -> anyhow::Result<Option<Session>> {
    if let Some(live) = engine.live(Scope::Terminal, candidate).await? {
        if !args.new {
            let pack = engine.session_pack(&live).await?;
            let s = live.session;
            let item = s.stage.item().map_or(0, |i| i + 1);
            term.print(&format!(
                "Resuming your unfinished interview (question {item} of {}). Use --new to start over.\n",
                s.plan.items.len()
            ));
            if matches!(s.stage, Stage::Paused { .. }) {
                return Ok(Some(apply(engine, &s, candidate, Input::Resume, term).await?));
            }
            term.effects(&current_prompt(&s, &pack, true).into_iter().collect::<Vec<_>>());
            return Ok(Some(s));
        }
        apply(engine, &live.session, candidate, Input::End, term).await?;
    }
    let role = args.role.clone().unwrap_or_else(|| engine.default_role());
    if args.drill {
        return open_drill(engine, role, candidate, term).await;
    }
    let options = PlanOptions {
        areas: args.areas.clone(),
        per_area: args.per_area,
        follow_ups: args.follow_ups,
        seed: args.seed.unwrap_or_else(|| uuid::Uuid::new_v4().as_u64_pair().0),
    };
    let key = format!("local:start:{}", uuid::Uuid::new_v4().simple());
    let new = NewSession {
        key,
        peer: None,
        scope: Scope::Terminal,
        candidate: candidate.clone(),
        mode: Mode::Terminal,
        role,
        options,
        time_limit_secs: args.time_limit.map(|m| m * 60),
        channel: None,
    };
    match engine.start(new, now_millis()).await? {
        Ok(applied) => {
            term.addressed(&applied.effects);
            Ok(Some(applied.stored.session))
        }
        Err(r) => {
            term.error(&rejection_text(&r));
            anyhow::bail!("could not start the interview")
        }
    }
}

/// Starts a drill of the questions due for `candidate` (see `--drill`).
async fn open_drill(engine: &Engine, role: String, candidate: &ActorId, term: &mut Term) -> anyhow::Result<Option<Session>> {
    let req = crate::engine::DrillRequest {
        scope: Scope::Terminal,
        mode: Mode::Terminal,
        candidate: candidate.clone(),
        role,
        channel: None,
        key: format!("local:drill:{}", uuid::Uuid::new_v4().simple()),
        size: crate::engine::DRILL_SIZE,
    };
    match engine.start_drill(req, now_millis()).await? {
        Ok(applied) => {
            term.print("Drill: the questions due for review, then new ones from your weakest area.\n");
            term.addressed(&applied.effects);
            Ok(Some(applied.stored.session))
        }
        Err(crate::engine::NoDrill::NothingDue) => {
            term.print("Nothing is due for review, and you have seen every question of your weakest area. Come back later, or run `panelist practice`.\n");
            Ok(None)
        }
        Err(crate::engine::NoDrill::Refused(r)) => {
            term.error(&rejection_text(&r));
            anyhow::bail!("could not start the drill")
        }
    }
}

/// How a refusal reads in the terminal.
fn rejection_text(r: &crate::interview::Rejection) -> String {
    r.explain(&words::TERMINAL)
}

async fn apply(engine: &Engine, s: &Session, candidate: &ActorId, input: Input, term: &mut Term) -> anyhow::Result<Session> {
    let key = format!("local:{}:{}", s.id, uuid::Uuid::new_v4().simple());
    match engine.apply(&s.id, candidate, &input, &key, now_millis()).await? {
        Outcome::Applied(applied) => {
            term.addressed(&applied.effects);
            Ok(applied.stored.session)
        }
        Outcome::Rejected(r) => {
            term.error(&rejection_text(&r));
            // Another writer (a second terminal of the same user) may have moved it on.
            Ok(engine.load(&s.id).await?.map_or_else(|| s.clone(), |st| st.session))
        }
        Outcome::Duplicate => Ok(s.clone()),
    }
}

/// Reads one line in the context of the current stage; `None` when it produced no input.
fn parse_line(s: &Session, line: &str, pending_blank: &mut usize, quit: &mut bool, term: &mut Term) -> Option<Input> {
    let trimmed = line.trim();
    if let Some(cmd) = command(trimmed) {
        return match cmd {
            "submit" => Some(Input::Submit),
            "hint" => Some(Input::Hint),
            "skip" => Some(Input::Skip),
            "repeat" | "status" => Some(Input::Repeat),
            "pause" => Some(Input::Pause),
            "resume" => Some(Input::Resume),
            "end" => Some(Input::End),
            "help" => {
                term.print(&format!("{}\n", render::HELP));
                None
            }
            "quit" | "exit" => {
                term.print("Leaving; your session is saved. Run `panelist practice` to continue.\n");
                *quit = true;
                None
            }
            other => {
                term.error(&format!("Unknown command /{other}. Type /help for the list."));
                None
            }
        };
    }
    let stage = match &s.stage {
        Stage::Paused { resume, .. } => resume.as_ref(),
        other => other,
    };
    match stage {
        Stage::Scoring { ticks: None, .. } => parse_ticks(trimmed, term).map(|ticks| Input::Checklist { ticks }),
        Stage::Scoring { ticks: Some(_), .. } => match trimmed.parse::<u8>() {
            Ok(rating) => Some(Input::Rate { rating }),
            Err(_) => {
                term.error("Type a rating from 1 to 4 (or /skip to skip scoring).");
                None
            }
        },
        _ if trimmed.is_empty() => {
            *pending_blank += 1;
            None
        }
        _ => {
            let text = line.strip_prefix("//").map_or(line.to_string(), |rest| format!("/{rest}"));
            let text = format!("{}{text}", "\n".repeat(std::mem::take(pending_blank)));
            Some(Input::answer(text))
        }
    }
}

/// `/word` alone on a line is a command; `//...` is answer text starting with '/'.
fn command(trimmed: &str) -> Option<&str> {
    let rest = trimmed.strip_prefix('/')?;
    (!rest.starts_with('/') && !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphabetic())).then_some(rest)
}

fn parse_ticks(line: &str, term: &mut Term) -> Option<Vec<u8>> {
    let mut ticks = Vec::new();
    for word in line.split(|c: char| c == ',' || c.is_whitespace()).filter(|w| !w.is_empty()) {
        match word.parse::<u8>() {
            Ok(n) if n >= 1 => ticks.push(n - 1),
            _ => {
                term.error(&format!(
                    "'{word}' is not a checklist number. Type numbers like 1 3 4, or an empty line for none."
                ));
                return None;
            }
        }
    }
    Some(ticks)
}
