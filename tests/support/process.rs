//! The built `panelist` binary against the fake Discord: the environment `serve` needs to reach
//! it, started and waited for until it registered its commands, and SIGKILLed when dropped (so
//! no process outlives a failed test).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::fake_discord::FakeDiscord;

/// How long a `serve` may take to connect and register its commands (generous: serenity boots
/// a process's shards 5 s apart).
pub const BOOT: Duration = Duration::from_secs(40);

/// `panelist ARGS` (`serve ...`, `migrate`, `history ...`) on database `db`, with the fake's
/// token and address, the shipped packs, none of the operator's shard or metrics variables, and
/// warnings only in its log.
pub fn panelist(fake: &FakeDiscord, db: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_panelist"));
    c.args(args)
        .env("DISCORD_TOKEN", fake.token())
        .env("DISCORD_API_BASE", fake.api_base())
        .env("DISCORD_GUILD_ID", fake.guild_id().to_string())
        .env("DATABASE_URL", db)
        .env("PANELIST_PROMPTS", concat!(env!("CARGO_MANIFEST_DIR"), "/prompts"))
        .env("RUST_LOG", std::env::var("PANELIST_TEST_BOT_LOG").unwrap_or_else(|_| "warn".into()))
        .env_remove("PANELIST_METRICS_ADDR")
        .env_remove("PANELIST_SHARDS")
        .env_remove("PANELIST_TOTAL_SHARDS")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    c
}

pub fn commands_put(fake: &FakeDiscord) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.method == "PUT" && r.path.ends_with("/commands"))
        .count()
}

/// A running bot process, SIGKILLed when dropped.
pub struct Serving(pub Child);

impl std::ops::Deref for Serving {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Serving {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Serving {
    /// Starts `cmd` and waits until the process registered its commands (it is connected).
    pub async fn start(fake: &FakeDiscord, mut cmd: Command) -> Serving {
        let before = commands_put(fake);
        let child = Serving(cmd.spawn().expect("panelist serve"));
        fake.wait_for("the bot process to register its commands", BOOT, |f| {
            (commands_put(f) > before).then_some(())
        })
        .await;
        child
    }

    /// SIGKILL, and wait for it to be gone.
    pub fn kill(self) {
        drop(self);
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill(); // SIGKILL on Unix
        let _ = self.0.wait();
    }
}
