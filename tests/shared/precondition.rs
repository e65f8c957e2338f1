//! Versions over HTTP: `ETag` on OCCI entities and CDMI objects, `If-Match` (412 on a lost
//! race), `If-None-Match` (304; create-only `PUT`), idempotent creates at client-chosen
//! locations. On the embedded store: the semantics are the server's, whatever the back end
//! (`instances` runs them across two instances on PostgreSQL).

use reqwest::StatusCode;
use reqwest::blocking::Client;

use crate::{COMPUTE_JSON, Served, client};

fn etag(response: &reqwest::blocking::Response) -> String {
    response
        .headers()
        .get("etag")
        .expect("an ETag")
        .to_str()
        .unwrap()
        .to_owned()
}

fn hostname(c: &Client, base: &str, location: &str) -> String {
    let got = c
        .get(format!("{base}{location}"))
        .header("Accept", "application/occi+json")
        .send()
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&got.text().unwrap()).unwrap();
    v["attributes"]["occi.compute.hostname"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn set_hostname(
    c: &Client,
    base: &str,
    location: &str,
    value: &str,
    if_match: Option<&str>,
) -> reqwest::blocking::Response {
    let mut request = c
        .post(format!("{base}{location}"))
        .header("Content-Type", "application/occi+json")
        .header("Accept", "application/occi+json")
        .body(format!(
            r#"{{"attributes": {{"occi.compute.hostname": "{value}"}}}}"#
        ));
    if let Some(tag) = if_match {
        request = request.header("If-Match", tag);
    }
    request.send().unwrap()
}

#[test]
fn occi_entities_carry_versions_and_if_match_refuses_stale_changes() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[]);
    let (c, base) = (client(), served.base.as_str());
    let created = c
        .put(format!("{base}/compute/p1"))
        .header("Content-Type", "application/occi+json")
        .header("Accept", "application/occi+json")
        .body(COMPUTE_JSON)
        .send()
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let first = etag(&created);
    let got = c
        .get(format!("{base}/compute/p1"))
        .header("Accept", "application/occi+json")
        .send()
        .unwrap();
    assert_eq!(
        etag(&got),
        first,
        "the create's tag is the stored version's"
    );

    let updated = set_hostname(&c, base, "/compute/p1", "one", Some(&first));
    assert_eq!(updated.status(), StatusCode::OK);
    let second = etag(&updated);
    assert_ne!(second, first);

    // A change assuming the first version lost the race: refused, nothing changed.
    let stale = set_hostname(&c, base, "/compute/p1", "two", Some(&first));
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(etag(&stale), second, "412 names the current version");
    assert_eq!(hostname(&c, base, "/compute/p1"), "one");
    let weak = set_hostname(&c, base, "/compute/p1", "two", Some(&format!("W/{second}")));
    assert_eq!(
        weak.status(),
        StatusCode::PRECONDITION_FAILED,
        "If-Match compares strongly"
    );

    // Full replace and delete honour it too.
    let replaced = c
        .put(format!("{base}/compute/p1"))
        .header("Content-Type", "application/occi+json")
        .header("If-Match", &first)
        .body(COMPUTE_JSON)
        .send()
        .unwrap();
    assert_eq!(replaced.status(), StatusCode::PRECONDITION_FAILED);
    let not_modified = c
        .get(format!("{base}/compute/p1"))
        .header("If-None-Match", &second)
        .send()
        .unwrap();
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    let deleted = c
        .delete(format!("{base}/compute/p1"))
        .header("If-Match", &first)
        .send()
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::PRECONDITION_FAILED);
    let deleted = c
        .delete(format!("{base}/compute/p1"))
        .header("If-Match", &second)
        .send()
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let absent = set_hostname(&c, base, "/compute/p1", "x", Some("*"));
    assert_eq!(absent.status(), StatusCode::PRECONDITION_FAILED);
}

