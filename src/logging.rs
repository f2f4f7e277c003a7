//! Logs go to stderr through a redacting writer, so no secret reaches them at any level (serenity
//! traces whole interactions at `trace`): the bot token and database password (registered once
//! known), every `token: "..."` field, and the token part of interaction callback and webhook
//! URLs become `[redacted]`.

use std::io::{self, Write};
use std::sync::RwLock;

use tracing_subscriber::fmt::MakeWriter;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

const REDACTED: &str = "[redacted]";

/// Never print `secret` (ignored when too short to be one).
pub fn redact_secret(secret: &str) {
    if secret.len() >= 6 {
        if let Ok(mut s) = SECRETS.write() {
            s.push(secret.to_string());
        }
    }
}

/// The password in a database URL's user-info or query string, if any.
pub fn url_password(url: &str) -> Option<String> {
    let after_scheme = url.split_once("://")?.1;
    if let Some((creds, _)) = after_scheme.split_once('@') {
        if let Some((_, pw)) = creds.split_once(':') {
            return Some(pw.to_string());
        }
    }
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|kv| kv.strip_prefix("password=")).map(str::to_string)
}

/// `line` with every secret removed.
pub fn redact(line: &str) -> String {
    let mut out = line.to_string();
    if let Ok(secrets) = SECRETS.read() {
        for s in secrets.iter() {
            out = out.replace(s.as_str(), REDACTED);
        }
    }
    out = redact_after(&out, "token: \"", |c| c == '"');
    out = redact_after(&out, "\"token\":\"", |c| c == '"');
    for route in ["/webhooks/", "/interactions/"] {
        out = redact_path(&out, route);
    }
    out
}

/// Replaces what follows each `marker` up to `end` (exclusive).
fn redact_after(s: &str, marker: &str, end: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(marker) {
        out.push_str(&rest[..at + marker.len()]);
        rest = &rest[at + marker.len()..];
        let stop = rest.find(&end).unwrap_or(rest.len());
        if stop > 0 {
            out.push_str(REDACTED);
        }
        rest = &rest[stop..];
    }
    out.push_str(rest);
    out
}

/// `<route><id>/<token>`: the segment after the id is the token.
fn redact_path(s: &str, route: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(route) {
        out.push_str(&rest[..at + route.len()]);
        rest = &rest[at + route.len()..];
        let id_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        out.push_str(&rest[..id_end]);
        rest = &rest[id_end..];
        if let Some(tail) = rest.strip_prefix('/') {
            let stop = tail
                .find(|c: char| c == '/' || c == '?' || c == '"' || c.is_whitespace())
                .unwrap_or(tail.len());
            out.push('/');
            out.push_str(REDACTED);
            rest = &tail[stop..];
        }
    }
    out.push_str(rest);
    out
}

/// Stderr, redacted line by line.
pub struct Redacting;

impl Write for Redacting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        io::stderr().write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

impl<'a> MakeWriter<'a> for Redacting {
    type Writer = Redacting;
    fn make_writer(&'a self) -> Redacting {
        Redacting
    }
}

/// Logs to stderr (redacted); the terminal front end keeps quiet unless `RUST_LOG` says otherwise.
pub fn init(quiet: bool) {
    let default = if quiet {
        "warn"
    } else {
        "info,serenity=warn,poise=warn,sqlx=warn,tracing=warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| default.into());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(Redacting).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_in_fields_urls_and_registered_secrets_are_redacted() {
        redact_secret("s3cr3t-registered");
        let line = r#"x token: "abc.def" /api/v10/webhooks/123/tok-en_1/messages/@original /interactions/9/t0k/callback {"token":"j"} s3cr3t-registered"#;
        let out = redact(line);
        for leak in ["abc.def", "tok-en_1", "t0k", "\"j\"", "s3cr3t-registered"] {
            assert!(!out.contains(leak), "{leak} in {out}");
        }
        assert!(out.contains("/webhooks/123/[redacted]/messages/@original"), "{out}");
        assert_eq!(redact("nothing secret here"), "nothing secret here");
    }

    #[test]
    fn passwords_are_found_in_user_info_and_query() {
        assert_eq!(url_password("postgres://u:pw1@h/db").as_deref(), Some("pw1"));
        assert_eq!(url_password("postgres://h/db?user=u&password=pw2").as_deref(), Some("pw2"));
        assert_eq!(url_password("sqlite://panelist.db?mode=rwc"), None);
    }
}
