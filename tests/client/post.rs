//! A server that refuses a PUT at a new location (405): creations are POSTed to the Kind's
//! collection, the server's locations are used by the links of later stages, and a POST whose
//! response is lost is not made twice.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::faults::read_request;
use super::{Served, hadoop, ok, tern};

#[derive(Default)]
struct Seen {
    puts: AtomicUsize,
    posts: AtomicUsize,
    lost: AtomicUsize,
}

// PUT ⇒ 405 without forwarding; every `every`-th POST to a collection is forwarded and its
// response dropped.
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
            let line = String::from_utf8_lossy(&request)
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned();
            let mut parts = line.split(' ');
            let method = parts.next().unwrap_or_default().to_owned();
            let path = parts.next().unwrap_or_default().to_owned();
            if method == "PUT" {
                seen.puts.fetch_add(1, Ordering::SeqCst);
                let _ = client
                    .write_all(b"HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, POST, DELETE\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .await;
                return;
            }
            let mut lost = false;
            if method == "POST" && path.ends_with('/') && path != "/-/" {
                let n = seen.posts.fetch_add(1, Ordering::SeqCst) + 1;
                lost = n.is_multiple_of(every);
            }
            let Ok(mut server) = TcpStream::connect(upstream).await else {
                return;
            };
            if server.write_all(&request).await.is_err() {
                return;
            }
            let mut response = Vec::new();
            let _ = server.read_to_end(&mut response).await;
            if lost {
                seen.lost.fetch_add(1, Ordering::SeqCst);
            } else {
                let _ = client.write_all(&response).await;
            }
        });
    }
}

#[test]
fn creations_refused_by_put_are_posted_once_and_links_follow_the_assigned_locations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(&dir.path().join("data"), &[]);
    let upstream: SocketAddr = served
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("address");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let listener = runtime
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("bound");
    let proxied = format!("http://{}", listener.local_addr().expect("address"));
    let seen = Arc::new(Seen::default());
    runtime.spawn(proxy(listener, upstream, 3, seen.clone()));

    let out = tern(&[
        "--format",
        "json",
        "deploy",
        "--endpoint",
        &proxied,
        "--auto-approve",
        &hadoop(),
    ]);
    let report: serde_json::Value = serde_json::from_str(&ok(&out)).expect("JSON");
    assert_eq!(report["complete"], true, "{report}");
    assert!(seen.puts.load(Ordering::SeqCst) > 0);
    let assigned = report["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["assigned"].is_string())
        .count();
    assert!(assigned > 0, "{report}");
    // Nothing created twice had to be removed afterwards.
    let steps = report["steps"].as_array().expect("steps");
    assert!(steps.iter().all(|s| s["op"] != "delete"), "{report}");
    assert!(seen.lost.load(Ordering::SeqCst) > 0, "no response was lost");

    // Exactly the target's entities, once each, links between the server's locations.
    let target: serde_json::Value =
        serde_json::from_str(&ok(&tern(&["ovf2occi", &hadoop()]))).expect("JSON");
    let running: serde_json::Value =
        serde_json::from_str(&ok(&tern(&["extract", "--endpoint", &served.base]))).expect("JSON");
    let count = |v: &serde_json::Value| v["resources"].as_array().map_or(0, Vec::len);
    assert_eq!(count(&running), count(&target), "{running}");
    let links = |v: &serde_json::Value| {
        v["resources"].as_array().map_or(0, |r| {
            r.iter()
                .map(|r| r["links"].as_array().map_or(0, Vec::len))
                .sum::<usize>()
        })
    };
    assert_eq!(links(&running), links(&target), "{running}");
    // Every link ends at a resource the server named (its id is the location's last segment).
    let ids: Vec<&str> = running["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    for r in running["resources"].as_array().expect("resources") {
        for l in r["links"].as_array().into_iter().flatten() {
            for end in ["source", "target"] {
                let at = l[end]["location"].as_str().unwrap_or_default();
                let last = at.rsplit('/').next().unwrap_or_default();
                assert!(ids.contains(&last), "a link to nothing: {l}");
            }
        }
    }
}
