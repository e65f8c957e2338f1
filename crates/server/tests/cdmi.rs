//! CDMI through the router in process (`tower::ServiceExt::oneshot`): the specification's
//! examples replayed in order, then the negotiation, naming and refusal rules.
// Each test walks one server through a scenario, step after step: long by nature.
#![allow(clippy::too_many_lines)]

mod common;

use axum::http::StatusCode;
use base64::Engine as _;
use common::{server, server_with};
use serde_json::Value;

const V: (&str, &str) = ("X-CDMI-Specification-Version", "1.1");

// The CDMI 1.1.1 examples (reference/cdmi/cdmi-1.1.1-examples.json), by index, in an order
// where each finds the state it assumes: plain HTTP (clause 6, 7), data objects (8),
// containers (9). Left out: references, copy/move, serialization, queues, multipart.
const SCENARIO: &[usize] = &[
    11, 5, 6, 7, 8, 9, 10, 13, 14, 47, 18, 20, 21, 25, 26, 27, 28, 29, 30, 31, 35, 12, 36, 41, 42,
    44, 46,
];

#[tokio::test]
async fn the_specification_examples_replayed() {
    let Some(dir) = tern_testkit::reference("cdmi") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("cdmi-1.1.1-examples.json")).unwrap();
    let examples: Value = serde_json::from_str(&text).unwrap();
    let exchanges = examples["exchanges"].as_array().unwrap();
    let s = server().await;
    for &i in SCENARIO {
        let e = &exchanges[i];
        let request = &e["request"];
        let headers: Vec<(String, String)> = request["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h[0].as_str().unwrap().to_owned(),
                    h[1].as_str().unwrap().to_owned(),
                )
            })
            .filter(|(n, _)| {
                !n.eq_ignore_ascii_case("host") && !n.eq_ignore_ascii_case("content-length")
            })
            .collect();
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let body = match &request["body_json"] {
            Value::Null => request["body_raw"].as_str().unwrap_or_default().to_owned(),
            json => json.to_string(),
        };
        let target = request["target"].as_str().unwrap();
        let method = request["method"].as_str().unwrap();
        let got = s.call(method, target, &headers, &body).await;
        let response = &e["response"];
        let label = format!(
            "example {i} ({} {}): {method} {target}",
            e["section"], e["example"]
        );
        assert_eq!(
            u64::from(got.status.as_u16()),
            response["status"].as_u64().unwrap(),
            "{label}: {}",
            got.text()
        );
        for h in response["headers"].as_array().unwrap() {
            let (name, value) = (h[0].as_str().unwrap(), h[1].as_str().unwrap());
            match name {
                "Content-Type" | "Content-Range" | "Content-Length" => {
                    assert_eq!(got.header(name), value, "{label}: {name}");
                }
                "X-CDMI-Specification-Version" => {
                    assert_eq!(
                        got.header(name),
                        "1.1.1",
                        "{label}: the highest common version"
                    );
                }
                _ => {}
            }
        }
        if let Some(expected) = response["body_json"].as_object() {
            let got = got.json();
            let got = got.as_object().unwrap();
            let selects = target.contains('?');
            for key in expected.keys() {
                if matches!(key.as_str(), "exports" | "snapshots" | "percentComplete") {
                    continue;
                }
                assert!(got.contains_key(key), "{label}: {key} missing from {got:?}");
            }
            if selects {
                // The fields in the canonical order (8.1.3: `valuerange`, `value` last).
                let mut have = got.keys().collect::<Vec<_>>();
                let mut want = expected.keys().collect::<Vec<_>>();
                have.sort();
                want.sort();
                assert_eq!(have, want, "{label}: only the selected fields");
            }
            for key in [
                "objectType",
                "objectName",
                "parentURI",
                "mimetype",
                "valuerange",
                "value",
                "childrenrange",
                "children",
            ] {
                if let (Some(want), Some(have)) = (expected.get(key), got.get(key))
                    && !selects_children_of_example_state(key, target)
                    && !(method == "POST" && key == "objectName")
                {
                    assert_eq!(have, want, "{label}: {key}");
                }
            }
        } else if response["body_raw"].as_str().is_some_and(|b| !b.is_empty())
            && got.status == StatusCode::OK
        {
            assert_eq!(
                got.text(),
                response["body_raw"].as_str().unwrap(),
                "{label}"
            );
        }
    }
}

// The container examples list children the example's own state has (other objects made
// elsewhere in the clause); the replay's container holds what the replay put there.
fn selects_children_of_example_state(key: &str, target: &str) -> bool {
    matches!(key, "children" | "childrenrange") && target.starts_with("/MyContainer/")
}

