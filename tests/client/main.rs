//! `tern extract`, `tern apply` and `tern deploy` against the real `tern serve` on an
//! ephemeral loopback port: the article's deployment of the Hadoop sample, its scaling, a
//! stopped slave and back; the 1.1 text/plain server; a proxy injecting 503s and lost
//! responses.

mod cdmi;
mod faults;
mod post;
mod roundtrip;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

#[path = "../common/served.rs"]
mod served;
pub(crate) use served::Served;

pub(crate) fn tern(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("tern runs")
}

fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

pub(crate) fn hadoop() -> String {
    format!(
        "{}/samples/ovf/hadoop-cluster.ovf",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The Hadoop sample as OCCI (ovf2occi), as JSON.
pub(crate) fn hadoop_target() -> Value {
    let out = tern(&["ovf2occi", &hadoop()]);
    serde_json::from_str(&ok(&out)).expect("JSON")
}

/// `target` with a second slave: the slave's resource and links copied under new
/// identifiers (same template mixins, same shared volume, same network), in `state`.
pub(crate) fn with_second_slave(target: &Value, state: &str) -> Value {
    let mut t = target.clone();
    let resources = t["resources"].as_array_mut().expect("resources");
    let slave = resources
        .iter()
        .find(|r| r["id"] == "urn:ovf:compute:hadoop-slave")
        .expect("the slave")
        .to_string()
        .replace("compute:hadoop-slave", "compute:hadoop-slave-2")
        .replace("/compute/hadoop-slave\"", "/compute/hadoop-slave-2\"")
        .replace("\"hadoop-slave-1\"", "\"hadoop-slave-2\"");
    let mut slave: Value = serde_json::from_str(&slave).expect("JSON");
    slave["attributes"]["occi.compute.state"] = Value::from(state);
    resources.push(slave);
    t
}

pub(crate) fn write(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(value).expect("JSON")).expect("written");
    path
}

/// `tern extract` of `endpoint`, then `tern diff` against `target`: no difference.
pub(crate) fn assert_converged(dir: &Path, endpoint: &str, target: &Path) {
    let extracted = dir.join("extracted.json");
    ok(&tern(&[
        "extract",
        "--endpoint",
        endpoint,
        "-o",
        extracted.to_str().expect("UTF-8"),
    ]));
    let out = tern(&[
        "diff",
        "--detailed-exitcode",
        extracted.to_str().expect("UTF-8"),
        target.to_str().expect("UTF-8"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "differences:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn apply_json(endpoint: &str, target: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "--format",
        "json",
        "apply",
        "--endpoint",
        endpoint,
        "--auto-approve",
    ];
    args.extend_from_slice(extra);
    args.push(target.to_str().expect("UTF-8"));
    let out = tern(&args);
    let stdout = ok(&out);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

pub(crate) fn apply_json_ok(endpoint: &str, target: &Path) {
    let report = apply_json(endpoint, target, &[]);
    assert_eq!(report["complete"], true, "{report}");
}

fn steps<'a>(report: &'a Value, op: &str) -> Vec<&'a Value> {
    report["steps"]
        .as_array()
        .map(|s| s.iter().filter(|s| s["op"] == op).collect())
        .unwrap_or_default()
}

#[test]
fn deploy_scale_stop_and_back_converge_each_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(&dir.path().join("data"), &[]);
    let endpoint = served.base.as_str();

    let hadoop_json = write(dir.path(), "hadoop.json", &hadoop_target());
    let out = tern(&[
        "deploy",
        "--endpoint",
        endpoint,
        "--auto-approve",
        &hadoop(),
    ]);
    ok(&out);
    assert_converged(dir.path(), endpoint, &hadoop_json);

    // Scaling: one more slave, started: a compute, its three links, one action.
    let base = hadoop_target();
    let more = write(dir.path(), "more.json", &with_second_slave(&base, "active"));
    let report = apply_json(endpoint, &more, &[]);
    assert_eq!(report["complete"], true, "{report}");
    let creates: Vec<&str> = steps(&report, "create")
        .iter()
        .filter_map(|s| s["location"].as_str())
        .collect();
    assert_eq!(creates.len(), 4, "{creates:?}");
    assert!(creates.contains(&"/compute/hadoop-slave-2"), "{creates:?}");
    assert!(steps(&report, "delete").is_empty());
    // Every call is reported with its method, URL, status and duration.
    let call = &report["calls"][0];
    for key in ["method", "url", "status", "duration_ms"] {
        assert!(call.get(key).is_some(), "{call}");
    }
    assert_converged(dir.path(), endpoint, &more);

    // A stopped slave: one action, no re-creation.
    let stopped = write(
        dir.path(),
        "stopped.json",
        &with_second_slave(&base, "inactive"),
    );
    let report = apply_json(endpoint, &stopped, &[]);
    let all = report["steps"].as_array().expect("steps");
    assert_eq!(all.len(), 1, "{report}");
    assert_eq!(all[0]["op"], "action");
    assert_eq!(all[0]["action"], "stop");
    assert_converged(dir.path(), endpoint, &stopped);

    // And back.
    let report = apply_json(endpoint, &more, &[]);
    let all = report["steps"].as_array().expect("steps");
    assert_eq!(all.len(), 1, "{report}");
    assert_eq!(all[0]["action"], "start");
    assert_converged(dir.path(), endpoint, &more);

    // Applying again changes nothing: no call but the reads.
    let again = tern(&[
        "apply",
        "--endpoint",
        endpoint,
        "--auto-approve",
        more.to_str().expect("UTF-8"),
    ]);
    ok(&again);
}

#[test]
fn the_1_1_text_plain_server_is_extracted_and_applied_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(&dir.path().join("data"), &["--occi-version", "1.1"]);
    let endpoint = served.base.as_str();
    // A plain OCCI 1.1 target: networks and a compute linked to one, no user mixins.
    let target = serde_json::json!({"resources": [
        {"kind": "http://schemas.ogf.org/occi/infrastructure#network", "id": "net",
         "attributes": {"occi.network.vlan": 12}},
        {"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "id": "vm",
         "attributes": {"occi.compute.cores": 2},
         "links": [{"kind": "http://schemas.ogf.org/occi/infrastructure#networkinterface",
                    "id": "vm-nic", "source": {"location": "/compute/vm"},
                    // tern serve 1.1 wants the provider-set attributes in a PUT too.
                    "attributes": {"occi.networkinterface.interface": "eth0",
                                   "occi.networkinterface.mac": "00:16:3e:00:00:01"},
                    "target": {"location": "/network/net",
                               "kind": "http://schemas.ogf.org/occi/infrastructure#network"}}]}
    ]});
    let path = write(dir.path(), "target.json", &target);
    // No --media: the 1.1 server offers the text renderings only, negotiation finds text/plain.
    let report = apply_json(endpoint, &path, &[]);
    assert_eq!(report["complete"], true, "{report}");
    assert_eq!(steps(&report, "create").len(), 3, "{report}");
    let extracted = dir.path().join("x.txt");
    ok(&tern(&[
        "extract",
        "--endpoint",
        endpoint,
        "--to",
        "text/plain",
        "-o",
        extracted.to_str().expect("UTF-8"),
    ]));
    let text = std::fs::read_to_string(&extracted).expect("read");
    assert!(text.contains("occi.compute.cores"), "{text}");
    assert_converged(dir.path(), endpoint, &path);
}

