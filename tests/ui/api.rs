//! The page's files and its API over plain HTTP.

use serde_json::Value;

use crate::{Served, client, hadoop, hadoop_server};

fn json(r: reqwest::blocking::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
    )
}

#[test]
fn the_page_is_served_with_a_strict_policy_and_without_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &["--token", "t0ken"]);
    for (path, media) in [
        ("/ui/", "text/html"),
        ("/ui/app.js", "text/javascript"),
        ("/ui/style.css", "text/css"),
        ("/ui/icon.svg", "image/svg+xml"),
    ] {
        let r = client()
            .get(format!("{}{path}", served.base))
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let h = r.headers();
        assert!(
            h["content-type"].to_str().unwrap().starts_with(media),
            "{path}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
    }
    // The page holds no inline script or handler, and the script never parses markup.
    let page = client()
        .get(format!("{}/ui/", served.base))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("<script src=\"app.js\" defer></script>"));
    assert_eq!(page.matches("<script").count(), 1);
    let handler = page
        .split(|c: char| c.is_whitespace())
        .any(|word| word.starts_with("on") && word.contains('='));
    assert!(!handler, "no inline event handler");
    let script = client()
        .get(format!("{}/ui/app.js", served.base))
        .send()
        .unwrap()
        .text()
        .unwrap();
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
    ] {
        assert!(!script.contains(sink), "app.js uses {sink}");
    }
    // `/ui` goes to the page, the query kept.
    let r = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/ui?deployment=d", served.base))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 308);
    assert_eq!(r.headers()["location"], "/ui/?deployment=d");
}

#[test]
fn the_api_takes_the_servers_token() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &["--token", "t0ken"]);
    for path in ["/ui/api/version", "/ui/api/topology"] {
        let r = client()
            .get(format!("{}{path}", served.base))
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{path}");
        assert!(r.headers().contains_key("www-authenticate"));
        let r = client()
            .get(format!("{}{path}", served.base))
            .bearer_auth("wrong")
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{path}");
        let r = client()
            .get(format!("{}{path}", served.base))
            .bearer_auth("t0ken")
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
    }
    let r = client()
        .post(format!("{}/ui/api/plan", served.base))
        .body("{}")
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

#[test]
fn no_ui_serves_no_page() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &["--no-ui"]);
    for path in ["/ui/", "/ui/app.js", "/ui/api/version"] {
        let r = client()
            .get(format!("{}{path}", served.base))
            .send()
            .unwrap();
        assert_ne!(r.status().as_u16(), 200, "{path}");
        assert!(
            !r.headers().contains_key("content-security-policy"),
            "{path}"
        );
    }
}

#[test]
fn the_change_counter_moves_with_every_commit_only() {
    let dir = tempfile::tempdir().unwrap();
    let served = hadoop_server(dir.path(), &[]);
    let version = || {
        let (status, v) = json(
            client()
                .get(format!("{}/ui/api/version", served.base))
                .send()
                .unwrap(),
        );
        assert_eq!(status, 200);
        v["version"].as_str().unwrap().to_owned()
    };
    let before = version();
    // Reads and refused writes change nothing.
    client()
        .get(format!("{}/compute/", served.base))
        .header("Accept", "text/uri-list")
        .send()
        .unwrap();
    let refused = client()
        .post(format!("{}/compute/hadoop.portal?action=stop", served.base))
        .send()
        .unwrap();
    assert_eq!(refused.status().as_u16(), 409);
    assert_eq!(version(), before);
    let r = client()
        .post(format!(
            "{}/compute/hadoop.portal?action=start",
            served.base
        ))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let after = version();
    assert_ne!(after, before);
    // The topology names the version it was read at.
    let (_, topology) = json(
        client()
            .get(format!("{}/ui/api/topology", served.base))
            .send()
            .unwrap(),
    );
    assert_eq!(topology["version"], after.as_str());
    assert_eq!(topology["scope"], "server");
}

