//! The whole of the article's second phase: the Hadoop deployment at A (real VMDK disks),
//! scaled out by one slave, migrated cold to B which wants qcow2.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::{Served, computes, deploy_hadoop, download, entity, qemu_img, state, tern, text, vmdk};

/// A second slave at A, in the deployment (it carries its mixin): the slave's resource and
/// links copied under new identifiers through OCCI calls, started. (Not through `tern
/// extract` + `tern apply`: the JSON rendering has no member for a location the id does not
/// imply, and the deployment's entities are at `/<kind>/hadoop.<id>`.)
fn scale_out(base: &str) {
    let h = super::http();
    let slave = entity(base, "/compute/hadoop.hadoop-slave");
    let renamed = |v: &Value| -> Value {
        serde_json::from_str(
            &v.to_string()
                .replace("compute:hadoop-slave", "compute:hadoop-slave-2")
                .replace(
                    "/compute/hadoop.hadoop-slave\"",
                    "/compute/hadoop.hadoop-slave-2\"",
                ),
        )
        .expect("JSON")
    };
    let mut resource = renamed(&slave);
    let links = resource["links"].as_array().cloned().unwrap_or_default();
    let r = resource.as_object_mut().expect("an object");
    for k in ["links", "actions", "location"] {
        r.remove(k);
    }
    r["attributes"]
        .as_object_mut()
        .expect("attributes")
        .remove("occi.compute.state");
    let put = |path: &str, body: &Value| {
        let r = h
            .put(format!("{base}{path}"))
            .header("Content-Type", "application/occi+json")
            .body(body.to_string())
            .send()
            .expect("PUT");
        assert!(r.status().is_success(), "{path}: {:?}", r.text());
    };
    put("/compute/hadoop.hadoop-slave-2", &resource);
    assert!(!links.is_empty(), "{slave}");
    for mut link in links {
        let l = link.as_object_mut().expect("an object");
        l.remove("actions");
        l.insert(
            "source".into(),
            serde_json::json!({"location": "/compute/hadoop.hadoop-slave-2"}),
        );
        // Provider-assigned values are the new slave's own.
        let a = l["attributes"].as_object_mut().expect("attributes");
        for k in [
            "occi.networkinterface.mac",
            "occi.storagelink.deviceid",
            "occi.networkinterface.state",
            "occi.storagelink.state",
        ] {
            a.remove(k);
        }
        let id = l["id"].as_str().expect("an id").to_owned();
        let kind = l["kind"].as_str().expect("a kind");
        let term = kind.rsplit('#').next().expect("a term").to_owned();
        let segment: String = id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        put(&format!("/{term}/hadoop.{segment}"), &link);
    }
    super::action(base, "/compute/hadoop.hadoop-slave-2", "start");
    assert!(computes(base).contains(&"/compute/hadoop.hadoop-slave-2".to_owned()));
}

/// B's copies of the two disks (the state file says where): qcow2, with the guest content
/// of A's VMDKs (`qemu-img compare`).
fn converted(qemu: &Path, dir: &Path, state_file: &Path, b: &str, system: &Path, hdfs: &Path) {
    let s = state(state_file);
    let disks = s["disks"].as_array().expect("disks");
    assert_eq!(disks.len(), 2, "{s}");
    for disk in disks {
        // By href: the order is the export's (made from the entities once scaled out).
        let source = match disk["href"].as_str() {
            Some("hadoop-system.vmdk") => system,
            Some("hadoop-hdfs.vmdk") => hdfs,
            other => panic!("an unexpected disk {other:?}: {s}"),
        };
        assert_eq!(disk["finished"], true, "{disk}");
        assert_eq!(disk["target_format"], "qcow2", "{disk}");
        let target = disk["target"].as_str().expect("a URL");
        assert!(
            target.starts_with(&format!("{b}/volumes/hadoop/"))
                && target.rsplit('.').next() == Some("qcow2"),
            "{target}"
        );
        let copy = dir.join("copy.qcow2");
        download(target, &copy);
        let info = Command::new(qemu)
            .args(["info", "--output=json"])
            .arg(&copy)
            .output()
            .expect("qemu-img info");
        let info: Value = serde_json::from_slice(&info.stdout).expect("JSON");
        assert_eq!(info["format"], "qcow2", "{info}");
        let compare = Command::new(qemu)
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
    scale_out(&a.base);
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
    assert!(
        report.contains("A has one deployment, hadoop: migrated"),
        "{report}"
    );
    // Nothing created through OCCI calls: B's import made the scaled-out slave too.
    assert!(!report.contains("OCCI calls"), "{report}");

    // The disks: qcow2 at B, the same guest content as A's VMDKs.
    converted(&qemu, dir.path(), &state_file, &b.base, &system, &hdfs);

    // A's computes stopped, B's four started.
    for c in computes(&a.base) {
        assert_eq!(
            entity(&a.base, &c)["attributes"]["occi.compute.state"],
            "inactive",
            "{c}"
        );
    }
    // B's locations mirror A's (the same deployment name).
    let at_b = computes(&b.base);
    assert_eq!(at_b, computes(&a.base), "{report}");
    assert_eq!(at_b.len(), 4, "{at_b:?}");
    for c in &at_b {
        assert_eq!(
            entity(&b.base, c)["attributes"]["occi.compute.state"],
            "active",
            "{c}"
        );
    }

    // B's storages are linked to the copies its import found in its deployment container.
    for (storage, file) in [
        ("system", "hadoop-system.qcow2"),
        ("hdfs", "hadoop-hdfs.qcow2"),
    ] {
        assert_eq!(
            entity(&b.base, &format!("/storage/hadoop.{storage}"))["attributes"]["tern.cdmi.uri"],
            format!("{}/volumes/hadoop/{file}", b.base)
        );
    }

    // B's deployment's descriptor names the copies, their sizes and the new format.
    let ovf = super::http()
        .get(format!("{}/deployments/hadoop/", b.base))
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
