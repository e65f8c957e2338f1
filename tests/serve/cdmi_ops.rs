//! CDMI operations over real HTTP, each asserting the specification's status codes: ID-only
//! objects (`POST /cdmi_objectid/`), the object size limit (`--cdmi-max-object-size`), copy
//! of a container tree, copy and move from another `tern serve` (only from the prefixes
//! `--cdmi-fetch-from` allows), serialize → deserialize.

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

// `/c/` with `a.txt`, `sub/b.bin` (a larger value) on the server at `base`.
fn tree(http: &Client, base: &str, big: &[u8]) {
    let (status, body, _) = send_json(
        cdmi(http, "PUT", &format!("{base}/c/"), CONTAINER),
        &json!({"metadata": {"colour": "red"}}),
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body, _) = send_json(
        cdmi(http, "PUT", &format!("{base}/c/a.txt"), OBJECT),
        &json!({"mimetype": "text/plain", "metadata": {"k": "v"}, "value": "hello"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        http.put(format!("{base}/c/sub/")).send().unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(
        plain_put(http, &format!("{base}/c/sub/b.bin"), big.to_vec()),
        StatusCode::CREATED
    );
}

#[test]
fn a_container_is_copied_with_its_tree() {
    let dir = tempfile::tempdir().unwrap();
    let s = Served::start(dir.path(), &[]);
    let http = client();
    let base = &s.base;
    let big = pattern(3 * 1024 * 1024 + 17, 5);
    tree(&http, base, &big);
    let (status, copy, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/d/"), CONTAINER),
        &json!({"copy": "/c/"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{copy}");
    assert_eq!(copy["objectName"], "d/");
    assert_eq!(copy["children"], json!(["a.txt", "sub/"]));
    assert_eq!(copy["metadata"]["colour"], "red");
    let (_, source) = get_json(&http, &format!("{base}/c/"));
    assert_ne!(copy["objectID"], source["objectID"]);
    assert_eq!(plain_get(&http, &format!("{base}/d/sub/b.bin")).1, big);
    let (_, a) = get_json(&http, &format!("{base}/d/a.txt"));
    assert_eq!(a["value"], "hello");
    assert_eq!(a["metadata"]["k"], "v");
    assert_eq!(a["parentURI"], "/d/");
    // The copy is its own: changing it leaves the source.
    assert_eq!(
        plain_put(&http, &format!("{base}/d/sub/b.bin"), b"changed".to_vec()),
        StatusCode::NO_CONTENT
    );
    assert_eq!(plain_get(&http, &format!("{base}/c/sub/b.bin")).1, big);
    // A copy onto an existing container updates it and its children in place (IDs kept) and
    // leaves the others.
    assert_eq!(
        plain_put(&http, &format!("{base}/d/extra"), b"mine".to_vec()),
        StatusCode::CREATED
    );
    let (_, before) = get_json(&http, &format!("{base}/d/sub/b.bin?objectID"));
    let (status, body, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/d/"), CONTAINER),
        &json!({"copy": "/c/"}),
    );
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(plain_get(&http, &format!("{base}/d/sub/b.bin")).1, big);
    assert_eq!(plain_get(&http, &format!("{base}/d/extra")).1, b"mine");
    let (_, after) = get_json(&http, &format!("{base}/d/sub/b.bin?objectID"));
    assert_eq!(after["objectID"], before["objectID"]);
    // A container meeting a data object at the same path: 409, nothing changed.
    assert_eq!(
        http.put(format!("{base}/e/")).send().unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(
        plain_put(&http, &format!("{base}/e/sub"), b"file".to_vec()),
        StatusCode::CREATED
    );
    let (status, body, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/e/"), CONTAINER),
        &json!({"copy": "/c/"}),
    );
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        get_json(&http, &format!("{base}/e/a.txt")).0,
        StatusCode::NOT_FOUND
    );
    // Into a missing parent, 404.
    let (status, _, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/none/e/"), CONTAINER),
        &json!({"copy": "/c/"}),
    );
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Type mismatch: 400.
    let (status, _, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/f"), OBJECT),
        &json!({"copy": "/c/"}),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[test]
fn copy_and_move_from_another_server() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let source = Served::start(one.path(), &[]);
    let here = Served::start(two.path(), &["--cdmi-fetch-from", &source.base]);
    let http = client();
    let (src, dst) = (&source.base, &here.base);
    let (_, caps) = get_json(&http, &format!("{dst}/cdmi_capabilities/"));
    assert_eq!(
        caps["capabilities"]["cdmi_object_copy_from_remote"], "true",
        "{caps}"
    );
    let big = pattern(5 * 1024 * 1024 + 3, 9);
    tree(&http, src, &big);
    // The source hashes values whose metadata asks for it (cdmi_value_hash).
    let (status, body, _) = send_json(
        cdmi(&http, "PUT", &format!("{src}/c/h.bin"), OBJECT),
        &json!({"metadata": {"cdmi_value_hash": "SHA256"}, "value": "aGFzaGVk",
                "valuetransferencoding": "base64"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // SHA-256("hashed")
    assert_eq!(
        body["metadata"]["cdmi_hash"],
        "1a06df824ed741b53c785079a6347f00eec5af82f9850775409ca69dff4068a6"
    );

    // A data object, then a whole tree, copied from the other server.
    let (status, one_copy, _) = send_json(
        cdmi(&http, "PUT", &format!("{dst}/h.bin"), OBJECT),
        &json!({"copy": format!("{src}/c/h.bin")}),
    );
    assert_eq!(status, StatusCode::CREATED, "{one_copy}");
    assert_eq!(plain_get(&http, &format!("{dst}/h.bin")).1, b"hashed");
    assert_eq!(
        one_copy["metadata"]["cdmi_hash"],
        body["metadata"]["cdmi_hash"]
    );
    let (status, copy, _) = send_json(
        cdmi(&http, "PUT", &format!("{dst}/mirror/"), CONTAINER),
        &json!({"copy": format!("{src}/c/")}),
    );
    assert_eq!(status, StatusCode::CREATED, "{copy}");
    assert_eq!(copy["children"], json!(["a.txt", "h.bin", "sub/"]));
    assert_eq!(copy["metadata"]["colour"], "red");
    assert_eq!(plain_get(&http, &format!("{dst}/mirror/sub/b.bin")).1, big);
    assert_eq!(
        get_json(&http, &format!("{dst}/mirror/a.txt")).1["value"],
        "hello"
    );
    // The source is untouched by a copy.
    assert_eq!(
        plain_get(&http, &format!("{src}/c/sub/b.bin")).0,
        StatusCode::OK
    );

    // A source whose value does not match its digest: 502, nothing created.
    let (status, _, _) = send_json(
        cdmi(&http, "PUT", &format!("{src}/c/liar"), OBJECT),
        &json!({"metadata": {"tern_sha256": "00".repeat(32)}, "value": "x"}),
    );
    assert_eq!(status, StatusCode::CREATED);
    let (status, body, _) = send_json(
        cdmi(&http, "PUT", &format!("{dst}/liar"), OBJECT),
        &json!({"copy": format!("{src}/c/liar")}),
    );
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert_eq!(body["rule"], "CDMI-DIGEST");
    assert_eq!(
        get_json(&http, &format!("{dst}/liar")).0,
        StatusCode::NOT_FOUND
    );
    // A missing source: 404.
    let (status, _, _) = send_json(
        cdmi(&http, "PUT", &format!("{dst}/none"), OBJECT),
        &json!({"copy": format!("{src}/c/none")}),
    );
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A move: the tree comes over keeping its object IDs, and leaves the source.
    let (_, before) = get_json(&http, &format!("{src}/c/sub/"));
    let (status, moved, _) = send_json(
        cdmi(&http, "PUT", &format!("{dst}/moved/"), CONTAINER),
        &json!({"move": format!("{src}/c/sub/")}),
    );
    assert_eq!(status, StatusCode::CREATED, "{moved}");
    assert_eq!(moved["objectID"], before["objectID"]);
    assert_eq!(plain_get(&http, &format!("{dst}/moved/b.bin")).1, big);
    assert_eq!(
        get_json(&http, &format!("{src}/c/sub/")).0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get_json(
            &http,
            &format!(
                "{dst}/cdmi_objectid/{}",
                before["objectID"].as_str().unwrap()
            )
        )
        .0,
        StatusCode::OK
    );
}

/// A listener that counts the requests it gets and answers each with `answer(port)` (a whole
/// HTTP/1.1 response); it stands for a host the server must not be made to fetch from.
struct Counter {
    base: String,
    hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Counter {
    fn start(answer: String) -> Counter {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = hits.clone();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        Counter { base, hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::SeqCst)
    }
}

const OK_OBJECT: &str = "HTTP/1.1 200 OK\r\nContent-Type: application/cdmi-object\r\nConnection: close\r\nContent-Length: 49\r\n\r\n{\"objectType\":\"application/cdmi-object\",\"x\":1}";

fn redirect_to(url: &str) -> String {
    format!(
        "HTTP/1.1 302 Found\r\nLocation: {url}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
}

#[test]
fn remote_sources_are_fetched_only_from_allowed_prefixes() {
    let target = Counter::start(OK_OBJECT.to_owned());
    let http = client();
    let copy_from = |dst: &str, name: &str, source: &str| {
        send_json(
            cdmi(&http, "PUT", &format!("{dst}/{name}"), OBJECT),
            &json!({"copy": source}),
        )
    };

    // By default no remote source: 403 naming the flag, nothing fetched, nothing advertised.
    let dir = tempfile::tempdir().unwrap();
    let closed = Served::start(&dir.path().join("closed"), &[]);
    let (status, body, _) = copy_from(&closed.base, "a", &format!("{}/x", target.base));
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["rule"], "CDMI-FETCH-FORBIDDEN", "{body}");
    assert!(body.to_string().contains("--cdmi-fetch-from"), "{body}");
    let (status, body, _) = send_json(
        cdmi(&http, "PUT", &format!("{}/m/", closed.base), CONTAINER),
        &json!({"move": format!("{}/c/", target.base)}),
    );
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (_, caps) = get_json(&http, &format!("{}/cdmi_capabilities/", closed.base));
    assert!(
        caps["capabilities"]
            .get("cdmi_object_copy_from_remote")
            .is_none(),
        "{caps}"
    );
    assert_eq!(
        get_json(&http, &format!("{}/a", closed.base)).0,
        StatusCode::NOT_FOUND
    );

    // Another prefix allowed: the target is still refused (a longer host or another port
    // does not match a prefix).
    let gate = Counter::start(redirect_to(&format!("{}/x", target.base)));
    let open = Served::start(
        &dir.path().join("open"),
        &["--cdmi-fetch-from", &format!("{}/", gate.base)],
    );
    let (status, body, _) = copy_from(&open.base, "b", &format!("{}/x", target.base));
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // An allowed source redirecting outside the prefixes: not followed.
    let (status, body, _) = copy_from(&open.base, "c", &format!("{}/y", gate.base));
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert!(body.to_string().contains("redirect"), "{body}");
    assert_eq!(gate.hits(), 1);
    // Credentials in the URL are never sent.
    let (status, body, _) = copy_from(
        &open.base,
        "d",
        &gate.base.replace("http://", "http://user:secret@"),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(gate.hits(), 1);
    assert_eq!(target.hits(), 0, "the server fetched a source it must not");
}

// A serialized form without what a recreation changes (the times).
fn timeless(mut value: Value) -> Value {
    if let Some(m) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        for t in ["cdmi_ctime", "cdmi_mtime", "cdmi_atime"] {
            m.remove(t);
        }
    }
    if let Some(children) = value.get_mut("children").and_then(Value::as_array_mut) {
        for child in children.iter_mut() {
            *child = timeless(child.take());
        }
    }
    value
}

#[test]
fn serialize_then_deserialize_gives_the_tree_back() {
    let dir = tempfile::tempdir().unwrap();
    let s = Served::start(dir.path(), &[]);
    let http = client();
    let base = &s.base;
    let big = pattern(4 * 1024 * 1024 + 1, 3);
    tree(&http, base, &big);
    let (status, body, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/ser"), OBJECT),
        &json!({"serialize": "/c/"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["mimetype"], "application/cdmi-container");
    let (status, text) = plain_get(&http, &format!("{base}/ser"));
    assert_eq!(status, StatusCode::OK);
    let serialized: Value = serde_json::from_slice(&text).unwrap();
    // The canonical form (15.3.2): children as complete objects, values inside.
    assert_eq!(serialized["objectName"], "c/");
    assert_eq!(serialized["children"][0]["objectName"], "a.txt");
    assert_eq!(serialized["children"][0]["value"], "hello");
    assert_eq!(serialized["children"][0]["valuetransferencoding"], "utf-8");
    assert_eq!(serialized["children"][1]["objectName"], "sub/");
    assert_eq!(
        serialized["children"][1]["children"][0]["valuetransferencoding"],
        "base64"
    );

    // Deserialized beside the original: the same tree, new IDs (the old ones are taken).
    let (status, copy, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/c2/"), CONTAINER),
        &json!({"deserialize": "/ser"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{copy}");
    assert_eq!(copy["children"], json!(["a.txt", "sub/"]));
    assert_ne!(copy["objectID"], serialized["objectID"]);
    assert_eq!(plain_get(&http, &format!("{base}/c2/sub/b.bin")).1, big);
    let (_, a) = get_json(&http, &format!("{base}/c2/a.txt"));
    assert_eq!(
        (a["value"].clone(), a["metadata"]["k"].clone()),
        (json!("hello"), json!("v"))
    );

    // Deleted and deserialized in its place: everything back, object IDs included.
    let r = http
        .delete(format!("{base}/c/"))
        .header(V.0, V.1)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, back, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/c/"), CONTAINER),
        &json!({"deserialize": "/ser"}),
    );
    assert_eq!(status, StatusCode::CREATED, "{back}");
    assert_eq!(back["objectID"], serialized["objectID"]);
    let (status, _, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/ser2"), OBJECT),
        &json!({"serialize": "/c/"}),
    );
    assert_eq!(status, StatusCode::CREATED);
    let again: Value =
        serde_json::from_slice(&plain_get(&http, &format!("{base}/ser2")).1).unwrap();
    assert_eq!(timeless(again), timeless(serialized.clone()));

    // A data object, through deserializevalue (the serialized form inline, in Base64).
    let (status, _, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/one"), OBJECT),
        &json!({"serialize": "/c/a.txt"}),
    );
    assert_eq!(status, StatusCode::CREATED);
    let one = plain_get(&http, &format!("{base}/one")).1;
    // A ranged CDMI read gives the value in Base64 (clause 8.4.8).
    let (_, ranged) = get_json(
        &http,
        &format!("{base}/one?valuetransferencoding;value:0-{}", one.len() - 1),
    );
    assert_eq!(ranged["valuetransferencoding"], "base64");
    let inline = ranged["value"].clone();
    let (status, body, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/c2/again.txt"), OBJECT),
        &json!({"deserializevalue": inline}),
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        plain_get(&http, &format!("{base}/c2/again.txt")).1,
        b"hello"
    );
    assert_eq!(body["mimetype"], "text/plain");
}

#[test]
fn a_bad_serialized_form_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = Served::start(dir.path(), &[]);
    let http = client();
    let base = &s.base;
    tree(&http, base, b"x");
    // Not a serialized form: 400 with the rule; a container URI for serialize: 400.
    assert_eq!(
        plain_put(
            &http,
            &format!("{base}/junk"),
            b"{\"objectType\": 3".to_vec()
        ),
        StatusCode::CREATED
    );
    let (status, body, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/c3/"), CONTAINER),
        &json!({"deserialize": "/junk"}),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["rule"], "CDMI-DESERIALIZE");
    assert_eq!(
        get_json(&http, &format!("{base}/c3/")).0,
        StatusCode::NOT_FOUND
    );
    let (status, _, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/c4/"), CONTAINER),
        &json!({"serialize": "/c/"}),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// The storage links of a compute, as (target, deviceid).
fn storage_links(http: &Client, url: &str) -> Vec<(String, String)> {
    let r = http
        .get(url)
        .header("Accept", "application/occi+json")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let compute: Value = serde_json::from_str(&r.text().unwrap()).unwrap();
    compute["links"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|l| {
            l["kind"]
                .as_str()
                .unwrap_or_default()
                .ends_with("#storagelink")
        })
        .map(|l| {
            (
                l["target"]["location"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                l["attributes"]["occi.storagelink.deviceid"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_compute_with_an_image_gets_its_own_copy() {
    let dir = tempfile::tempdir().unwrap();
    let s = Served::start(dir.path(), &[]);
    let http = client();
    let base = &s.base;
    let disk = pattern(2 * 1024 * 1024 + 5, 11);
    assert_eq!(
        http.put(format!("{base}/images/")).send().unwrap().status(),
        StatusCode::CREATED
    );
    let r = http
        .put(format!("{base}/images/debian.qcow2"))
        .header("Content-Type", "application/x-qemu-disk")
        .body(disk.clone())
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let (_, image) = get_json(&http, &format!("{base}/images/debian.qcow2?objectID"));
    let image_id = image["objectID"].as_str().unwrap().to_owned();
    let mut copies = Vec::new();
    for name in ["web", "db"] {
        let r = http
            .put(format!("{base}/compute/{name}"))
            .header("Content-Type", "text/plain")
            .body(format!(
                "{}Category: debian.qcow2; scheme=\"http://schemas.tern.dev/occi/image#\"; class=\"mixin\"\r\n",
                crate::COMPUTE
            ))
            .send()
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().unwrap());
        let links = storage_links(&http, &format!("{base}/compute/{name}"));
        assert_eq!(links.len(), 1, "{links:?}");
        let (storage, device) = links[0].clone();
        assert!(storage.contains("/storage/"), "{storage}");
        assert_ne!(device, image_id, "the compute has a copy, not the image");
        // The copy holds the image's bytes and names it.
        let copy = format!("{base}/cdmi_objectid/{device}");
        assert_eq!(plain_get(&http, &copy).1, disk);
        let (_, meta) = get_json(&http, &format!("{copy}?metadata;mimetype"));
        assert_eq!(meta["metadata"]["tern_image"], "/images/debian.qcow2");
        assert_eq!(
            meta["metadata"]["tern_occi_computes"],
            json!([format!("/compute/{name}")])
        );
        assert_eq!(meta["mimetype"], "application/x-qemu-disk");
        copies.push(copy);
    }
    assert_ne!(copies[0], copies[1], "each compute has its own copy");
    // Writing a copy leaves the image and the other copy alone.
    assert_eq!(
        plain_put(&http, &copies[0], b"changed".to_vec()),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        plain_get(&http, &format!("{base}/images/debian.qcow2")).1,
        disk
    );
    assert_eq!(plain_get(&http, &copies[1]).1, disk);
    // Without the image, a compute is created plain (no storage linked).
    let r = http
        .put(format!("{base}/compute/bare"))
        .header("Content-Type", "text/plain")
        .body(crate::COMPUTE)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(storage_links(&http, &format!("{base}/compute/bare")).is_empty());
}

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

fn occi(http: &Client, method: &str, url: &str, body: String) -> (StatusCode, String) {
    let r = http
        .request(method.parse().unwrap(), url)
        .header("Content-Type", "text/plain")
        .header("Accept", "application/occi+json")
        .body(body)
        .send()
        .unwrap();
    (r.status(), r.text().unwrap())
}

#[test]
fn a_container_exported_to_occi_has_a_storage() {
    let dir = tempfile::tempdir().unwrap();
    let s = Served::start(dir.path(), &[]);
    let http = client();
    let base = &s.base;
    // 13.1 step 1: the container exported with an OCCI protocol; its ID and the storage's
    // location come back in the export.
    let (status, disks, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/disks/"), CONTAINER),
        &json!({"exports": {"OCCI/iSCSI": {}, "Network/NFSv4": {"identifier": "/u", "permissions": "domain"}}}),
    );
    assert_eq!(status, StatusCode::CREATED, "{disks}");
    let id = disks["objectID"].as_str().unwrap().to_owned();
    let export = &disks["exports"]["OCCI/iSCSI"];
    assert_eq!(export["identifier"], id.as_str());
    assert_eq!(export["permissions"], json!([]));
    let storage = export["location"].as_str().unwrap().to_owned();
    assert_eq!(storage, format!("/storage/cdmi-{id}"));
    assert_eq!(disks["exports"]["Network/NFSv4"]["identifier"], "/u");
    let (status, body) = occi(&http, "GET", &format!("{base}{storage}"), String::new());
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("#storage") || body.contains("\"storage\""),
        "{body}"
    );

    // Step 2: a compute attaches it; the link's deviceid is the container's ID, and the
    // compute joins the export's permissions.
    let (status, body) = occi(
        &http,
        "PUT",
        &format!("{base}/compute/vm"),
        crate::COMPUTE.to_owned(),
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = occi(
        &http,
        "PUT",
        &format!("{base}/storagelink/l1"),
        format!(
            "Category: storagelink; scheme=\"{INFRA}\"; class=\"kind\"\r\n\
             X-OCCI-Attribute: occi.core.source=\"/compute/vm\"\r\n\
             X-OCCI-Attribute: occi.core.target=\"{storage}\"\r\n"
        ),
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let links = storage_links(&http, &format!("{base}/compute/vm"));
    assert_eq!(links, vec![(storage.clone(), id.clone())]);
    let (_, read) = get_json(&http, &format!("{base}/disks/?exports"));
    assert_eq!(
        read["exports"]["OCCI/iSCSI"]["permissions"],
        json!([format!("{base}/compute/vm")])
    );

    // Another OCCI protocol: the same storage.
    let (status, _, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/disks/"), CONTAINER),
        &json!({"exports": {"OCCI/iSCSI": {"permissions": [format!("{base}/compute/vm")]}, "OCCI/NFS": {}}}),
    );
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, read) = get_json(&http, &format!("{base}/disks/?exports"));
    assert_eq!(read["exports"]["OCCI/NFS"]["location"], storage.as_str());

    // The storage deleted through OCCI: the container is no longer exported to OCCI.
    let (status, body) = occi(&http, "DELETE", &format!("{base}{storage}"), String::new());
    assert!(status.is_success(), "{status} {body}");
    let (_, read) = get_json(&http, &format!("{base}/disks/?exports"));
    assert_eq!(read["exports"], json!({}), "{read}");

    // Exported again, then the container deleted through CDMI: storage and links go.
    let (status, _, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/disks/"), CONTAINER),
        &json!({"exports": {"OCCI/iSCSI": {}}}),
    );
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = occi(
        &http,
        "PUT",
        &format!("{base}/storagelink/l2"),
        format!(
            "Category: storagelink; scheme=\"{INFRA}\"; class=\"kind\"\r\n\
             X-OCCI-Attribute: occi.core.source=\"/compute/vm\"\r\n\
             X-OCCI-Attribute: occi.core.target=\"{storage}\"\r\n"
        ),
    );
    assert_eq!(status, StatusCode::CREATED);
    let r = http
        .delete(format!("{base}/disks/"))
        .header(V.0, V.1)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, _) = occi(&http, "GET", &format!("{base}{storage}"), String::new());
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = occi(
        &http,
        "GET",
        &format!("{base}/storagelink/l2"),
        String::new(),
    );
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(storage_links(&http, &format!("{base}/compute/vm")).is_empty());
}

/// POST is how a container takes a new object (clause 9.6) and how a queue object takes a
/// value (clause 11); a data object is neither, and a client posting to one made the mistake:
/// 405 with the methods it answers, or 404 when nothing is there. Never a 5xx.
#[test]
fn post_to_a_data_object_is_the_clients_mistake() {
    let dir = tempfile::tempdir().unwrap();
    let s = Served::start(dir.path(), &[]);
    let http = client();
    let url = format!("{}/notes.txt", s.base);
    let post = || {
        http.post(&url)
            .header("Content-Type", "text/plain")
            .body("queued?")
            .send()
            .unwrap()
    };
    let absent = post();
    assert_eq!(absent.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        plain_put(&http, &url, b"kept".to_vec()),
        StatusCode::CREATED
    );
    let refused = post();
    assert_eq!(refused.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(refused.headers()["allow"], "GET, HEAD, PUT, DELETE");
    let body: Value = serde_json::from_slice(&refused.bytes().unwrap()).unwrap();
    assert_eq!(body["rule"], "CDMI-METHOD", "{body}");
    // Nothing changed.
    assert_eq!(plain_get(&http, &url).1, b"kept");
}

/// The answer to a CDMI create carries the object's metadata, in the order sent, at its
/// canonical place (the metadata is moved into the answer, not copied: checked whole here),
/// for a PUT by name and a POST into a container alike.
#[test]
fn a_create_answers_with_the_metadata_sent() {
    let dir = tempfile::tempdir().unwrap();
    let s = Served::start(dir.path(), &[]);
    let http = client();
    let base = &s.base;
    let (status, _, _) = send_json(
        cdmi(&http, "PUT", &format!("{base}/box/"), CONTAINER),
        &json!({}),
    );
    assert_eq!(status, StatusCode::CREATED);
    let sent = json!({"zeta": "1", "alpha": "2", "list": ["x", "y"]});
    for (method, url) in [
        ("PUT", format!("{base}/box/named.txt")),
        ("POST", format!("{base}/box/")),
    ] {
        let (status, created, _) = send_json(
            cdmi(&http, method, &url, OBJECT),
            &json!({"mimetype": "text/plain", "metadata": sent, "value": "v"}),
        );
        assert_eq!(status, StatusCode::CREATED, "{method}: {created}");
        let metadata = created["metadata"].as_object().expect("metadata");
        let user: Vec<&str> = metadata
            .keys()
            .map(String::as_str)
            .filter(|k| !k.starts_with("cdmi_"))
            .collect();
        assert_eq!(user, ["zeta", "alpha", "list"], "{method}: {created}");
        assert_eq!(created["metadata"]["list"], json!(["x", "y"]));
        let keys: Vec<&str> = created
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let at = |k: &str| keys.iter().position(|x| *x == k).unwrap();
        assert!(at("completionStatus") < at("metadata"), "{keys:?}");
    }
}