#[tokio::test]
async fn data_objects_carry_system_metadata_and_are_found_by_id() {
    let s = server().await;
    let cdmi_container = [V, ("Content-Type", "application/cdmi-container")];
    let cdmi_object = [V, ("Content-Type", "application/cdmi-object")];
    assert_eq!(
        s.call(
            "PUT",
            "/box/",
            &cdmi_container,
            "{\"metadata\": {\"owner\": \"me\"}}"
        )
        .await
        .status,
        201
    );
    let made = s
        .call("PUT", "/box/a.txt", &cdmi_object, r#"{"metadata": {"colour": "blue"}, "valuetransferencoding": "base64", "value": "aGVsbG8="}"#)
        .await;
    assert_eq!(made.status, 201, "{}", made.text());
    let made = made.json();
    let id = made["objectID"].as_str().unwrap().to_owned();
    assert_eq!(made["parentURI"], "/box/");
    assert_eq!(made["objectName"], "a.txt");
    let read = s
        .call("GET", &format!("/cdmi_objectid/{id}"), &[V], "")
        .await;
    assert_eq!(read.status, 200, "{}", read.text());
    let read = read.json();
    assert_eq!(read["value"], "aGVsbG8=");
    assert_eq!(read["valuetransferencoding"], "base64");
    assert_eq!(read["metadata"]["colour"], "blue");
    assert_eq!(read["metadata"]["cdmi_size"], "5");
    for t in ["cdmi_ctime", "cdmi_mtime", "cdmi_atime"] {
        let stamp = read["metadata"][t].as_str().unwrap();
        assert!(
            tern_cdmi::metadata::Timestamp::parse(stamp).is_ok(),
            "{t}: {stamp}"
        );
    }
    // `?metadata:cdmi_` selects the system items only.
    let system = s
        .call("GET", "/box/a.txt?metadata:cdmi_", &[V], "")
        .await
        .json();
    let names: Vec<&String> = system["metadata"].as_object().unwrap().keys().collect();
    assert!(names.iter().all(|n| n.starts_with("cdmi_")), "{names:?}");
    assert!(system.get("value").is_none());
    // Object IDs are exact (clause 5.11): the checked text is the key.
    let parent_id = read["parentID"].as_str().unwrap();
    let container = s
        .call("GET", &format!("/cdmi_objectid/{parent_id}/"), &[V], "")
        .await
        .json();
    assert_eq!(container["objectName"], "box/");
    assert_eq!(container["children"], serde_json::json!(["a.txt"]));
    let child = s
        .call(
            "GET",
            &format!("/cdmi_objectid/{parent_id}/a.txt"),
            &[V],
            "",
        )
        .await;
    assert_eq!(child.json()["objectID"], id.as_str());
    let lower = s
        .call(
            "GET",
            &format!("/cdmi_objectid/{}", id.to_lowercase()),
            &[V],
            "",
        )
        .await;
    assert_eq!(lower.status, 200);
    let mut bad = id.clone().into_bytes();
    let last = bad.len() - 1;
    bad[last] = if bad[last] == b'0' { b'1' } else { b'0' };
    let bad = s
        .call(
            "GET",
            &format!("/cdmi_objectid/{}", String::from_utf8(bad).unwrap()),
            &[V],
            "",
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.json()["rule"].as_str().unwrap().starts_with("CDMI-ID"),
        "{}",
        bad.text()
    );
    // A container addressed without its slash: 301 to it.
    let moved = s.call("GET", "/box", &[V], "").await;
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("location"), "/box/");
    // Children by range.
    for n in 0..5 {
        let put = s
            .call(
                "PUT",
                &format!("/box/c{n}"),
                &[("Content-Type", "application/octet-stream")],
                "x",
            )
            .await;
        assert_eq!(put.status, 201, "{}", put.text());
    }
    let some = s
        .call("GET", "/box/?childrenrange;children:1-2", &[V], "")
        .await
        .json();
    assert_eq!(some["childrenrange"], "1-2");
    assert_eq!(some["children"], serde_json::json!(["c0", "c1"]));
    // Deleting the container deletes what it holds.
    assert_eq!(s.call("DELETE", "/box/", &[V], "").await.status, 204);
    assert_eq!(
        s.call("GET", &format!("/cdmi_objectid/{id}"), &[V], "")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn plain_http_values_with_ranges() {
    let s = server().await;
    assert_eq!(s.call("PUT", "/data/", &[], "").await.status, 201);
    let bytes: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let put = s
        .call(
            "PUT",
            "/data/blob.bin",
            &[("Content-Type", "application/octet-stream")],
            bytes.clone(),
        )
        .await;
    assert_eq!(put.status, 201, "{}", put.text());
    let all = s.call("GET", "/data/blob.bin", &[], "").await;
    assert_eq!(all.status, 200);
    assert_eq!(all.body, bytes);
    assert_eq!(all.header("content-type"), "application/octet-stream");
    let part = s
        .call("GET", "/data/blob.bin", &[("Range", "bytes=100-199")], "")
        .await;
    assert_eq!(part.status, 206);
    assert_eq!(part.header("content-range"), "bytes 100-199/1000");
    assert_eq!(part.body, bytes[100..200]);
    let tail = s
        .call("GET", "/data/blob.bin", &[("Range", "bytes=-10")], "")
        .await;
    assert_eq!(tail.body, bytes[990..]);
    let beyond = s
        .call("GET", "/data/blob.bin", &[("Range", "bytes=5000-")], "")
        .await;
    assert_eq!(beyond.status, 416);
    assert_eq!(beyond.header("content-range"), "bytes */1000");
    // `?value:0-99` in CDMI: base64, with its valuerange.
    let ranged = s
        .call("GET", "/data/blob.bin?valuerange;value:0-99", &[V], "")
        .await
        .json();
    assert_eq!(ranged["valuerange"], "0-99");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(ranged["value"].as_str().unwrap())
        .unwrap();
    assert_eq!(decoded, bytes[..100]);
    // Partial writes (6.4): bytes replaced in place, a gap beyond the end reads as zeros.
    let put = s
        .call(
            "PUT",
            "/data/text",
            &[("Content-Type", "text/plain")],
            "This is the value of this data object",
        )
        .await;
    assert_eq!(put.status, 201);
    let part = s
        .call(
            "PUT",
            "/data/text",
            &[
                ("Content-Type", "text/plain"),
                ("Content-Range", "bytes 21-24/37"),
            ],
            "that",
        )
        .await;
    assert_eq!(part.status, 204, "{}", part.text());
    assert_eq!(
        s.call("GET", "/data/text", &[], "").await.text(),
        "This is the value of that data object"
    );
    let short = s
        .call(
            "PUT",
            "/data/text",
            &[
                ("Content-Type", "text/plain"),
                ("Content-Range", "bytes 0-9/37"),
            ],
            "abc",
        )
        .await;
    assert_eq!(short.status, 400, "a body shorter than its Content-Range");
    let beyond = s
        .call(
            "PUT",
            "/data/text",
            &[
                ("Content-Type", "text/plain"),
                ("Content-Range", "bytes 40-41/42"),
            ],
            "!!",
        )
        .await;
    assert_eq!(beyond.status, 204);
    let read = s.call("GET", "/data/text", &[], "").await;
    assert_eq!(read.body, b"This is the value of that data object\0\0\0!!");
    let ranged = s
        .call(
            "PUT",
            "/data/text?value:0-3",
            &[V, ("Content-Type", "application/cdmi-object")],
            r#"{"value": "VEhJUw=="}"#,
        )
        .await;
    assert_eq!(ranged.status, 204, "{}", ranged.text());
    let read = s
        .call("GET", "/data/text?valuetransferencoding;value", &[V], "")
        .await
        .json();
    assert_eq!(read["valuetransferencoding"], "base64");
    assert_eq!(
        s.call("GET", "/data/text", &[("Range", "bytes=0-7")], "")
            .await
            .text(),
        "THIS is "
    );
    // POST names the new object by its ID (9.6).
    let posted = s
        .call(
            "POST",
            "/data/",
            &[("Content-Type", "text/plain")],
            "posted",
        )
        .await;
    assert_eq!(posted.status, 201);
    let location = posted.header("location").to_owned();
    let id = location.strip_prefix("/data/").unwrap();
    assert!(
        tern_cdmi::objectid::ObjectId::parse(id).is_ok(),
        "{location}"
    );
    assert_eq!(s.call("GET", &location, &[], "").await.text(), "posted");
    assert_eq!(
        s.call("GET", &format!("/cdmi_objectid/{id}"), &[], "")
            .await
            .text(),
        "posted"
    );
    // Replacing keeps the object ID.
    let before = s
        .call("GET", "/data/blob.bin?objectID", &[V], "")
        .await
        .json();
    assert_eq!(
        s.call(
            "PUT",
            "/data/blob.bin",
            &[("Content-Type", "text/plain")],
            "new"
        )
        .await
        .status,
        204
    );
    let after = s
        .call("GET", "/data/blob.bin?objectID;mimetype", &[V], "")
        .await
        .json();
    assert_eq!(before["objectID"], after["objectID"]);
    assert_eq!(after["mimetype"], "text/plain");
    assert_eq!(
        s.call("DELETE", "/data/blob.bin", &[], "").await.status,
        204
    );
    assert_eq!(s.call("GET", "/data/blob.bin", &[], "").await.status, 404);
}

#[tokio::test]
async fn the_object_size_limit_is_enforced_while_streaming() {
    let s = server_with(|c| c.cdmi_object_limit = 1000).await;
    assert_eq!(s.call("PUT", "/data/", &[], "").await.status, 201);
    let big = vec![7u8; 1001];
    let put = s
        .call(
            "PUT",
            "/data/big",
            &[("Content-Type", "application/octet-stream")],
            big,
        )
        .await;
    assert_eq!(put.status, 413, "{}", put.text());
    assert_eq!(put.json()["rule"], "CDMI-TOO-LARGE");
    assert_eq!(
        s.call("GET", "/data/big", &[], "").await.status,
        404,
        "nothing kept"
    );
    let caps = s
        .call("GET", "/cdmi_capabilities/dataobject/", &[V], "")
        .await
        .json();
    assert_eq!(caps["capabilities"]["tern_max_object_size"], "1000");
}

#[tokio::test]
async fn versions_are_negotiated() {
    let s = server().await;
    for (asked, served) in [
        ("1.1", "1.1.1"),
        ("1.1.1", "1.1.1"),
        ("1.0.1h", "1.0.2"),
        ("1.5, 1.1", "1.1.1"),
    ] {
        let got = s
            .call("GET", "/", &[("X-CDMI-Specification-Version", asked)], "")
            .await;
        assert_eq!(got.status, 200, "{asked}: {}", got.text());
        assert_eq!(
            got.header("x-cdmi-specification-version"),
            served,
            "{asked}"
        );
        assert_eq!(got.header("content-type"), "application/cdmi-container");
    }
    let none = s
        .call(
            "GET",
            "/",
            &[("X-CDMI-Specification-Version", "2.0, 3.1")],
            "",
        )
        .await;
    assert_eq!(none.status, 400);
    assert_eq!(none.json()["rule"], "CDMI-VERSION");
}

#[tokio::test]
async fn capabilities_in_both_places() {
    let s = server().await;
    for path in ["/cdmi_capabilities/", "/.well-known/com/snia/cdmi"] {
        let got = s
            .call(
                "GET",
                path,
                &[V, ("Accept", "application/cdmi-capability")],
                "",
            )
            .await;
        assert_eq!(got.status, 200, "{path}");
        assert_eq!(got.header("content-type"), "application/cdmi-capability");
        let caps = got.json();
        assert_eq!(caps["capabilities"]["cdmi_object_access_by_ID"], "true");
        assert_eq!(
            caps["children"],
            serde_json::json!(["domain/", "container/", "dataobject/", "queue/"])
        );
        let id = caps["objectID"].as_str().unwrap();
        assert!(tern_cdmi::objectid::ObjectId::parse(id).is_ok());
    }
    // Every `cdmi_` capability advertised is a name of the specification (others are tern's:
    // the prefix is reserved, 12.1).
    for node in ["", "container/", "dataobject/"] {
        let tree = s
            .call("GET", &format!("/cdmi_capabilities/{node}"), &[V], "")
            .await
            .json();
        for name in tree["capabilities"].as_object().unwrap().keys() {
            assert!(
                !name.starts_with("cdmi_") || tern_cdmi::capability::lookup(name).next().is_some(),
                "{node}{name}"
            );
        }
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_findings() {
    let s = server().await;
    let container = [V, ("Content-Type", "application/cdmi-container")];
    assert_eq!(s.call("PUT", "/box/", &container, "").await.status, 201);
    // Malformed JSON: 400 with the finding's line and column.
    let bad = s
        .call(
            "PUT",
            "/box/a",
            &[V, ("Content-Type", "application/cdmi-object")],
            "{\n  \"value\": \"x\",\n  \"mimetype\": \n}",
        )
        .await;
    assert_eq!(bad.status, 400);
    let bad = bad.json();
    assert_eq!(bad["rule"], "CDMI-JSON");
    assert_eq!(bad["findings"][0]["line"], 4, "{bad}");
    assert!(bad["findings"][0]["column"].as_u64().is_some());
    // Rules of the body: two exclusive sources.
    let two = s
        .call(
            "PUT",
            "/box/a",
            &[V, ("Content-Type", "application/cdmi-object")],
            "{\n  \"copy\": \"/x\",\n  \"move\": \"/y\"\n}",
        )
        .await
        .json();
    assert_eq!(two["rule"], "CDMI-EXCLUSIVE");
    assert_eq!(two["findings"][0]["line"], 3);
    // A type this server does not store: 415.
    let queue = s
        .call(
            "PUT",
            "/box/q",
            &[V, ("Content-Type", "application/cdmi-queue")],
            "{}",
        )
        .await;
    assert_eq!(queue.status, 415);
    assert_eq!(queue.json()["rule"], "CDMI-CONTENT-TYPE");
    let object_at_container = s
        .call(
            "PUT",
            "/box/sub/",
            &[V, ("Content-Type", "application/cdmi-object")],
            "{}",
        )
        .await;
    assert_eq!(object_at_container.status, 415);
    // A container created without its slash: 400 (9.2).
    assert_eq!(
        s.call("PUT", "/box/sub", &container, "{}").await.status,
        400
    );
    // Names that leave their container, hide a slash or hold NUL.
    for path in [
        "/box/../etc",
        "/box/%2e%2e/x",
        "/box/a%2Fb",
        "/box/a%00b",
        "/box/a%5Cb",
    ] {
        let got = s
            .call(
                "PUT",
                path,
                &[("Content-Type", "application/octet-stream")],
                "x",
            )
            .await;
        assert_eq!(got.status, 400, "{path}: {}", got.text());
        assert_eq!(got.json()["rule"], "CDMI-NAME", "{path}");
    }
    // Reserved names; a missing parent.
    assert_eq!(
        s.call("PUT", "/box/cdmi_x/", &container, "{}").await.json()["rule"],
        "CDMI-RESERVED-NAME"
    );
    let orphan = s
        .call(
            "PUT",
            "/nowhere/a",
            &[V, ("Content-Type", "application/cdmi-object")],
            "{}",
        )
        .await;
    assert_eq!(orphan.status, 404);
    assert_eq!(orphan.json()["rule"], "CDMI-NO-PARENT");
    // A query string that is not one.
    assert_eq!(
        s.call("GET", "/box/?children;;parentURI", &[V], "")
            .await
            .status,
        400
    );
    // The root container stays.
    assert_eq!(s.call("DELETE", "/", &[V], "").await.status, 400);
}

#[tokio::test]
async fn occi_is_served_beside_cdmi() {
    let s = server().await;
    let query = s
        .call("GET", "/-/", &[("Accept", "application/occi+json")], "")
        .await;
    assert_eq!(query.status, 200);
    assert!(query.header("server").starts_with("tern OCCI/"));
    // A CDMI container named like an OCCI collection would hide it: plain PUTs to OCCI's
    // locations stay OCCI's.
    let occi = s
        .call(
            "PUT",
            "/compute/",
            &[("Content-Type", "application/octet-stream")],
            "x",
        )
        .await;
    assert_ne!(occi.status, StatusCode::CREATED);
    assert!(
        s.call(
            "GET",
            "/compute/",
            &[("Accept", "application/occi+json")],
            ""
        )
        .await
        .status
        .is_success()
    );
}

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

#[tokio::test]
async fn occi_storage_is_backed_by_a_cdmi_data_object() {
    let s = server().await;
    let plain = [("content-type", "text/plain")];
    let disk = s
        .call(
            "PUT",
            "/storage/disk1",
            &plain,
            &format!(
                "Category: storage; scheme=\"{INFRA}\"; class=\"kind\"\r\n\
                 X-OCCI-Attribute: occi.storage.size=0.5\r\n"
            ),
        )
        .await;
    assert_eq!(disk.status, 201, "{}", disk.text());
    // The volume: sparse, sized by occi.storage.size (GiB), naming its storage.
    let volume = s
        .call("GET", "/volumes/disk1?objectID;metadata", &[V], "")
        .await
        .json();
    assert_eq!(volume["metadata"]["cdmi_size"], "536870912");
    assert_eq!(volume["metadata"]["tern_occi_storage"], "/storage/disk1");
    let id = volume["objectID"].as_str().unwrap().to_owned();
    let zeros = s
        .call("GET", "/volumes/disk1", &[("Range", "bytes=1000-1009")], "")
        .await;
    assert_eq!(zeros.status, 206);
    assert_eq!(zeros.body, vec![0u8; 10]);
    // A compute linked to it: the link carries the volume's object ID, the volume names the
    // compute.
    let vm = s
        .call(
            "PUT",
            "/compute/vm1",
            &plain,
            &format!("Category: compute; scheme=\"{INFRA}\"; class=\"kind\"\r\n"),
        )
        .await;
    assert_eq!(vm.status, 201, "{}", vm.text());
    let link = s
        .call(
            "PUT",
            "/storagelink/l1",
            &[
                ("content-type", "text/plain"),
                ("accept", "application/occi+json"),
            ],
            &format!(
                "Category: storagelink; scheme=\"{INFRA}\"; class=\"kind\"\r\n\
                 X-OCCI-Attribute: occi.core.source=\"/compute/vm1\"\r\n\
                 X-OCCI-Attribute: occi.core.target=\"/storage/disk1\"\r\n"
            ),
        )
        .await;
    assert_eq!(link.status, 201, "{}", link.text());
    let read = s
        .call(
            "GET",
            "/storagelink/l1",
            &[("accept", "application/occi+json")],
            "",
        )
        .await;
    let read = read.json();
    assert_eq!(
        read["attributes"]["occi.storagelink.deviceid"],
        id.as_str(),
        "{read}"
    );
    let volume = s
        .call(
            "GET",
            &format!("/cdmi_objectid/{id}?metadata:tern_"),
            &[V],
            "",
        )
        .await
        .json();
    assert_eq!(
        volume["metadata"]["tern_occi_computes"],
        serde_json::json!(["/compute/vm1"])
    );
    // The reverse link follows the links.
    assert!(
        s.call("DELETE", "/storagelink/l1", &[], "")
            .await
            .status
            .is_success()
    );
    let volume = s
        .call(
            "GET",
            &format!("/cdmi_objectid/{id}?metadata:tern_"),
            &[V],
            "",
        )
        .await
        .json();
    assert_eq!(
        volume["metadata"]["tern_occi_computes"],
        serde_json::json!([])
    );
    // A bigger storage, a bigger volume; no storage, no volume.
    let grown = s
        .call(
            "PUT",
            "/storage/disk1",
            &plain,
            &format!(
                "Category: storage; scheme=\"{INFRA}\"; class=\"kind\"\r\n\
                 X-OCCI-Attribute: occi.storage.size=2\r\n"
            ),
        )
        .await;
    assert!(grown.status.is_success(), "{}", grown.text());
    let volume = s
        .call("GET", "/volumes/disk1?metadata:cdmi_size", &[V], "")
        .await
        .json();
    assert_eq!(volume["metadata"]["cdmi_size"], "2147483648");
    // A value written into the volume (here a whole one: a partial write would materialise
    // the 2 GiB) is a blob; it goes with the storage.
    let written = s
        .call(
            "PUT",
            "/volumes/disk1",
            &[("Content-Type", "application/octet-stream")],
            "boot",
        )
        .await;
    assert_eq!(written.status, 204, "{}", written.text());
    let blobs = || {
        std::fs::read_dir(s.dir.path().join("blobs"))
            .unwrap()
            .count()
    };
    assert_eq!(blobs(), 1);
    assert!(
        s.call("DELETE", "/storage/disk1", &[], "")
            .await
            .status
            .is_success()
    );
    assert_eq!(blobs(), 0, "the volume's blob is deleted with the storage");
    assert_eq!(
        s.call("GET", &format!("/cdmi_objectid/{id}"), &[V], "")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn cdmi_requests_need_the_token_too() {
    let s = server_with(|c| c.token = Some("secret".into())).await;
    let denied = s.call("GET", "/", &[V], "").await;
    assert_eq!(denied.status, 401);
    let denied = s.call("PUT", "/c/", &[], "").await;
    assert_eq!(denied.status, 401);
    let allowed = s
        .call("GET", "/", &[V, ("Authorization", "Bearer secret")], "")
        .await;
    assert_eq!(allowed.status, 200);
}

#[tokio::test]
async fn disk_images_uploaded_under_images_become_os_templates() {
    let s = server().await;
    assert_eq!(s.call("PUT", "/images/", &[], "").await.status, 201);
    let put = s
        .call(
            "PUT",
            "/images/debian-12.qcow2",
            &[("Content-Type", "application/x-qemu-disk")],
            "QFI\u{fb}",
        )
        .await;
    assert_eq!(put.status, 201);
    let not_a_disk = s
        .call(
            "PUT",
            "/images/README",
            &[("Content-Type", "text/plain")],
            "hi",
        )
        .await;
    assert_eq!(not_a_disk.status, 201);
    let id = s
        .call("GET", "/images/debian-12.qcow2?objectID", &[V], "")
        .await
        .json()["objectID"]
        .as_str()
        .unwrap()
        .to_owned();
    let qi = s
        .call("GET", "/-/", &[("Accept", "application/occi+json")], "")
        .await
        .json();
    let mixins = qi["mixins"].as_array().unwrap();
    let image = mixins
        .iter()
        .find(|m| m["term"] == "debian-12.qcow2")
        .unwrap_or_else(|| panic!("no image mixin in {qi}"));
    assert_eq!(image["scheme"], "http://schemas.tern.dev/occi/image#");
    assert_eq!(image["title"], "debian-12.qcow2");
    assert_eq!(image["location"], "/image_tpl/debian-12.qcow2/");
    assert_eq!(
        image["depends"][0],
        "http://schemas.ogf.org/occi/infrastructure#os_tpl"
    );
    assert_eq!(
        image["attributes"]["tern.image.objectid"]["default"],
        id.as_str(),
        "{image}"
    );
    assert!(!mixins.iter().any(|m| m["term"] == "README"));
    // A compute created with it.
    let vm = s
        .call(
            "PUT",
            "/compute/web",
            &[("content-type", "text/plain")],
            &format!(
                "Category: compute; scheme=\"{INFRA}\"; class=\"kind\"\r\n\
                 Category: debian-12.qcow2; scheme=\"http://schemas.tern.dev/occi/image#\"; class=\"mixin\"\r\n"
            ),
        )
        .await;
    assert_eq!(vm.status, 201, "{}", vm.text());
}

// libcdmi 0.1.2 (NOTES §2.3): a "plain" read sends `Accept: application/cdmi-object` without
// the version header and expects the raw bytes; cdmi-cli sends the header with `Accept: */*`
// and expects JSON.
#[tokio::test]
async fn the_clients_in_the_wild_get_what_they_expect() {
    let s = server().await;
    assert_eq!(s.call("PUT", "/c/", &[], "").await.status, 201);
    let put = s
        .call(
            "PUT",
            "/c/b.txt",
            &[("Content-Type", "text/plain")],
            "raw text",
        )
        .await;
    assert_eq!(put.status, 201);
    let libcdmi = s
        .call(
            "GET",
            "/c/b.txt",
            &[("Accept", "application/cdmi-object")],
            "",
        )
        .await;
    assert_eq!(libcdmi.text(), "raw text");
    let cli = s
        .call(
            "GET",
            "/c/b.txt",
            &[("Accept", "*/*"), ("X-CDMI-Specification-Version", "1.1.1")],
            "",
        )
        .await;
    // `text/plain` without `charset=utf-8` is stored as bytes: Base64 in CDMI (6.2).
    let cli = cli.json();
    assert_eq!(cli["valuetransferencoding"], "base64");
    assert_eq!(cli["value"], "cmF3IHRleHQ=");
    // libcdmi's create: CDMI types, version 1.0.1h, raw content in `value`.
    let create = s
        .call(
            "PUT",
            "/c/a.txt",
            &[
                ("Accept", "application/cdmi-object"),
                ("Content-Type", "application/cdmi-object"),
                ("X-CDMI-Specification-Version", "1.0.1h"),
            ],
            r#"{"value": "hello", "mimetype": "text/plain", "metadata": {"colour": "blue"}}"#,
        )
        .await;
    assert_eq!(create.status, 201, "{}", create.text());
    assert_eq!(create.header("x-cdmi-specification-version"), "1.0.2");
    // Its delete leaks the version header onto a plain request.
    let delete = s
        .call(
            "DELETE",
            "/c/b.txt",
            &[("X-CDMI-Specification-Version", "1.0.1h")],
            "",
        )
        .await;
    assert_eq!(delete.status, 204);
}

// 9.2.9 example 4 (rename a container, its headers as the example means them) and a data
// object moved by ID: the object IDs stay, the children follow.
#[tokio::test]
async fn moves_keep_object_ids() {
    let s = server().await;
    let container = [V, ("Content-Type", "application/cdmi-container")];
    let object = [V, ("Content-Type", "application/cdmi-object")];
    let made = s
        .call(
            "PUT",
            "/MyContainer/",
            &container,
            r#"{"metadata": {"Colour": "Yellow"}}"#,
        )
        .await
        .json();
    let before = s
        .call("PUT", "/MyContainer/a.txt", &object, r#"{"value": "a"}"#)
        .await
        .json();
    let renamed = s
        .call(
            "PUT",
            "/MyContainerRenamed/",
            &container,
            "{\n\"move\": \"/MyContainer/\"\n}",
        )
        .await;
    assert_eq!(renamed.status, 201, "{}", renamed.text());
    let renamed = renamed.json();
    assert_eq!(renamed["objectID"], made["objectID"]);
    assert_eq!(renamed["objectName"], "MyContainerRenamed/");
    assert_eq!(renamed["parentURI"], "/");
    assert_eq!(renamed["metadata"]["Colour"], "Yellow");
    assert_eq!(s.call("GET", "/MyContainer/", &[V], "").await.status, 404);
    let child = s
        .call("GET", "/MyContainerRenamed/a.txt", &[V], "")
        .await
        .json();
    assert_eq!(child["objectID"], before["objectID"]);
    assert_eq!(child["parentURI"], "/MyContainerRenamed/");
    assert_eq!(child["value"], "a");
    // By ID, into another container.
    assert_eq!(s.call("PUT", "/other/", &[], "").await.status, 201);
    let id = before["objectID"].as_str().unwrap();
    let moved = s
        .call(
            "PUT",
            "/other/b.txt",
            &object,
            &format!(r#"{{"move": "/cdmi_objectid/{id}"}}"#),
        )
        .await;
    assert_eq!(moved.status, 201, "{}", moved.text());
    assert_eq!(s.call("GET", "/other/b.txt", &[], "").await.text(), "a");
    assert_eq!(
        s.call("GET", &format!("/cdmi_objectid/{id}?objectName"), &[V], "")
            .await
            .json()["objectName"],
        "b.txt"
    );
    // Refused: into itself, onto an existing object, from another server.
    let inside = s
        .call(
            "PUT",
            "/MyContainerRenamed/sub/",
            &container,
            r#"{"move": "/MyContainerRenamed/"}"#,
        )
        .await;
    assert_eq!(inside.status, 400);
    let onto = s
        .call("PUT", "/other/b.txt", &object, r#"{"move": "/x"}"#)
        .await;
    assert_eq!(onto.status, 400);
    let remote = s
        .call(
            "PUT",
            "/other/c.txt",
            &object,
            r#"{"move": "http://elsewhere.example/c/a"}"#,
        )
        .await;
    // Another server's URL is read only when `--cdmi-fetch-from` allows it (not by default);
    // one allowed that cannot be reached is a bad gateway.
    assert_eq!(remote.status, 403);
    assert_eq!(remote.json()["rule"], "CDMI-FETCH-FORBIDDEN");
    let open = server_with(|c| c.cdmi_fetch_from = vec!["http://elsewhere.example/".into()]).await;
    let remote = open
        .call(
            "PUT",
            "/c.txt",
            &object,
            r#"{"move": "http://elsewhere.example/c/a"}"#,
        )
        .await;
    assert_eq!(remote.status, 502);
    assert_eq!(remote.json()["rule"], "CDMI-REMOTE");
}

#[tokio::test]
async fn copies_stream_the_value_into_a_new_object() {
    let s = server().await;
    let object = [V, ("Content-Type", "application/cdmi-object")];
    assert_eq!(s.call("PUT", "/c/", &[], "").await.status, 201);
    let bytes: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let put = s
        .call(
            "PUT",
            "/c/src.bin",
            &[("Content-Type", "application/x-raw-disk-image")],
            bytes.clone(),
        )
        .await;
    assert_eq!(put.status, 201);
    let meta = s
        .call(
            "PUT",
            "/c/src.bin?metadata:owner",
            &object,
            r#"{"metadata": {"owner": "ann"}}"#,
        )
        .await;
    assert_eq!(meta.status, 204, "{}", meta.text());
    let copy = s
        .call("PUT", "/c/copy.bin", &object, r#"{"copy": "/c/src.bin"}"#)
        .await;
    assert_eq!(copy.status, 201, "{}", copy.text());
    let copy = copy.json();
    assert_eq!(copy["mimetype"], "application/x-raw-disk-image");
    assert_eq!(copy["metadata"]["owner"], "ann");
    assert_eq!(copy["metadata"]["cdmi_size"], "300000");
    let source = s.call("GET", "/c/src.bin?objectID", &[V], "").await.json();
    assert_ne!(copy["objectID"], source["objectID"]);
    assert_eq!(s.call("GET", "/c/copy.bin", &[], "").await.body, bytes);
    // The copy is its own: changing it leaves the source.
    let part = s
        .call(
            "PUT",
            "/c/copy.bin",
            &[
                ("Content-Type", "application/x-raw-disk-image"),
                ("Content-Range", "bytes 0-1/300000"),
            ],
            "!!",
        )
        .await;
    assert_eq!(part.status, 204);
    assert_eq!(
        s.call("GET", "/c/src.bin", &[("Range", "bytes=0-1")], "")
            .await
            .body,
        [0u8, 1]
    );
    let container = s
        .call(
            "PUT",
            "/d/",
            &[V, ("Content-Type", "application/cdmi-container")],
            r#"{"copy": "/c/"}"#,
        )
        .await;
    // A container is copied with its tree (new IDs, the values streamed blob to blob).
    assert_eq!(container.status, 201, "{}", container.text());
    let tree = container.json();
    assert_eq!(tree["children"], serde_json::json!(["copy.bin", "src.bin"]));
    assert_eq!(
        s.call("GET", "/d/copy.bin", &[], "").await.body[..2],
        *b"!!"
    );
    assert_eq!(s.call("GET", "/d/src.bin", &[], "").await.body, bytes);
}

// ---- Partial writes as extents: each piece stored alone, the value read through its extents.

const PIECE: usize = 10_000;

// A deterministic byte pattern for piece `i`.
fn pattern(i: u64, len: usize) -> Vec<u8> {
    let mut x = (i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

async fn put_range(s: &common::Server, path: &str, first: u64, bytes: &[u8]) -> StatusCode {
    let range = format!("bytes {first}-{}/*", first + bytes.len() as u64 - 1);
    let answer = s
        .call(
            "PUT",
            path,
            &[
                ("Content-Type", "application/octet-stream"),
                ("Content-Range", range.as_str()),
            ],
            bytes,
        )
        .await;
    answer.status
}

// `model` written at `first`, zeros filling a gap.
fn model_write(model: &mut Vec<u8>, first: usize, bytes: &[u8]) {
    if model.len() < first + bytes.len() {
        model.resize(first + bytes.len(), 0);
    }
    model[first..first + bytes.len()].copy_from_slice(bytes);
}

#[tokio::test]
async fn a_piecewise_upload_stores_each_piece_alone() {
    let s = server().await;
    assert_eq!(s.call("PUT", "/up/", &[], "").await.status, 201);
    let put = s
        .call(
            "PUT",
            "/up/disk.raw",
            &[("Content-Type", "application/octet-stream")],
            "",
        )
        .await;
    assert_eq!(put.status, 201);
    let mut model = Vec::new();
    for i in 0..20u64 {
        let bytes = pattern(i, PIECE);
        let first = i as usize * PIECE;
        assert_eq!(
            put_range(&s, "/up/disk.raw", first as u64, &bytes).await,
            204
        );
        model_write(&mut model, first, &bytes);
    }
    // Each piece kept as it came (no rewrite of what was there): one blob a piece.
    assert_eq!(s.blobs(), 20);
    let got = s.call("GET", "/up/disk.raw", &[], "").await;
    assert_eq!(got.header("content-length"), (20 * PIECE).to_string());
    assert!(got.body == model);
    // Ranges across extent borders, plain and CDMI.
    for (a, b) in [
        (9_990u64, 10_009u64),
        (0, 0),
        (29_999, 50_001),
        (199_990, 199_999),
    ] {
        let r = s
            .call(
                "GET",
                "/up/disk.raw",
                &[("Range", &format!("bytes={a}-{b}"))],
                "",
            )
            .await;
        assert_eq!(r.status, 206);
        assert!(r.body == model[a as usize..=b as usize], "{a}-{b}");
        let c = s
            .call("GET", &format!("/up/disk.raw?value:{a}-{b}"), &[V], "")
            .await
            .json();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(c["value"].as_str().unwrap())
            .unwrap();
        assert!(decoded == model[a as usize..=b as usize], "value:{a}-{b}");
    }
    // Copies and serializations read the extents too.
    let object = [V, ("Content-Type", "application/cdmi-object")];
    let copy = s
        .call(
            "PUT",
            "/up/copy.raw",
            &object,
            r#"{"copy": "/up/disk.raw"}"#,
        )
        .await;
    assert_eq!(copy.status, 201, "{}", copy.text());
    assert!(s.call("GET", "/up/copy.raw", &[], "").await.body == model);
    let ser = s
        .call(
            "PUT",
            "/up/ser",
            &object,
            r#"{"serialize": "/up/disk.raw"}"#,
        )
        .await;
    assert_eq!(ser.status, 201, "{}", ser.text());
    // The serialized form itself written in two pieces, then deserialized.
    let form = s.call("GET", "/up/ser", &[], "").await.body;
    let put = s
        .call(
            "PUT",
            "/up/ser2",
            &[("Content-Type", "application/json")],
            "",
        )
        .await;
    assert_eq!(put.status, 201);
    let half = form.len() / 2;
    assert_eq!(put_range(&s, "/up/ser2", 0, &form[..half]).await, 204);
    assert_eq!(
        put_range(&s, "/up/ser2", half as u64, &form[half..]).await,
        204
    );
    let back = s
        .call(
            "PUT",
            "/up/back.raw",
            &object,
            r#"{"deserialize": "/up/ser2"}"#,
        )
        .await;
    assert_eq!(back.status, 201, "{}", back.text());
    assert!(s.call("GET", "/up/back.raw", &[], "").await.body == model);
    let before = s.blobs();
    // A whole PUT replaces the value: the extents' blobs go.
    let whole = s
        .call(
            "PUT",
            "/up/disk.raw",
            &[("Content-Type", "application/octet-stream")],
            "whole",
        )
        .await;
    assert_eq!(whole.status, 204);
    assert_eq!(s.blobs(), before - 20 + 1, "the 20 pieces' blobs went");
    assert_eq!(s.call("GET", "/up/disk.raw", &[], "").await.text(), "whole");
}

#[tokio::test]
async fn out_of_order_pieces_with_gaps_and_overlapping_rewrites_read_back() {
    let s = server().await;
    let put = s
        .call(
            "PUT",
            "/v.bin",
            &[("Content-Type", "application/octet-stream")],
            "",
        )
        .await;
    assert_eq!(put.status, 201);
    let mut model = Vec::new();
    // Out of order, leaving gaps (zeros).
    for (i, first) in [(0u64, 50_000usize), (1, 0), (2, 120_000), (3, 20_000)] {
        let bytes = pattern(i, 7_000);
        assert_eq!(put_range(&s, "/v.bin", first as u64, &bytes).await, 204);
        model_write(&mut model, first, &bytes);
    }
    assert!(s.call("GET", "/v.bin", &[], "").await.body == model);
    // Overlapping rewrites at pseudo-random places, CDMI and plain, past the extent bound.
    let mut seed: u64 = 7;
    for i in 0..150u64 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let first = (seed % 130_000) as usize;
        let len = 1 + (seed >> 20) as usize % 3_000;
        let bytes = pattern(100 + i, len);
        if i % 3 == 0 {
            let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let r = s
                .call(
                    "PUT",
                    &format!("/v.bin?value:{first}-{}", first + len - 1),
                    &[V, ("Content-Type", "application/cdmi-object")],
                    format!(r#"{{"value": "{b64}"}}"#),
                )
                .await;
            assert_eq!(r.status, 204, "{}", r.text());
        } else {
            assert_eq!(put_range(&s, "/v.bin", first as u64, &bytes).await, 204);
        }
        model_write(&mut model, first, &bytes);
        if i % 25 == 0 {
            let from = first.saturating_sub(100);
            let to = (first + len + 100).min(model.len()) - 1;
            let range = format!("bytes={from}-{to}");
            let r = s.call("GET", "/v.bin", &[("Range", &range)], "").await;
            assert!(r.body == model[from..=to], "write {i}: {range}");
        }
    }
    let got = s.call("GET", "/v.bin", &[], "").await;
    assert!(got.body == model);
    // Compacted: the extents (so the blobs) stay within the bound; the rewritten ones went.
    assert!(s.blobs() <= 64, "{} blobs", s.blobs());
}

#[tokio::test]
async fn appends_past_the_bound_are_compacted_and_gc_keeps_the_extents() {
    let s = server().await;
    let put = s
        .call(
            "PUT",
            "/log",
            &[("Content-Type", "application/octet-stream")],
            "x",
        )
        .await;
    assert_eq!(put.status, 201);
    let mut model = b"x".to_vec();
    for i in 0..100u64 {
        let bytes = pattern(i, 100 + i as usize);
        let first = model.len();
        assert_eq!(put_range(&s, "/log", first as u64, &bytes).await, 204);
        model_write(&mut model, first, &bytes);
        // Never more than the bound.
        assert!(s.blobs() <= 64, "after append {i}: {} blobs", s.blobs());
    }
    assert_eq!(s.blobs(), 64, "compacted down to the bound");
    assert!(s.call("GET", "/log", &[], "").await.body == model);
    // The garbage collector keeps every blob the extents name and removes a dropped one.
    std::fs::write(
        s.dir.path().join("blobs").join("orphan.0000000000000000"),
        b"?",
    )
    .unwrap();
    let config = tern_server::Config::new("127.0.0.1:0".parse().unwrap(), s.dir.path().to_owned());
    let removed = tokio::task::spawn_blocking(move || tern_server::collect_garbage(&config))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(removed, 1);
    assert_eq!(s.blobs(), 64);
    assert!(s.call("GET", "/log", &[], "").await.body == model);
    // Deleting the object deletes every extent's blob.
    assert_eq!(s.call("DELETE", "/log", &[], "").await.status, 204);
    assert_eq!(s.blobs(), 0);
}

#[tokio::test]
async fn a_value_replaced_during_a_partial_write_refuses_it_with_409() {
    use futures_util::StreamExt as _;
    use tower::ServiceExt as _;
    let s = server().await;
    let put = s
        .call(
            "PUT",
            "/r.bin",
            &[("Content-Type", "application/octet-stream")],
            "0123456789",
        )
        .await;
    assert_eq!(put.status, 201);
    // The piece's body waits until the whole value is replaced; its first poll tells that
    // the partial write has read the value it splices into.
    let (polled_tx, polled_rx) = tokio::sync::oneshot::channel::<()>();
    let (go_tx, go_rx) = tokio::sync::oneshot::channel::<()>();
    let mut polled_tx = Some(polled_tx);
    let body = futures_util::stream::once(async move {
        let _ = go_rx.await;
        Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"AB"))
    });
    let body = futures_util::stream::poll_fn({
        let mut body = Box::pin(body);
        move |cx| {
            if let Some(tx) = polled_tx.take() {
                let _ = tx.send(());
            }
            body.poll_next_unpin(cx)
        }
    });
    let request = axum::http::Request::builder()
        .method("PUT")
        .uri("/r.bin")
        .header("host", common::HOST)
        .header("Content-Type", "application/octet-stream")
        .header("Content-Range", "bytes 2-3/10")
        .body(axum::body::Body::from_stream(body))
        .unwrap();
    let app = s.app.clone();
    let partial = tokio::spawn(async move { app.oneshot(request).await.unwrap().status() });
    polled_rx.await.unwrap();
    let replace = s
        .call(
            "PUT",
            "/r.bin",
            &[("Content-Type", "application/octet-stream")],
            "abcdefghij",
        )
        .await;
    assert_eq!(replace.status, 204);
    go_tx.send(()).unwrap();
    assert_eq!(partial.await.unwrap(), StatusCode::CONFLICT);
    assert_eq!(s.call("GET", "/r.bin", &[], "").await.text(), "abcdefghij");
    assert_eq!(s.blobs(), 1, "the refused piece's blob went");
}

// A write's `ETag` is the new version's: the one a following HEAD gives, one `If-Match`
// takes; the version before it is refused with 412 (RFC 9110 §8.8.3, §13.1.1).
async fn chained(s: &common::Server, path: &str, wrote: &common::Answer, before: Option<&str>) {
    let label = format!("{path}: {}", wrote.text());
    assert!(wrote.status.is_success(), "{label}");
    let tag = wrote.header("etag").to_owned();
    assert!(!tag.is_empty(), "{label}: no ETag on the write");
    let head = s.call("HEAD", path, &[], "").await;
    assert_eq!(
        head.header("etag"),
        tag,
        "{label}: the write's ETag is the HEAD's"
    );
    assert_ne!(before, Some(tag.as_str()), "{label}: the version changed");
    if let Some(old) = before {
        let stale = s
            .call(
                "PUT",
                path,
                &[V, ("Content-Type", content_type(path)), ("If-Match", old)],
                "{}",
            )
            .await;
        assert_eq!(stale.status, 412, "{label}: If-Match with the old version");
    }
}

fn content_type(path: &str) -> &'static str {
    if path.ends_with('/') {
        "application/cdmi-container"
    } else {
        "application/cdmi-object"
    }
}

#[tokio::test]
async fn writes_answer_with_the_new_versions_etag() {
    let s = server().await;
    let cont = [V, ("Content-Type", "application/cdmi-container")];
    let obj = [V, ("Content-Type", "application/cdmi-object")];
    // Containers: plain create, CDMI update of the metadata.
    let made = s.call("PUT", "/c/", &[], "").await;
    chained(&s, "/c/", &made, None).await;
    let t0 = made.header("etag").to_owned();
    let with_if = [cont[0], cont[1], ("If-Match", t0.as_str())];
    let updated = s
        .call(
            "PUT",
            "/c/",
            &with_if,
            r#"{"metadata": {"colour": "blue"}}"#,
        )
        .await;
    chained(&s, "/c/", &updated, Some(&t0)).await;
    // A CDMI data object: created, then its value replaced under If-Match.
    let created = s.call("PUT", "/c/o.txt", &obj, r#"{"value": "one"}"#).await;
    chained(&s, "/c/o.txt", &created, None).await;
    let t1 = created.header("etag").to_owned();
    let with_if = [obj[0], obj[1], ("If-Match", t1.as_str())];
    let replaced = s
        .call("PUT", "/c/o.txt", &with_if, r#"{"value": "two!"}"#)
        .await;
    chained(&s, "/c/o.txt", &replaced, Some(&t1)).await;
    // `?value:F-L` on a CDMI PUT, chained on the last write's tag.
    let t2 = replaced.header("etag").to_owned();
    let with_if = [obj[0], obj[1], ("If-Match", t2.as_str())];
    let ranged = s
        .call(
            "PUT",
            "/c/o.txt?value:1-2",
            &with_if,
            // A ranged value is Base64 (clause 8.6): "WO".
            r#"{"value": "V08="}"#,
        )
        .await;
    chained(&s, "/c/o.txt", &ranged, Some(&t2)).await;
    // Plain PUTs: whole value, then a piece (Content-Range), each chained.
    let t3 = ranged.header("etag").to_owned();
    let plain = s
        .call(
            "PUT",
            "/c/o.txt",
            &[("Content-Type", "text/plain"), ("If-Match", t3.as_str())],
            "abcdef",
        )
        .await;
    chained(&s, "/c/o.txt", &plain, Some(&t3)).await;
    let t4 = plain.header("etag").to_owned();
    let piece = s
        .call(
            "PUT",
            "/c/o.txt",
            &[
                ("Content-Type", "text/plain"),
                ("Content-Range", "bytes 2-3/6"),
                ("If-Match", t4.as_str()),
            ],
            "CD",
        )
        .await;
    chained(&s, "/c/o.txt", &piece, Some(&t4)).await;
    assert_eq!(s.call("GET", "/c/o.txt", &[], "").await.text(), "abCDef");
    // POST into a container: the new object's version.
    let posted = s.call("POST", "/c/", &obj, r#"{"value": "new"}"#).await;
    assert_eq!(posted.status, 201, "{}", posted.text());
    let location = posted.header("location").to_owned();
    let path = location
        .find("/cdmi_objectid/")
        .map_or(location.as_str(), |i| &location[i..])
        .to_owned();
    chained(&s, &path, &posted, None).await;
    // A copy and a move: the version they leave at the destination.
    let copied = s
        .call("PUT", "/c/copy.txt", &obj, r#"{"copy": "/c/o.txt"}"#)
        .await;
    chained(&s, "/c/copy.txt", &copied, None).await;
    let moved = s
        .call("PUT", "/c/moved.txt", &obj, r#"{"move": "/c/copy.txt"}"#)
        .await;
    chained(&s, "/c/moved.txt", &moved, None).await;
}
