//! `tern deploy --cdmi`: the package's disks uploaded to a CDMI container before the apply:
//! in chunks, resumed after an interruption, not sent again when already stored; from an
//! `.ovf` directory and from an `.ova` archive.
//!
//! The CDMI side is the real `tern serve` (its CDMI storage), reached through a proxy that can
//! refuse a chunk (an interrupted upload); and a small CDMI 1.1.1 data-object server written
//! here with axum (a real HTTP server on 127.0.0.1) that counts the bytes it receives.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::{Served, ok, tern};

#[derive(Default)]
struct Object {
    value: Vec<u8>,
    metadata: serde_json::Map<String, serde_json::Value>,
    complete: bool,
}

#[derive(Default)]
struct Store {
    objects: HashMap<String, Object>,
    /// Bytes received in raw (non-CDMI) PUT bodies.
    raw_bytes: usize,
    /// Raw PUTs received.
    raw_puts: usize,
    /// The raw PUT with this number (from 1) is refused with 400: an interrupted upload.
    refuse_raw_put: Option<usize>,
}

type Shared = Arc<Mutex<Store>>;

struct Cdmi {
    base: String,
    store: Shared,
    _runtime: tokio::runtime::Runtime,
}

impl Cdmi {
    fn start() -> Cdmi {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let store: Shared = Arc::default();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bound");
        let addr = listener.local_addr().expect("address");
        let state = store.clone();
        let app = axum::Router::new()
            .fallback(move |m, u, h, b| std::future::ready(handle(&state, &m, &u, &h, &b)))
            .layer(axum::extract::DefaultBodyLimit::disable());
        runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Cdmi {
            base: format!("http://{addr}"),
            store,
            _runtime: runtime,
        }
    }
}