#[test]
fn apply_without_a_terminal_needs_auto_approve() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = write(dir.path(), "t.json", &serde_json::json!({"resources": []}));
    // No server: the refusal comes before any call.
    let out = tern(&[
        "apply",
        "--endpoint",
        "http://127.0.0.1:9",
        target.to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--auto-approve"), "{stderr}");
}

#[test]
fn a_permanent_failure_stops_the_run_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(&dir.path().join("data"), &[]);
    // The link's target does not exist: the server refuses the link (4xx, not retried);
    // the compute of stage 1 is done, the link is failed.
    let target = serde_json::json!({"resources": [
        {"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "id": "vm",
         "links": [{"kind": "http://schemas.ogf.org/occi/infrastructure#networkinterface",
                    "id": "vm-nic", "source": {"location": "/compute/vm"},
                    "target": {"location": "/network/nowhere",
                               "kind": "http://schemas.ogf.org/occi/infrastructure#network"}}]}
    ]});
    let path = write(dir.path(), "t.json", &target);
    let out = tern(&[
        "apply",
        "--endpoint",
        &served.base,
        "--auto-approve",
        path.to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("FAILED: stage 2 PUT /networkinterface/"),
        "{stderr}"
    );
    assert!(stderr.contains("Applied: 1 of 2"), "{stderr}");
}

#[test]
fn extraction_pages_through_collections_in_json_and_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(&dir.path().join("data"), &[]);
    let http = reqwest::blocking::Client::new();
    for i in 0..25 {
        let body = format!(
            "Category: network; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\r\nX-OCCI-Attribute: occi.network.vlan={i}\r\n"
        );
        let r = http
            .put(format!("{}/network/n{i}", served.base))
            .header("Content-Type", "text/plain")
            .body(body)
            .send()
            .expect("PUT");
        assert!(r.status().is_success(), "{}", r.status());
    }
    for media in [None, Some(tern_occi::MediaType::TextPlain)] {
        let client = tern_client::Client::new(tern_client::Config {
            endpoint: served.base.clone(),
            media,
            page_size: Some(10),
            ..tern_client::Config::default()
        })
        .expect("a client");
        let extracted = tern_client::block_on(tern_client::extract(&client, 4))
            .expect("runtime")
            .expect("extracted");
        assert_eq!(extracted.collection.resources().len(), 25, "{media:?}");
        let pages: Vec<String> = client
            .calls()
            .into_iter()
            .filter(|c| c.url.contains("/network/?"))
            .map(|c| c.url)
            .collect();
        assert_eq!(pages.len(), 3, "{pages:?}");
        assert!(pages[2].ends_with("page=3&number=10"), "{pages:?}");
    }
}

