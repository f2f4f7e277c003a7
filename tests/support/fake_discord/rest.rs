//! HTTP plumbing of the fake: the axum router (REST under `/api/v10`, WebSocket at `/gateway`),
//! body decoding (JSON, or multipart with `payload_json` and files), token checks, and
//! recording every call with its answer.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequest, Multipart, Request, State as AxumState};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::faults::{self, FaultKind};
use super::gateway;
use super::routes::{self, Reply};
use super::state::{RecordedFile, RecordedRequest, Shared, Violation, CONTRACT_CODES};

const MAX_BODY: usize = 64 * 1024 * 1024;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/gateway", get(gateway::upgrade))
        .fallback(handle)
        .with_state(shared)
}

async fn handle(AxumState(shared): AxumState<Arc<Shared>>, request: Request) -> Response {
    let arrived = std::time::Instant::now();
    let method = request.method().as_str().to_owned();
    let full_path = request.uri().path().to_owned();
    if let Some(rest) = full_path.strip_prefix("/cdn/attachments/") {
        // The CDN: unauthenticated GETs of files a test hosted.
        let id = rest.split('/').next().and_then(|i| i.parse::<u64>().ok());
        let bytes = id.and_then(|i| shared.lock().cdn.get(&i).cloned());
        return match bytes {
            Some(b) => (StatusCode::OK, b).into_response(),
            None => (StatusCode::NOT_FOUND, "no such attachment").into_response(),
        };
    }
    let query = request.uri().query().map(str::to_owned);
    let auth = header_text(&request, header::AUTHORIZATION);
    let multipart = header_text(&request, header::CONTENT_TYPE).starts_with("multipart/form-data");
    let (body, files) = if multipart {
        read_multipart(request).await
    } else {
        (read_json(request.into_body()).await, Vec::new())
    };
    let api_path = full_path.strip_prefix("/api/v10").map(str::to_owned);
    let path = api_path.clone().unwrap_or_else(|| full_path.clone());
    let fault = faults::take(&mut shared.lock().faults, &method, &path);
    let mut lost = None;
    match fault {
        Some(FaultKind::Slow(d)) => tokio::time::sleep(d).await,
        Some(FaultKind::LostResponse(s)) => lost = Some(s),
        Some(FaultKind::Status(s)) => {
            record(&shared, RecordedRequest::refused(method, path, query, body, files, s));
            return faults::server_error(s);
        }
        Some(FaultKind::RateLimited { retry_after, global }) => {
            record(&shared, RecordedRequest::refused(method, path, query, body, files, 429));
            return faults::rate_limited(retry_after, global);
        }
        None => {}
    }
    let (status, response) = {
        let mut st = shared.lock();
        let reply: Reply = match &api_path {
            None => routes::unknown_route(&method, &full_path),
            Some(p) => {
                let segs: Vec<&str> = p.trim_matches('/').split('/').collect();
                if method == "GET" && segs == ["gateway"] {
                    // Unauthenticated, as on Discord.
                    (200, json!({"url": shared.gateway_url()}))
                } else if !shared.token_ok(&st, &auth) {
                    (401, json!({"code": 0, "message": "401: Unauthorized"}))
                } else {
                    routes::route(&shared, &mut st, &method, &segs, query.as_deref(), &body, &files)
                }
            }
        };
        if let Some(code) = reply.1["code"].as_u64().filter(|c| CONTRACT_CODES.contains(c)) {
            st.violations.push(Violation {
                code,
                request: format!("{method} {path} -> {}", reply.0),
                response: reply.1.clone(),
            });
        }
        st.record(RecordedRequest {
            method,
            path,
            query,
            body,
            files,
            status: reply.0,
            response: reply.1.clone(),
            at: arrived,
        });
        reply
    };
    shared.changed.notify_waiters();
    if let Some(s) = lost {
        return faults::server_error(s);
    }
    if status == 204 {
        return StatusCode::NO_CONTENT.into_response();
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(response)).into_response()
}

/// Records a request the fake refused before routing it (an injected fault).
fn record(shared: &Shared, r: RecordedRequest) {
    shared.lock().record(r);
    shared.changed.notify_waiters();
}

fn header_text(request: &Request, name: header::HeaderName) -> String {
    let value = request.headers().get(name).and_then(|v| v.to_str().ok());
    value.unwrap_or_default().to_owned()
}

async fn read_json(body: Body) -> Value {
    let bytes = to_bytes(body, MAX_BODY).await.unwrap_or_default();
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
}

async fn read_multipart(request: Request) -> (Value, Vec<RecordedFile>) {
    let mut body = Value::Null;
    let mut text_fields = serde_json::Map::new();
    let mut files = Vec::new();
    let Ok(mut form) = Multipart::from_request(request, &()).await else {
        return (json!("<unreadable multipart body>"), files);
    };
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let bytes = field.bytes().await.unwrap_or_default().to_vec();
        match filename {
            _ if name == "payload_json" => {
                body = serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
            }
            Some(filename) => files.push(RecordedFile {
                field: name,
                filename,
                content_type,
                bytes,
            }),
            None => {
                text_fields.insert(name, json!(String::from_utf8_lossy(&bytes)));
            }
        }
    }
    if !text_fields.is_empty() {
        if body.is_null() {
            body = json!({});
        }
        if let Some(object) = body.as_object_mut() {
            object.extend(text_fields);
        }
    }
    (body, files)
}
