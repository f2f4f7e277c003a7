//! Server packs: TOML uploaded to one server, stored whole and parsed again when needed.

use sqlx::Row;

use super::codec::{actor_from, scope_text};
use super::Store;
use crate::interview::{ActorId, Millis, Scope};

#[derive(Debug, Clone)]
pub struct ServerPackRow {
    pub role_id: String,
    pub name: String,
    pub body: String,
    pub questions: i64,
    pub uploaded_by: ActorId,
    pub version: i64,
    pub removed: bool,
    pub updated_at: Millis,
}

fn row(r: &sqlx::any::AnyRow) -> Result<ServerPackRow, sqlx::Error> {
    Ok(ServerPackRow {
        role_id: r.try_get("role_id")?,
        name: r.try_get("name")?,
        body: r.try_get("body")?,
        questions: r.try_get("questions")?,
        uploaded_by: actor_from(r.try_get("uploaded_by")?),
        version: r.try_get("version")?,
        removed: r.try_get::<i64, _>("removed")? != 0,
        updated_at: r.try_get("updated_at")?,
    })
}

const COLUMNS: &str = "role_id, name, body, questions, uploaded_by, version, removed, updated_at";

/// What a server pack upload needs stored.
pub struct PackUpload<'a> {
    pub guild: u64,
    pub role_id: &'a str,
    pub name: &'a str,
    pub body: &'a str,
    pub questions: i64,
    pub uploaded_by: &'a ActorId,
}

impl Store {
    pub async fn server_pack(&self, guild: u64, role: &str) -> anyhow::Result<Option<ServerPackRow>> {
        let r = sqlx::query(&format!("SELECT {COLUMNS} FROM server_packs WHERE guild_id = $1 AND role_id = $2"))
            .bind(guild.to_string())
            .bind(role)
            .fetch_optional(&self.pool)
            .await?;
        Ok(r.as_ref().map(row).transpose()?)
    }

    /// The server's packs that are not removed, by role id.
    pub async fn server_packs(&self, guild: u64) -> anyhow::Result<Vec<ServerPackRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM server_packs WHERE guild_id = $1 AND removed = 0 ORDER BY role_id"
        ))
        .bind(guild.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row).collect::<Result<_, _>>()?)
    }

    /// Inserts or replaces (and un-removes) a server pack; returns its new version.
    pub async fn put_server_pack(&self, p: &PackUpload<'_>, now: Millis) -> anyhow::Result<i64> {
        let version: i64 = sqlx::query(
            "INSERT INTO server_packs (guild_id, role_id, name, body, questions, uploaded_by, version, removed, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 1, 0, $7)
             ON CONFLICT (guild_id, role_id) DO UPDATE SET name = excluded.name, body = excluded.body,
                 questions = excluded.questions, uploaded_by = excluded.uploaded_by,
                 version = server_packs.version + 1, removed = 0, updated_at = excluded.updated_at
             RETURNING version",
        )
        .bind(p.guild.to_string())
        .bind(p.role_id)
        .bind(p.name)
        .bind(p.body)
        .bind(p.questions)
        .bind(p.uploaded_by.as_str())
        .bind(now)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        Ok(version)
    }

    /// Marks a pack removed; `false` if the server has no such (live) pack.
    pub async fn remove_server_pack(&self, guild: u64, role: &str, now: Millis) -> anyhow::Result<bool> {
        let r = sqlx::query("UPDATE server_packs SET removed = 1, updated_at = $1 WHERE guild_id = $2 AND role_id = $3 AND removed = 0")
            .bind(now)
            .bind(guild.to_string())
            .bind(role)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// How many sessions in `scope` still use `role`: unfinished ones, and finished ones whose
    /// peer scoring is still open (anything with a pending deadline).
    pub async fn sessions_using(&self, scope: Scope, role: &str) -> anyhow::Result<i64> {
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) FROM sessions WHERE scope = $1 AND role_id = $2 AND (status IN ('active', 'paused') OR next_deadline IS NOT NULL)",
        )
            .bind(scope_text(scope))
            .bind(role)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok(n)
    }
}