#[test]
fn the_token_comes_from_tern_token_and_dry_run_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(&dir.path().join("data"), &["--token", "s3cret"]);
    let target = write(
        dir.path(),
        "t.json",
        &serde_json::json!({"resources": [
            {"kind": "http://schemas.ogf.org/occi/infrastructure#network", "id": "net"}
        ]}),
    );
    let target = target.to_str().expect("UTF-8");
    let run = |token: Option<&str>, args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tern"));
        c.args(args).stdin(Stdio::null()).env_remove("TERN_TOKEN");
        if let Some(t) = token {
            c.env("TERN_TOKEN", t);
        }
        c.output().expect("tern runs")
    };
    // Without the token: 401, a usage/connection error (exit 2).
    let out = run(None, &["extract", "--endpoint", &served.base]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("401"));
    // --dry-run shows the plan and makes no change.
    let out = run(
        Some("s3cret"),
        &["apply", "--endpoint", &served.base, "--dry-run", target],
    );
    let plan = ok(&out);
    assert!(plan.contains("PUT /network/net"), "{plan}");
    let count = |out: &Output| {
        let v: Value = serde_json::from_str(&ok(out)).expect("JSON");
        v["resources"].as_array().map_or(0, Vec::len)
    };
    let out = run(Some("s3cret"), &["extract", "--endpoint", &served.base]);
    assert_eq!(count(&out), 0);
    // With the token from the environment (or --token), applied.
    let out = run(
        None,
        &[
            "apply",
            "--endpoint",
            &served.base,
            "--token",
            "s3cret",
            "--auto-approve",
            target,
        ],
    );
    ok(&out);
    let out = run(Some("s3cret"), &["extract", "--endpoint", &served.base]);
    assert_eq!(count(&out), 1);
}

#[test]
fn a_path_of_two_actions_waits_for_each_state_on_a_slow_provider() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Actions take 300 ms: meanwhile the state is the old one, and `suspend` is refused
    // from `inactive`, so the second step may only go once the first is done.
    let served = Served::start(&dir.path().join("data"), &["--simulate-delay", "300"]);
    let target = serde_json::json!({"resources": [
        {"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "id": "vm",
         "attributes": {"occi.compute.state": "suspended"}}
    ]});
    let path = write(dir.path(), "t.json", &target);
    let report = apply_json(&served.base, &path, &[]);
    assert_eq!(report["complete"], true, "{report}");
    let actions: Vec<&str> = steps(&report, "action")
        .iter()
        .filter_map(|s| s["action"].as_str())
        .collect();
    assert_eq!(actions, ["start", "suspend"], "{report}");
    assert_converged(dir.path(), &served.base, &path);
}

#[test]
fn after_a_permanent_failure_no_other_call_of_the_stage_starts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(&dir.path().join("data"), &[]);
    let nic = |n: u32| {
        serde_json::json!({"kind": "http://schemas.ogf.org/occi/infrastructure#networkinterface",
            "id": format!("vm-nic-{n}"), "source": {"location": "/compute/vm"},
            "target": {"location": format!("/network/nowhere-{n}"),
                       "kind": "http://schemas.ogf.org/occi/infrastructure#network"}})
    };
    let target = serde_json::json!({"resources": [
        {"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "id": "vm",
         "links": [nic(1), nic(2), nic(3)]}
    ]});
    let path = write(dir.path(), "t.json", &target);
    let out = tern(&[
        "--format",
        "json",
        "apply",
        "--endpoint",
        &served.base,
        "--auto-approve",
        "--parallel",
        "1",
        path.to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let outcomes: Vec<&str> = report["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["outcome"].as_str())
        .collect();
    assert_eq!(
        outcomes,
        ["done", "failed", "not-done", "not-done"],
        "{report}"
    );
}
