//! The WebSocket gateway at `/gateway`: HELLO, IDENTIFY -> READY + GUILD_CREATE, HEARTBEAT ->
//! ACK, RESUME -> replay + RESUMED, sequence numbers, routing dispatches to the right shard's
//! session, and the switches tests use (op 7 reconnect, close with a code, invalid session).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State as AxumState;
use axum::response::Response;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::guild::{guild_create_json, ready_json, shard_of};
use super::models;
use super::state::{id_of, Shared, State};

/// What a connection task sends to its client.
#[derive(Clone, Debug)]
pub enum Out {
    Text(String),
    Close(u16, String),
}

/// One gateway session (created by IDENTIFY, continued by RESUME).
#[derive(Debug)]
pub struct Session {
    pub id: String,
    /// `[shard_id, shard_count]` from IDENTIFY.
    pub shard: [u32; 2],
    pub seq: u64,
    /// Every dispatch sent in this session, for replay on RESUME.
    pub log: Vec<(u64, String)>,
    /// The connection currently serving it.
    pub conn: Option<u64>,
}

impl Session {
    fn accepts(&self, guild_id: Option<u64>) -> bool {
        match guild_id {
            Some(guild_id) => shard_of(guild_id, self.shard[1]) == self.shard[0],
            None => self.shard[0] == 0,
        }
    }
}

#[derive(Debug, Default)]
pub struct GatewayState {
    pub conns: HashMap<u64, mpsc::UnboundedSender<Out>>,
    next_conn: u64,
    pub sessions: Vec<Session>,
    /// Dispatches made while no session could take them; delivered after the next READY.
    pub pending: Vec<(String, Value)>,
    pub identifies: usize,
    pub resumes: usize,
    pub heartbeats: usize,
    /// Every frame received from clients, tokens redacted.
    pub received: Vec<Value>,
    /// On RESUME, also replay this many dispatches the client already had (delivery is at
    /// least once: a bot must not apply a replayed event twice).
    pub replay_seen: usize,
    /// How many already-seen dispatches RESUMEs replayed.
    pub replayed: usize,
}

impl GatewayState {
    fn send(&self, conn: u64, out: Out) {
        if let Some(tx) = self.conns.get(&conn) {
            let _ = tx.send(out);
        }
    }

    /// Sends `out` to every open connection.
    pub fn broadcast(&self, out: &Out) {
        for tx in self.conns.values() {
            let _ = tx.send(out.clone());
        }
    }

    fn dispatch_to(&mut self, index: usize, name: &str, data: &Value) {
        let session = &mut self.sessions[index];
        session.seq += 1;
        let frame = json!({"op": 0, "t": name, "s": session.seq, "d": data}).to_string();
        session.log.push((session.seq, frame.clone()));
        if let Some(conn) = session.conn {
            self.send(conn, Out::Text(frame));
        }
    }

    /// Dispatches to the session of shard `shard` whatever the event's guild (an event that
    /// lands on another shard than its guild's, as after a reconnect or a resharding).
    pub fn dispatch_on_shard(&mut self, shard: u32, name: &str, data: &Value) -> bool {
        let Some(index) = (0..self.sessions.len()).find(|&i| self.sessions[i].shard[0] == shard) else {
            return false;
        };
        self.dispatch_to(index, name, data);
        true
    }

    /// Dispatches to every session whose shard receives this event (by `guild_id`; DMs go to
    /// shard 0). With no such session the event waits in `pending` if `queue` is set.
    pub fn dispatch(&mut self, name: &str, data: &Value, queue: bool) {
        let guild_id = id_of(data.get("guild_id"));
        let targets: Vec<usize> = (0..self.sessions.len()).filter(|&i| self.sessions[i].accepts(guild_id)).collect();
        if targets.is_empty() {
            if queue {
                self.pending.push((name.to_owned(), data.clone()));
            }
            return;
        }
        for index in targets {
            self.dispatch_to(index, name, data);
        }
    }
}

pub async fn upgrade(AxumState(shared): AxumState<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| connection(shared, socket))
}

