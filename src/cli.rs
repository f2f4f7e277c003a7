//! Command-line parsing (clap) and dispatch: `serve`, `migrate`, `practice`, `forget`,
//! `history`, `transcript`, `stats`, `packs check` and `packs lab`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::bank::{self, Bank};
use crate::config::{Config, OpsConfig, ShardPlan};
use crate::engine::Engine;
use crate::practice::{self, PracticeArgs};
use crate::store::Store;

#[derive(Parser)]
#[command(
    name = "panelist",
    version,
    about = "Mock job interviews with rubric scoring, in Discord or a terminal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the Discord bot (needs DISCORD_TOKEN; see README).
    Serve(ServeArgs),
    /// Apply the database migrations not applied yet, and say which (serve also applies them).
    Migrate,
    /// Run a mock interview in this terminal (reads answers from stdin; works piped).
    Practice(PracticeArgs),
    /// Delete a terminal user's interviews, answers and scores from the database.
    Forget(ForgetArgs),
    /// A terminal user's past interviews with the score per area, newest first.
    History(HistoryArgs),
    /// One past interview as Markdown (questions, answers, scores, feedback).
    Transcript(TranscriptArgs),
    /// A terminal user's progress: summary, and the chart as a PNG with --out.
    Stats(StatsArgs),
    /// Work with question packs.
    Packs {
        #[command(subcommand)]
        command: PacksCommand,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// The gateway shards this process runs: a range A-B (inclusive) or one id. With
    /// --total-shards; without both, Discord's recommended count runs in this process.
    #[arg(long, env = "PANELIST_SHARDS", value_name = "A-B")]
    shards: Option<String>,
    /// The total number of shards across all processes (the same in every one).
    #[arg(long, env = "PANELIST_TOTAL_SHARDS", value_name = "N")]
    total_shards: Option<u32>,
}

#[derive(Subcommand)]
enum PacksCommand {
    /// Validate packs and print counts per role, area and kind.
    Check(CheckArgs),
    /// Show, clause by clause, which talking points an answer covers and why.
    Lab(LabArgs),
}

#[derive(Args)]
struct LabArgs {
    /// The question id (any loaded pack).
    question: String,
    /// A file holding the answer [default: read stdin].
    file: Option<PathBuf>,
    /// How many of the question's hints the candidate used.
    #[arg(long, default_value_t = 0)]
    hints: usize,
    /// Packs to load [default: $PANELIST_PROMPTS or ./prompts]
    #[arg(long)]
    prompts: Option<PathBuf>,
}

#[derive(Args)]
struct ForgetArgs {
    /// The local user name (as given to `practice --user`).
    #[arg(long)]
    user: String,
    /// Really delete (without it, nothing is deleted and the command says so).
    #[arg(long)]
    yes: bool,
}

#[derive(Args)]
struct HistoryArgs {
    /// The local user name (as given to `practice --user`) [default: $USER]
    #[arg(long, env = "USER", default_value = "local")]
    user: String,
    /// Which page (10 interviews a page, newest first)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    page: u32,
}

#[derive(Args)]
struct TranscriptArgs {
    /// The session id, or its first characters (see `panelist history`) [default: the newest]
    session: Option<String>,
    /// The local user name [default: $USER]
    #[arg(long, env = "USER", default_value = "local")]
    user: String,
    /// Write it to this file instead of printing it.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct StatsArgs {
    /// The local user name [default: $USER]
    #[arg(long, env = "USER", default_value = "local")]
    user: String,
    /// Role id [default: the one practised most]
    #[arg(long)]
    role: Option<String>,
    /// Write the chart (PNG) to this file.
    #[arg(long, value_name = "FILE.png")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct CheckArgs {
    /// A pack file or a directory of packs [default: $PANELIST_PROMPTS or ./prompts]
    path: Option<PathBuf>,
    /// Also hold every question to the completeness bar of prompts/FORMAT.md.
    #[arg(long)]
    strict: bool,
    /// Score the answer sets in this directory (see README): a table per answer and figures
    /// per half; a tuning answer that misses its target is a finding.
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
}