#[test]
fn an_unknown_deployment_falls_back_to_the_whole_server() {
    let dir = tempfile::tempdir().unwrap();
    let served = hadoop_server(dir.path(), &[]);
    let (status, topology) = json(
        client()
            .get(format!(
                "{}/ui/api/topology?deployment=nowhere",
                served.base
            ))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 200);
    assert_eq!(topology["scope"], "server");
    assert!(topology["note"].as_str().unwrap().contains("nowhere"));
    assert_eq!(
        topology["collection"]["resources"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    let (status, _) = json(
        client()
            .get(format!("{}/ui/api/topology?deployment=a%2Fb", served.base))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 400);
}

#[test]
fn a_mixin_collection_is_a_deployment_view() {
    let dir = tempfile::tempdir().unwrap();
    let served = hadoop_server(dir.path(), &[]);
    // A user mixin at /deployments/front/ tagging the portal (what a deployment is).
    let r = client()
        .post(format!("{}/-/", served.base))
        .header("Content-Type", "text/occi")
        .header(
            "Category",
            "front; scheme=\"http://example.com/deployments#\"; class=\"mixin\"; location=\"/deployments/front/\"",
        )
        .send()
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().unwrap());
    let r = client()
        .post(format!("{}/deployments/front/", served.base))
        .header("Content-Type", "text/uri-list")
        .body(format!("{}/compute/hadoop.portal\n", served.base))
        .send()
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().unwrap());
    let (status, topology) = json(
        client()
            .get(format!("{}/ui/api/topology?deployment=front", served.base))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 200);
    assert_eq!(topology["scope"], "deployment");
    assert_eq!(topology["deployment"], "front");
    let resources = topology["collection"]["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 1);
    assert_eq!(resources[0]["location"], "/compute/hadoop.portal");
    assert_eq!(resources[0]["links"].as_array().unwrap().len(), 3);
}

#[test]
fn an_unchanged_ovf_target_plans_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let served = hadoop_server(dir.path(), &[]);
    let (status, answer) = json(
        client()
            .post(format!("{}/ui/api/plan", served.base))
            .header("Content-Type", "application/ovf+xml")
            .body(std::fs::read(hadoop()).unwrap())
            .send()
            .unwrap(),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["stages"], serde_json::json!([]));
    assert_eq!(answer["overlay"]["nodes"], serde_json::json!([]));
    assert_eq!(answer["diff"]["old"].as_array().unwrap().len(), 15);
}

#[test]
fn bad_targets_are_refused_with_findings() {
    let dir = tempfile::tempdir().unwrap();
    let served = hadoop_server(dir.path(), &[]);
    let plan = |body: &str, content_type: &str| {
        json(
            client()
                .post(format!("{}/ui/api/plan", served.base))
                .header("Content-Type", content_type)
                .body(body.to_owned())
                .send()
                .unwrap(),
        )
    };
    let rules = |v: &Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    // OCCI JSON that is not JSON: a finding with its position.
    let (status, v) = plan("{\"resources\": [", "application/occi+json");
    assert_eq!(status, 400, "{v}");
    let f = &v["findings"][0];
    assert_eq!(f["file"], "target");
    assert!(f["line"].as_u64().is_some(), "{v}");
    assert!(!rules(&v).is_empty());
    // An OVF descriptor that is not well-formed.
    let (status, v) = plan("<Envelope><oops></Envelope>", "application/ovf+xml");
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().unwrap().contains("OVF"), "{v}");
    assert!(!rules(&v).is_empty());
    // Nothing at all.
    let (status, v) = plan("  \n", "text/plain");
    assert_eq!(status, 400);
    assert_eq!(rules(&v), ["ui.empty-target"]);
    // Not UTF-8.
    let r = client()
        .post(format!("{}/ui/api/plan", served.base))
        .body(vec![0xff, 0xfe, 0x00])
        .send()
        .unwrap();
    let (status, v) = json(r);
    assert_eq!(status, 400);
    assert_eq!(rules(&v), ["input.not-utf8"]);
    // Larger than the server's body limit (16 MiB).
    let r = client()
        .post(format!("{}/ui/api/plan", served.base))
        .body(vec![b' '; 16 * 1024 * 1024 + 1])
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
}

#[test]
fn updated_and_replaced_entities_are_marked_on_the_runtime_side() {
    let dir = tempfile::tempdir().unwrap();
    let served = hadoop_server(dir.path(), &[]);
    let (_, topology) = json(
        client()
            .get(format!("{}/ui/api/topology", served.base))
            .send()
            .unwrap(),
    );
    let mut collection = topology["collection"].clone();
    for r in collection["resources"].as_array_mut().unwrap() {
        if r["location"] == "/compute/hadoop.portal" {
            r["attributes"]["occi.compute.memory"] = serde_json::json!(16);
            for l in r["links"].as_array_mut().unwrap() {
                if l["location"] == "/networkinterface/hadoop.urn-ovf-compute-portal-nic-5" {
                    // Immutable: the interface is replaced.
                    l["attributes"]["occi.networkinterface.interface"] = serde_json::json!("eth9");
                }
            }
        }
    }
    let (status, answer) = json(
        client()
            .post(format!("{}/ui/api/plan", served.base))
            .header("Content-Type", "application/occi+json")
            .body(collection.to_string())
            .send()
            .unwrap(),
    );
    assert_eq!(status, 200, "{answer}");
    let marks = |side: &str| -> Vec<(String, String)> {
        answer["overlay"][side]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["key"].as_str().unwrap().to_owned(),
                    n["mark"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        marks("nodes"),
        [("/compute/hadoop.portal".to_owned(), "updated".to_owned())]
    );
    assert_eq!(
        marks("edges"),
        [(
            "/networkinterface/hadoop.urn-ovf-compute-portal-nic-5".to_owned(),
            "replaced".to_owned()
        )]
    );
    let edge = &answer["overlay"]["edges"][0];
    assert_eq!(edge["source"], "/compute/hadoop.portal");
    assert_eq!(edge["target"], "/network/hadoop.public");
    assert!(
        answer["planText"]
            .as_str()
            .unwrap()
            .contains("occi.compute.memory")
    );
}