#[test]
fn creates_at_client_chosen_locations_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[]);
    let (c, base) = (client(), served.base.as_str());
    let put_once = |body: &str| {
        c.put(format!("{base}/compute/once"))
            .header("Content-Type", "application/occi+json")
            .header("Accept", "application/occi+json")
            .header("If-None-Match", "*")
            .body(body.to_owned())
            .send()
            .unwrap()
    };
    let first = put_once(COMPUTE_JSON);
    assert_eq!(first.status(), StatusCode::CREATED);
    let tag = etag(&first);
    // The same create again (its reply was lost): the entity it created, unchanged.
    let again = put_once(COMPUTE_JSON);
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(etag(&again), tag);
    // Another rendering at that location: refused, the entity unchanged.
    let other = put_once(
        r#"{"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "attributes": {"occi.compute.cores": 8}}"#,
    );
    assert_eq!(other.status(), StatusCode::PRECONDITION_FAILED);

    // POST to the collection with the client's id: the same.
    let post = |body: &str| {
        c.post(format!("{base}/compute/"))
            .header("Content-Type", "application/occi+json")
            .body(body.to_owned())
            .send()
            .unwrap()
    };
    let with_id = r#"{"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "id": "chosen", "attributes": {"occi.compute.cores": 2}}"#;
    assert_eq!(post(with_id).status(), StatusCode::CREATED);
    let retried = post(with_id);
    assert!(retried.status().is_success(), "{}", retried.status());
    let clash = post(
        r#"{"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "id": "chosen", "attributes": {"occi.compute.cores": 3}}"#,
    );
    assert_eq!(clash.status(), StatusCode::CONFLICT);
}

#[test]
fn cdmi_objects_carry_versions_and_if_match_refuses_stale_writes() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[]);
    let (c, base) = (client(), served.base.as_str());
    crate::cdmi_container(&c, base, "/c/");
    let put = |value: &str, if_match: Option<&str>| {
        let mut r = c
            .put(format!("{base}/c/o.txt"))
            .header("Content-Type", "text/plain")
            .body(value.to_owned());
        if let Some(t) = if_match {
            r = r.header("If-Match", t);
        }
        r.send().unwrap()
    };
    let get = || c.get(format!("{base}/c/o.txt")).send().unwrap();
    assert_eq!(put("one", None).status(), StatusCode::CREATED);
    let first = etag(&get());
    assert_eq!(
        etag(&get()),
        first,
        "a read (its access time) changes no version"
    );
    assert!(put("two", Some(&first)).status().is_success());
    let second = etag(&get());
    assert_ne!(second, first);
    assert_eq!(
        put("three", Some(&first)).status(),
        StatusCode::PRECONDITION_FAILED
    );
    assert_eq!(get().text().unwrap(), "two");
    let deleted = c
        .delete(format!("{base}/c/o.txt"))
        .header("If-Match", &first)
        .send()
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::PRECONDITION_FAILED);
    let deleted = c
        .delete(format!("{base}/c/o.txt"))
        .header("If-Match", &second)
        .send()
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    // If-Match on nothing: a create that assumed an object.
    assert_eq!(
        put("four", Some(&second)).status(),
        StatusCode::PRECONDITION_FAILED
    );

    // Containers too: a metadata update assuming an old version is refused.
    let head = |p: &str| {
        c.get(format!("{base}{p}"))
            .header("X-CDMI-Specification-Version", "1.1.1")
            .header("Accept", "application/cdmi-container")
            .send()
            .unwrap()
    };
    let before = etag(&head("/c/"));
    let update = |tag: &str, value: &str| {
        c.put(format!("{base}/c/"))
            .header("Content-Type", "application/cdmi-container")
            .header("X-CDMI-Specification-Version", "1.1.1")
            .header("If-Match", tag)
            .body(format!(r#"{{"metadata": {{"colour": "{value}"}}}}"#))
            .send()
            .unwrap()
    };
    assert!(update(&before, "red").status().is_success());
    let after = etag(&head("/c/"));
    assert_ne!(after, before);
    assert_eq!(
        update(&before, "blue").status(),
        StatusCode::PRECONDITION_FAILED
    );
}
