//! OVF by content negotiation on `/`, in process: import a descriptor (`POST /`,
//! `Content-Type: application/ovf+xml`), its entities in the store, export it back
//! (`GET /`, `Accept: application/ovf+xml`); an invalid descriptor and a refused entity
//! leave nothing behind.

mod common;

use axum::http::StatusCode;
use common::{Server, server};

const OVF: &str = "application/ovf+xml";

impl Server {
    // The locations of a collection (text/uri-list).
    async fn count(&self, collection: &str) -> usize {
        let a = self
            .call("GET", collection, &[("accept", "text/uri-list")], "")
            .await;
        assert_eq!(a.status, StatusCode::OK, "{collection}: {}", a.text());
        a.text().lines().filter(|l| !l.trim().is_empty()).count()
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
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    assert!(a.header("content-type").starts_with("text/uri-list"));
    let text = a.text();
    let created: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
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
    assert_eq!(e.status, StatusCode::OK, "{}", e.text());
    assert!(e.header("content-type").starts_with(OVF));
    let report =
        tern_ovf::validate_bytes(e.text().as_bytes(), &tern_ovf::ValidateOptions::default());
    assert!(report.is_valid(), "{:?}", report.error_rules());
    assert_eq!(converted(&e.text()), expected);
    // Untouched, the kept envelope comes back as imported.
    assert_eq!(e.text(), descriptor);
}

#[tokio::test]
async fn export_without_an_import_is_made_from_the_entities() {
    let s = server().await;
    // Nothing to export: no VirtualSystem.
    let empty = s.call("GET", "/", &[("accept", OVF)], "").await;
    assert_eq!(empty.status, StatusCode::CONFLICT, "{}", empty.text());
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
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
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
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    let e = s.call("GET", "/", &[("accept", OVF)], "").await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.text());
    let report =
        tern_ovf::validate_bytes(e.text().as_bytes(), &tern_ovf::ValidateOptions::default());
    assert!(
        report.is_valid(),
        "{:?}\n{}",
        report.error_rules(),
        e.text()
    );
    assert_eq!(converted(&e.text()), [1, 1, 0, 0], "{}", e.text());
}

#[tokio::test]
async fn accept_lists_ovf_and_406_names_it() {
    let s = server().await;
    let a = s.call("GET", "/", &[("accept", "image/png")], "").await;
    assert_eq!(a.status, StatusCode::NOT_ACCEPTABLE);
    assert!(a.text().contains(OVF), "{}", a.text());
    let ok = s.call("GET", "/", &[], "").await;
    assert!(ok.header("accept").contains(OVF), "{}", ok.header("accept"));
}

#[tokio::test]
async fn an_invalid_descriptor_is_refused_with_its_findings() {
    let s = server().await;
    // A VirtualSystem without its id, and a malformed end tag.
    let bad = "<?xml version=\"1.0\"?>\n<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\">\n  <References/>\n  <VirtualSystem>\n</Envelop>\n";
    let a = s.call("POST", "/", &[("content-type", OVF)], bad).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
    // LINE:COLUMN: error[RULE]
    assert!(a.text().contains("error[OVF-XML]"), "{}", a.text());
    assert!(
        a.text().lines().nth(1).is_some_and(|l| l.starts_with("5:")),
        "{}",
        a.text()
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
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    let before = s.counts().await;
    let again = s
        .call("POST", "/", &[("content-type", OVF)], &descriptor)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text());
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
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    let last_compute = a
        .text()
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
        .text();
    let vm = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\n";
    let taken = s
        .call("PUT", &last_compute, &[("content-type", "text/plain")], vm)
        .await;
    assert_eq!(taken.status, StatusCode::CREATED, "{}", taken.text());
    let r = s
        .call("POST", "/", &[("content-type", OVF)], &descriptor)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.text().contains(&last_compute), "{}", r.text());
    assert_eq!(s.counts().await, [1, 0, 0, 0]);
    let query_after = s
        .call("GET", "/-/", &[("accept", "text/plain")], "")
        .await
        .text();
    assert_eq!(query_after, query_before, "the descriptor's mixins stayed");
    // No envelope kept: the export is made from the one compute.
    let e = s.call("GET", "/", &[("accept", OVF)], "").await;
    assert_ne!(e.text(), descriptor);
}

#[tokio::test]
async fn the_kept_envelope_only_describes_what_it_made() {
    let s = server().await;
    let descriptor = sample("hadoop-cluster.ovf");
    let a = s
        .call("POST", "/", &[("content-type", OVF)], &descriptor)
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    let computes = s
        .call("GET", "/compute/", &[("accept", "text/uri-list")], "")
        .await
        .text();
    let first = computes.lines().next().unwrap();
    let path = first.strip_prefix("http://cloud.example.com").unwrap();
    let d = s.call("DELETE", path, &[], "").await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.text());
    let e = s.call("GET", "/", &[("accept", OVF)], "").await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.text());
    let expected = converted(&descriptor);
    assert_eq!(converted(&e.text())[0], expected[0] - 1, "{}", e.text());
}
