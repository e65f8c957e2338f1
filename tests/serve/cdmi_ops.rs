//! CDMI operations over real HTTP, each asserting the specification's status codes: ID-only
//! objects (`POST /cdmi_objectid/`), the object size limit (`--cdmi-max-object-size`), copy
//! of a container tree, copy and move from another `tern serve`, serialize → deserialize.

use reqwest::StatusCode;
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{Value, json};

use crate::{Served, client};

const V: (&str, &str) = ("X-CDMI-Specification-Version", "1.1.1");
const OBJECT: &str = "application/cdmi-object";
const CONTAINER: &str = "application/cdmi-container";

fn cdmi(http: &Client, method: &str, url: &str, media: &str) -> RequestBuilder {
    http.request(method.parse().unwrap(), url)
        .header(V.0, V.1)
        .header("Content-Type", media)
        .header("Accept", media)
}

fn send_json(rb: RequestBuilder, body: &Value) -> (StatusCode, Value, reqwest::header::HeaderMap) {
    let r = rb.body(body.to_string()).send().unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value, headers)
}

fn get_json(http: &Client, url: &str) -> (StatusCode, Value) {
    let r = http.get(url).header(V.0, V.1).send().unwrap();
    let status = r.status();
    let text = r.text().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn plain_put(http: &Client, url: &str, bytes: Vec<u8>) -> StatusCode {
    http.put(url)
        .header("Content-Type", "application/octet-stream")
        .body(bytes)
        .send()
        .unwrap()
        .status()
}

fn plain_get(http: &Client, url: &str) -> (StatusCode, Vec<u8>) {
    let r = http.get(url).send().unwrap();
    (r.status(), r.bytes().unwrap().to_vec())
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[test]
fn id_only_objects_live_by_id_alone() {
    let dir = tempfile::tempdir().unwrap();
    let s = Served::start(dir.path(), &[]);
    let http = client();
    let base = &s.base;
    let (status, created, headers) = send_json(
        cdmi(&http, "POST", &format!("{base}/cdmi_objectid/"), OBJECT),
        &json!({"mimetype": "text/plain", "metadata": {"colour": "blue"}, "value": "nameless"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["objectID"].as_str().unwrap().to_owned();
    assert_eq!(
        headers["location"].to_str().unwrap(),
        format!("/cdmi_objectid/{id}")
    );
    // No name and no parent (clause 8.3, Table 23: objectName and parentURI are conditional).
    assert!(created.get("objectName").is_none(), "{created}");
    assert!(created.get("parentURI").is_none(), "{created}");
    let by_id = format!("{base}/cdmi_objectid/{id}");
    let (status, read) = get_json(&http, &by_id);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["value"], "nameless");
    assert_eq!(read["metadata"]["colour"], "blue");
    assert!(read.get("objectName").is_none());
    // It is in no listing.
    let (_, root) = get_json(&http, &format!("{base}/"));
    assert!(
        root["children"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c != "cdmi_objectid/"),
        "{root}"
    );
    // Updated by ID (CDMI and plain), then deleted by ID.
    let (status, _, _) = send_json(
        cdmi(&http, "PUT", &by_id, OBJECT),
        &json!({"value": "renamed never"}),
    );
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(plain_get(&http, &by_id).1, b"renamed never");
    assert_eq!(
        plain_put(&http, &by_id, b"raw".to_vec()),
        StatusCode::NO_CONTENT
    );
    assert_eq!(plain_get(&http, &by_id).1, b"raw");
    // A plain POST creates one too.
    let r = http
        .post(format!("{base}/cdmi_objectid/"))
        .header("Content-Type", "application/octet-stream")
        .body(vec![7u8; 10])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let second = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        plain_get(&http, &format!("{base}{second}")).1,
        vec![7u8; 10]
    );
    let r = http.delete(&by_id).header(V.0, V.1).send().unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(get_json(&http, &by_id).0, StatusCode::NOT_FOUND);
    // The hidden container itself is not an object anyone reaches.
    assert_eq!(
        get_json(&http, &format!("{base}/cdmi_objectid/")).0,
        StatusCode::BAD_REQUEST
    );
}

#[test]
fn the_object_size_limit_answers_413() {
    let dir = tempfile::tempdir().unwrap();
    let s = Served::start(dir.path(), &["--cdmi-max-object-size", "1000"]);
    let http = client();
    let base = &s.base;
    assert_eq!(
        http.put(format!("{base}/c/")).send().unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(
        plain_put(&http, &format!("{base}/c/fits"), vec![1; 1000]),
        StatusCode::CREATED
    );
    let r = http
        .put(format!("{base}/c/big"))
        .header("Content-Type", "application/octet-stream")
        .body(vec![1u8; 1001])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = serde_json::from_str(&r.text().unwrap()).unwrap();
    assert_eq!(body["rule"], "CDMI-TOO-LARGE");
    let (status, body, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/c/big2"), OBJECT),
        &json!({"value": "x".repeat(1001)}),
    );
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["rule"], "CDMI-TOO-LARGE");
    assert_eq!(
        get_json(&http, &format!("{base}/c/big")).0,
        StatusCode::NOT_FOUND
    );
    let (_, caps) = get_json(&http, &format!("{base}/cdmi_capabilities/dataobject/"));
    assert_eq!(caps["capabilities"]["tern_max_object_size"], "1000");
}
