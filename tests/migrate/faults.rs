//! Faults during the copy, with B behind a proxy: B down for the second disk then killed and
//! restarted (the resumed run copies only what is left); a corrupted copy (retried, then
//! reported).

use super::proxy::Proxy;
use super::{Served, computes, deploy_hadoop, qemu_img, state, tern, text, vmdk};

#[test]
fn b_down_during_the_copy_is_resumed_without_copying_finished_disks_again() {
    let Some(qemu) = qemu_img() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Served::start(&dir.path().join("a"), &[]);
    let b_data = dir.path().join("b");
    let b = Served::start(&b_data, &[]);
    let system = vmdk(&qemu, dir.path(), "system", 2, 5);
    let hdfs = vmdk(&qemu, dir.path(), "hdfs", 1, 9);
    deploy_hadoop(&a.base, &system, &hdfs);
    let proxy = Proxy::start(&b.base);
    // B stops answering for the second disk.
    proxy.with(|f| f.refuse = Some("hadoop-hdfs".into()));
    let state_file = dir.path().join("m.json");
    let state_arg = state_file.to_str().expect("UTF-8");
    let out = tern(&[
        "migrate",
        "--from",
        &a.base,
        "--to",
        &proxy.base,
        "--state",
        state_arg,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--resume"),
        "{}",
        text(&out)
    );
    assert_eq!(text(&out).matches("error[").count(), 1, "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("still stopped: /compute/"),
        "{}",
        text(&out)
    );
    let s = state(&state_file);
    assert_eq!(s["disks"][0]["finished"], true, "{s}");
    assert_eq!(s["disks"][1]["finished"], false, "{s}");
    let first = proxy.writes("hadoop-system");
    assert!(first > 0);
    assert!(computes(&b.base).is_empty(), "nothing imported yet");

    // B killed and restarted on its data (another port, behind the same proxy).
    drop(b);
    let b = Served::start(&b_data, &[]);
    proxy.with(|f| {
        f.upstream.clone_from(&b.base);
        f.refuse = None;
    });
    let out = tern(&["migrate", "--resume", state_arg]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(
        proxy.writes("hadoop-system"),
        first,
        "copied again: {report}"
    );
    assert!(proxy.writes("hadoop-hdfs") > 0, "{report}");
    assert!(report.contains("deployments are equal"), "{report}");
    assert_eq!(computes(&b.base).len(), 3);
}

#[test]
fn a_corrupted_copy_is_retried_then_reported() {
    let Some(qemu) = qemu_img() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Served::start(&dir.path().join("a"), &[]);
    let b = Served::start(&dir.path().join("b"), &[]);
    let system = vmdk(&qemu, dir.path(), "system", 1, 5);
    deploy_hadoop(&a.base, &system, &system);
    let proxy = Proxy::start(&b.base);
    let state_arg = dir.path().join("m.json");
    let state_arg = state_arg.to_str().expect("UTF-8");

    // Once: the second attempt verifies.
    proxy.with(|f| f.corrupt = Some(("hadoop-system".into(), 1)));
    let out = tern(&[
        "--format",
        "json",
        "migrate",
        "--from",
        &a.base,
        "--to",
        &proxy.base,
        "--state",
        state_arg,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let disk = &report["disks"][0];
    assert_eq!(disk["attempts"], 2, "{report}");
    assert_eq!(disk["method"], "stream", "{report}");

    // Always: three attempts (--retries 2), then the two digests are reported.
    let b2 = Served::start(&dir.path().join("b2"), &[]);
    proxy.with(|f| {
        f.upstream.clone_from(&b2.base);
        f.corrupt = Some(("hadoop-system".into(), usize::MAX));
        f.writes.clear();
    });
    let out = tern(&[
        "migrate",
        "--from",
        &a.base,
        "--to",
        &proxy.base,
        "--retries",
        "2",
        "--state",
        dir.path().join("m2.json").to_str().expect("UTF-8"),
    ]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("migrate.digest"), "{report}");
    assert!(report.contains("after 3 attempts"), "{report}");
    // One value write per attempt (the disk fits in one piece).
    assert_eq!(proxy.writes("hadoop-system"), 3, "{report}");
    assert!(computes(&b2.base).is_empty(), "nothing imported: {report}");
}

#[test]
fn b_without_an_ovf_import_gets_the_deployment_through_occi_calls() {
    let Some(qemu) = qemu_img() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Served::start(&dir.path().join("a"), &[]);
    let b = Served::start(&dir.path().join("b"), &[]);
    let system = vmdk(&qemu, dir.path(), "system", 1, 13);
    deploy_hadoop(&a.base, &system, &system);
    let proxy = Proxy::start(&b.base);
    proxy.with(|f| f.no_ovf_import = true);
    let out = tern(&[
        "migrate",
        "--from",
        &a.base,
        "--to",
        &proxy.base,
        "--deployment",
        "hadoop",
        "--state",
        dir.path().join("m.json").to_str().expect("UTF-8"),
    ]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(
        report.contains(
            "B answered 415 to an OVF import: the deployment was created through OCCI calls"
        ),
        "{report}"
    );
    // A's deployment exported, B's entities placed and tagged as B's import would have.
    assert!(!report.contains("A has no deployment"), "{report}");
    assert!(report.contains("deployments are equal"), "{report}");
    let at_b = computes(&b.base);
    assert_eq!(at_b, computes(&a.base), "{report}");
    assert_eq!(at_b.len(), 3, "{at_b:?}");
    let members = super::http()
        .get(format!("{}/deployments/hadoop/", b.base))
        .header("Accept", "text/uri-list")
        .send()
        .expect("members")
        .text()
        .expect("text");
    for c in &at_b {
        assert!(members.contains(c.as_str()), "{c}: {members}");
    }
    assert_eq!(
        super::entity(&b.base, "/storage/hadoop.system")["attributes"]["tern.cdmi.uri"],
        format!("{}/volumes/hadoop/hadoop-system.vmdk", proxy.base),
        "{report}"
    );
    for c in &at_b {
        assert_eq!(
            super::entity(&b.base, c)["attributes"]["occi.compute.state"],
            "active",
            "{c}"
        );
    }
}

#[test]
fn a_conversion_without_qemu_img_on_path_is_refused_clearly() {
    let Some(qemu) = qemu_img() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Served::start(&dir.path().join("a"), &[]);
    let b = Served::start(&dir.path().join("b"), &["--disk-format", "qcow2"]);
    let system = vmdk(&qemu, dir.path(), "system", 1, 17);
    deploy_hadoop(&a.base, &system, &system);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tern"))
        .args([
            "migrate",
            "--from",
            &a.base,
            "--to",
            &b.base,
            "--live-ok",
            "--state",
        ])
        .arg(dir.path().join("m.json"))
        .env("PATH", dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("tern runs");
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("migrate.qemu-img"), "{report}");
    assert!(report.contains("qemu-img is not on PATH"), "{report}");
    assert!(computes(&b.base).is_empty(), "{report}");
}

#[test]
fn a_b_that_copies_from_a_gets_the_disks_without_tern_in_between() {
    let Some(qemu) = qemu_img() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Served::start(&dir.path().join("a"), &[]);
    let b = Served::start(&dir.path().join("b"), &["--cdmi-fetch-from", &a.base]);
    let system = vmdk(&qemu, dir.path(), "system", 1, 19);
    let hdfs = vmdk(&qemu, dir.path(), "hdfs", 1, 23);
    deploy_hadoop(&a.base, &system, &hdfs);
    let proxy = Proxy::start(&b.base);
    proxy.with(|f| f.remote_copy = true);
    let out = tern(&[
        "--format",
        "json",
        "migrate",
        "--from",
        &a.base,
        "--to",
        &proxy.base,
        "--state",
        dir.path().join("m.json").to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    for disk in report["disks"].as_array().expect("disks") {
        assert_eq!(disk["method"], "copy", "{report}");
        assert_eq!(disk["attempts"], 1, "{report}");
    }
    assert_eq!(proxy.with(|f| f.copies), 2);
    assert_eq!(proxy.writes("hadoop-"), 0, "no value went through tern");
    let data = report["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["step"] == "data")
        .expect("the data step");
    assert_eq!(data["bytes"], 0, "{data}");
}

#[test]
fn a_migration_killed_during_the_copy_is_resumed_from_its_state_file() {
    let Some(qemu) = qemu_img() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Served::start(&dir.path().join("a"), &[]);
    let b = Served::start(&dir.path().join("b"), &[]);
    let system = vmdk(&qemu, dir.path(), "system", 1, 29);
    let hdfs = vmdk(&qemu, dir.path(), "hdfs", 1, 31);
    deploy_hadoop(&a.base, &system, &hdfs);
    let proxy = Proxy::start(&b.base);
    proxy.with(|f| f.stall = Some("hadoop-hdfs".into()));
    let state_file = dir.path().join("m.json");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(["migrate", "--from", &a.base, "--to", &proxy.base, "--state"])
        .arg(&state_file)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("tern runs");
    // Killed while the second disk is being copied.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while proxy.with(|f| f.stalled) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the copy never reached the second disk"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().expect("killed");
    let _ = child.wait();
    let s = state(&state_file);
    assert_eq!(s["disks"][0]["finished"], true, "{s}");
    assert_eq!(s["disks"][1]["finished"], false, "{s}");
    let first = proxy.writes("hadoop-system");
    proxy.with(|f| f.stall = None);

    let out = tern(&["migrate", "--resume", state_file.to_str().expect("UTF-8")]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(
        proxy.writes("hadoop-system"),
        first,
        "copied again: {report}"
    );
    assert!(report.contains("stop     skipped"), "{report}");
    assert!(report.contains("deployments are equal"), "{report}");
}

#[test]
fn a_migration_killed_after_the_import_is_resumed_without_importing_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Served::start(&dir.path().join("a"), &[]);
    let b = Served::start(&dir.path().join("b"), &[]);
    let (system, hdfs) = (dir.path().join("system"), dir.path().join("hdfs"));
    std::fs::write(&system, vec![3u8; 30_000]).expect("written");
    std::fs::write(&hdfs, vec![4u8; 20_000]).expect("written");
    deploy_hadoop(&a.base, &system, &hdfs);
    let state_file = dir.path().join("m.json");
    let state_arg = state_file.to_str().expect("UTF-8");
    let out = tern(&[
        "migrate", "--from", &a.base, "--to", &b.base, "--state", state_arg,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // As if killed once B's import answered, before the state file said so.
    let mut s = state(&state_file);
    s["done"] = serde_json::json!(["export", "stop", "data"]);
    s["imported"] = serde_json::json!([]);
    std::fs::write(&state_file, s.to_string()).expect("written");

    let out = tern(&["migrate", "--resume", state_arg]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(
        report.contains("B has the deployment hadoop already: imported by the interrupted run"),
        "{report}"
    );
    assert!(report.contains("deployments are equal"), "{report}");
    let at_b = computes(&b.base);
    assert_eq!(at_b, computes(&a.base), "{report}");
    for c in &at_b {
        assert_eq!(
            super::entity(&b.base, c)["attributes"]["occi.compute.state"],
            "active",
            "{c}"
        );
    }
    let s = state(&state_file);
    assert_eq!(
        s["imported"].as_array().map(Vec::len),
        Some(15),
        "B's deployment's members recorded: {s}"
    );
}

#[test]
fn unreachable_providers_leave_no_state_file_and_one_error() {
    // A port nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let cwd = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(["migrate", "--from", &url, "--to", &url])
        .current_dir(cwd.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("tern runs");
    let report = text(&out);
    assert_eq!(out.status.code(), Some(2), "{report}");
    // Nothing started: no state file, and no --resume offered for one.
    let left: Vec<_> = std::fs::read_dir(cwd.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}: {report}");
    assert!(!report.contains("--resume"), "{report}");
    assert!(!report.contains("state: "), "{report}");
    // The error once, under its own rule.
    assert_eq!(report.matches("Connection refused").count(), 1, "{report}");
    assert!(report.contains("error[migrate.connection]"), "{report}");
    assert!(!report.contains("cli.usage"), "{report}");
}
