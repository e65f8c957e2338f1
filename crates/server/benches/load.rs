//! `tern serve` under load on loopback, beside a bare axum handler measured in the same run:
//! GET of one compute in JSON, POST creates (text/plain), then the resident set size after
//! 100 000 entities (created through HTTP, 1 000 per JSON collection request) and the GET
//! again with them stored.
//!
//! The load generator is here too (wrk is not on the machine): keep-alive HTTP/1.1
//! connections on tokio, each sending its next request when the answer is read; requests/s
//! over the run and latency percentiles. Server and generator share the process and its two
//! cores, as the bare handler's run does.
//!
//! `cargo bench -p tern-server --bench load [-- --seconds N --connections N --entities N]`;
//! `bench/serve-load.sh` wraps it. Prints a Markdown table.

// Rates and percentiles of counts far below 2^52 are printed as floats.
#![allow(clippy::cast_precision_loss, clippy::cast_sign_loss)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::{get, post};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use tern_server::{Config, Provider, SimulatedDriver, router};
use tern_store::SqliteStore;

const COMPUTE: &str = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\r\nX-OCCI-Attribute: occi.core.title=\"bench\", occi.compute.cores=2\r\n";

struct Options {
    seconds: u64,
    connections: usize,
    entities: usize,
}

fn main() {
    let options = parse_args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(&options));
}

fn parse_args() -> Options {
    let mut o = Options {
        seconds: 5,
        connections: 16,
        entities: 100_000,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        match (args[i].as_str(), value) {
            ("--seconds", Some(v)) => o.seconds = v,
            ("--connections", Some(v)) => o.connections = usize::try_from(v).unwrap_or(16),
            ("--entities", Some(v)) => o.entities = usize::try_from(v).unwrap_or(100_000),
            _ => {
                i += 1; // `--bench` and other flags cargo passes
                continue;
            }
        }
        i += 2;
    }
    o
}

async fn run(o: &Options) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let tern = start_tern(dir.path()).await;
    let bare = start_bare().await;
    let duration = Duration::from_secs(o.seconds);

    // One compute to GET, in JSON.
    let created = one(tern, &post_request("/compute/", "text/plain", COMPUTE)).await;
    let location = created
        .location
        .expect("a Location")
        .trim_start_matches(&format!("http://{tern}"))
        .to_owned();
    let get_tern = get_request(&location);
    let get_bare = get_request("/compute/x");
    let create = post_request("/compute/", "text/plain", COMPUTE);

    println!("| workload | server | requests/s | p50 ms | p99 ms |\n|---|---|---:|---:|---:|");
    row(
        "GET one compute, JSON",
        "bare axum handler",
        &load(bare, &get_bare, o.connections, duration).await,
    );
    row(
        "GET one compute, JSON",
        "tern serve",
        &load(tern, &get_tern, o.connections, duration).await,
    );
    row(
        "POST create, text/plain",
        "bare axum handler",
        &load(bare, &create, o.connections, duration).await,
    );
    row(
        "POST create, text/plain",
        "tern serve",
        &load(tern, &create, o.connections, duration).await,
    );

    let before = rss();
    let t0 = Instant::now();
    let batch = 1000;
    let mut seeded = 0;
    while seeded < o.entities {
        let n = batch.min(o.entities - seeded);
        let body = collection(n);
        let a = one(
            tern,
            &post_request("/compute/", "application/occi+json", &body),
        )
        .await;
        assert_eq!(a.status, 201, "seeding answered {}", a.status);
        seeded += n;
    }
    let seeding = t0.elapsed();
    let after = rss();
    row(
        &format!("GET one compute, JSON, {seeded} more stored"),
        "tern serve",
        &load(tern, &get_tern, o.connections, duration).await,
    );
    println!(
        "\n{seeded} computes created in {:.1} s ({:.0}/s, {batch} per request); process RSS {} MiB before, {} MiB after (peak {} MiB); store file {} MiB",
        seeding.as_secs_f64(),
        seeded as f64 / seeding.as_secs_f64(),
        before.0 / 1024,
        after.0 / 1024,
        after.1 / 1024,
        dir_size(dir.path()) / (1024 * 1024),
    );
}

