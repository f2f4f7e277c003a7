//! The built binary, driven through piped stdin: a whole interview, bad input, a run killed
//! mid-interview and a third run that resumes it, and a broken pack stopping start-up.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use panelist::interview::Stage;
use panelist::store::Store;
use sqlx::Row;

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/senior-python-developer.toml");
const ARGS: &[&str] = &[
    "practice",
    "--areas",
    "python,concurrency",
    "--per-area",
    "1",
    "--follow-ups",
    "1",
    "--seed",
    "11",
    "--user",
    "pat",
];

fn db_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("p.db").display())
}

fn panelist(dir: &Path, prompts: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_panelist"));
    c.current_dir(dir)
        .env("DATABASE_URL", db_url(dir))
        .env("PANELIST_PROMPTS", prompts)
        .env_remove("RUST_LOG");
    c
}

fn run(dir: &Path, input: &[u8]) -> Output {
    let mut child = panelist(dir, PACK)
        .args(ARGS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

async fn store(dir: &Path) -> Store {
    Store::connect(&db_url(dir)).await.unwrap()
}

#[tokio::test]
async fn a_whole_interview_through_piped_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let script = "My answer mentions reference counting and the garbage collector.\n\nA second paragraph.\n/submit\n\
                  The follow-up answer.\n/submit\n1 2\n3\n\
                  /hint\nThreads for I/O, multiprocessing for CPU-bound work.\n/submit\n/skip\n\n2\n";
    let out = run(dir.path(), script.as_bytes());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Question 1 of 2 · Python language proficiency"), "{stdout}");
    assert!(stdout.contains("Follow-up 1 of 1 · Question 1 of 2"), "{stdout}");
    assert!(stdout.contains("Question 2 of 2 · Concurrency and performance"), "{stdout}");
    assert!(stdout.contains("Hint 1 of"), "{stdout}");
    assert!(stdout.contains("Talking points your answer covered"), "{stdout}");
    assert!(stdout.contains("Model answer outline"), "{stdout}");
    assert!(
        stdout.contains("Also weigh, for this area: Explains behaviour from the underlying model"),
        "the area rubric: {stdout}"
    );
    assert!(stdout.contains("Summary · Senior Python Developer"), "{stdout}");
    assert!(stdout.contains("Overall: answered 2/2, skipped 0, self 2.5/4"), "{stdout}");
    assert!(!stdout.contains("\x1b["), "no colour codes when stdout is not a terminal");

    let st = store(dir.path()).await;
    let history = st
        .history(
            panelist::interview::Scope::Terminal,
            &panelist::interview::ActorId::local("pat"),
            10,
        )
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].status, "finished");
    let rows = sqlx::query("SELECT item, part, body FROM answers ORDER BY item, part")
        .fetch_all(st.pool())
        .await
        .unwrap();
    let bodies: Vec<(i64, i64, String)> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    assert_eq!(bodies.len(), 3);
    assert_eq!(
        bodies[0].2,
        "My answer mentions reference counting and the garbage collector.\n\nA second paragraph."
    );
    assert_eq!((bodies[1].0, bodies[1].1), (0, 1));
    assert_eq!(bodies[2].2, "Threads for I/O, multiprocessing for CPU-bound work.");
    let scores = sqlx::query("SELECT item, ticks, rating FROM scores ORDER BY item")
        .fetch_all(st.pool())
        .await
        .unwrap();
    let scores: Vec<(i64, String, i64)> = scores.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    assert_eq!(scores, vec![(0, "[0,1]".to_string(), 3), (1, "[]".to_string(), 2)]);
}

#[tokio::test]
async fn bad_input_is_explained_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut script = b"/submit\n/frobnicate\n   \n".to_vec();
    script.extend_from_slice(b"caf\xe9 \xff answer\n/submit\n");
    script.extend_from_slice(format!("{}\n/submit\n", "y".repeat(20_001)).as_bytes());
    let out = run(dir.path(), &script);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("Your answer is empty, so nothing was saved"), "{stdout}");
    assert!(stdout.contains("Unknown command /frobnicate"), "{stdout}");
    assert!(stdout.contains("not valid UTF-8"), "{stdout}");
    assert!(stdout.contains("the limit is 20000"), "{stdout}");
    let st = store(dir.path()).await;
    let live = st
        .live(panelist::interview::Scope::Terminal, &panelist::interview::ActorId::local("pat"))
        .await
        .unwrap()
        .expect("session still live");
    assert_eq!(live.session.items[0].answers[0].text, "caf\u{fffd} \u{fffd} answer");
    assert!(
        matches!(&live.session.stage, Stage::Asking { part: 1, draft, .. } if draft.is_empty()),
        "{:?}",
        live.session.stage
    );
}

/// Reads the child's stdout on a thread, so the test can wait for a line with a timeout.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn wait_for(rx: &mpsc::Receiver<String>, needle: &str) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(l) => {
                let hit = l.contains(needle);
                seen.push(l);
                if hit {
                    return seen;
                }
            }
            Err(_) => panic!("'{needle}' never came; saw:\n{}", seen.join("\n")),
        }
    }
}

