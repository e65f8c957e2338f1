//! Deployments as groups: a server with two deployments of one descriptor (the same entity
//! ids, in different places) migrates the one named — here the one whose locations sort
//! last — with its own disks, into B's deployment of the same name (B's locations mirror
//! A's), stopping only its computes; a B that has that deployment already is refused before
//! anything changes.

use super::{Served, action, computes, deploy_hadoop, download, entity, hadoop, http, tern, text};

/// The Hadoop sample imported a second time at `base`, as the deployment `name`, its disks
/// in `/volumes/<name>/` holding `system` and `hdfs`, its computes started.
fn deploy_again(base: &str, name: &str, system: &[u8], hdfs: &[u8]) {
    let h = http();
    let r = h
        .post(format!("{base}/deployments/{name}/"))
        .header("Content-Type", "application/ovf+xml")
        .body(std::fs::read(hadoop()).expect("the sample"))
        .send()
        .expect("import");
    assert_eq!(r.status().as_u16(), 201, "{:?}", r.text());
    let r = h
        .put(format!("{base}/volumes/{name}/"))
        .header("X-CDMI-Specification-Version", "1.1.1")
        .header("Content-Type", "application/cdmi-container")
        .body("{}")
        .send()
        .expect("container");
    assert!(r.status().is_success(), "{:?}", r.text());
    for (file, bytes) in [("hadoop-system.vmdk", system), ("hadoop-hdfs.vmdk", hdfs)] {
        let r = h
            .put(format!("{base}/volumes/{name}/{file}"))
            .header("Content-Type", "application/octet-stream")
            .body(bytes.to_vec())
            .send()
            .expect("upload");
        assert!(r.status().is_success(), "{:?}", r.text());
    }
    for c in computes(base) {
        if c.starts_with(&format!("/compute/{name}.")) {
            action(base, &c, "start");
        }
    }
}

fn state_of(base: &str, compute: &str) -> String {
    entity(base, compute)["attributes"]["occi.compute.state"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_deployment_named_moves_with_its_own_disks_under_its_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Served::start(&dir.path().join("a"), &[]);
    let b = Served::start(&dir.path().join("b"), &[]);
    // Not disk images: bytes copied as they are (B wants no other format).
    let (sys1, hdfs1) = (dir.path().join("sys1"), dir.path().join("hdfs1"));
    std::fs::write(&sys1, vec![1u8; 70_000]).expect("written");
    std::fs::write(&hdfs1, vec![2u8; 50_000]).expect("written");
    deploy_hadoop(&a.base, &sys1, &hdfs1);
    let (sys_w, hdfs_w): (Vec<u8>, Vec<u8>) = (
        (0..90_000u32).map(|i| (i % 253) as u8).collect(),
        (0..40_000u32).map(|i| (i % 127) as u8).collect(),
    );
    deploy_again(&a.base, "west", &sys_w, &hdfs_w);
    let state = dir.path().join("m.json");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "migrate",
            "--from",
            a.base.as_str(),
            "--to",
            b.base.as_str(),
            "--state",
            state.to_str().expect("UTF-8"),
        ];
        args.extend_from_slice(extra);
        tern(&args)
    };

    // Two deployments and no --deployment: all of A, said so.
    let out = run(&["--dry-run"]);
    let report = text(&out);
    assert!(
        report.contains("A has 2 deployments (hadoop, west): everything A serves at / is migrated"),
        "{report}"
    );

    let out = run(&["--deployment", "west"]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.contains("deployments are equal"), "{report}");
    assert!(report.contains("in /deployments/west/"), "{report}");
    // B's locations are A's deployment's.
    let at_b = computes(&b.base);
    let west_at_a: Vec<String> = computes(&a.base)
        .into_iter()
        .filter(|c| c.starts_with("/compute/west."))
        .collect();
    assert_eq!(at_b, west_at_a, "{report}");
    assert_eq!(at_b.len(), 3, "{report}");
    // Only west's computes were stopped at A; B's started.
    for c in computes(&a.base) {
        let wanted = if c.starts_with("/compute/west.") {
            "inactive"
        } else {
            "active"
        };
        assert_eq!(state_of(&a.base, &c), wanted, "{c}: {report}");
    }
    for c in &at_b {
        assert_eq!(state_of(&b.base, c), "active", "{c}");
    }
    // west's disks (not hadoop's), in B's container of west, linked to B's storages.
    for (file, bytes, storage) in [
        ("hadoop-system.vmdk", &sys_w, "system"),
        ("hadoop-hdfs.vmdk", &hdfs_w, "hdfs"),
    ] {
        let url = format!("{}/volumes/west/{file}", b.base);
        let copy = dir.path().join(file);
        download(&url, &copy);
        assert!(std::fs::read(&copy).expect("read") == *bytes, "{file}");
        assert_eq!(
            entity(&b.base, &format!("/storage/west.{storage}"))["attributes"]["tern.cdmi.uri"],
            url
        );
    }

    // Again to the same B: refused before anything changes.
    for c in computes(&a.base) {
        if c.starts_with("/compute/west.") {
            action(&a.base, &c, "start");
        }
    }
    let out = run(&["--deployment", "west"]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("error[migrate.exists]"), "{report}");
    assert!(!report.contains("stop     done"), "{report}");
    for c in computes(&a.base) {
        assert_eq!(state_of(&a.base, &c), "active", "{c}: {report}");
    }
}

