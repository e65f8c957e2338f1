//! Every rendering over real HTTP, and the shutdown.

use reqwest::StatusCode;
use tern_model::{Catalogue, OcciVersion};
use tern_occi::{Document, MediaType, ParseOptions, read};

use crate::{COMPUTE, Served, client};

#[test]
fn every_rendering_over_http_and_a_graceful_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[]);
    let http = client();
    let base = served.base.clone();

    // text/plain
    let plain =
        format!("{COMPUTE}X-OCCI-Attribute: occi.core.title=\"a\", occi.compute.cores=2\r\n");
    let r = http
        .post(format!("{base}/compute/"))
        .header("Content-Type", "text/plain")
        .body(plain)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["server"], "tern OCCI/1.2");
    let a = r.headers()["location"].to_str().unwrap().to_owned();

    // application/occi+json
    let json = r#"{"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "attributes": {"occi.compute.cores": 4}}"#;
    let r = http
        .post(format!("{base}/compute/"))
        .header("Content-Type", "application/occi+json")
        .header("Accept", "application/occi+json")
        .body(json)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let b = r.headers()["location"].to_str().unwrap().to_owned();
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let body = r.text().unwrap();
    let doc = read(
        &body,
        MediaType::OcciJson,
        &ParseOptions::strict(),
        &catalogue,
    )
    .unwrap()
    .value;
    assert!(matches!(doc, Document::Resource(_)), "{body}");

    // text/occi: the fields in headers, both ways.
    let r = http
        .put(format!("{base}/compute/c"))
        .header("Content-Type", "text/occi")
        .header(
            "Category",
            COMPUTE.trim_end().trim_start_matches("Category: "),
        )
        .header("X-OCCI-Attribute", "occi.compute.cores=1")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = http
        .get(format!("{base}/compute/c"))
        .header("Accept", "text/occi")
        .send()
        .unwrap();
    assert!(
        r.headers()["x-occi-attribute"]
            .to_str()
            .unwrap()
            .contains("occi.compute.cores=1")
    );

    // text/uri-list
    let list = http
        .get(format!("{base}/compute/"))
        .header("Accept", "text/uri-list")
        .send()
        .unwrap()
        .text()
        .unwrap();
    for l in [&a, &b, &format!("{base}/compute/c")] {
        assert!(list.lines().any(|x| x == l), "{l} in {list}");
    }

    // An action, refused then allowed.
    let stop = http.post(format!("{a}?action=stop")).send().unwrap();
    assert_eq!(stop.status(), StatusCode::CONFLICT);
    let start = http
        .post(format!("{a}?action=start"))
        .header("Accept", "text/plain")
        .send()
        .unwrap();
    assert_eq!(start.status(), StatusCode::OK);
    assert!(
        start
            .text()
            .unwrap()
            .contains("occi.compute.state=\"active\"")
    );

    let status = served.terminate();
    assert!(status.success(), "graceful exit: {status:?}");

    // The store was closed cleanly and holds everything.
    let again = Served::start(dir.path(), &[]);
    let r = client()
        .get(format!("{}/compute/c", again.base))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[test]
fn an_exposed_address_needs_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(["serve", "--listen", "0.0.0.0:0", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--token"), "{stderr}");

    let served = Served::start(dir.path(), &["--token", "t0ken"]);
    let http = client();
    let r = http.get(format!("{}/-/", served.base)).send().unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = http
        .get(format!("{}/-/", served.base))
        .bearer_auth("t0ken")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[test]
fn the_token_can_come_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "s3cret\n# the first line only\n").unwrap();
    let served = Served::start(
        &dir.path().join("data"),
        &["--token-file", file.to_str().unwrap()],
    );
    let http = client();
    let r = http.get(format!("{}/-/", served.base)).send().unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = http
        .get(format!("{}/-/", served.base))
        .bearer_auth("s3cret")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // An empty first line would make `Authorization: Bearer ` a valid credential: refused.
    std::fs::write(&file, "\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(["serve", "--listen", "127.0.0.1:0", "--token-file"])
        .arg(&file)
        .arg("--data")
        .arg(dir.path().join("data2"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("first line is empty"), "{stderr}");
}
