//! Two `tern serve` instances on one PostgreSQL database and one S3 bucket, under concurrent
//! clients spread over both (creates, partial updates of a shared counter with `If-Match`,
//! actions, CDMI values of 64 MiB), then again with one instance killed (`SIGKILL`) in the
//! middle: every acknowledged write is visible through both, the counter holds every
//! acknowledged increment, no metadata names a missing blob, and `tern serve gc` leaves no
//! blob unnamed.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::blocking::Client;

use crate::{COMPUTE_JSON, Served, client, services};

/// Where the instances keep their state.
struct Shared {
    store: String,
    bucket: String,
    endpoint: String,
}

impl Shared {
    fn args(&self) -> Vec<String> {
        vec![
            "--store".into(),
            self.store.clone(),
            "--blobs".into(),
            format!("s3://{}/tern", self.bucket),
            "--s3-endpoint".into(),
            self.endpoint.clone(),
        ]
    }

    fn start(&self, data: &Path) -> Served {
        let args = self.args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Served::start(data, &args)
    }
}

fn shared() -> Option<Shared> {
    let url = services::postgres_url()?;
    let endpoint = services::s3_endpoint()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (store, bucket) = runtime.block_on(async {
        (
            services::fresh_database(&url).await,
            services::fresh_bucket(&endpoint).await,
        )
    });
    Some(Shared {
        store,
        bucket,
        endpoint,
    })
}

/// What the clients were told was done.
#[derive(Default)]
struct Acknowledged {
    created: Mutex<Vec<String>>,
    increments: AtomicU64,
    // Increments sent to an instance that died before answering: maybe applied.
    unknown: AtomicU64,
    objects: Mutex<Vec<(String, u64, usize)>>,
}

const COUNTER: &str = "/compute/counter";
const OBJECT_SIZE: usize = 64 * 1024 * 1024;

fn hostname(c: &Client, base: &str) -> Option<(u64, String)> {
    let got = c
        .get(format!("{base}{COUNTER}"))
        .header("Accept", "application/occi+json")
        .send()
        .ok()?;
    if got.status() != StatusCode::OK {
        return None;
    }
    let tag = got.headers().get("etag")?.to_str().ok()?.to_owned();
    let v: serde_json::Value = serde_json::from_str(&got.text().ok()?).ok()?;
    let n = v["attributes"]["occi.compute.hostname"]
        .as_str()?
        .trim_start_matches('n')
        .parse()
        .ok()?;
    Some((n, tag))
}

// Increments the counter through `base` until it wins a race (If-Match) or the instance
// fails; true when acknowledged.
fn increment(c: &Client, base: &str, ack: &Acknowledged) -> bool {
    for _ in 0..200 {
        let Some((n, tag)) = hostname(c, base) else {
            return false;
        };
        let sent = c
            .post(format!("{base}{COUNTER}"))
            .header("Content-Type", "application/occi+json")
            .header("If-Match", tag)
            .body(format!(
                r#"{{"attributes": {{"occi.compute.hostname": "n{}"}}}}"#,
                n + 1
            ))
            .send();
        match sent {
            Ok(r) if r.status() == StatusCode::OK => {
                ack.increments.fetch_add(1, Ordering::SeqCst);
                return true;
            }
            Ok(r) if r.status() == StatusCode::PRECONDITION_FAILED => {}
            Ok(r) => panic!("increment: {}", r.status()),
            Err(_) => {
                // The instance died with the request in flight: applied or not.
                ack.unknown.fetch_add(1, Ordering::SeqCst);
                return false;
            }
        }
    }
    panic!("200 lost races in a row");
}

