//! The pack authors' commands end to end: `packs lab` explains an answer clause by clause, and
//! `packs check --fixtures` prints a line per answer, fails on a tuning answer off target and
//! reports held-out ones.

use std::path::Path;
use std::process::{Command, Output};

const PACK: &str = r#"
[role]
id = "copy-role"
name = "Copy role"

[[areas]]
id = "python"
name = "Python"

[[questions]]
id = "py-copy"
area = "python"
kind = "concept"
difficulty = 2
prompt = "What is the difference between a shallow copy and a deep copy?"
hints = ["Think about a list of lists."]
checklist = ["a", "b", "c"]
outline = "o"
topic = ["copy | copies"]

[[questions.talking_points]]
point = "Shallow copy shares nested objects"
phrases = ["shallow + share | same + nested | inner"]

[[questions.talking_points]]
point = "Deep copy is recursive"
phrases = ["deep + recursive | recursively"]

[[questions.misconceptions]]
claim = "A shallow copy is recursive"
correction = "Only a deep copy recurses; a shallow copy shares what is inside."
phrases = ["shallow + recursive | recursively"]
contradicts = ["Shallow copy shares nested objects"]
"#;

fn panelist(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_panelist"))
        .args(args)
        .current_dir(dir)
        .env_remove("PANELIST_PROMPTS")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("prompts")).unwrap();
    std::fs::write(dir.path().join("prompts/copy-role.toml"), PACK).unwrap();
    dir
}

#[test]
fn the_lab_shows_which_clause_made_which_point() {
    let dir = setup();
    std::fs::write(
        dir.path().join("a.txt"),
        "A shallow copy shares the inner lists. A deep copy goes recursively through everything.",
    )
    .unwrap();
    let out = panelist(dir.path(), &["packs", "lab", "py-copy", "a.txt"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("  1. A shallow copy shares the inner lists"), "{text}");
    assert!(
        text.contains("+ Shallow copy shares nested objects  [shallow + shares + inner]"),
        "{text}"
    );
    assert!(text.contains("+ Deep copy is recursive  [deep + recursively]"), "{text}");
    assert!(text.contains("Covered 2 of 2."), "{text}");

    std::fs::write(
        dir.path().join("b.txt"),
        "A shallow copy copies recursively, the inner lists are the same.",
    )
    .unwrap();
    let text = String::from_utf8_lossy(&panelist(dir.path(), &["packs", "lab", "py-copy", "b.txt"]).stdout).to_string();
    assert!(text.contains("! misconception: A shallow copy is recursive"), "{text}");
    assert!(
        text.contains("not covered: Shallow copy shares nested objects (contradicted by a misconception)"),
        "{text}"
    );

    std::fs::write(dir.path().join("c.txt"), "Think about a list of lists.").unwrap();
    let text = String::from_utf8_lossy(&panelist(dir.path(), &["packs", "lab", "--hints", "1", "py-copy", "c.txt"]).stdout).to_string();
    assert!(text.contains("OFF TOPIC"), "{text}");
}

#[test]
fn the_lab_refuses_an_unknown_question() {
    let dir = setup();
    let out = panelist(dir.path(), &["packs", "lab", "nope", "a.txt"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no question 'nope'"));
}

#[test]
fn fixtures_print_every_answer_and_fail_on_a_tuning_miss() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("sets")).unwrap();
    let set = r#"
role = "copy-role"
question = "py-copy"
[[answers]]
kind = "strong"
text = "A shallow copy shares the inner lists. A deep copy copies recursively."
[[answers]]
kind = "strong"
style = "too thin"
text = "Copies are copies."
"#;
    std::fs::write(dir.path().join("sets/py-copy.toml"), set).unwrap();
    let out = panelist(dir.path(), &["packs", "check", "--fixtures", "sets", "prompts"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "a held-out miss is reported, not a finding: {text}");
    assert!(text.contains("held-out answers off target: 1"), "{text}");
    assert!(
        text.contains("py-copy") && text.contains("#1 tuning   100% (2/2) >= 70% ok"),
        "{text}"
    );
    assert!(text.contains("#2 held-out   0% (0/2) >= 70% MISS  (too thin)"), "{text}");
    let held_out = &text[text.find("held-out half:").unwrap()..];
    assert!(held_out.contains("strong     0/1   met"), "{text}");
}

#[test]
fn a_tuning_answer_off_target_is_a_finding() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("sets")).unwrap();
    let set = "role = \"copy-role\"\nquestion = \"py-copy\"\n[[answers]]\nkind = \"strong\"\ntext = \"Copies.\"\n";
    std::fs::write(dir.path().join("sets/py-copy.toml"), set).unwrap();
    let out = panelist(dir.path(), &["packs", "check", "--fixtures", "sets", "prompts"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 finding(s)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