/// Parses the command line, runs the command, and maps errors to a clear message and exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::logging::init(matches!(cli.command, Command::Practice(_)));
    let result = match cli.command {
        Command::Packs {
            command: PacksCommand::Check(args),
        } => return check(args),
        Command::Packs {
            command: PacksCommand::Lab(args),
        } => return lab(args),
        Command::Practice(args) => runtime().and_then(|rt| rt.block_on(run_practice(args))),
        Command::Forget(args) => runtime().and_then(|rt| rt.block_on(forget(args))),
        Command::History(args) => runtime().and_then(|rt| {
            rt.block_on(with_engine(|e| async move {
                practice::progress::history(&e, &args.user, args.page as usize).await
            }))
        }),
        Command::Stats(args) => runtime().and_then(|rt| {
            rt.block_on(with_engine(|e| async move {
                practice::progress::stats(&e, &args.user, args.role.as_deref(), args.out.as_deref()).await
            }))
        }),
        Command::Transcript(args) => runtime().and_then(|rt| {
            rt.block_on(with_engine(|e| async move {
                practice::progress::transcript(&e, &args.user, args.session.as_deref(), args.out.as_deref()).await
            }))
        }),
        Command::Serve(args) => runtime().and_then(|rt| rt.block_on(serve(args))),
        Command::Migrate => runtime().and_then(|rt| rt.block_on(migrate())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

/// Loads the packs or explains, file and field, why not.
pub fn load_bank(path: &std::path::Path) -> anyhow::Result<Bank> {
    bank::load_path(path).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        anyhow::anyhow!("the question packs at {} are invalid:\n{}", path.display(), lines.join("\n"))
    })
}

async fn run_practice(args: PracticeArgs) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let bank = load_bank(&config.prompts)?;
    let store = Store::connect(&config.database_url).await?;
    let engine = Engine::new(store, bank, config.settings);
    let result = practice::run(&engine, &args).await;
    engine.close().await;
    result
}

/// Opens the configured database and packs, runs `f`, and closes the database.
async fn with_engine<F, Fut>(f: F) -> anyhow::Result<()>
where
    F: FnOnce(Engine) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let config = Config::from_env()?;
    let bank = load_bank(&config.prompts)?;
    let store = Store::connect(&config.database_url).await?;
    let engine = Engine::new(store, bank, config.settings);
    let result = f(engine.clone()).await;
    engine.close().await;
    result
}

async fn forget(args: ForgetArgs) -> anyhow::Result<()> {
    if !args.yes {
        println!(
            "This deletes every interview of local user '{}' (answers, drafts, what was typed, scores); scores they gave others stay without their name. Nothing was deleted: run again with --yes to delete.",
            args.user
        );
        return Ok(());
    }
    let config = Config::from_env()?;
    let bank = load_bank(&config.prompts)?;
    let store = Store::connect(&config.database_url).await?;
    let engine = Engine::new(store, bank, config.settings);
    let gone = engine
        .forget(&crate::interview::ActorId::local(&args.user), crate::engine::now_millis())
        .await;
    engine.close().await;
    let g = gone?;
    println!(
        "Deleted {} interview(s) of '{}' with {} answer(s), {} score(s) and {} logged event(s).",
        g.sessions, args.user, g.answers, g.scores_received, g.events
    );
    Ok(())
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let plan = ShardPlan::parse(args.shards.as_deref(), args.total_shards)?;
    let config = Config::from_env()?;
    let discord = crate::config::DiscordConfig::from_env()?;
    let ops_config = OpsConfig::from_env()?;
    // Held until this function returns (or the process dies): one `serve` per SQLite file.
    let _lock = crate::store::lock_sqlite(&config.database_url)?;
    let listener = match ops_config.metrics_addr {
        Some(addr) => Some(crate::ops::bind(addr).await?),
        None => None,
    };
    let bank = load_bank(&config.prompts)?;
    let store = Store::connect(&config.database_url).await?;
    tracing::info!(packs = bank.packs().len(), database = %crate::store::redact_url(&config.database_url), retention_days = ?config.retention_days, "starting the bot");
    let engine = Engine::new(store.clone(), bank, config.settings)
        .with_retention(config.retention_days)
        .with_guild_purge(config.guild_purge_days);
    let ops = crate::ops::Ops::default();
    let metrics = listener.map(|l| {
        tracing::info!(addr = ?ops_config.metrics_addr, "serving /healthz and /metrics");
        crate::ops::serve(l, ops.clone(), engine.clone(), store.clone())
    });
    let launch = crate::discord::Launch { shards: plan, ops };
    let result = crate::discord::run_with(discord, engine.clone(), launch, stop_signal()).await;
    if let Some(m) = metrics {
        m.abort();
    }
    engine.close().await;
    result
}