fn handle(
    store: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    let Ok(mut store) = store.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let path = uri.path().to_owned();
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let partial = header("x-cdmi-partial") == "true";
    let cdmi = header("content-type").starts_with("application/cdmi-object")
        || header("accept").starts_with("application/cdmi-object");
    if cdmi && header("x-cdmi-specification-version").is_empty() {
        return StatusCode::BAD_REQUEST.into_response();
    }
    if path.ends_with('/') {
        // Containers: any exists once created.
        return match *method {
            Method::PUT => {
                store.objects.entry(path).or_default();
                StatusCode::CREATED.into_response()
            }
            Method::GET if store.objects.contains_key(&path) => {
                ([("content-type", "application/cdmi-container")], "{}").into_response()
            }
            _ => StatusCode::NOT_FOUND.into_response(),
        };
    }
    match *method {
        Method::GET if cdmi => match store.objects.get(&path) {
            None => StatusCode::NOT_FOUND.into_response(),
            Some(o) => {
                let mut metadata = o.metadata.clone();
                metadata.insert("cdmi_size".into(), o.value.len().to_string().into());
                let json = serde_json::json!({
                    "objectType": "application/cdmi-object",
                    "metadata": metadata,
                    "completionStatus": if o.complete { "Complete" } else { "Processing" },
                });
                (
                    [("content-type", "application/cdmi-object")],
                    json.to_string(),
                )
                    .into_response()
            }
        },
        Method::GET => match store.objects.get(&path) {
            None => StatusCode::NOT_FOUND.into_response(),
            Some(o) => o.value.clone().into_response(),
        },
        Method::PUT if cdmi => {
            let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
                return StatusCode::BAD_REQUEST.into_response();
            };
            let object = Object {
                value: json["value"]
                    .as_str()
                    .unwrap_or_default()
                    .as_bytes()
                    .to_vec(),
                metadata: json["metadata"].as_object().cloned().unwrap_or_default(),
                complete: !partial,
            };
            store.objects.insert(path, object);
            StatusCode::CREATED.into_response()
        }
        Method::PUT => {
            store.raw_puts += 1;
            if store.refuse_raw_put == Some(store.raw_puts) {
                return StatusCode::BAD_REQUEST.into_response();
            }
            store.raw_bytes += body.len();
            let range = header("content-range");
            let object = store.objects.entry(path).or_default();
            object.complete = !partial;
            // `bytes FIRST-LAST/TOTAL`
            let first = range
                .strip_prefix("bytes ")
                .and_then(|r| r.split('-').next())
                .and_then(|f| f.parse::<usize>().ok());
            match first {
                Some(first) => {
                    if object.value.len() < first + body.len() {
                        object.value.resize(first + body.len(), 0);
                    }
                    object.value[first..first + body.len()].copy_from_slice(body);
                }
                None => object.value = body.to_vec(),
            }
            StatusCode::NO_CONTENT.into_response()
        }
        _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

/// The minimal sample beside a disk of `size` pseudo-random bytes (`minimal-disk1.vmdk`).
fn package(dir: &Path, size: usize) -> (std::path::PathBuf, Vec<u8>) {
    let sample = std::fs::read_to_string(format!(
        "{}/samples/ovf/minimal.ovf",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the minimal sample");
    let ovf = sample.replace("ovf:size=\"1048576\"", &format!("ovf:size=\"{size}\""));
    let mut x: u32 = 0x1234_5678;
    let disk: Vec<u8> = (0..size)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect();
    let path = dir.join("minimal.ovf");
    std::fs::write(&path, ovf).expect("written");
    std::fs::write(dir.join("minimal-disk1.vmdk"), &disk).expect("written");
    (path, disk)
}

fn deploy(endpoint: &str, container: &str, package: &Path) -> std::process::Output {
    tern(&[
        "deploy",
        "--endpoint",
        endpoint,
        "--auto-approve",
        "--cdmi",
        container,
        package.to_str().expect("UTF-8"),
    ])
}

const SIZE: usize = 10 * 1024 * 1024 + 123;
const CHUNK: usize = 4 * 1024 * 1024;

#[test]
fn disks_are_uploaded_in_chunks_resumed_and_not_sent_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(&dir.path().join("data"), &[]);
    let cdmi = Cdmi::start();
    let container = format!("{}/disks/", cdmi.base);
    let (ovf, disk) = package(dir.path(), SIZE);

    // Interrupted: the second chunk is refused; nothing is applied.
    cdmi.store.lock().expect("lock").refuse_raw_put = Some(2);
    let out = deploy(&served.base, &container, &ovf);
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    {
        let store = cdmi.store.lock().expect("lock");
        let o = &store.objects["/disks/minimal-disk1.vmdk"];
        assert!(!o.complete);
        assert_eq!(o.value.len(), CHUNK);
    }

    // Resumed: only the chunks after the first are sent, in bodies of at most a chunk.
    {
        let mut store = cdmi.store.lock().expect("lock");
        store.refuse_raw_put = None;
        store.raw_bytes = 0;
        store.raw_puts = 0;
    }
    let out = deploy(&served.base, &container, &ovf);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    ok(&out);
    assert!(stderr.contains("resuming at byte 4194304"), "{stderr}");
    {
        let store = cdmi.store.lock().expect("lock");
        assert_eq!(store.raw_bytes, SIZE - CHUNK);
        assert_eq!(store.raw_puts, 2);
        let o = &store.objects["/disks/minimal-disk1.vmdk"];
        assert!(o.complete);
        assert!(o.value == disk, "the stored value differs from the disk");
    }
    // The storage link carries the data object's URL.
    let running = tern(&["extract", "--endpoint", &served.base]);
    let running = ok(&running);
    assert!(
        running.contains(&format!("{container}minimal-disk1.vmdk")),
        "{running}"
    );

    // Deployed again: the object holds the same bytes, nothing is sent.
    cdmi.store.lock().expect("lock").raw_puts = 0;
    let out = deploy(&served.base, &container, &ovf);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    ok(&out);
    assert!(stderr.contains("already stored"), "{stderr}");
    assert_eq!(cdmi.store.lock().expect("lock").raw_puts, 0);

    // A changed disk is replaced.
    let mut changed = disk.clone();
    changed[SIZE - 1] ^= 0xff;
    std::fs::write(dir.path().join("minimal-disk1.vmdk"), &changed).expect("written");
    ok(&deploy(&served.base, &container, &ovf));
    let store = cdmi.store.lock().expect("lock");
    assert!(store.objects["/disks/minimal-disk1.vmdk"].value == changed);
}

#[test]
fn the_disks_of_an_ova_are_read_from_the_archive() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(&dir.path().join("data"), &[]);
    let cdmi = Cdmi::start();
    let container = format!("{}/disks", cdmi.base);
    let (ovf, disk) = package(dir.path(), CHUNK + 7);
    let ova = dir.path().join("minimal.ova");
    ok(&tern(&[
        "ova",
        "pack",
        ovf.to_str().expect("UTF-8"),
        "-o",
        ova.to_str().expect("UTF-8"),
    ]));
    // Only the archive is left: the disk comes from it.
    std::fs::remove_file(dir.path().join("minimal-disk1.vmdk")).expect("removed");
    ok(&deploy(&served.base, &container, &ova));
    let store = cdmi.store.lock().expect("lock");
    let o = &store.objects["/disks/minimal-disk1.vmdk"];
    assert!(o.complete);
    assert!(o.value == disk, "the stored value differs from the disk");
}

// Forwards everything to `upstream`, but answers 400 to the raw (non-CDMI) PUT numbered
// `refuse` (from 1) while it is set.
async fn interrupting_proxy(
    listener: tokio::net::TcpListener,
    upstream: std::net::SocketAddr,
    refuse: Arc<Mutex<Option<usize>>>,
    raw_puts: Arc<std::sync::atomic::AtomicUsize>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    loop {
        let Ok((mut client, _)) = listener.accept().await else {
            return;
        };
        let refuse = refuse.clone();
        let raw_puts = raw_puts.clone();
        tokio::spawn(async move {
            let Some(request) = super::faults::read_request(&mut client).await else {
                return;
            };
            let head = String::from_utf8_lossy(&request[..request.len().min(4096)]).to_lowercase();
            if head.starts_with("put ") && head.contains("content-type: application/octet-stream") {
                let n = raw_puts.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                if *refuse.lock().expect("lock") == Some(n) {
                    let _ = client
                        .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .await;
                    return;
                }
            }
            let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await else {
                return;
            };
            if server.write_all(&request).await.is_err() {
                return;
            }
            let mut response = Vec::new();
            let _ = server.read_to_end(&mut response).await;
            let _ = client.write_all(&response).await;
        });
    }
}

#[test]
fn disks_go_to_the_cdmi_storage_of_tern_serve_and_an_interrupted_upload_resumes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(&dir.path().join("data"), &[]);
    let upstream: std::net::SocketAddr = served
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
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bound");
    let proxied = format!("http://{}", listener.local_addr().expect("address"));
    let refuse = Arc::new(Mutex::new(Some(2)));
    let raw_puts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    runtime.spawn(interrupting_proxy(
        listener,
        upstream,
        refuse.clone(),
        raw_puts.clone(),
    ));
    let container = format!("{proxied}/images/");
    let (ovf, disk) = package(dir.path(), SIZE);

    let out = deploy(&served.base, &container, &ovf);
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    *refuse.lock().expect("lock") = None;
    raw_puts.store(0, std::sync::atomic::Ordering::SeqCst);
    let out = deploy(&served.base, &container, &ovf);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    ok(&out);
    assert!(stderr.contains("resuming at byte 4194304"), "{stderr}");
    assert_eq!(raw_puts.load(std::sync::atomic::Ordering::SeqCst), 2);
    let stored = reqwest::blocking::get(format!("{}/images/minimal-disk1.vmdk", served.base))
        .expect("GET")
        .bytes()
        .expect("bytes");
    assert!(
        stored.as_ref() == disk.as_slice(),
        "the stored value differs from the disk"
    );

    raw_puts.store(0, std::sync::atomic::Ordering::SeqCst);
    let out = deploy(&served.base, &container, &ovf);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    ok(&out);
    assert!(stderr.contains("already stored"), "{stderr}");
    assert_eq!(raw_puts.load(std::sync::atomic::Ordering::SeqCst), 0);
}
