//! Server packs end to end: admins upload a TOML pack as an attachment; the same validator
//! checks it; the pack is usable only in that server.

mod support;

use sqlx::Row;
use support::bot::{callback, interaction_id, text_of, token, Bot, WAIT};
use support::fake_discord::payloads::{autocomplete, resolved_attachments, slash_command, slash_command_resolved};
use support::fake_discord::{opt, perms, FakeConfig, FakeDiscord, FakeUser, GuildSpec, Origin};

const MANAGE_GUILD: u64 = 1 << 5;

const PACK: &str = r#"
[role]
id = "site-reliability"
name = "Site Reliability Engineer"

[[areas]]
id = "incidents"
name = "Incident response"

[[questions]]
id = "inc-first-steps"
area = "incidents"
kind = "troubleshooting"
difficulty = 2
prompt = "Paging alert: error rate at 20%. What do you do in the first ten minutes?"
checklist = ["Declares an incident and a lead", "Checks recent deploys", "Communicates status"]
outline = "Stabilise first: declare, roll back recent changes, communicate."
[[questions.talking_points]]
point = "Roll back"
phrases = ["roll back", "rollback", "revert"]
"#;

fn admin(fake: &FakeDiscord, user: &FakeUser) -> Origin {
    let mut o = fake.in_guild(user);
    o.permissions = perms::MEMBER | MANAGE_GUILD;
    o
}

/// `/packs upload file:<name>` with `body` hosted on the fake CDN; returns what the bot said.
async fn upload(fake: &FakeDiscord, origin: &Origin, name: &str, body: &str) -> String {
    let att = fake.host_attachment(name, body.as_bytes(), Some("application/toml"));
    let id: u64 = att["id"].as_str().unwrap().parse().unwrap();
    let ix = slash_command_resolved(
        origin,
        "packs",
        vec![opt::subcommand("upload", vec![opt::attachment("file", id)])],
        resolved_attachments(&[att]),
    );
    fake.push_interaction(ix.clone());
    let prefix = format!("/webhooks/{}/{}", fake.application_id(), token(&ix));
    let said = fake.wait_for_request(|r| r.path.starts_with(&prefix), WAIT).await;
    assert_eq!(said.body["flags"], 64, "answered privately");
    said.body["content"].as_str().unwrap().to_string()
}

async fn stored_packs(bot: &Bot) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM server_packs")
        .fetch_one(bot.store.pool())
        .await
        .unwrap()
        .get(0)
}

