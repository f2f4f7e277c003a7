//! Progress in Discord: `/interview history` (pages with Older and Newer buttons),
//! `/interview transcript [session]` (a Markdown attachment), and `/drill` (the questions due
//! for review, in your DMs). A server shows only its own sessions; DMs show all of yours.

use std::collections::HashMap;

use poise::serenity_prelude as serenity;
use serenity::{ButtonStyle, ComponentInteraction, CreateActionRow, CreateAttachment, CreateButton};

use super::ac_role;
use crate::discord::ack::{within_budget, Ack, Update};
use crate::discord::card::{clip, Reply};
use crate::discord::deliver::{deliver, rejection_text, Origin};
use crate::discord::send::{discord_code, say};
use crate::discord::{actor, scope, Context, Data, Error};
use crate::engine::{now_millis, DrillRequest, NoDrill, Outcome, DRILL_SIZE};
use crate::interview::{Mode, Scope};
use crate::progress::history::{mode_label, Page};

/// Interviews per history page.
pub const PER_PAGE: usize = 5;

/// Your interviews, newest first, with the score per area (DM sessions only in DMs).
#[poise::command(slash_command)]
pub async fn history(ctx: Context<'_>) -> Result<(), Error> {
    let me = ctx.author().id;
    // Answered at once when the database is quick; deferred (privately) when it is not.
    let reply = within_budget(ctx, true, page_reply(&ctx.data().engine, scope(ctx.guild_id()), me.get(), 0)).await?;
    say(ctx, reply.ephemeral()).await
}

/// The custom id of a history page button: `hp:<user>:<page>`.
pub fn page_id(user: u64, page: usize) -> String {
    format!("hp:{user}:{page}")
}

/// (user, page) of a history page button.
pub fn parse_page_id(s: &str) -> Option<(u64, usize)> {
    let (user, page) = s.strip_prefix("hp:")?.split_once(':')?;
    Some((user.parse().ok()?, page.parse().ok()?))
}

async fn page_reply(engine: &crate::engine::Engine, here: Scope, user: u64, page: usize) -> anyhow::Result<Reply> {
    let page = engine
        .history_page(&crate::interview::ActorId::discord(user), here, page, PER_PAGE)
        .await?;
    let names = engine.names(here, page.lines.iter().map(|l| l.role.as_str())).await;
    let mut reply = Reply::text(render_page(&page, &names, here));
    if page.pages > 1 {
        reply.components = vec![CreateActionRow::Buttons(vec![
            CreateButton::new(page_id(user, page.page.saturating_sub(1)))
                .label("Newer")
                .style(ButtonStyle::Secondary)
                .disabled(!page.has_newer()),
            CreateButton::new(page_id(user, page.page + 1))
                .label("Older")
                .style(ButtonStyle::Secondary)
                .disabled(!page.has_older()),
        ])];
    }
    Ok(reply)
}

/// A history page as a message (at most 2,000 characters).
pub fn render_page(page: &Page, names: &HashMap<String, String>, here: Scope) -> String {
    if page.total == 0 {
        return "No interviews here yet. Start one with `/interview start` (or `/practice` in DMs).".into();
    }
    let whose = if here == Scope::Dm {
        "Your interviews (all, DMs included)"
    } else {
        "Your interviews in this server"
    };
    let mut out = format!(
        "**{whose}**, newest first · page {} of {} · {} in all\n",
        page.page + 1,
        page.pages,
        page.total
    );
    for l in &page.lines {
        let role = names.get(&l.role).map_or(l.role.as_str(), String::as_str);
        out.push_str(&format!(
            "\n<t:{}:d> **{role}** · {} · {} · answered {}/{} · `{}`\n",
            l.at / 1000,
            mode_label(l.mode),
            l.status,
            l.answered,
            l.asked,
            &l.id[..l.id.len().min(8)]
        ));
        for a in &l.areas {
            let area = names.get(&format!("{}/{}", l.role, a.area)).map_or(a.area.as_str(), String::as_str);
            out.push_str(&format!("- {area}: {}\n", a.figures()));
        }
    }
    clip(&out, 2000)
}

/// A press of Newer or Older: only the person whose history it is may turn its pages.
pub async fn on_page(data: &Data, ci: &ComponentInteraction, ack: &Ack, user: u64, page: usize) -> anyhow::Result<()> {
    if ci.user.id.get() != user {
        let not_yours = Reply::text("This is someone else's history. See yours with `/interview history`.").ephemeral();
        return Ok(ack.reply(vec![not_yours]).await?);
    }
    let reply = page_reply(&data.engine, scope(ci.guild_id), user, page).await?;
    let update = Update {
        content: reply.content,
        components: Some(reply.components),
        ..Update::default()
    };
    Ok(ack.update(update).await?)
}

/// One of your past interviews as a Markdown file (DM sessions only in DMs).
#[poise::command(slash_command)]
pub async fn transcript(
    ctx: Context<'_>,
    #[description = "Session id or its first characters (see /interview history; default: the newest)"] session: Option<String>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let found = ctx
        .data()
        .engine
        .transcript_of(&actor(ctx.author().id), scope(ctx.guild_id()), session.as_deref())
        .await?;
    let reply = match found {
        Err(msg) => Reply::text(msg),
        Ok(file) => {
            let name = format!("transcript-{}.md", &file.session[..file.session.len().min(8)]);
            let mut r = Reply::text(format!("The transcript of session `{}`.", file.session));
            r.files.push(CreateAttachment::bytes(file.markdown.into_bytes(), name));
            r
        }
    };
    say(ctx, reply.ephemeral()).await
}

