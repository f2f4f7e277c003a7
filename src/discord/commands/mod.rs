//! Slash commands: `/interview ...` and `/practice` (start.rs, manage.rs), history, transcripts
//! and `/drill` (progress.rs), `/packs ...` (packs.rs), the autocomplete they share, and the error handler that keeps internal errors away
//! from users.

pub(super) mod forget;
mod manage;
mod packs;
pub(super) mod progress;
pub(super) mod review;
mod start;

use poise::serenity_prelude as serenity;
use serenity::{AutocompleteChoice, CreateAutocompleteResponse};

use super::card::clip;
use super::{scope, Context, Data, Error};

pub(crate) use review::Invitations;

pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![interview(), start::practice(), progress::drill(), packs::packs(), review::review()]
}

/// Mock interviews: start one, see where you are, end or resume it, see your history, delete your data.
#[poise::command(
    slash_command,
    subcommands(
        "start::start",
        "manage::status",
        "manage::end",
        "manage::resume",
        "progress::history",
        "progress::transcript",
        "progress::stats",
        "progress::remind",
        "forget::forget_me"
    ),
    subcommand_required
)]
pub async fn interview(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

async fn ac_role(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let p = partial.to_lowercase();
    let packs = ctx.data().engine.packs_in(scope(ctx.guild_id())).await.unwrap_or_default();
    let choices = packs
        .iter()
        .filter(|pk| pk.role.id.contains(&p) || pk.role.name.to_lowercase().contains(&p))
        .take(25)
        .map(|pk| AutocompleteChoice::new(clip(&pk.role.name, 100), pk.role.id.clone()))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Suggests areas of the role chosen so far, completing the last comma-separated entry.
async fn ac_areas(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let role = chosen_role(&ctx).unwrap_or_else(|| ctx.data().engine.default_role());
    let Ok(Ok(pack)) = ctx.data().engine.pack_in(scope(ctx.guild_id()), &role, true).await else {
        return CreateAutocompleteResponse::new();
    };
    let (done, last) = partial.rsplit_once(',').unwrap_or(("", partial));
    let prefix = if done.is_empty() {
        String::new()
    } else {
        format!("{},", done.trim())
    };
    let last = last.trim().to_lowercase();
    let choices = pack
        .areas
        .iter()
        .filter(|a| (a.id.contains(&last) || a.name.to_lowercase().contains(&last)) && !done.split(',').any(|d| d.trim() == a.id))
        .take(25)
        .map(|a| {
            AutocompleteChoice::new(
                clip(&format!("{prefix}{} ({})", a.id, a.name), 100),
                clip(&format!("{prefix}{}", a.id), 100),
            )
        })
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

fn chosen_role(ctx: &Context<'_>) -> Option<String> {
    let poise::Context::Application(app) = ctx else {
        return None;
    };
    fn scan(opts: &[serenity::ResolvedOption<'_>]) -> Option<String> {
        opts.iter().find_map(|o| match &o.value {
            serenity::ResolvedValue::String(s) if o.name == "role" => Some(s.to_string()),
            serenity::ResolvedValue::SubCommand(inner) => scan(inner),
            _ => None,
        })
    }
    scan(&app.interaction.data.options())
}

/// User errors were already answered; anything else is logged and apologised for with an id.
pub async fn on_error(err: poise::FrameworkError<'_, Data, Error>) {
    match err {
        poise::FrameworkError::Command { error, ctx, .. } => {
            let id = uuid::Uuid::new_v4().simple().to_string();
            tracing::error!(error = ?error, error_id = %&id[..8], command = %ctx.command().qualified_name, "command failed");
            let msg = format!(
                "Something went wrong on my side (error {}). Nothing you typed was lost; please try again.",
                &id[..8]
            );
            let _ = ctx.send(poise::CreateReply::default().content(msg).ephemeral(true)).await;
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = %e, "while handling a framework error");
            }
        }
    }
}
