//! A proxy in front of provider B: forwards every request to the current upstream (which a
//! test changes when it restarts B), counts the value writes per path, and injects faults: a
//! 503 for every request to some path (B down for it), or a flipped byte in the next value
//! writes to some path (a corrupted copy); or no OVF import (415); or CDMI copies from
//! another server's URL done on B's behalf; or requests held (a copy in progress); or B refusing
//! value writes to a path after some (a copy cut in the middle).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::Response;

/// What the proxy does and has seen.
#[derive(Default)]
pub(crate) struct Faults {
    /// B's base URL.
    pub upstream: String,
    /// Requests whose path contains this answer 503.
    pub refuse: Option<String>,
    /// The next `n` value writes (plain-HTTP PUTs) to a path containing the text get
    /// their first byte flipped.
    pub corrupt: Option<(String, usize)>,
    /// OVF imports (`POST /` of `application/ovf+xml`) answer 415: a provider without one.
    pub no_ovf_import: bool,
    /// A CDMI create with `{"copy": "http…"}` is done here (the value fetched from that URL
    /// and written to B): a B that copies from other servers.
    pub remote_copy: bool,
    /// Remote copies done.
    pub copies: usize,
    /// Requests whose path contains this wait while it is set (a copy in progress).
    pub stall: Option<String>,
    /// Requests stalled so far.
    pub stalled: usize,
    /// Value writes forwarded, by path.
    pub writes: HashMap<String, usize>,
    /// Value bytes forwarded (the bodies of the value writes), by path.
    pub bytes: HashMap<String, u64>,
    /// Once this many value writes went to a path containing the text, the next ones answer
    /// 503 (B out of service for writes in the middle of a disk).
    pub down_after: Option<(String, usize)>,
    /// Once this many value writes went to a path containing the text, the next ones wait
    /// while it is set (counted in `stalled`), then answer 503 unforwarded (the client that
    /// sent them is gone by then): a copy held in the middle of a disk.
    pub hold_after: Option<(String, usize)>,
    /// Partial writes (a PUT with `Content-Range`) answer 400: a B without them.
    pub no_ranges: bool,
}

type Shared = Arc<Mutex<Faults>>;

/// A running proxy.
pub(crate) struct Proxy {
    pub base: String,
    pub faults: Shared,
    _runtime: tokio::runtime::Runtime,
}

impl Proxy {
    pub(crate) fn start(upstream: &str) -> Proxy {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let faults: Shared = Arc::new(Mutex::new(Faults {
            upstream: upstream.to_owned(),
            ..Faults::default()
        }));
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bound");
        let addr = listener.local_addr().expect("address");
        let app = axum::Router::new()
            .fallback(forward)
            .with_state((faults.clone(), reqwest::Client::new()))
            .layer(axum::extract::DefaultBodyLimit::disable());
        runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Proxy {
            base: format!("http://{addr}"),
            faults,
            _runtime: runtime,
        }
    }

    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Faults) -> T) -> T {
        f(&mut self.faults.lock().expect("lock"))
    }

    /// Value bytes forwarded to paths containing `text`.
    pub(crate) fn bytes(&self, text: &str) -> u64 {
        self.with(|f| {
            f.bytes
                .iter()
                .filter(|(p, _)| p.contains(text))
                .map(|(_, n)| n)
                .sum()
        })
    }

    /// Value writes forwarded to paths containing `text`.
    pub(crate) fn writes(&self, text: &str) -> usize {
        self.with(|f| {
            f.writes
                .iter()
                .filter(|(p, _)| p.contains(text))
                .map(|(_, n)| n)
                .sum()
        })
    }
}

async fn forward(
    State((faults, client)): State<(Shared, reqwest::Client)>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    // A plain-HTTP PUT (not a CDMI body) writes the value.
    let writes_value = parts.method == "PUT"
        && parts
            .headers
            .get("content-type")
            .is_some_and(|v| !v.as_bytes().starts_with(b"application/cdmi"));
    if wait(&faults, &path, writes_value).await {
        return status(503);
    }
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| path.clone(), |p| p.as_str().to_owned());
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return status(400);
    };
    let mut bytes = bytes.to_vec();
    let upstream = {
        let mut f = faults.lock().expect("lock");
        if f.refuse.as_deref().is_some_and(|r| path.contains(r)) {
            return status(503);
        }
        if f.no_ranges && parts.method == "PUT" && parts.headers.contains_key("content-range") {
            return status(400);
        }
        if let Some((text, n)) = &f.down_after
            && writes_value
            && path.contains(text.as_str())
            && f.writes.get(&path).copied().unwrap_or(0) >= *n
        {
            return status(503);
        }
        let ovf = parts
            .headers
            .get("content-type")
            .is_some_and(|v| v.as_bytes().starts_with(b"application/ovf+xml"));
        if f.no_ovf_import && parts.method == "POST" && ovf {
            return status(415);
        }
        if writes_value {
            if let Some((text, left)) = &mut f.corrupt
                && *left > 0
                && path.contains(text.as_str())
                && !bytes.is_empty()
            {
                *left -= 1;
                bytes[0] ^= 0xff;
            }
            *f.writes.entry(path.clone()).or_default() += 1;
            *f.bytes.entry(path.clone()).or_default() += bytes.len() as u64;
        }
        f.upstream.clone()
    };
    let remote = faults.lock().expect("lock").remote_copy;
    if remote && parts.method == "PUT" {
        let source = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v["copy"].as_str().map(str::to_owned))
            .filter(|s| s.starts_with("http"));
        if let Some(source) = source {
            let Ok(value) = client.get(&source).send().await else {
                return status(502);
            };
            let value = value.bytes().await.unwrap_or_default();
            let Ok(put) = client
                .put(format!("{upstream}{path}"))
                .header("Content-Type", "application/octet-stream")
                .body(value)
                .send()
                .await
            else {
                return status(502);
            };
            faults.lock().expect("lock").copies += 1;
            return status(put.status().as_u16());
        }
    }
    let method = reqwest::Method::from_bytes(parts.method.as_str().as_bytes()).expect("method");
    let mut r = client.request(method, format!("{upstream}{target}"));
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            r = r.header(name.as_str(), value.as_bytes());
        }
    }
    let Ok(answer) = r.body(bytes).send().await else {
        return status(502);
    };
    let mut response = Response::builder().status(answer.status().as_u16());
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" {
            response = response.header(name.as_str(), value.as_bytes());
        }
    }
    let body = answer.bytes().await.unwrap_or_else(|_| Bytes::new());
    response
        .body(Body::from(body))
        .unwrap_or_else(|_| status(500))
}

// Waits while the request is stalled or held; true when it was held (it is not forwarded).
async fn wait(faults: &Shared, path: &str, writes_value: bool) -> bool {
    let mut counted = false;
    let mut was_held = false;
    loop {
        {
            let mut f = faults.lock().expect("lock");
            let held = writes_value
                && f.hold_after.as_ref().is_some_and(|(text, n)| {
                    path.contains(text.as_str()) && f.writes.get(path).copied().unwrap_or(0) >= *n
                });
            if !held && !f.stall.as_deref().is_some_and(|s| path.contains(s)) {
                break;
            }
            was_held |= held;
            if !counted {
                f.stalled += 1;
                counted = true;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    was_held
}

fn status(code: u16) -> Response {
    Response::builder()
        .status(code)
        .body(Body::empty())
        .expect("a response")
}