async fn role_choices(fake: &FakeDiscord, origin: &Origin) -> Vec<String> {
    let ix = autocomplete(origin, "interview", vec![opt::subcommand("start", vec![opt::focused("role", "")])]);
    fake.push_interaction(ix.clone());
    let r = callback(fake, &interaction_id(&ix)).await;
    r.body["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_admin_uploads_a_valid_pack_and_uses_it_in_this_server_only() {
    let other = GuildSpec::new("Other Guild");
    let other_id = other.id;
    let other_channel = other.default_channel();
    let fake = FakeDiscord::start_with(FakeConfig {
        guilds: vec![GuildSpec::new("Home"), other],
        ..FakeConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let boss = FakeUser::fresh("boss");
    let said = upload(&fake, &admin(&fake, &boss), "sre.toml", PACK).await;
    assert!(
        said.contains("Site Reliability Engineer") && said.contains("added") && said.contains("1 questions"),
        "{said}"
    );
    assert_eq!(stored_packs(&bot).await, 1);

    let member = FakeUser::fresh("member");
    let here = role_choices(&fake, &fake.in_guild(&member)).await;
    assert!(
        here.contains(&"site-reliability".to_string()) && here.contains(&"senior-python-developer".to_string()),
        "{here:?}"
    );
    let elsewhere = role_choices(&fake, &fake.in_channel(other_id, other_channel, &member)).await;
    assert!(
        !elsewhere.contains(&"site-reliability".to_string()),
        "another server's pack is invisible: {elsewhere:?}"
    );

    // Starting it here works; starting it in the other server does not.
    let start = |origin: &Origin| {
        slash_command(
            origin,
            "interview",
            vec![opt::subcommand("start", vec![opt::string("role", "site-reliability")])],
        )
    };
    let ix = start(&fake.in_channel(other_id, other_channel, &member));
    fake.push_interaction(ix.clone());
    let prefix = format!("/webhooks/{}/{}", fake.application_id(), token(&ix));
    let refused = fake.wait_for_request(|r| r.path.starts_with(&prefix), WAIT).await;
    assert!(
        refused.body["content"]
            .as_str()
            .unwrap()
            .contains("Unknown role 'site-reliability'"),
        "{}",
        refused.body
    );
    fake.push_interaction(start(&fake.in_guild(&member)));
    let q = fake
        .wait_for("the pack's question", WAIT, |f| {
            f.requests()
                .into_iter()
                .find(|r| r.method == "POST" && r.path.ends_with("/messages") && text_of(&r.body).contains("Paging alert"))
        })
        .await;
    assert!(
        text_of(&q.body).contains("Question 1 of 1 · Incident response"),
        "{}",
        text_of(&q.body)
    );

    let list = slash_command(&fake.in_guild(&member), "packs", vec![opt::subcommand("list", vec![])]);
    fake.push_interaction(list.clone());
    let listed = callback(&fake, &interaction_id(&list)).await;
    let text = text_of(&listed.body["data"]);
    assert!(
        text.contains("Site Reliability Engineer (`site-reliability`)") && text.contains(&format!("<@{}>", boss.id)),
        "{text}"
    );
    bot.stop().await;
}

#[tokio::test]
async fn an_invalid_pack_is_explained_field_by_field_and_not_stored() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let boss = FakeUser::fresh("boss");
    let broken = PACK
        .replace("area = \"incidents\"", "area = \"nowhere\"")
        .replace("difficulty = 2", "difficulty = 9");
    let said = upload(&fake, &admin(&fake, &boss), "broken.toml", &broken).await;
    assert!(said.contains("nothing was stored"), "{said}");
    assert!(
        said.contains("question 'inc-first-steps', field 'area': unknown area 'nowhere'"),
        "{said}"
    );
    assert!(said.contains("field 'difficulty': 9 is outside 1-3"), "{said}");
    let said = upload(&fake, &admin(&fake, &boss), "notes.txt", PACK).await;
    assert!(said.contains("is not a .toml file"), "{said}");
    let said = upload(&fake, &admin(&fake, &boss), "syntax.toml", "[role\nid = ").await;
    assert!(said.contains("syntax.toml") && said.contains("line"), "{said}");
    let clash = PACK.replace("id = \"site-reliability\"", "id = \"senior-python-developer\"");
    let said = upload(&fake, &admin(&fake, &boss), "clash.toml", &clash).await;
    assert!(said.contains("belongs to a built-in pack"), "{said}");
    assert_eq!(stored_packs(&bot).await, 0);
    bot.stop().await;
}

#[tokio::test]
async fn a_member_without_manage_server_cannot_upload_or_remove() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path()).await;
    let member = FakeUser::fresh("member");
    let said = upload(&fake, &fake.in_guild(&member), "sre.toml", PACK).await;
    assert!(said.contains("Only members with the Manage Server permission"), "{said}");
    assert_eq!(stored_packs(&bot).await, 0);

    let boss = FakeUser::fresh("boss");
    upload(&fake, &admin(&fake, &boss), "sre.toml", PACK).await;
    let rm = |o: &Origin| {
        slash_command(
            o,
            "packs",
            vec![opt::subcommand("remove", vec![opt::string("role", "site-reliability")])],
        )
    };
    let ix = rm(&fake.in_guild(&member));
    fake.push_interaction(ix.clone());
    let refused = callback(&fake, &interaction_id(&ix)).await;
    assert!(refused.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("Only members with the Manage Server permission"));
    let ix = rm(&admin(&fake, &boss));
    fake.push_interaction(ix.clone());
    let done = callback(&fake, &interaction_id(&ix)).await;
    assert!(done.body["data"]["content"].as_str().unwrap().contains("removed"), "{}", done.body);
    let choices = role_choices(&fake, &fake.in_guild(&member)).await;
    assert!(!choices.contains(&"site-reliability".to_string()), "{choices:?}");
    bot.stop().await;
}
