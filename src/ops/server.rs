//! The HTTP endpoint on `PANELIST_METRICS_ADDR`: `GET /healthz` (200 or 503 with a small JSON)
//! and `GET /metrics` (Prometheus text). Bound before the bot connects, so a bad or busy
//! address stops start-up with a clear message.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::text::{render, Scraped, CONTENT_TYPE};
use super::Ops;
use crate::engine::Engine;
use crate::store::Store;

/// How long a scrape waits for the database before calling it down.
const DATABASE_WAIT: Duration = Duration::from_secs(2);

#[derive(Clone)]
struct App {
    ops: Ops,
    engine: Engine,
    store: Store,
}

/// Listens on `addr`, or says why it cannot.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot serve /healthz and /metrics on PANELIST_METRICS_ADDR={addr}"))
}

/// Serves `/healthz` and `/metrics` on `listener` until the process ends.
pub fn serve(listener: tokio::net::TcpListener, ops: Ops, engine: Engine, store: Store) -> tokio::task::JoinHandle<()> {
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(App { ops, engine, store });
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the metrics endpoint stopped");
        }
    })
}

async fn database_ok(store: &Store) -> bool {
    matches!(tokio::time::timeout(DATABASE_WAIT, store.ping()).await, Ok(Ok(())))
}

async fn healthz(State(app): State<App>) -> Response {
    let (ok, body) = super::health::report(&app.ops.shards(), database_ok(&app.store).await, app.ops.draining());
    let code = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn metrics(State(app): State<App>) -> Response {
    let database_up = database_ok(&app.store).await;
    let (live, depth) = if database_up {
        let live = tokio::time::timeout(DATABASE_WAIT, app.store.live_counts()).await;
        let depth = tokio::time::timeout(DATABASE_WAIT, app.engine.outbox_depth()).await;
        (live.ok().and_then(Result::ok), depth.ok().and_then(Result::ok))
    } else {
        (None, None)
    };
    let scraped = Scraped {
        shards: app.ops.shards(),
        database_up,
        live_sessions: live,
        outbox_depth: depth,
        in_flight: app.ops.in_flight().count(),
        draining: app.ops.draining(),
    };
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], render(&scraped)).into_response()
}
