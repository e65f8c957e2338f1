//! The in-process server the tests under `crates/server/tests` share: a [`Provider`] over a
//! fresh [`SqliteStore`] in a temporary directory, its [`router`] called request by request
//! through `tower::ServiceExt::oneshot` (no socket). Each test binary includes it with
//! `mod common;` and adds its own helpers in `impl Server` blocks.

// Each test binary uses part of it.
#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use tern_server::{Config, Provider, SimulatedDriver, router};
use tern_store::SqliteStore;
use tower::ServiceExt;

/// The `Host` requests carry unless [`Server::on_host`] says otherwise.
pub const HOST: &str = "cloud.example.com";

/// A server in process, its data directory removed when dropped.
pub struct Server {
    pub app: Router,
    pub dir: tempfile::TempDir,
    host: String,
}

/// A response, its body read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// A header's value (empty when absent or not text).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// A server with the default configuration.
pub async fn server() -> Server {
    server_with(|_| {}).await
}

/// A server whose configuration `edit` changes first.
pub async fn server_with(edit: impl FnOnce(&mut Config)) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new("127.0.0.1:0".parse().unwrap(), dir.path().to_owned());
    edit(&mut config);
    let store = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let provider = Provider::open(&config, store, Arc::new(SimulatedDriver))
        .await
        .unwrap();
    Server {
        app: router(Arc::new(provider), &config),
        dir,
        host: HOST.to_owned(),
    }
}

impl Server {
    /// A server around a router a test built itself (over a store it keeps, say), with a
    /// data directory of its own.
    pub fn around(app: Router) -> Server {
        Server {
            app,
            dir: tempfile::tempdir().unwrap(),
            host: HOST.to_owned(),
        }
    }

    /// The same server, requests carrying `Host: host`.
    pub fn on_host(mut self, host: &str) -> Server {
        host.clone_into(&mut self.host);
        self
    }

    /// One request through the router.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: impl AsRef<[u8]>,
    ) -> Answer {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.host.as_str());
        for (n, v) in headers {
            request = request.header(*n, *v);
        }
        let response = self
            .app
            .clone()
            .oneshot(request.body(Body::from(body.as_ref().to_vec())).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// How many blobs the data directory holds.
    pub fn blobs(&self) -> usize {
        std::fs::read_dir(self.dir.path().join("blobs")).map_or(0, Iterator::count)
    }
}