#[tokio::test]
async fn a_killed_run_resumes_at_the_same_question_with_answers_kept() {
    let dir = tempfile::tempdir().unwrap();
    // Second run: answer the first question, start the follow-up, then get killed.
    let mut child = panelist(dir.path(), PACK)
        .args(ARGS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let rx = lines_of(&mut child);
    wait_for(&rx, "Question 1 of 2");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"The main answer before the crash.\n/submit\n").unwrap();
    stdin.flush().unwrap();
    let seen = wait_for(&rx, "Follow-up 1 of 1");
    let follow_up = seen
        .iter()
        .skip_while(|l| !l.contains("Follow-up 1 of 1"))
        .nth(1)
        .cloned()
        .unwrap_or_default();
    stdin.write_all(b"half a follow-up answer\n").unwrap();
    stdin.flush().unwrap();
    // Wait until the draft line is stored, then kill without warning.
    let st = store(dir.path()).await;
    let drafted = |s: &Stage| matches!(s, Stage::Asking { part: 1, draft, .. } if draft == "half a follow-up answer");
    let mut stored = false;
    for _ in 0..400 {
        let live = st
            .live(panelist::interview::Scope::Terminal, &panelist::interview::ActorId::local("pat"))
            .await
            .unwrap();
        if live.is_some_and(|l| drafted(&l.session.stage)) {
            stored = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(stored, "the draft line was stored within 20 s");
    child.kill().unwrap();
    child.wait().unwrap();

    // Third run: resumes at the follow-up, with the main answer and the draft kept.
    let out = run(dir.path(), b"/submit\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Resuming your unfinished interview (question 1 of 2)"), "{stdout}");
    assert!(
        stdout.contains(&follow_up),
        "the same follow-up is asked again: {follow_up}\n{stdout}"
    );
    assert!(stdout.contains("Your draft so far (23 characters) is kept"), "{stdout}");
    let live = st
        .live(panelist::interview::Scope::Terminal, &panelist::interview::ActorId::local("pat"))
        .await
        .unwrap()
        .expect("still live");
    let answers: Vec<&str> = live.session.items[0].answers.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(answers, vec!["The main answer before the crash.", "half a follow-up answer"]);
    assert!(matches!(live.session.stage, Stage::Scoring { item: 0, .. }));
}

#[test]
fn a_broken_pack_stops_start_up_naming_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let prompts: PathBuf = dir.path().join("prompts");
    std::fs::create_dir(&prompts).unwrap();
    let text = std::fs::read_to_string(PACK)
        .unwrap()
        .replacen("kind = \"concept\"", "kind = \"concept\"\nchecklist_typo = 1", 1);
    std::fs::write(prompts.join("broken.toml"), text).unwrap();
    let out = panelist(dir.path(), prompts.to_str().unwrap())
        .args(ARGS)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("broken.toml") && stderr.contains("checklist_typo"), "{stderr}");
    assert!(!dir.path().join("p.db").exists(), "nothing was created");

    let check = panelist(dir.path(), PACK)
        .args(["packs", "check", prompts.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!check.status.success());
    let ok = panelist(dir.path(), PACK)
        .args(["packs", "check", "--strict", PACK])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{stdout}{}", String::from_utf8_lossy(&ok.stderr));
    assert!(stdout.contains("Python language proficiency (python)"), "{stdout}");
}

#[tokio::test]
async fn quit_leaves_the_session_to_resume_later() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), b"a first line of my answer\n/quit\nthis line is never read\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("Leaving; your session is saved"),
        "{stdout}"
    );
    let live = store(dir.path())
        .await
        .live(panelist::interview::Scope::Terminal, &panelist::interview::ActorId::local("pat"))
        .await
        .unwrap()
        .expect("still live");
    assert!(matches!(&live.session.stage, Stage::Asking { draft, .. } if draft == "a first line of my answer"));
}

/// The database files (main, write-ahead log, shared memory) as bytes, for looking for text.
fn database_bytes(dir: &Path) -> Vec<u8> {
    ["p.db", "p.db-wal", "p.db-shm"]
        .iter()
        .filter_map(|f| std::fs::read(dir.join(f)).ok())
        .flatten()
        .collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn forget_deletes_a_terminal_users_answers_from_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "QUOKKA-7341 my pasted api key";
    let out = run(dir.path(), format!("{secret}\n/submit\nfollow up text\n/submit\n\n3\n").as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(contains(&database_bytes(dir.path()), secret), "the answer was stored first");

    let dry = panelist(dir.path(), PACK).args(["forget", "--user", "pat"]).output().unwrap();
    assert!(dry.status.success());
    assert!(String::from_utf8_lossy(&dry.stdout).contains("Nothing was deleted"));
    let st = store(dir.path()).await;
    let live = st
        .history(
            panelist::interview::Scope::Terminal,
            &panelist::interview::ActorId::local("pat"),
            10,
        )
        .await
        .unwrap();
    assert_eq!(live.len(), 1, "without --yes nothing is deleted");
    st.close().await;

    let done = panelist(dir.path(), PACK)
        .args(["forget", "--user", "pat", "--yes"])
        .output()
        .unwrap();
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let said = String::from_utf8_lossy(&done.stdout);
    assert!(said.contains("Deleted 1 interview(s) of 'pat' with 2 answer(s)"), "{said}");
    let st = store(dir.path()).await;
    let left: i64 = sqlx::query("SELECT COUNT(*) FROM events")
        .fetch_one(st.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "the event log of what they typed is gone");
    st.close().await;
    assert!(
        !contains(&database_bytes(dir.path()), secret),
        "no copy of the text survives in the database files"
    );
}