#[test]
fn an_ova_deployment_moves_with_the_disks_its_import_stored() {
    let Some(qemu) = super::qemu_img() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Served::start(&dir.path().join("a"), &[]);
    let b = Served::start(&dir.path().join("b"), &[]);
    // The package: the sample beside two real VMDKs, its File sizes theirs.
    let package = dir.path().join("package");
    std::fs::create_dir(&package).expect("dir");
    let system = super::vmdk(&qemu, &package, "hadoop-system", 1, 37);
    let hdfs = super::vmdk(&qemu, &package, "hadoop-hdfs", 1, 41);
    let size = |p: &std::path::Path| std::fs::metadata(p).expect("size").len().to_string();
    let descriptor = std::fs::read_to_string(hadoop())
        .expect("the sample")
        .replace(
            r#"ovf:href="hadoop-system.vmdk" ovf:size="1879048192""#,
            &format!(
                r#"ovf:href="hadoop-system.vmdk" ovf:size="{}""#,
                size(&system)
            ),
        )
        .replace(
            r#"ovf:href="hadoop-hdfs.vmdk" ovf:size="65536""#,
            &format!(r#"ovf:href="hadoop-hdfs.vmdk" ovf:size="{}""#, size(&hdfs)),
        );
    let ovf = package.join("hadoop.ovf");
    std::fs::write(&ovf, descriptor).expect("written");
    let ova = dir.path().join("hadoop.ova");
    let out = tern(&[
        "ova",
        "pack",
        "-o",
        ova.to_str().expect("UTF-8"),
        ovf.to_str().expect("UTF-8"),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let r = http()
        .post(format!("{}/deployments/cluster/", a.base))
        .header("Content-Type", "application/ova")
        .body(std::fs::read(&ova).expect("the OVA"))
        .send()
        .expect("import");
    assert_eq!(r.status().as_u16(), 201, "{:?}", r.text());

    let out = tern(&[
        "migrate",
        "--from",
        &a.base,
        "--to",
        &b.base,
        "--live-ok",
        "--state",
        dir.path().join("m.json").to_str().expect("UTF-8"),
    ]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(
        report.contains("A has one deployment, cluster: migrated"),
        "{report}"
    );
    assert!(report.contains("deployments are equal"), "{report}");
    // The disks A's OVA import stored, found in its container and copied into B's.
    for (file, source) in [("hadoop-system.vmdk", &system), ("hadoop-hdfs.vmdk", &hdfs)] {
        assert!(
            report.contains(&format!("{}/volumes/cluster/{file}", a.base)),
            "{file}: {report}"
        );
        let copy = dir.path().join(file);
        download(&format!("{}/volumes/cluster/{file}", b.base), &copy);
        assert!(
            std::fs::read(&copy).expect("read") == std::fs::read(source).expect("read"),
            "{file}"
        );
    }
    assert_eq!(computes(&b.base), computes(&a.base), "{report}");
    // B's deployment exports as an OVA with those disks (its storages name them).
    let r = http()
        .get(format!("{}/deployments/cluster/", b.base))
        .header("Accept", "application/ova")
        .send()
        .expect("export");
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().expect("the OVA");
    let disks = std::fs::metadata(&system).expect("size").len()
        + std::fs::metadata(&hdfs).expect("size").len();
    assert!(bytes.len() as u64 > disks, "{} bytes", bytes.len());
}
