//! The whole of the article's second phase: the Hadoop deployment at A (real VMDK disks),
//! scaled out by one slave, migrated cold to B which wants qcow2.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::{Served, computes, deploy_hadoop, download, entity, qemu_img, state, tern, text, vmdk};

/// A second slave at A: the slave's resource and links copied under new identifiers, started
/// (`tern extract`, then `tern apply` of the result with the copy).
fn scale_out(dir: &Path, base: &str) {
    let extracted = dir.join("a.json");
    let out = tern(&[
        "extract",
        "--endpoint",
        base,
        "-o",
        extracted.to_str().expect("UTF-8"),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let mut all: Value =
        serde_json::from_slice(&std::fs::read(&extracted).expect("read")).expect("JSON");
    let resources = all["resources"].as_array_mut().expect("resources");
    let slave = resources
        .iter()
        .find(|r| r["id"] == "urn:ovf:compute:hadoop-slave")
        .expect("the slave")
        .to_string()
        .replace("compute:hadoop-slave", "compute:hadoop-slave-2")
        .replace("compute-hadoop-slave-", "compute-hadoop-slave-2-")
        .replace("/compute/hadoop-slave\"", "/compute/hadoop-slave-2\"");
    let mut slave: Value = serde_json::from_str(&slave).expect("JSON");
    // Provider-assigned values are the new slave's own.
    for link in slave["links"].as_array_mut().into_iter().flatten() {
        if let Some(a) = link["attributes"].as_object_mut() {
            a.remove("occi.networkinterface.mac");
            a.remove("occi.storagelink.deviceid");
        }
    }
    resources.push(slave);
    let target = dir.join("scaled.json");
    std::fs::write(&target, serde_json::to_vec_pretty(&all).expect("JSON")).expect("written");
    let out = tern(&[
        "apply",
        "--endpoint",
        base,
        "--auto-approve",
        target.to_str().expect("UTF-8"),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(computes(base).contains(&"/compute/hadoop-slave-2".to_owned()));
}

#[test]
fn the_hadoop_deployment_moves_to_a_provider_that_wants_qcow2() {
    let Some(qemu) = qemu_img() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Served::start(&dir.path().join("a"), &[]);
    let b = Served::start(&dir.path().join("b"), &["--disk-format", "qcow2"]);
    let system = vmdk(&qemu, dir.path(), "system", 3, 7);
    let hdfs = vmdk(&qemu, dir.path(), "hdfs", 2, 11);
    deploy_hadoop(&a.base, &system, &hdfs);
    scale_out(dir.path(), &a.base);
    let running = computes(&a.base);
    assert_eq!(running.len(), 4, "{running:?}");

    let state_file = dir.path().join("migration.json");
    let out = tern(&[
        "migrate",
        "--from",
        &a.base,
        "--to",
        &b.base,
        "--state",
        state_file.to_str().expect("UTF-8"),
    ]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    for step in [
        "discover", "export", "stop", "data", "import", "start", "verify",
    ] {
        assert!(
            report.contains(&format!("\n{step:<8} done"))
                || report.starts_with(&format!("{step:<8} done")),
            "{step}: {report}"
        );
    }
    assert!(report.contains("deployments are equal"), "{report}");

    // The disks: qcow2 at B, the same guest content as A's VMDKs.
    let s = state(&state_file);
    let disks = s["disks"].as_array().expect("disks");
    assert_eq!(disks.len(), 2, "{s}");
    for (disk, source) in disks.iter().zip([&system, &hdfs]) {
        assert_eq!(disk["finished"], true, "{disk}");
        assert_eq!(disk["target_format"], "qcow2", "{disk}");
        let target = disk["target"].as_str().expect("a URL");
        assert!(
            target.starts_with(&b.base) && target.rsplit('.').next() == Some("qcow2"),
            "{target}"
        );
        let copy = dir.path().join("copy.qcow2");
        download(target, &copy);
        let info = Command::new(&qemu)
            .args(["info", "--output=json"])
            .arg(&copy)
            .output()
            .expect("qemu-img info");
        let info: Value = serde_json::from_slice(&info.stdout).expect("JSON");
        assert_eq!(info["format"], "qcow2", "{info}");
        let compare = Command::new(&qemu)
            .arg("compare")
            .arg(source)
            .arg(&copy)
            .output()
            .expect("qemu-img compare");
        assert!(
            compare.status.success(),
            "{}",
            String::from_utf8_lossy(&compare.stdout)
        );
    }

    // A's computes stopped, B's four started.
    for c in computes(&a.base) {
        assert_eq!(
            entity(&a.base, &c)["attributes"]["occi.compute.state"],
            "inactive",
            "{c}"
        );
    }
    let at_b = computes(&b.base);
    assert_eq!(at_b.len(), 4, "{at_b:?}");
    for c in &at_b {
        assert_eq!(
            entity(&b.base, c)["attributes"]["occi.compute.state"],
            "active",
            "{c}"
        );
    }

    // B's descriptor names the copies, their sizes and the new format.
    let ovf = super::http()
        .get(format!("{}/", b.base))
        .header("Accept", "application/ovf+xml")
        .send()
        .expect("export")
        .text()
        .expect("text");
    assert!(
        ovf.contains("hadoop-system.qcow2") && ovf.contains("qcow-image-format"),
        "{ovf}"
    );

    // Migrating again from the finished state does nothing more.
    let again = tern(&["migrate", "--resume", state_file.to_str().expect("UTF-8")]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("data     skipped"),
        "{}",
        text(&again)
    );
}

#[test]
fn a_dry_run_prints_the_steps_and_changes_nothing() {
    let Some(qemu) = qemu_img() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Served::start(&dir.path().join("a"), &[]);
    let b = Served::start(&dir.path().join("b"), &["--disk-format", "qcow2"]);
    let system = vmdk(&qemu, dir.path(), "system", 1, 3);
    deploy_hadoop(&a.base, &system, &system);
    let out = tern(&[
        "migrate",
        "--from",
        &a.base,
        "--to",
        &b.base,
        "--dry-run",
        "--state",
        dir.path().join("s.json").to_str().expect("UTF-8"),
    ]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.contains("data     planned"), "{report}");
    assert!(
        report.contains("converted vmdk→qcow2 by qemu-img"),
        "{report}"
    );
    assert!(computes(&b.base).is_empty());
    for c in computes(&a.base) {
        assert_eq!(
            entity(&a.base, &c)["attributes"]["occi.compute.state"],
            "active"
        );
    }
    assert!(!dir.path().join("s.json").exists());
}
