//! A TLS-intercepting HTTPS proxy in front of the fake's REST router. The bot's client sends
//! `CONNECT discord.com:443`; the fake answers 200 and speaks TLS as discord.com, with a
//! certificate from a test CA (`tls/`, whose private key was thrown away once it signed). So the
//! requests keep Discord's real URLs and serenity's own rate limiter runs, as in production.

use std::sync::Arc;

use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// The certificate authority the bot must trust (`DISCORD_TLS_PROXY_CA`), as PEM.
pub const CA_PEM: &str = include_str!("tls/ca.pem");
const CERT_PEM: &str = include_str!("tls/discord.pem");
const KEY_PEM: &str = include_str!("tls/discord.key");

/// Accepts tunnels on `listener` until the task is aborted.
pub async fn serve(listener: TcpListener, app: Router) {
    let acceptor = TlsAcceptor::from(Arc::new(server_config()));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let (acceptor, app) = (acceptor.clone(), app.clone());
        tokio::spawn(async move {
            let _ = tunnel(stream, acceptor, app).await;
        });
    }
}

/// One client connection: the CONNECT, then HTTP/1.1 over TLS to the REST router.
async fn tunnel(mut stream: TcpStream, acceptor: TlsAcceptor, app: Router) -> std::io::Result<()> {
    // The client sends nothing after the CONNECT's blank line until it is answered.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await? == 0 || head.len() > 8192 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    if !head.starts_with(b"CONNECT discord.com:443 ") {
        // Only Discord is intercepted: anything else means the bot called somewhere it must not.
        stream.write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n").await?;
        return Ok(());
    }
    stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await?;
    let tls = acceptor.accept(stream).await?;
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(tls), TowerToHyperService::new(app))
        .await;
    Ok(())
}

fn server_config() -> ServerConfig {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(CERT_PEM.as_bytes())
        .collect::<Result<_, _>>()
        .expect("the test certificate parses");
    let key = PrivateKeyDer::from_pem_slice(KEY_PEM.as_bytes()).expect("the test key parses");
    ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("the test certificate and key match")
}
