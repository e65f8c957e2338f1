//! Several `tern serve` instances sharing PostgreSQL and an S3-compatible store (issue 20):
//! the store traits' conformance on both back ends, the S3 blob store, and real instances
//! under concurrent load. The services come from `.ci/services.sh` (see `services`).

mod blobs;
mod conformance;
mod instances;
mod migrations;
mod precondition;
mod services;

#[path = "../common/served.rs"]
mod served;
pub(crate) use served::Served;

/// A compute with a few cores, in OCCI JSON.
pub(crate) const COMPUTE_JSON: &str = r#"{"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "attributes": {"occi.compute.cores": 4}}"#;

pub(crate) fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("a client")
}

/// Creates the CDMI container at `path` (`/c/`).
pub(crate) fn cdmi_container(c: &reqwest::blocking::Client, base: &str, path: &str) {
    let r = c
        .put(format!("{base}{path}"))
        .header("Content-Type", "application/cdmi-container")
        .header("X-CDMI-Specification-Version", "1.1.1")
        .send()
        .unwrap();
    assert!(r.status().is_success(), "container {path}: {}", r.status());
}