async fn start_tern(data: &std::path::Path) -> SocketAddr {
    let config = Config::new("127.0.0.1:0".parse().expect("an address"), data.to_owned());
    let store = Arc::new(SqliteStore::open(data).expect("the store"));
    let provider = Provider::open(&config, store, Arc::new(SimulatedDriver))
        .await
        .expect("the provider");
    serve(router(Arc::new(provider), &config)).await
}

// The baseline: axum with two constant handlers answering bodies of the same size class.
async fn start_bare() -> SocketAddr {
    let json: &'static str = r#"{"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "attributes": {"occi.core.title": "bench", "occi.compute.cores": 2, "occi.compute.state": "inactive"}, "actions": ["http://schemas.ogf.org/occi/infrastructure/compute/action#start"], "id": "3b2d0c9e-4c1e-4b0a-9d7e-0d3c1e2f4a5b"}"#;
    let app = Router::new()
        .route("/compute/x", get(move || async move { json }))
        .route(
            "/compute/",
            post(|body: String| async move {
                (
                    axum::http::StatusCode::CREATED,
                    [("location", "http://127.0.0.1/compute/x")],
                    body,
                )
            }),
        );
    serve(app).await
}

async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("the address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

fn get_request(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/occi+json\r\n\r\n")
        .into_bytes()
}

fn post_request(path: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\nAccept: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn collection(n: usize) -> String {
    let one = r#"{"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "attributes": {"occi.core.title": "seed", "occi.compute.cores": 1}}"#;
    format!("{{\"resources\": [{}]}}", vec![one; n].join(", "))
}

struct Answer {
    status: u16,
    location: Option<String>,
}

struct Stats {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    errors: usize,
}

// One request on a fresh connection.
async fn one(address: SocketAddr, request: &[u8]) -> Answer {
    let stream = TcpStream::connect(address).await.expect("a connection");
    let mut stream = BufReader::new(stream);
    exchange(&mut stream, request).await.expect("an answer")
}

// `connections` keep-alive connections sending `request` for `duration`.
async fn load(
    address: SocketAddr,
    request: &[u8],
    connections: usize,
    duration: Duration,
) -> Stats {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let request = request.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            let Ok(stream) = TcpStream::connect(address).await else {
                return (latencies, 1);
            };
            let mut stream = BufReader::new(stream);
            while start.elapsed() < duration {
                let t = Instant::now();
                match exchange(&mut stream, &request).await {
                    Ok(a) if a.status < 300 => latencies.push(t.elapsed()),
                    _ => {
                        errors += 1;
                        break;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut stats = Stats {
        requests: 0,
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
        errors: 0,
    };
    for t in tasks {
        let (l, e) = t.await.expect("a load task");
        stats.latencies.extend(l);
        stats.errors += e;
    }
    stats.elapsed = start.elapsed();
    stats.requests = stats.latencies.len();
    stats.latencies.sort();
    stats
}

async fn exchange(stream: &mut BufReader<TcpStream>, request: &[u8]) -> std::io::Result<Answer> {
    stream.get_mut().write_all(request).await?;
    let mut line = String::new();
    stream.read_line(&mut line).await?;
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = 0usize;
    let mut location = None;
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((name, value)) = l.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            } else if name.eq_ignore_ascii_case("location") {
                location = Some(value.trim().to_owned());
            }
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await?;
    Ok(Answer { status, location })
}

fn row(workload: &str, server: &str, s: &Stats) {
    let pct = |p: f64| {
        if s.latencies.is_empty() {
            return 0.0;
        }
        let i = ((s.latencies.len() as f64 * p) as usize).min(s.latencies.len() - 1);
        s.latencies[i].as_secs_f64() * 1000.0
    };
    let errors = if s.errors > 0 {
        format!(" ({} errors)", s.errors)
    } else {
        String::new()
    };
    println!(
        "| {workload} | {server} | {:.0}{errors} | {:.2} | {:.2} |",
        s.requests as f64 / s.elapsed.as_secs_f64(),
        pct(0.5),
        pct(0.99)
    );
}

// (VmRSS, VmHWM) in KiB.
fn rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum()
    })
}
