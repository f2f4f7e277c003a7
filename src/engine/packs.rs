//! Packs as a scope sees them: the built-in ones everywhere, a server's uploaded ones only in
//! that server (parsed once per stored version), and the rules for uploading and removing them.

use std::sync::Arc;

use super::Engine;
use crate::bank::{parse_pack, Pack};
use crate::interview::{ActorId, Millis, Rejection, Scope};
use crate::store::{PackUpload, ServerPackRow};

/// Most packs one server may have.
pub const MAX_SERVER_PACKS: usize = 25;

/// Why an uploaded pack was not stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackRefusal {
    /// The TOML does not parse or fails validation (the validator's messages).
    Invalid(Vec<String>),
    /// The role id belongs to a built-in pack.
    BuiltIn { role: String },
    /// The server has [`MAX_SERVER_PACKS`] already.
    TooMany,
    /// Sessions in progress (or open for scoring) use the pack it would replace.
    InUse { role: String, sessions: i64 },
}

/// A stored upload.
#[derive(Debug, Clone)]
pub struct Uploaded {
    pub pack: Arc<Pack>,
    pub replaced: bool,
}

impl Engine {
    /// The packs a user in `scope` can start: built-in ones, then the server's own.
    pub async fn packs_in(&self, scope: Scope) -> anyhow::Result<Vec<Arc<Pack>>> {
        let mut out: Vec<Arc<Pack>> = self.bank.packs().to_vec();
        if let Some(guild) = scope.server() {
            for row in self.store.server_packs(guild).await? {
                if let Some(p) = self.server_pack(guild, &row.role_id, true).await? {
                    out.push(p);
                }
            }
        }
        Ok(out)
    }

    /// The pack of `role` as seen from `scope`. `for_new` hides removed server packs (existing
    /// sessions still resolve theirs).
    pub async fn pack_in(&self, scope: Scope, role: &str, for_new: bool) -> anyhow::Result<Result<Arc<Pack>, Rejection>> {
        if let Some(p) = self.bank.role(role) {
            return Ok(Ok(p.clone()));
        }
        if let Some(guild) = scope.server() {
            if let Some(p) = self.server_pack(guild, role, for_new).await? {
                return Ok(Ok(p));
            }
        }
        let roles: Vec<String> = self.packs_in(scope).await?.iter().map(|p| p.role.id.clone()).collect();
        Ok(Err(Rejection::UnknownRole {
            role: role.to_string(),
            available: roles,
        }))
    }

    /// The role started when none is named: Senior Python Developer, else the first pack.
    pub fn default_role(&self) -> String {
        let packs = self.bank.packs();
        packs
            .iter()
            .find(|p| p.role.id == "senior-python-developer")
            .or(packs.first())
            .map_or_else(String::new, |p| p.role.id.clone())
    }

    /// The built-in packs.
    pub fn builtin_packs(&self) -> &[Arc<Pack>] {
        self.bank.packs()
    }

    async fn server_pack(&self, guild: u64, role: &str, live_only: bool) -> anyhow::Result<Option<Arc<Pack>>> {
        let Some(row) = self.store.server_pack(guild, role).await? else {
            return Ok(None);
        };
        if live_only && row.removed {
            return Ok(None);
        }
        let key = (guild, role.to_string());
        if let Some((v, p)) = self.cache_get(&key) {
            if v == row.version {
                return Ok(Some(p));
            }
        }
        let pack = Arc::new(
            parse_pack(&row.body, &format!("server pack {role}"))
                .map_err(|e| anyhow::anyhow!("stored server pack {role} no longer parses: {e:?}"))?,
        );
        self.cache_put(key, row.version, pack.clone());
        Ok(Some(pack))
    }

    /// The server's own packs (not removed), by role id.
    pub async fn server_packs(&self, guild: u64) -> anyhow::Result<Vec<ServerPackRow>> {
        self.store.server_packs(guild).await
    }

    /// Checks an uploaded pack (the same validator as `prompts/`) and the server's rules, then
    /// stores it. Nothing is stored when it is refused.
    pub async fn upload_pack(
        &self,
        guild: u64,
        text: &str,
        source: &str,
        by: &ActorId,
        now: Millis,
    ) -> anyhow::Result<Result<Uploaded, PackRefusal>> {
        let pack = match parse_pack(text, source) {
            Ok(p) => p,
            Err(errors) => return Ok(Err(PackRefusal::Invalid(errors.iter().map(|e| e.to_string()).collect()))),
        };
        let role = pack.role.id.clone();
        if self.bank.role(&role).is_some() {
            return Ok(Err(PackRefusal::BuiltIn { role }));
        }
        let existing = self.store.server_packs(guild).await?;
        let replaced = existing.iter().any(|p| p.role_id == role);
        if !replaced && existing.len() >= MAX_SERVER_PACKS {
            return Ok(Err(PackRefusal::TooMany));
        }
        // Also for a removed pack: interviews started before the removal still use it.
        let sessions = self.store.sessions_using(Scope::Server(guild), &role).await?;
        if sessions > 0 {
            return Ok(Err(PackRefusal::InUse { role, sessions }));
        }
        let upload = PackUpload {
            guild,
            role_id: &role,
            name: &pack.role.name,
            body: text,
            questions: pack.questions.len() as i64,
            uploaded_by: by,
        };
        self.store.put_server_pack(&upload, now).await?;
        Ok(Ok(Uploaded {
            pack: Arc::new(pack),
            replaced,
        }))
    }

    /// Removes a server pack from new interviews (those using it finish); `false` if the server
    /// has no such pack.
    pub async fn remove_pack(&self, guild: u64, role: &str, now: Millis) -> anyhow::Result<bool> {
        self.store.remove_server_pack(guild, role.trim(), now).await
    }
}