// Deterministic bytes of object `seed`.
fn object(seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut v = Vec::with_capacity(OBJECT_SIZE);
    while v.len() < OBJECT_SIZE {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v
}

fn digest(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

// Runs the clients over `bases` until `stop`, or `deadline`.
fn load(
    bases: &[String],
    ack: &Arc<Acknowledged>,
    stop: &Arc<AtomicBool>,
    deadline: Duration,
    tag: &str,
) {
    let started = Instant::now();
    let over = {
        let stop = Arc::clone(stop);
        move || stop.load(Ordering::SeqCst) || started.elapsed() > deadline
    };
    std::thread::scope(|scope| {
        // Creates at client-chosen and server-chosen locations.
        for t in 0..2 {
            let (ack, over) = (Arc::clone(ack), over.clone());
            scope.spawn(move || {
                let c = client();
                for i in 0..200 {
                    if over() {
                        break;
                    }
                    let base = &bases[i % bases.len()];
                    let location = format!("/compute/{tag}-{t}-{i}");
                    let r = c
                        .put(format!("{base}{location}"))
                        .header("Content-Type", "application/occi+json")
                        .header("If-None-Match", "*")
                        .body(COMPUTE_JSON)
                        .send();
                    if let Ok(r) = r {
                        assert!(r.status().is_success(), "create {location}: {}", r.status());
                        ack.created.lock().unwrap().push(location);
                    }
                }
            });
        }
        // Increments of one counter from both instances.
        for t in 0..4 {
            let (ack, over) = (Arc::clone(ack), over.clone());
            scope.spawn(move || {
                let c = client();
                for i in 0..100 {
                    if over() {
                        break;
                    }
                    increment(&c, &bases[(i + t) % bases.len()], &ack);
                }
            });
        }
        // Actions on one compute, through both.
        {
            let over = over.clone();
            scope.spawn(move || {
                let c = client();
                for i in 0..100 {
                    if over() {
                        break;
                    }
                    let action = if i % 2 == 0 { "start" } else { "stop" };
                    let base = &bases[i % bases.len()];
                    if let Ok(r) = c
                        .post(format!("{base}/compute/acted?action={action}"))
                        .send()
                    {
                        assert!(
                            matches!(r.status(), StatusCode::OK | StatusCode::CONFLICT),
                            "{action}: {}",
                            r.status()
                        );
                    }
                }
            });
        }
        // CDMI values of 64 MiB: written through one instance, read through the other.
        {
            let (ack, over) = (Arc::clone(ack), over.clone());
            scope.spawn(move || {
                let c = client();
                for i in 0..2u64 {
                    if over() {
                        break;
                    }
                    let bytes = object(i + tag.len() as u64);
                    let (sum, len) = (digest(&bytes), bytes.len());
                    let path = format!("/big/{tag}-{i}.bin");
                    let writer = &bases[i as usize % bases.len()];
                    let r = c
                        .put(format!("{writer}{path}"))
                        .header("Content-Type", "application/octet-stream")
                        .body(bytes)
                        .send();
                    let Ok(r) = r else { continue };
                    assert!(r.status().is_success(), "PUT {path}: {}", r.status());
                    ack.objects.lock().unwrap().push((path.clone(), sum, len));
                    let reader = &bases[(i as usize + 1) % bases.len()];
                    if let Ok(got) = c.get(format!("{reader}{path}")).send() {
                        assert_eq!(got.status(), StatusCode::OK);
                        let body = got.bytes().unwrap();
                        assert_eq!(
                            (digest(&body), body.len()),
                            (sum, len),
                            "{path} through the other instance"
                        );
                    }
                }
            });
        }
    });
}

// Every acknowledged write, through `base`.
fn check(c: &Client, base: &str, ack: &Acknowledged) {
    for location in ack.created.lock().unwrap().iter() {
        let r = c.get(format!("{base}{location}")).send().unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{location} through {base}");
    }
    let (n, _) = hostname(c, base).expect("the counter");
    let acknowledged = ack.increments.load(Ordering::SeqCst);
    let unknown = ack.unknown.load(Ordering::SeqCst);
    assert!(
        acknowledged <= n && n <= acknowledged + unknown,
        "counter {n}: {acknowledged} increments acknowledged, {unknown} unanswered"
    );
    for (path, sum, len) in ack.objects.lock().unwrap().iter() {
        let got = c.get(format!("{base}{path}")).send().unwrap();
        assert_eq!(got.status(), StatusCode::OK, "{path}");
        let body = got.bytes().unwrap();
        assert_eq!(
            (digest(&body), body.len()),
            (*sum, *len),
            "{path} through {base}"
        );
    }
}

// The blob keys the rows name, and the keys in the bucket.
fn blobs(shared: &Shared) -> (HashSet<String>, HashSet<String>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let named = runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(&shared.store, tokio_postgres::NoTls)
            .await
            .unwrap();
        let driver = tokio::spawn(connection);
        let rows = client
            .query("SELECT body FROM cdmi_objects", &[])
            .await
            .unwrap();
        drop(client);
        let _ = driver.await;
        rows.iter()
            .filter_map(|r| {
                let body: String = r.get(0);
                let v: serde_json::Value = serde_json::from_str(&body).ok()?;
                v["blob"].as_str().map(str::to_owned)
            })
            .collect::<HashSet<_>>()
    });
    let listing = client()
        .get(format!(
            "{}/{}?list-type=2&prefix=tern/",
            shared.endpoint, shared.bucket
        ))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let stored = listing
        .split("<Key>")
        .skip(1)
        .filter_map(|k| k.split("</Key>").next())
        .map(|k| k.trim_start_matches("tern/").to_owned())
        .collect();
    (named, stored)
}