async fn connection(shared: Arc<Shared>, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let conn = {
        let mut st = shared.lock();
        let conn = st.gateway.next_conn;
        st.gateway.next_conn += 1;
        st.gateway.conns.insert(conn, tx.clone());
        conn
    };
    let hello = json!({"op": 10, "d": {"heartbeat_interval": shared.config.heartbeat_interval_ms}});
    let _ = tx.send(Out::Text(hello.to_string()));
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => on_frame(&shared, conn, text.as_str()),
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            out = rx.recv() => match out {
                Some(Out::Text(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Some(Out::Close(code, reason)) => {
                    let frame = CloseFrame { code, reason: reason.into() };
                    let _ = socket.send(Message::Close(Some(frame))).await;
                    break;
                }
                None => break,
            },
        }
    }
    {
        let mut st = shared.lock();
        st.gateway.conns.remove(&conn);
        for session in &mut st.gateway.sessions {
            if session.conn == Some(conn) {
                session.conn = None;
            }
        }
    }
    shared.changed.notify_waiters();
}

fn on_frame(shared: &Shared, conn: u64, text: &str) {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let mut st = shared.lock();
    let mut recorded = frame.clone();
    if recorded["d"].get("token").is_some() {
        recorded["d"]["token"] = json!("<redacted>");
    }
    st.gateway.received.push(recorded);
    match frame["op"].as_u64() {
        Some(1) => {
            st.gateway.heartbeats += 1;
            st.gateway.send(conn, Out::Text(json!({"op": 11}).to_string()));
        }
        Some(2) => identify(shared, &mut st, conn, &frame["d"]),
        Some(6) => resume(shared, &mut st, conn, &frame["d"]),
        _ => {}
    }
    drop(st);
    shared.changed.notify_waiters();
}

fn authentication_failed(st: &State, conn: u64) {
    st.gateway.send(conn, Out::Close(4004, "Authentication failed.".to_owned()));
}

fn identify(shared: &Shared, st: &mut State, conn: u64, d: &Value) {
    st.gateway.identifies += 1;
    if !shared.token_ok(st, d["token"].as_str().unwrap_or_default()) {
        return authentication_failed(st, conn);
    }
    let shard = match d["shard"].as_array().map(|a| a.iter().map(Value::as_u64).collect::<Vec<_>>()) {
        Some(v) if v.len() == 2 => [v[0].unwrap_or(0) as u32, v[1].unwrap_or(1) as u32],
        _ => [0, 1],
    };
    let config = &shared.config;
    let gw = &mut st.gateway;
    gw.sessions.retain(|s| s.shard != shard);
    let session_id = format!("fake-session-{}", models::snowflake());
    gw.sessions.push(Session {
        id: session_id.clone(),
        shard,
        seq: 0,
        log: Vec::new(),
        conn: Some(conn),
    });
    let index = gw.sessions.len() - 1;
    let guilds: Vec<_> = config.guilds.iter().filter(|g| shard_of(g.id, shard[1]) == shard[0]).collect();
    let guild_ids: Vec<u64> = guilds.iter().map(|g| g.id).collect();
    let ready = ready_json(
        &config.bot,
        config.application_id,
        &guild_ids,
        &session_id,
        &shared.gateway_url(),
        shard,
    );
    gw.dispatch_to(index, "READY", &ready);
    for guild in guilds {
        gw.dispatch_to(index, "GUILD_CREATE", &guild_create_json(guild, &config.bot));
    }
    for (name, data) in std::mem::take(&mut gw.pending) {
        gw.dispatch(&name, &data, true);
    }
}

fn resume(shared: &Shared, st: &mut State, conn: u64, d: &Value) {
    st.gateway.resumes += 1;
    if !shared.token_ok(st, d["token"].as_str().unwrap_or_default()) {
        return authentication_failed(st, conn);
    }
    let seq = d["seq"].as_u64().unwrap_or(0);
    let gw = &mut st.gateway;
    let Some(index) = gw.sessions.iter().position(|s| Some(s.id.as_str()) == d["session_id"].as_str()) else {
        return gw.send(conn, Out::Text(json!({"op": 9, "d": false}).to_string()));
    };
    gw.sessions[index].conn = Some(conn);
    let seen = gw.sessions[index].log.iter().filter(|(s, _)| *s <= seq).count();
    let from = seen.saturating_sub(gw.replay_seen);
    let control = |f: &String| f.contains(r#""t":"READY""#) || f.contains(r#""t":"RESUMED""#);
    let missed: Vec<String> = gw.sessions[index].log[from..]
        .iter()
        .filter(|(s, f)| *s > seq || !control(f))
        .map(|(_, f)| f.clone())
        .collect();
    gw.replayed += gw.sessions[index].log[from..]
        .iter()
        .filter(|(s, f)| *s <= seq && !control(f))
        .count();
    for frame in missed {
        gw.send(conn, Out::Text(frame));
    }
    gw.dispatch_to(index, "RESUMED", &json!({}));
}
