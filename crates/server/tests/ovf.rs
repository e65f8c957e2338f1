//! OVF by content negotiation on `/`, in process: import a descriptor (`POST /`,
//! `Content-Type: application/ovf+xml`), its entities in the store, export it back
//! (`GET /`, `Accept: application/ovf+xml`); an invalid descriptor and a refused entity
//! leave nothing behind.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tern_server::{Config, Provider, SimulatedDriver, router};
use tern_store::SqliteStore;
use tower::ServiceExt;

const OVF: &str = "application/ovf+xml";

struct Server {
    app: Router,
    _dir: tempfile::TempDir,
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

async fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::new("127.0.0.1:0".parse().unwrap(), dir.path().to_owned());
    let store = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let provider = Provider::open(&config, store, Arc::new(SimulatedDriver))
        .await
        .unwrap();
    Server {
        app: router(Arc::new(provider), &config),
        _dir: dir,
    }
}

impl Server {
    async fn call(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "cloud.example.com");
        for (n, v) in headers {
            request = request.header(*n, *v);
        }
        let response = self
            .app
            .clone()
            .oneshot(request.body(Body::from(body.to_owned())).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    // The locations of a collection (text/uri-list).
    async fn count(&self, collection: &str) -> usize {
        let a = self
            .call("GET", collection, &[("accept", "text/uri-list")], "")
            .await;
        assert_eq!(a.status, StatusCode::OK, "{collection}: {}", a.body);
        a.body.lines().filter(|l| !l.trim().is_empty()).count()
    }

    async fn counts(&self) -> [usize; 4] {
        [
            self.count("/compute/").await,
            self.count("/network/").await,
            self.count("/storage/").await,
            self.count("/link/").await,
        ]
    }
}

fn sample(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/ovf")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// What ovf2occi makes of a descriptor: (computes, networks, storages, links).
fn converted(descriptor: &str) -> [usize; 4] {
    let doc = tern_ovf::Document::parse(descriptor.as_bytes()).unwrap();
    let c = tern_mapping::ovf2occi::ovf_to_occi(&doc, &tern_mapping::ovf2occi::Options::default())
        .unwrap();
    let of = |term: &str| {
        c.collection
            .resources()
            .iter()
            .filter(|r| r.entity.kind.term() == term)
            .count()
    };
    [
        of("compute"),
        of("network"),
        of("storage"),
        c.collection.links().count(),
    ]
}

#[tokio::test]
async fn import_then_export_gives_the_descriptor_back() {
    let s = server().await;
    let descriptor = sample("hadoop-cluster.ovf");
    let expected = converted(&descriptor);
    assert!(expected[0] > 0 && expected[1] > 0 && expected[2] > 0 && expected[3] > 0);

    let a = s
        .call("POST", "/", &[("content-type", OVF)], &descriptor)
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert!(a.header("content-type").starts_with("text/uri-list"));
    let created: Vec<&str> = a.body.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(
        created.len(),
        expected[0] + expected[1] + expected[2] + expected[3]
    );
    assert!(
        created
            .iter()
            .all(|l| l.starts_with("http://cloud.example.com/"))
    );
    assert_eq!(s.counts().await, expected);

    let e = s.call("GET", "/", &[("accept", OVF)], "").await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.body);
    assert!(e.header("content-type").starts_with(OVF));
    let report = tern_ovf::validate_bytes(e.body.as_bytes(), &tern_ovf::ValidateOptions::default());
    assert!(report.is_valid(), "{:?}", report.error_rules());
    assert_eq!(converted(&e.body), expected);
    // Untouched, the kept envelope comes back as imported.
    assert_eq!(e.body, descriptor);
}

#[tokio::test]
async fn export_without_an_import_is_made_from_the_entities() {
    let s = server().await;
    // Nothing to export: no VirtualSystem.
    let empty = s.call("GET", "/", &[("accept", OVF)], "").await;
    assert_eq!(empty.status, StatusCode::CONFLICT, "{}", empty.body);
    let infra = "scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"";
    let net = format!("Category: network; {infra}\nX-OCCI-Attribute: occi.core.id=\"net1\"\n");
    let a = s
        .call(
            "PUT",
            "/network/net1",
            &[("content-type", "text/plain")],
            &net,
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let vm = format!(
        "Category: compute; {infra}\nX-OCCI-Attribute: occi.core.id=\"vm1\"\nX-OCCI-Attribute: occi.compute.cores=2\nX-OCCI-Attribute: occi.compute.memory=4.0\n"
    );
    let a = s
        .call(
            "PUT",
            "/compute/vm1",
            &[("content-type", "text/plain")],
            &vm,
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let e = s.call("GET", "/", &[("accept", OVF)], "").await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.body);
    let report = tern_ovf::validate_bytes(e.body.as_bytes(), &tern_ovf::ValidateOptions::default());
    assert!(report.is_valid(), "{:?}\n{}", report.error_rules(), e.body);
    assert_eq!(converted(&e.body), [1, 1, 0, 0], "{}", e.body);
}

#[tokio::test]
async fn accept_lists_ovf_and_406_names_it() {
    let s = server().await;
    let a = s.call("GET", "/", &[("accept", "image/png")], "").await;
    assert_eq!(a.status, StatusCode::NOT_ACCEPTABLE);
    assert!(a.body.contains(OVF), "{}", a.body);
    let ok = s.call("GET", "/", &[], "").await;
    assert!(ok.header("accept").contains(OVF), "{}", ok.header("accept"));
}

#[tokio::test]
async fn an_invalid_descriptor_is_refused_with_its_findings() {
    let s = server().await;
    // A VirtualSystem without its id, and a malformed end tag.
    let bad = "<?xml version=\"1.0\"?>\n<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\">\n  <References/>\n  <VirtualSystem>\n</Envelop>\n";
    let a = s.call("POST", "/", &[("content-type", OVF)], bad).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    // LINE:COLUMN: error[RULE]
    assert!(a.body.contains("error[OVF-XML]"), "{}", a.body);
    assert!(
        a.body.lines().nth(1).is_some_and(|l| l.starts_with("5:")),
        "{}",
        a.body
    );
    assert_eq!(s.counts().await, [0, 0, 0, 0]);
}

#[tokio::test]
async fn a_refused_entity_leaves_nothing_behind() {
    let s = server().await;
    let descriptor = sample("hadoop-cluster.ovf");
    // Import once, then again: the second import's entities are at taken locations, so it
    // fails part way (after the new mixins and whatever comes before the first clash).
    let a = s
        .call("POST", "/", &[("content-type", OVF)], &descriptor)
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let before = s.counts().await;
    let again = s
        .call("POST", "/", &[("content-type", OVF)], &descriptor)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(s.counts().await, before);
}

#[tokio::test]
async fn a_failure_part_way_rolls_the_whole_import_back() {
    let descriptor = sample("hadoop-cluster.ovf");
    // Where the import puts its entities, learnt on a server of its own.
    let probe = server().await;
    let a = probe
        .call("POST", "/", &[("content-type", OVF)], &descriptor)
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let last_compute = a
        .body
        .lines()
        .filter_map(|l| l.strip_prefix("http://cloud.example.com"))
        .rfind(|l| l.starts_with("/compute/"))
        .unwrap()
        .to_owned();

    // The last compute's place is taken: the networks, storages, mixins and the computes
    // before it are created, then the import is refused; none of it stays.
    let s = server().await;
    let query_before = s
        .call("GET", "/-/", &[("accept", "text/plain")], "")
        .await
        .body;
    let vm = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\n";
    let taken = s
        .call("PUT", &last_compute, &[("content-type", "text/plain")], vm)
        .await;
    assert_eq!(taken.status, StatusCode::CREATED, "{}", taken.body);
    let r = s
        .call("POST", "/", &[("content-type", OVF)], &descriptor)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains(&last_compute), "{}", r.body);
    assert_eq!(s.counts().await, [1, 0, 0, 0]);
    let query_after = s
        .call("GET", "/-/", &[("accept", "text/plain")], "")
        .await
        .body;
    assert_eq!(query_after, query_before, "the descriptor's mixins stayed");
    // No envelope kept: the export is made from the one compute.
    let e = s.call("GET", "/", &[("accept", OVF)], "").await;
    assert_ne!(e.body, descriptor);
}

#[tokio::test]
async fn the_kept_envelope_only_describes_what_it_made() {
    let s = server().await;
    let descriptor = sample("hadoop-cluster.ovf");
    let a = s
        .call("POST", "/", &[("content-type", OVF)], &descriptor)
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let computes = s
        .call("GET", "/compute/", &[("accept", "text/uri-list")], "")
        .await
        .body;
    let first = computes.lines().next().unwrap();
    let path = first.strip_prefix("http://cloud.example.com").unwrap();
    let d = s.call("DELETE", path, &[], "").await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.body);
    let e = s.call("GET", "/", &[("accept", OVF)], "").await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.body);
    let expected = converted(&descriptor);
    assert_eq!(converted(&e.body)[0], expected[0] - 1, "{}", e.body);
}