/// A short drill in your DMs: questions due for review, then new ones from your weakest area.
#[poise::command(slash_command)]
pub async fn drill(
    ctx: Context<'_>,
    #[description = "Role to drill (default: the main role)"]
    #[autocomplete = "ac_role"]
    role: Option<String>,
) -> Result<(), Error> {
    let in_dm = ctx.guild_id().is_none();
    if in_dm {
        ctx.defer().await?;
    } else {
        ctx.defer_ephemeral().await?;
    }
    let engine = &ctx.data().engine;
    let role = role
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| engine.default_role());
    let channel = if in_dm {
        ctx.channel_id()
    } else {
        ctx.author().id.create_dm_channel(ctx.http()).await?.id
    };
    let req = DrillRequest {
        scope: Scope::Dm,
        mode: Mode::Dm,
        candidate: actor(ctx.author().id),
        role,
        channel: Some(channel.get()),
        key: format!("ix:{}", ctx.id()),
        size: DRILL_SIZE,
    };
    let reply = |s: &str| {
        let r = Reply::text(s);
        if in_dm {
            r
        } else {
            r.ephemeral()
        }
    };
    let applied =
        match engine.start_drill(req, now_millis()).await? {
            Ok(a) => a,
            Err(NoDrill::NothingDue) => return say(
                ctx,
                reply("Nothing is due for review, and you have seen every question of your weakest area. Come back later, or `/practice`."),
            )
            .await,
            Err(NoDrill::Refused(r)) => return say(ctx, reply(&rejection_text(&r))).await,
        };
    if in_dm {
        return deliver(ctx.http(), &ctx.data().engine, Origin::Command(ctx), Outcome::Applied(applied)).await;
    }
    let id = applied.session().id.clone();
    if let Err(e) = deliver(ctx.http(), &ctx.data().engine, Origin::Background, Outcome::Applied(applied)).await {
        engine.discard(&id).await?;
        if e.downcast_ref::<serenity::Error>().and_then(discord_code) == Some(50007) {
            return say(ctx, reply("I can't send you direct messages. Allow DMs from this server (server name → Privacy Settings → Direct Messages), then run `/drill` again.")).await;
        }
        return Err(e);
    }
    say(ctx, reply("I sent you a DM: your drill is waiting there.")).await
}

/// Your progress per area over time, as a chart and a short summary.
#[poise::command(slash_command)]
pub async fn stats(
    ctx: Context<'_>,
    #[description = "Role (default: the one you practised most)"]
    #[autocomplete = "ac_role"]
    role: Option<String>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let report = ctx
        .data()
        .engine
        .stats_report(&actor(ctx.author().id), scope(ctx.guild_id()), role.as_deref().map(str::trim))
        .await?;
    if report.stats.answered == 0 {
        return say(
            ctx,
            Reply::text("No answered questions here yet. Start with `/practice` or `/drill`.").ephemeral(),
        )
        .await;
    }
    let mut r = Reply::text(format!("**{}**\n{}", report.role, report.summary.join("\n")));
    r.files.push(CreateAttachment::bytes(report.png, "progress.png"));
    say(ctx, r.ephemeral()).await
}

/// Opt-in reminders: a DM at your local time with the number of questions due for review.
#[poise::command(slash_command)]
pub async fn remind(
    ctx: Context<'_>,
    #[description = "HH:MM (24-hour) in your time zone, or off to stop reminders"] time: String,
    #[description = "Your time zone as Area/City, e.g. Europe/Berlin"] timezone: Option<String>,
    #[description = "daily (default), weekdays, weekends, or days like mon,wed,fri"] days: Option<String>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let engine = &ctx.data().engine;
    let me = actor(ctx.author().id);
    if time.trim().eq_ignore_ascii_case("off") {
        let msg = if engine.reminder_off(&me).await? {
            "Reminders are off. I won't message you again."
        } else {
            "You had no reminder set; nothing changed."
        };
        return say(ctx, Reply::text(msg).ephemeral()).await;
    }
    let Some(zone) = timezone.filter(|z| !z.trim().is_empty()) else {
        return say(
            ctx,
            Reply::text("Give your time zone too, e.g. `timezone:Europe/Berlin`. Nothing was set.").ephemeral(),
        )
        .await;
    };
    let msg = match engine.set_reminder(&me, &time, &zone, days.as_deref(), now_millis()).await? {
        Err(why) => format!("{why} Nothing was set."),
        Ok((when, first)) => format!(
            "Reminder set: {when}. The first is <t:{}:F>. I'll DM you how many questions are due; `/interview remind time:off` stops it.",
            first / 1000
        ),
    };
    say(ctx, Reply::text(msg).ephemeral()).await
}

/// Sends the reminders due at `now`: one DM each to the users who asked for one (claimed once
/// across processes). Returns how many were sent.
pub async fn send_reminders(http: &serenity::Http, engine: &crate::engine::Engine, now: crate::interview::Millis) -> anyhow::Result<usize> {
    let mut sent = 0;
    for r in engine.due_reminders(now).await? {
        let Some(user) = r.user.discord_user() else { continue };
        let text = match r.due {
            0 => "Your practice reminder: nothing is due for review today. `/drill` still brings new questions from your weakest area."
                .to_string(),
            1 => "Your practice reminder: 1 question is due for review. Run `/drill` to answer it.".to_string(),
            n => format!("Your practice reminder: {n} questions are due for review. Run `/drill` to answer them."),
        };
        let dm = serenity::UserId::new(user).create_dm_channel(http).await;
        let result = match dm {
            Ok(ch) => ch
                .id
                .send_message(
                    http,
                    crate::discord::send::message(Reply::text(format!("{text} (`/interview remind time:off` stops these.)"))),
                )
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => sent += 1,
            Err(e) => tracing::warn!(error = %e, "could not send a reminder"),
        }
    }
    Ok(sent)
}
