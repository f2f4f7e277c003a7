//! REST faults a test injects from outside the bot: server errors (before or after the call
//! took effect, the second being a response lost on the way back), slow answers, and 429s with
//! Discord's `Retry-After` and `X-RateLimit-*` headers, per route or global, so that serenity's
//! own rate limiter engages.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// What a matching request gets.
#[derive(Clone, Debug)]
pub enum FaultKind {
    /// Answered with this status; the call does not take effect.
    Status(u16),
    /// The call takes effect, but the answer is this status (a response lost on the way back).
    LostResponse(u16),
    /// Answered normally after this delay.
    Slow(Duration),
    /// 429 with `Retry-After` seconds; `global` sets `X-RateLimit-Global` (scope global).
    RateLimited { retry_after: f64, global: bool },
}

/// A fault for the next `times` requests whose method is `method` and whose path (without
/// `/api/v10`) contains `path`.
#[derive(Clone, Debug)]
pub struct Fault {
    pub method: String,
    pub path: String,
    pub times: usize,
    pub kind: FaultKind,
}

impl Fault {
    pub fn new(method: &str, path: &str, times: usize, kind: FaultKind) -> Fault {
        Fault {
            method: method.to_owned(),
            path: path.to_owned(),
            times,
            kind,
        }
    }
}

/// Takes one use of the first fault matching the request, if any.
pub(super) fn take(faults: &mut Vec<Fault>, method: &str, path: &str) -> Option<FaultKind> {
    let i = faults
        .iter()
        .position(|f| f.times > 0 && f.method == method && path.contains(&f.path))?;
    faults[i].times -= 1;
    let kind = faults[i].kind.clone();
    if faults[i].times == 0 {
        faults.remove(i);
    }
    Some(kind)
}

/// Discord's answer to a server error.
pub(super) fn server_error(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        Json(json!({"message": status.canonical_reason().unwrap_or("error"), "code": 0})),
    )
        .into_response()
}

/// Discord's 429: body and headers as documented (seconds, with fractions).
pub(super) fn rate_limited(retry_after: f64, global: bool) -> Response {
    let mut headers = HeaderMap::new();
    let secs = format!("{retry_after:.3}");
    let put = |h: &mut HeaderMap, k: &'static str, v: &str| {
        h.insert(k, HeaderValue::from_str(v).expect("header"));
    };
    put(&mut headers, "retry-after", &secs);
    put(&mut headers, "x-ratelimit-limit", "5");
    put(&mut headers, "x-ratelimit-remaining", "0");
    put(&mut headers, "x-ratelimit-reset-after", &secs);
    put(&mut headers, "x-ratelimit-bucket", "fake-bucket");
    put(&mut headers, "x-ratelimit-scope", if global { "global" } else { "user" });
    if global {
        put(&mut headers, "x-ratelimit-global", "true");
    }
    let body = json!({"message": "You are being rate limited.", "retry_after": retry_after, "global": global, "code": 0});
    (StatusCode::TOO_MANY_REQUESTS, headers, Json(body)).into_response()
}
