//! The terminal's progress commands: `panelist history`, `panelist transcript` and the text of
//! `panelist stats`, on the engine's pages and files (the same ones the bot shows).

use std::collections::HashMap;
use std::fmt::Write;

use chrono::{Local, TimeZone};

use crate::engine::Engine;
use crate::interview::{ActorId, Millis, Scope};
use crate::progress::history::{mode_label, Page};

/// Local date and time of a timestamp, for the terminal.
pub fn local_time(ms: Millis) -> String {
    Local
        .timestamp_millis_opt(ms)
        .single()
        .map_or_else(|| "?".into(), |t| t.format("%Y-%m-%d %H:%M").to_string())
}

/// A history page as terminal text.
pub fn render_page(page: &Page, names: &HashMap<String, String>) -> String {
    if page.total == 0 {
        return "No interviews yet. Run `panelist practice` to start one.\n".into();
    }
    let mut out = format!(
        "Interviews, newest first (page {} of {}, {} in all):\n",
        page.page + 1,
        page.pages,
        page.total
    );
    for l in &page.lines {
        let role = names.get(&l.role).map_or(l.role.as_str(), String::as_str);
        let _ = writeln!(
            out,
            "\n{}  {role}  {}  {}  {}/{} answered  [{}]",
            local_time(l.at),
            mode_label(l.mode),
            l.status,
            l.answered,
            l.asked,
            &l.id[..l.id.len().min(8)]
        );
        for a in &l.areas {
            let area = names.get(&format!("{}/{}", l.role, a.area)).map_or(a.area.as_str(), String::as_str);
            let _ = writeln!(out, "    {area}: {}", a.figures());
        }
    }
    if page.has_older() {
        let _ = writeln!(out, "\nOlder: --page {}", page.page + 2);
    }
    out
}

/// `panelist history`: prints one page of the local user's interviews.
pub async fn history(engine: &Engine, user: &str, page: usize) -> anyhow::Result<()> {
    let page = engine
        .history_page(&ActorId::local(user), Scope::Terminal, page.saturating_sub(1), 10)
        .await?;
    let names = engine.names(Scope::Terminal, page.lines.iter().map(|l| l.role.as_str())).await;
    print!("{}", render_page(&page, &names));
    Ok(())
}

/// `panelist transcript`: the Markdown transcript of one session, to stdout or a file.
pub async fn transcript(engine: &Engine, user: &str, session: Option<&str>, out: Option<&std::path::Path>) -> anyhow::Result<()> {
    match engine.transcript_of(&ActorId::local(user), Scope::Terminal, session).await? {
        Err(msg) => anyhow::bail!("{msg}"),
        Ok(file) => match out {
            Some(path) => {
                std::fs::write(path, file.markdown).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                println!("Wrote the transcript of session {} to {}.", file.session, path.display());
                Ok(())
            }
            None => {
                print!("{}", file.markdown);
                Ok(())
            }
        },
    }
}

/// `panelist stats`: the summary of the local user's progress, and the chart with `--out`.
pub async fn stats(engine: &Engine, user: &str, role: Option<&str>, out: Option<&std::path::Path>) -> anyhow::Result<()> {
    let report = engine.stats_report(&ActorId::local(user), Scope::Terminal, role).await?;
    println!("{}", report.role);
    for line in &report.summary {
        println!("  {line}");
    }
    if let Some(path) = out {
        std::fs::write(path, &report.png).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        println!(
            "Wrote the chart ({}x{} PNG) to {}.",
            crate::progress::chart::WIDTH,
            crate::progress::chart::HEIGHT,
            path.display()
        );
    }
    Ok(())
}