/// Completes on SIGTERM (how service managers and orchestrators stop a process) or Ctrl-C.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => tracing::info!("SIGTERM received"),
                    _ = tokio::signal::ctrl_c() => tracing::info!("Ctrl-C received"),
                }
                return;
            }
            Err(e) => tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the bot"),
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("Ctrl-C received");
}

async fn migrate() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let store = Store::open(&config.database_url).await?;
    let done = store.migrate().await;
    store.close().await;
    let done = done?;
    let at = crate::store::redact_url(&config.database_url);
    for m in &done.applied {
        println!("applied {:04} {}", m.version, m.description);
    }
    if done.applied.is_empty() {
        println!("{at}: up to date, all {} migration(s) were already applied", done.known);
    } else {
        println!("{at}: applied {} of {} migration(s)", done.applied.len(), done.known);
    }
    Ok(())
}

fn default_prompts(path: Option<PathBuf>) -> PathBuf {
    path.unwrap_or_else(|| Config::from_env().map(|c| c.prompts).unwrap_or_else(|_| "prompts".into()))
}

fn lab(args: LabArgs) -> ExitCode {
    let bank = match load_bank(&default_prompts(args.prompts)) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let Some(q) = bank.packs().iter().find_map(|p| p.question(&args.question)) else {
        eprintln!("error: no question '{}' in the loaded packs", args.question);
        return ExitCode::FAILURE;
    };
    let answer = match &args.file {
        Some(f) => std::fs::read_to_string(f).map_err(|e| format!("cannot read {}: {e}", f.display())),
        None => std::io::read_to_string(std::io::stdin()).map_err(|e| format!("cannot read stdin: {e}")),
    };
    match answer {
        Ok(a) => {
            print!("{}", crate::authoring::lab::report(q, &a, args.hints));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let path = default_prompts(args.path);
    let bank = match load_bank(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let mut findings = 0;
    for pack in bank.packs() {
        print!("{}", bank::counts_report(pack));
        if args.strict {
            for f in bank::completeness(pack, &pack.role.id) {
                eprintln!("incomplete: {f}");
                findings += 1;
            }
        }
    }
    if let Some(dir) = &args.fixtures {
        match crate::authoring::check_fixtures(&bank, dir) {
            Ok(report) => {
                print!("{}", crate::authoring::fixtures::render(&report));
                for e in &report.errors {
                    eprintln!("fixture: {e}");
                }
                // The tuning half is what authors fix patterns against, so it must meet every
                // target; the held-out half is measured, never tuned, and only reported.
                findings += report.errors.len() + report.undisputed_misses(crate::authoring::Half::Tuning).count();
                let held_out = report.misses(crate::authoring::Half::HeldOut).count();
                if held_out > 0 {
                    println!("held-out answers off target: {held_out} (measured, not tuned against)");
                }
            }
            Err(e) => {
                eprintln!("error: cannot read fixtures at {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
        }
    }
    if findings > 0 {
        eprintln!("error: {findings} finding(s)");
        return ExitCode::FAILURE;
    }
    println!(
        "ok: {} pack(s) valid{}",
        bank.packs().len(),
        if args.strict { " and complete" } else { "" }
    );
    ExitCode::SUCCESS
}
