//! SIGKILL under 50 concurrent creating clients: every acknowledged create survives the
//! restart, and nothing in the store is half-written.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tern_model::{Catalogue, OcciVersion};
use tern_occi::{Document, MediaType, ParseOptions, read};

use crate::{COMPUTE, Served, client};

const CLIENTS: usize = 50;
// Bounds: each client stops after this many creates, or when the server is gone.
const PER_CLIENT: usize = 400;

#[test]
fn kill_9_under_50_concurrent_creators_loses_no_acknowledged_create() {
    let dir = tempfile::tempdir().unwrap();
    let acknowledged = load_then_kill(Served::start(dir.path(), &[]));
    eprintln!("{} creates acknowledged before SIGKILL", acknowledged.len());
    assert!(
        acknowledged.len() >= CLIENTS,
        "the load ran: {} creates",
        acknowledged.len()
    );
    assert!(acknowledged.len() < CLIENTS * PER_CLIENT, "killed mid-way");
    check_after_restart(dir.path(), &acknowledged);
}

// 50 clients create computes until SIGKILL; the (location, cores) of each acknowledged one.
fn load_then_kill(mut served: Served) -> Vec<(String, u32)> {
    let acknowledged = Arc::new(Mutex::new(Vec::<(String, u32)>::new()));
    let started = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let base = served.base.clone();
        let acknowledged = Arc::clone(&acknowledged);
        let started = Arc::clone(&started);
        clients.push(std::thread::spawn(move || {
            let http = client();
            for n in 0..PER_CLIENT {
                let cores = u32::try_from(c * 1000 + n).unwrap();
                let body = format!(
                    "{COMPUTE}X-OCCI-Attribute: occi.core.title=\"client {c} create {n}\", occi.compute.cores={cores}\r\n"
                );
                let sent = http
                    .post(format!("{base}/compute/"))
                    .header("Content-Type", "text/plain")
                    .body(body)
                    .send();
                match sent {
                    Ok(r) if r.status() == StatusCode::CREATED => {
                        started.fetch_add(1, Ordering::SeqCst);
                        let l = r.headers()["location"].to_str().unwrap().to_owned();
                        let path = l.strip_prefix(&base).unwrap().to_owned();
                        acknowledged.lock().unwrap().push((path, cores));
                    }
                    Ok(r) => panic!("unexpected {}: {:?}", r.status(), r.text()),
                    Err(_) => return, // the server was killed
                }
            }
        }));
    }
    // Kill once creates are flowing (as many acknowledged as there are clients, however
    // loaded the machine is), in the middle of the load.
    let t0 = Instant::now();
    while started.load(Ordering::SeqCst) < CLIENTS && t0.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    served.child.kill().unwrap(); // SIGKILL on Unix
    served.child.wait().unwrap();
    for c in clients {
        c.join().unwrap();
    }
    acknowledged.lock().unwrap().clone()
}

// Every acknowledged create is there after a restart, and every stored entity is whole.
fn check_after_restart(data: &std::path::Path, acknowledged: &[(String, u32)]) {
    let again = Served::start(data, &[]);
    let http = client();
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    for (path, cores) in acknowledged {
        let r = http
            .get(format!("{}{path}", again.base))
            .header("Accept", "application/occi+json")
            .send()
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path} was acknowledged");
        let body = r.text().unwrap();
        let Document::Resource(vm) = read(
            &body,
            MediaType::OcciJson,
            &ParseOptions::strict(),
            &catalogue,
        )
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .value
        else {
            panic!("{path} is no resource: {body}");
        };
        assert_eq!(
            vm.entity
                .attributes
                .get("occi.compute.cores")
                .unwrap()
                .to_string(),
            cores.to_string()
        );
    }
    // Every stored entity (acknowledged or caught by the kill after its commit) is whole.
    let all = http
        .get(format!("{}/compute/", again.base))
        .header("Accept", "application/occi+json")
        .send()
        .unwrap()
        .text()
        .unwrap();
    let Document::Listing(listing) = read(
        &all,
        MediaType::OcciJson,
        &ParseOptions::strict(),
        &catalogue,
    )
    .unwrap()
    .value
    else {
        panic!("no collection: {all}");
    };
    assert!(listing.resources.len() >= acknowledged.len());
    for vm in &listing.resources {
        assert!(vm.entity.attributes.get("occi.compute.cores").is_some());
        assert_eq!(
            vm.entity
                .attributes
                .get("occi.compute.state")
                .unwrap()
                .to_plain_string(),
            "inactive"
        );
    }
}