#[test]
fn two_instances_share_postgres_and_s3_and_lose_nothing() {
    let Some(shared) = shared() else { return };
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let first = shared.start(dirs[0].path());
    let second = shared.start(dirs[1].path());
    let bases = vec![first.base.clone(), second.base.clone()];
    let http = client();
    // The shared state the clients start from.
    let answer = http
        .put(format!("{}{COUNTER}", first.base))
        .header("Content-Type", "application/occi+json")
        .body(r#"{"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "attributes": {"occi.compute.hostname": "n0"}}"#)
        .send()
        .unwrap();
    assert_eq!(answer.status(), StatusCode::CREATED);
    let answer = http
        .put(format!("{}/compute/acted", second.base))
        .header("Content-Type", "application/occi+json")
        .body(COMPUTE_JSON)
        .send()
        .unwrap();
    assert_eq!(answer.status(), StatusCode::CREATED);
    crate::cdmi_container(&http, &first.base, "/big/");

    let ack = Arc::new(Acknowledged::default());
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    load(&bases, &ack, &stop, Duration::from_secs(20), "calm");
    eprintln!(
        "two instances, {:.1} s: {} creates, {} increments, {} objects of 64 MiB",
        started.elapsed().as_secs_f64(),
        ack.created.lock().unwrap().len(),
        ack.increments.load(Ordering::SeqCst),
        ack.objects.lock().unwrap().len()
    );
    assert!(ack.increments.load(Ordering::SeqCst) > 0);
    assert!(
        !ack.objects.lock().unwrap().is_empty(),
        "no 64 MiB object went through"
    );
    for base in &bases {
        check(&http, base, &ack);
    }
    let state = |base: &str| {
        let got = http
            .get(format!("{base}/compute/acted"))
            .header("Accept", "application/occi+json")
            .send()
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&got.text().unwrap()).unwrap();
        v["attributes"]["occi.compute.state"].clone()
    };
    assert_eq!(state(&first.base), state(&second.base));

    // Again, with instance A killed (SIGKILL) a moment into the load.
    let killer = {
        let mut first = first;
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(1500));
            first.child.kill().unwrap();
            first.child.wait().unwrap();
            drop(first);
        })
    };
    load(&bases, &ack, &stop, Duration::from_secs(10), "killed");
    killer.join().unwrap();
    check(&http, &second.base, &ack);
    let restarted = shared.start(dirs[0].path());
    check(&http, &restarted.base, &ack);

    // No row names a missing blob; after `tern serve gc`, no blob is unnamed.
    let (named, stored) = blobs(&shared);
    let missing: Vec<_> = named.difference(&stored).collect();
    assert!(missing.is_empty(), "rows name missing blobs: {missing:?}");
    let mut args = vec![
        "serve".to_owned(),
        "gc".into(),
        "--gc-grace".into(),
        "0".into(),
    ];
    args.extend(shared.args());
    let gc = std::process::Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(&args)
        .output()
        .unwrap();
    assert!(
        gc.status.success(),
        "{}",
        String::from_utf8_lossy(&gc.stderr)
    );
    let (named, stored) = blobs(&shared);
    assert_eq!(named, stored, "after gc every blob is named by a row");
}

#[test]
fn user_mixins_defined_through_one_instance_are_known_to_the_other() {
    let Some(shared) = shared() else { return };
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let a = shared.start(dirs[0].path());
    let b = shared.start(dirs[1].path());
    let c = client();
    let vm = c
        .put(format!("{}/compute/tagged", b.base))
        .header("Content-Type", "application/occi+json")
        .body(COMPUTE_JSON)
        .send()
        .unwrap();
    assert_eq!(vm.status(), StatusCode::CREATED);
    let mixin = "Category: gold; scheme=\"http://example.com/tags#\"; class=\"mixin\"; location=\"/tags/gold/\"\r\n";
    let defined = c
        .post(format!("{}/-/", a.base))
        .header("Content-Type", "text/plain")
        .body(mixin)
        .send()
        .unwrap();
    assert_eq!(defined.status(), StatusCode::OK);
    // Through the other instance, at once: tag the compute with it, list its collection.
    let tag = c
        .post(format!("{}/tags/gold/", b.base))
        .header("Content-Type", "text/uri-list")
        .body(format!("{}/compute/tagged\n", b.base))
        .send()
        .unwrap();
    assert_eq!(tag.status(), StatusCode::OK, "{}", tag.text().unwrap());
    let members = c
        .get(format!("{}/tags/gold/", a.base))
        .header("Accept", "text/uri-list")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(members.contains("/compute/tagged"), "{members}");
    // Removed through A: B refuses it next.
    let removed = c
        .delete(format!("{}/-/", a.base))
        .header("Content-Type", "text/plain")
        .body(mixin)
        .send()
        .unwrap();
    assert_eq!(removed.status(), StatusCode::OK);
    let gone = c
        .post(format!("{}/tags/gold/", b.base))
        .header("Content-Type", "text/uri-list")
        .body(format!("{}/compute/tagged\n", b.base))
        .send()
        .unwrap();
    assert!(gone.status().is_client_error(), "{}", gone.status());
}
