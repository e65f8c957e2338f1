//! A proxy in front of `tern serve` that fails a share of the requests: a 503 or a 429
//! without forwarding, or the request forwarded and its response dropped (a lost response, the
//! case that makes a naive client create twice). One request per connection.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{
    Served, apply_json_ok, assert_converged, hadoop, hadoop_target, tern, with_second_slave, write,
};

#[derive(Default)]
struct Seen {
    /// Requests received.
    requests: AtomicUsize,
    /// Requests forwarded to the server, by "METHOD path".
    forwarded: Mutex<HashMap<String, usize>>,
}

// Every `every`-th request fails: in turn a 503, a 429 (Retry-After: 1) and a dropped
// response.
async fn proxy(listener: TcpListener, upstream: SocketAddr, every: usize, seen: Arc<Seen>) {
    loop {
        let Ok((mut client, _)) = listener.accept().await else {
            return;
        };
        let seen = seen.clone();
        tokio::spawn(async move {
            let Some(request) = read_request(&mut client).await else {
                return;
            };
            let n = seen.requests.fetch_add(1, Ordering::SeqCst) + 1;
            let fault = n.is_multiple_of(every);
            let refusal: Option<&[u8]> = match (fault, (n / every) % 3) {
                (true, 1) => Some(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
                (true, 2) => Some(b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
                _ => None,
            };
            if let Some(refusal) = refusal {
                let _ = client.write_all(refusal).await;
                return;
            }
            let line = String::from_utf8_lossy(&request)
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned();
            let mut parts = line.split(' ');
            let key = format!(
                "{} {}",
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default()
            );
            *seen.forwarded.lock().expect("lock").entry(key).or_default() += 1;
            let Ok(mut server) = TcpStream::connect(upstream).await else {
                return;
            };
            if server.write_all(&request).await.is_err() {
                return;
            }
            let mut response = Vec::new();
            let _ = server.read_to_end(&mut response).await;
            if fault {
                // Lost: the server did it, the client never hears.
                return;
            }
            let _ = client.write_all(&response).await;
        });
    }
}

// The head (with `Connection: close` forced) and the body (Content-Length).
pub(super) async fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while buf.len() < end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut out = Vec::new();
    for l in head.split("\r\n").filter(|l| !l.is_empty()) {
        if l.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        out.extend_from_slice(l.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out.extend_from_slice(&buf[end..end + length]);
    Some(out)
}

#[test]
fn apply_converges_through_503s_and_lost_responses_and_never_creates_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(&dir.path().join("data"), &[]);
    let upstream: SocketAddr = served
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("an address");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let listener = runtime
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("bound");
    let endpoint = format!("http://{}", listener.local_addr().expect("address"));
    let seen = Arc::new(Seen::default());
    runtime.spawn(proxy(listener, upstream, 3, seen.clone()));

    let out = tern(&[
        "deploy",
        "--endpoint",
        &endpoint,
        "--auto-approve",
        &hadoop(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let base = hadoop_target();
    let more = write(dir.path(), "more.json", &with_second_slave(&base, "active"));
    apply_json_ok(&endpoint, &more);
    let stopped = write(
        dir.path(),
        "stopped.json",
        &with_second_slave(&base, "inactive"),
    );
    apply_json_ok(&endpoint, &stopped);
    apply_json_ok(&endpoint, &more);
    // Read through the server itself: the runtime is the target, no entity twice.
    assert_converged(dir.path(), &served.base, &more);

    let forwarded = seen.forwarded.lock().expect("lock");
    assert!(seen.requests.load(Ordering::SeqCst) > 30);
    // Creations are PUTs at the planned location: never a POST to a Kind's collection,
    // which would make a second entity after a lost response.
    for (key, _) in forwarded.iter() {
        let collection_post =
            key.starts_with("POST /") && key.ends_with('/') && !key.starts_with("POST /-/");
        assert!(!collection_post, "{key}");
    }
    // Some requests were repeated (the faults happened).
    assert!(forwarded.values().any(|&n| n > 1), "{forwarded:?}");
}
