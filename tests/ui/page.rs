//! The page in a real browser.

use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};

use crate::browser::Browser;
use crate::{HADOOP_EDGES, HADOOP_NODES, Served, client, hadoop_server};

// One browser at a time: the machines that run this have few cores.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

// How long a change may take to show (the page polls every second; generous for a loaded
// machine).
const LIVE: Duration = Duration::from_secs(8);
const LOAD: Duration = Duration::from_secs(30);

fn nodes(browser: &Browser) -> Vec<(String, String, String)> {
    let v = browser.execute(
        "return [...document.querySelectorAll('#graph .node')]\
           .map(n => [n.dataset.key, n.dataset.kind, n.dataset.state]);",
        &[],
    );
    let mut all: Vec<_> = v
        .as_array()
        .expect("a list")
        .iter()
        .map(|n| {
            (
                n[0].as_str().unwrap_or_default().to_owned(),
                n[1].as_str().unwrap_or_default().to_owned(),
                n[2].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    all.sort();
    all
}

fn wait_state(browser: &Browser, key: &str, state: &str) -> Duration {
    let script = format!(
        "const n = [...document.querySelectorAll('#graph .node')].find(n => n.dataset.key === {key});\
         return n && n.dataset.state === {state};",
        key = json!(key),
        state = json!(state),
    );
    browser
        .wait_for(&format!("{key} drawn {state}"), &script, LIVE)
        .1
}

fn act(served: &Served, location: &str, action: &str) {
    let r = client()
        .post(format!("{}{location}?action={action}", served.base))
        .header("Accept", "text/plain")
        .send()
        .expect("the action");
    assert_eq!(
        r.status().as_u16(),
        200,
        "{action}: {}",
        r.text().unwrap_or_default()
    );
}

#[test]
fn the_hadoop_cluster_is_drawn_and_follows_state_changes() {
    let _one = ONE_BROWSER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let served = hadoop_server(dir.path(), &[]);
    browser.navigate(&format!("{}/ui/", served.base));
    browser.wait_for(
        "the topology",
        "return document.getElementById('graph').getAttribute('data-nodes') === '7';",
        LOAD,
    );

    // Every resource a node, every link an edge between the right nodes.
    let drawn = nodes(&browser);
    let keys: Vec<&str> = drawn.iter().map(|n| n.0.as_str()).collect();
    assert_eq!(keys, HADOOP_NODES);
    for (key, kind, state) in &drawn {
        assert_eq!(kind, key.split('/').nth(1).unwrap(), "{key}");
        assert_eq!(state, "inactive", "{key} is imported inactive");
    }
    let edges = browser.execute(
        "return [...document.querySelectorAll('#graph .edge')]\
           .map(e => [e.dataset.key, e.dataset.source, e.dataset.target]).sort();",
        &[],
    );
    let expected: Vec<Value> = HADOOP_EDGES
        .iter()
        .map(|(l, s, t)| json!([l, s, t]))
        .collect();
    assert_eq!(edges, Value::Array(expected));

    // Attributes on click.
    browser.click(&browser.find("#graph .node[data-key='/compute/hadoop.portal'] .shape"));
    browser.wait_for(
        "the portal's attributes",
        "return document.getElementById('details-title').textContent === 'portal' && \
           [...document.querySelectorAll('#details-list dt')].some(d => d.textContent === 'occi.compute.hostname');",
        LIVE,
    );

    // A state change through the API shows within a second or two (bounded here by LIVE).
    act(&served, "/compute/hadoop.portal", "start");
    let took = wait_state(&browser, "/compute/hadoop.portal", "active");
    println!("start seen after {took:?}");
    act(&served, "/compute/hadoop.portal", "stop");
    let took = wait_state(&browser, "/compute/hadoop.portal", "inactive");
    println!("stop seen after {took:?}");
    act(&served, "/compute/hadoop.hadoop-master", "start");
    wait_state(&browser, "/compute/hadoop.hadoop-master", "active");
    browser.screenshot("topology");

    browse_cdmi(&browser);
    view_a_deployment(&browser, &served);
}

// The CDMI browser: the volume behind a storage, its ID, the computes using it.
fn browse_cdmi(browser: &Browser) {
    browser.click(&browser.find("#tabs button[data-tab='cdmi']"));
    browser.wait_for(
        "the root container",
        "return document.querySelector(\"#cdmi-children [data-child='volumes/']\");",
        LIVE,
    );
    browser.click(&browser.find("#cdmi-children [data-child='volumes/']"));
    browser.wait_for(
        "the volumes",
        "return document.querySelector(\"#cdmi-children [data-child='hadoop.system']\");",
        LIVE,
    );
    browser.click(&browser.find("#cdmi-children [data-child='hadoop.system']"));
    let (users, _) = browser.wait_for(
        "the reverse links",
        "const u = [...document.querySelectorAll('#cdmi-users [data-location]')].map(b => b.dataset.location);\
         return u.length ? u.sort() : null;",
        LIVE,
    );
    assert_eq!(
        users,
        json!([
            "/compute/hadoop.hadoop-master",
            "/compute/hadoop.hadoop-slave",
            "/compute/hadoop.portal",
            "/storage/hadoop.system"
        ])
    );
    let id = browser.execute(
        "const d = [...document.querySelectorAll('#cdmi-object dt')].find(d => d.textContent === 'objectID');\
         return d ? d.nextElementSibling.textContent : null;",
        &[],
    );
    assert!(
        id.as_str()
            .is_some_and(|i| i.len() >= 16 && i.chars().all(|c| c.is_ascii_hexdigit())),
        "{id}"
    );
    browser.screenshot("cdmi");
}

fn view_a_deployment(browser: &Browser, served: &Served) {
    // A deployment (a mixin collection under /deployments/) is offered and drawn alone, the
    // resources its links reach outside it drawn as such.
    let r = client()
        .post(format!("{}/-/", served.base))
        .header("Content-Type", "text/occi")
        .header(
            "Category",
            "front; scheme=\"http://example.com/deployments#\"; class=\"mixin\"; location=\"/deployments/front/\"",
        )
        .send()
        .unwrap();
    assert!(r.status().is_success());
    let r = client()
        .post(format!("{}/deployments/front/", served.base))
        .header("Content-Type", "text/uri-list")
        .body(format!("{}/compute/hadoop.portal\n", served.base))
        .send()
        .unwrap();
    assert!(r.status().is_success());
    browser.navigate(&format!("{}/ui/", served.base));
    browser.wait_for(
        "the deployment offered",
        "return document.querySelector(\"#deployment option[value='front']\");",
        LOAD,
    );
    browser.click(&browser.find("#deployment option[value='front']"));
    browser.wait_for(
        "the deployment drawn",
        "return location.search === '?deployment=front' && \
           document.getElementById('graph').getAttribute('data-nodes') === '4';",
        LOAD,
    );
    let drawn = nodes(browser);
    assert_eq!(
        drawn,
        [
            (
                "/compute/hadoop.portal".into(),
                "compute".into(),
                "inactive".into()
            ),
            (
                "/network/hadoop.private".into(),
                "outside".into(),
                "other".into()
            ),
            (
                "/network/hadoop.public".into(),
                "outside".into(),
                "other".into()
            ),
            (
                "/storage/hadoop.system".into(),
                "outside".into(),
                "other".into()
            ),
        ]
    );
}

#[test]
fn a_plan_preview_marks_new_and_missing_entities() {
    let _one = ONE_BROWSER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let served = hadoop_server(dir.path(), &[]);

    // The target: the running cluster without the hdfs storage (and the slave's link to
    // it), with a third network.
    let topology: Value = serde_json::from_str(
        &client()
            .get(format!("{}/ui/api/topology", served.base))
            .send()
            .unwrap()
            .text()
            .unwrap(),
    )
    .unwrap();
    let mut resources: Vec<Value> = topology["collection"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["location"] != "/storage/hadoop.hdfs")
        .cloned()
        .collect();
    for r in &mut resources {
        if let Some(links) = r.get_mut("links").and_then(Value::as_array_mut) {
            links.retain(|l| l["target"]["location"] != "/storage/hadoop.hdfs");
        }
    }
    resources.push(json!({
        "kind": "http://schemas.ogf.org/occi/infrastructure#network",
        "id": "backup",
        "title": "backup",
        "location": "/network/backup",
        "attributes": { "occi.network.state": "active" }
    }));
    let target = json!({ "resources": resources }).to_string();

    browser.navigate(&format!("{}/ui/", served.base));
    browser.wait_for(
        "the topology",
        "return document.getElementById('graph').getAttribute('data-nodes') === '7';",
        LOAD,
    );
    browser.click(&browser.find("#tabs button[data-tab='plan']"));
    browser.execute(
        "document.getElementById('plan-target').value = arguments[0];",
        &[json!(target)],
    );
    browser.click(&browser.find("#plan-run"));
    browser.wait_for(
        "the preview",
        "return document.getElementById('plan').dataset.state === 'shown';",
        LOAD,
    );
    let marks = browser.execute(
        "return [...document.querySelectorAll('#graph [data-mark]')]\
           .filter(e => e.dataset.mark).map(e => [e.dataset.key, e.dataset.mark]).sort();",
        &[],
    );
    assert_eq!(
        marks,
        json!([
            ["/storage/hadoop.hdfs", "missing"],
            [
                "/storagelink/hadoop.urn-ovf-compute-hadoop-slave-disk-5",
                "missing"
            ],
            ["new:/network/backup", "new"]
        ])
    );
    let stages = browser.execute(
        "return [...document.querySelectorAll('#plan-stages li[data-op]')].map(l => [l.dataset.op, l.textContent]);",
        &[],
    );
    let ops: Vec<&str> = stages
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[0].as_str().unwrap())
        .collect();
    assert_eq!(
        ops.iter().filter(|o| **o == "delete").count(),
        2,
        "{stages}"
    );
    assert_eq!(
        ops.iter().filter(|o| **o == "create").count(),
        1,
        "{stages}"
    );
    assert!(stages.to_string().contains("/network/backup"), "{stages}");
    browser.screenshot("plan");

    // Nothing was changed: the server still holds the hdfs storage.
    let r = client()
        .get(format!("{}/storage/hadoop.hdfs", served.base))
        .header("Accept", "text/plain")
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[test]
fn a_title_with_markup_is_shown_as_text() {
    let _one = ONE_BROWSER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &["--token", "s3cret"]);
    let title = "<img src=x onerror=alert(1)>";
    let r = client()
        .post(format!("{}/compute/", served.base))
        .bearer_auth("s3cret")
        .header("Content-Type", "application/occi+json")
        .header("Accept", "text/plain")
        .body(
            json!({
                "kind": "http://schemas.ogf.org/occi/infrastructure#compute",
                "id": "xss",
                "title": title,
                "summary": "<script>alert(2)</script>",
                "attributes": { "occi.compute.hostname": "x<b>y</b>" }
            })
            .to_string(),
        )
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().unwrap_or_default());

    // The page asks for the token first.
    browser.navigate(&format!("{}/ui/", served.base));
    browser.wait_for(
        "the token form",
        "return !document.getElementById('token-form').hidden;",
        LOAD,
    );
    browser.execute(
        "document.getElementById('token').value = arguments[0];",
        &[json!("s3cret")],
    );
    browser.click(&browser.find("#token-form button"));
    browser.wait_for(
        "the topology",
        "return document.getElementById('graph').getAttribute('data-nodes') === '1';",
        LOAD,
    );

    browser.click(&browser.find("#graph .node .shape"));
    let shown = browser.execute(
        "return [document.querySelector('#graph .node .label').textContent,\
                 document.getElementById('details-title').textContent,\
                 [...document.querySelectorAll('#details-list dd')].map(d => d.textContent)];",
        &[],
    );
    assert_eq!(shown[0], json!(title));
    assert_eq!(shown[1], json!(title));
    assert!(
        shown[2]
            .as_array()
            .unwrap()
            .contains(&json!("<script>alert(2)</script>"))
            && shown[2].as_array().unwrap().contains(&json!("x<b>y</b>")),
        "{shown}"
    );
    let injected = browser.execute(
        "return [document.querySelectorAll('img, b').length, document.querySelectorAll('script').length];",
        &[],
    );
    assert_eq!(
        injected,
        json!([0, 1]),
        "no img or b element, only the page's script"
    );
    assert_eq!(browser.alert(), None, "no alert");
    browser.screenshot("xss");
}
