//! Server packs: `/packs upload` (a TOML attachment, checked by the same validator as
//! `prompts/`), `/packs list`, `/packs remove`. Uploading and removing need Manage Server, which
//! the bot checks itself: command visibility alone can be changed by a server's admins.

use poise::serenity_prelude as serenity;
use serenity::{Attachment, AutocompleteChoice, CreateAutocompleteResponse, GuildId};

use crate::bank::MAX_PACK_BYTES;
use crate::discord::ack::within_budget;
use crate::discord::card::{clip, Reply};
use crate::discord::review_render::mention;
use crate::discord::send::say;
use crate::discord::{actor, Context, Error};
use crate::engine::{now_millis, PackRefusal, MAX_SERVER_PACKS};

/// Question packs of this server: upload, list, remove.
#[poise::command(slash_command, guild_only, subcommands("upload", "list", "remove"), subcommand_required)]
pub async fn packs(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Does the caller have Manage Server? (From the member's permissions in the interaction.)
async fn is_admin(ctx: Context<'_>) -> bool {
    match ctx.author_member().await {
        Some(m) => m.permissions.is_some_and(|p| p.manage_guild() || p.administrator()),
        None => false,
    }
}

const NOT_ADMIN: &str = "Only members with the Manage Server permission can change this server's question packs.";

/// Upload a question pack (TOML, see prompts/FORMAT.md) for this server only.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn upload(ctx: Context<'_>, #[description = "The pack: a .toml file"] file: Attachment) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    if !is_admin(ctx).await {
        return say(ctx, Reply::text(NOT_ADMIN).ephemeral()).await;
    }
    let Some(guild) = ctx.guild_id() else {
        return Ok(());
    };
    let msg = match check_and_store(ctx, guild, &file).await? {
        Ok(m) | Err(m) => m,
    };
    say(ctx, Reply::text(clip(&msg, 2000)).ephemeral()).await
}

/// Validates the attachment and stores it; `Err` is the message explaining why nothing was stored.
async fn check_and_store(ctx: Context<'_>, guild: GuildId, file: &Attachment) -> Result<Result<String, String>, Error> {
    if !file.filename.to_lowercase().ends_with(".toml") {
        return Ok(Err(format!(
            "`{}` is not a .toml file. Packs are TOML; see prompts/FORMAT.md.",
            file.filename
        )));
    }
    if file.size as usize > MAX_PACK_BYTES {
        return Ok(Err(format!(
            "`{}` is {} bytes; the limit is {MAX_PACK_BYTES}. Nothing was stored.",
            file.filename, file.size
        )));
    }
    let bytes = file.download().await?;
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(Err(format!("`{}` is not UTF-8 text. Nothing was stored.", file.filename)));
    };
    let uploaded = ctx
        .data()
        .engine
        .upload_pack(guild.get(), &text, &file.filename, &actor(ctx.author().id), now_millis())
        .await?;
    let up = match uploaded {
        Ok(up) => up,
        Err(refusal) => return Ok(Err(refusal_text(&refusal))),
    };
    let (pack, role) = (&up.pack, &up.pack.role.id);
    let verb = if up.replaced { "replaced" } else { "added" };
    Ok(Ok(format!(
        "Pack **{}** (`{role}`) {verb}: {} questions in {} areas. Start it with `/interview start role:{role}`; it is available in this server only.",
        pack.role.name,
        pack.questions.len(),
        pack.areas.len()
    )))
}

/// Why nothing was stored, in Discord's words.
fn refusal_text(r: &PackRefusal) -> String {
    match r {
        PackRefusal::Invalid(errors) => {
            let shown: Vec<String> = errors.iter().take(10).map(|e| format!("• {e}")).collect();
            let more = if errors.len() > 10 {
                format!("\n…and {} more.", errors.len() - 10)
            } else {
                String::new()
            };
            format!(
                "The pack has {} problem(s); nothing was stored:\n{}{more}",
                errors.len(),
                shown.join("\n")
            )
        }
        PackRefusal::BuiltIn { role } => {
            format!("The role id `{role}` belongs to a built-in pack; give your pack another `role.id`.")
        }
        PackRefusal::TooMany => {
            format!("This server already has {MAX_SERVER_PACKS} packs, the limit. Remove one with `/packs remove` first.")
        }
        PackRefusal::InUse { role, sessions } => {
            format!("{sessions} interview(s) in progress or open for scoring use `{role}`; replace it once they have ended.")
        }
    }
}

/// The question packs available in this server.
#[poise::command(slash_command, guild_only)]
pub async fn list(ctx: Context<'_>) -> Result<(), Error> {
    let engine = &ctx.data().engine;
    let mut lines = vec!["**Built-in packs**".to_string()];
    for p in engine.builtin_packs() {
        lines.push(format!(
            "• {} (`{}`): {} questions, {} areas",
            p.role.name,
            p.role.id,
            p.questions.len(),
            p.areas.len()
        ));
    }
    let Some(guild) = ctx.guild_id() else {
        return Ok(());
    };
    let own = within_budget(ctx, true, engine.server_packs(guild.get())).await?;
    lines.push("**This server's packs**".into());
    if own.is_empty() {
        lines.push("none yet: admins can add one with `/packs upload`".into());
    }
    for p in own {
        let by = mention(&p.uploaded_by);
        lines.push(format!(
            "• {} (`{}`): {} questions, uploaded by {by} <t:{}:R>",
            p.name,
            p.role_id,
            p.questions,
            p.updated_at / 1000
        ));
    }
    say(ctx, Reply::text(clip(&lines.join("\n"), 2000)).ephemeral()).await
}

/// Remove one of this server's packs (interviews already using it keep working).
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn remove(
    ctx: Context<'_>,
    #[description = "Role id of the pack"]
    #[autocomplete = "ac_server_pack"]
    role: String,
) -> Result<(), Error> {
    if !is_admin(ctx).await {
        return say(ctx, Reply::text(NOT_ADMIN).ephemeral()).await;
    }
    let Some(guild) = ctx.guild_id() else {
        return Ok(());
    };
    let removed = within_budget(ctx, true, ctx.data().engine.remove_pack(guild.get(), &role, now_millis())).await?;
    let msg = if removed {
        format!("Pack `{}` removed. Interviews already using it can still finish.", role.trim())
    } else {
        format!("This server has no pack `{}`. `/packs list` shows its packs.", role.trim())
    };
    say(ctx, Reply::text(msg).ephemeral()).await
}

async fn ac_server_pack(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let Some(guild) = ctx.guild_id() else {
        return CreateAutocompleteResponse::new();
    };
    let packs = ctx.data().engine.server_packs(guild.get()).await.unwrap_or_default();
    let choices = packs
        .into_iter()
        .filter(|p| p.role_id.contains(partial))
        .take(25)
        .map(|p| AutocompleteChoice::new(clip(&format!("{} ({})", p.name, p.role_id), 100), p.role_id))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}
