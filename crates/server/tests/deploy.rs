//! Deployments and OVA, in process: imports into named deployments (`/deployments/<name>/`),
//! their members, exports, deletion; OVA imports streamed into CDMI data objects and exports
//! streamed back; a refused OVA leaves no entity, no data object and no blob.
// Scenarios read top to bottom, one short-named answer per step.
#![allow(clippy::too_many_lines, clippy::many_single_char_names)]

mod common;

use axum::http::StatusCode;
use common::{Answer, Server, server};

const OVF: &str = "application/ovf+xml";
const OVA: &str = "application/ova";
const BASE: &str = "http://cloud.example.com";

impl Server {
    // The locations a collection lists (text/uri-list), as paths.
    async fn list(&self, collection: &str) -> Vec<String> {
        let a = self
            .call("GET", collection, &[("accept", "text/uri-list")], "")
            .await;
        assert_eq!(a.status, StatusCode::OK, "{collection}: {}", a.text());
        a.text()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.strip_prefix(BASE).unwrap_or(l).to_owned())
            .collect()
    }

    async fn entities(&self) -> usize {
        let mut n = 0;
        for c in ["/compute/", "/network/", "/storage/", "/link/"] {
            n += self.list(c).await.len();
        }
        n
    }
}

fn sample(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/ovf")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn systems(ovf: &str) -> usize {
    ovf.matches("<VirtualSystem ").count()
}

#[tokio::test]
async fn one_descriptor_imports_under_two_names_and_exports_back_from_each() {
    let s = server().await;
    let descriptor = sample("hadoop-cluster.ovf");
    let a = s
        .call(
            "POST",
            "/deployments/?name=first",
            &[("content-type", OVF)],
            descriptor.clone(),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    assert_eq!(a.header("location"), format!("{BASE}/deployments/first/"));
    let created: Vec<String> = a.text().lines().map(str::to_owned).collect();
    let b = s
        .call(
            "POST",
            "/deployments/second/",
            &[("content-type", OVF)],
            descriptor.clone(),
        )
        .await;
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.text());
    // A Slug names the third; the descriptor's collection id names the fourth.
    let c = s
        .call(
            "POST",
            "/deployments/",
            &[("content-type", OVF), ("slug", "third")],
            descriptor.clone(),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text());
    let d = s
        .call("POST", "/", &[("content-type", OVF)], descriptor.clone())
        .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.text());
    assert_eq!(d.header("location"), format!("{BASE}/deployments/hadoop/"));
    assert_eq!(
        s.list("/deployments/").await,
        [
            "/deployments/first/",
            "/deployments/second/",
            "/deployments/third/",
            "/deployments/hadoop/"
        ]
    );

    // The members: every created entity, each in the deployment's own place.
    let mut members = s.list("/deployments/first/").await;
    let mut made: Vec<String> = created
        .iter()
        .map(|l| l.strip_prefix(BASE).unwrap().to_owned())
        .collect();
    members.sort();
    made.sort();
    assert_eq!(members, made);
    assert!(
        members
            .iter()
            .all(|m| m.rsplit('/').next().unwrap().starts_with("first.")),
        "{members:?}"
    );
    // In JSON too (the ordinary mixin collection).
    let json = s
        .call(
            "GET",
            "/deployments/second/",
            &[("accept", "application/occi+json")],
            "",
        )
        .await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(
        json.text().contains("/compute/second.portal"),
        "{}",
        json.text()
    );

    for name in ["first", "second", "third", "hadoop"] {
        let e = s
            .call(
                "GET",
                &format!("/deployments/{name}/"),
                &[("accept", OVF)],
                "",
            )
            .await;
        assert_eq!(e.status, StatusCode::OK, "{name}: {}", e.text());
        assert_eq!(e.text(), descriptor, "{name}");
    }
    // The whole server: every deployment's systems side by side.
    let all = s.call("GET", "/", &[("accept", OVF)], "").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text());
    assert_eq!(systems(&all.text()), 4 * systems(&descriptor));

    // Names in use, bad names.
    for (path, headers) in [
        ("/deployments/first/", vec![("content-type", OVF)]),
        ("/deployments/?name=second", vec![("content-type", OVF)]),
        ("/", vec![("content-type", OVF)]),
    ] {
        let again = s.call("POST", path, &headers, descriptor.clone()).await;
        assert_eq!(
            again.status,
            StatusCode::CONFLICT,
            "{path}: {}",
            again.text()
        );
    }
    let bad = s
        .call(
            "POST",
            "/deployments/?name=Not%20A%20Name",
            &[("content-type", OVF)],
            descriptor.clone(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text());
}

#[tokio::test]
async fn deleting_a_deployment_removes_its_entities_and_only_those() {
    let s = server().await;
    let descriptor = sample("hadoop-cluster.ovf");
    for name in ["keep", "drop"] {
        let a = s
            .call(
                "POST",
                &format!("/deployments/{name}/"),
                &[("content-type", OVF)],
                descriptor.clone(),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    }
    // A DELETE listing locations only takes them out of the deployment (GFD.223).
    let portal = "/compute/keep.portal";
    let out = s
        .call(
            "DELETE",
            "/deployments/keep/",
            &[("content-type", "text/uri-list")],
            format!("{BASE}{portal}\n"),
        )
        .await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.text());
    assert!(
        !s.list("/deployments/keep/")
            .await
            .contains(&portal.to_owned())
    );
    assert_eq!(s.list("/compute/").await.len(), 6);
    let back = s
        .call(
            "POST",
            "/deployments/keep/",
            &[("content-type", "text/uri-list")],
            format!("{BASE}{portal}\n"),
        )
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text());
    let total = s.entities().await;
    let kept = s.list("/deployments/keep/").await;
    let volumes_before = s
        .list("/deployments/drop/")
        .await
        .iter()
        .filter(|l| l.starts_with("/storage/"))
        .count();
    assert!(volumes_before > 0);
    let d = s.call("DELETE", "/deployments/drop/", &[], "").await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.text());
    assert_eq!(s.entities().await, total - kept.len());
    assert_eq!(s.list("/deployments/keep/").await, kept);
    assert_eq!(s.list("/deployments/").await, ["/deployments/keep/"]);
    let gone = s
        .call("GET", "/deployments/drop/", &[("accept", OVF)], "")
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "{}", gone.text());
    let again = s.call("DELETE", "/deployments/drop/", &[], "").await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.text());
    // The storages' volumes went with them; the query interface no longer has the mixin.
    // (Metadata only: the 5 GiB sparse value is not for a CDMI body.)
    let cdmi = [
        ("accept", "application/cdmi-object"),
        ("x-cdmi-specification-version", "1.1.1"),
    ];
    let volume = |name: &str| format!("/volumes/{name}.system?metadata");
    assert_eq!(
        s.call("GET", &volume("drop"), &cdmi, "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.call("GET", &volume("keep"), &cdmi, "").await.status,
        StatusCode::OK
    );
    let qi = s
        .call("GET", "/-/", &[("accept", "text/plain")], "")
        .await
        .text();
    assert!(
        !qi.contains("Category: drop; scheme=\"http://schemas.tern.dev/occi/deployment#\""),
        "{qi}"
    );
    assert!(
        qi.contains("Category: keep; scheme=\"http://schemas.tern.dev/occi/deployment#\""),
        "{qi}"
    );
    // The name is free again, and the last deployment is the whole server's export.
    let a = s
        .call(
            "POST",
            "/deployments/drop/",
            &[("content-type", OVF)],
            descriptor.clone(),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    let d = s.call("DELETE", "/deployments/keep/", &[], "").await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    let all = s.call("GET", "/", &[("accept", OVF)], "").await;
    assert_eq!(all.text(), descriptor);
}

#[tokio::test]
async fn a_compute_added_with_the_mixin_shows_in_the_export() {
    let s = server().await;
    let descriptor = sample("hadoop-cluster.ovf");
    let a = s
        .call(
            "POST",
            "/deployments/web/",
            &[("content-type", OVF)],
            descriptor.clone(),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    let vm = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\n\
Category: web; scheme=\"http://schemas.tern.dev/occi/deployment#\"; class=\"mixin\"\n\
X-OCCI-Attribute: occi.core.title=\"hadoop-slave-2\"\n\
X-OCCI-Attribute: occi.compute.cores=4\n\
X-OCCI-Attribute: occi.compute.memory=16\n";
    let c = s
        .call(
            "PUT",
            "/compute/web.hadoop-slave-2",
            &[("content-type", "text/plain")],
            vm,
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text());
    assert!(
        s.list("/deployments/web/")
            .await
            .contains(&"/compute/web.hadoop-slave-2".to_owned())
    );
    let e = s
        .call("GET", "/deployments/web/", &[("accept", OVF)], "")
        .await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.text());
    let exported = e.text();
    assert_eq!(systems(&exported), systems(&descriptor) + 1, "{exported}");
    assert!(exported.contains("hadoop-slave-2"), "{exported}");
    let report =
        tern_ovf::validate_bytes(exported.as_bytes(), &tern_ovf::ValidateOptions::default());
    assert!(report.is_valid(), "{:?}", report.error_rules());
    // Removed again, the kept envelope describes the deployment once more.
    let d = s
        .call("DELETE", "/compute/web.hadoop-slave-2", &[], "")
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    let e = s
        .call("GET", "/deployments/web/", &[("accept", OVF)], "")
        .await;
    assert_eq!(e.text(), descriptor);
}

// The hadoop sample with its two disks (small, sizes corrected), packed by tern-ova.
fn hadoop_ova(dir: &std::path::Path, system: &[u8], hdfs: &[u8]) -> Vec<u8> {
    let descriptor = sample("hadoop-cluster.ovf")
        .replace(
            "ovf:size=\"1879048192\"",
            &format!("ovf:size=\"{}\"", system.len()),
        )
        .replace(
            "ovf:size=\"65536\"",
            &format!("ovf:size=\"{}\"", hdfs.len()),
        );
    std::fs::write(dir.join("hadoop-cluster.ovf"), descriptor).unwrap();
    std::fs::write(dir.join("hadoop-system.vmdk"), system).unwrap();
    std::fs::write(dir.join("hadoop-hdfs.vmdk"), hdfs).unwrap();
    let found = tern_ova::referenced_files(&dir.join("hadoop-cluster.ovf")).unwrap();
    let out = dir.join("hadoop.ova");
    let options = tern_ova::PackOptions {
        mtime: Some(0),
        overwrite: true,
        ..tern_ova::PackOptions::default()
    };
    tern_ova::pack(
        &dir.join("hadoop-cluster.ovf"),
        &found.files,
        &out,
        &options,
        &mut |_| {},
    )
    .unwrap();
    std::fs::read(out).unwrap()
}

#[tokio::test]
async fn an_ova_imports_its_disks_into_cdmi_and_exports_back() {
    let s = server().await;
    let work = tempfile::tempdir().unwrap();
    let system: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let hdfs = b"hdfs bytes".to_vec();
    let ova = hadoop_ova(work.path(), &system, &hdfs);
    let a = s
        .call(
            "POST",
            "/deployments/?name=packed",
            &[("content-type", OVA)],
            ova,
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    assert_eq!(a.header("location"), format!("{BASE}/deployments/packed/"));
    // The disks are data objects of the deployment's container, with the IDs the storages name.
    let got = s
        .call("GET", "/volumes/packed/hadoop-system.vmdk", &[], "")
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert!(got.body == system);
    let meta = s
        .call(
            "GET",
            "/volumes/packed/hadoop-hdfs.vmdk",
            &[
                ("accept", "application/cdmi-object"),
                ("x-cdmi-specification-version", "1.1.1"),
            ],
            "",
        )
        .await;
    let meta: serde_json::Value = serde_json::from_slice(&meta.body).unwrap();
    let object_id = meta["objectID"].as_str().unwrap().to_owned();
    let storage = s
        .call(
            "GET",
            "/storage/packed.hdfs",
            &[("accept", "application/occi+json")],
            "",
        )
        .await
        .text();
    assert!(storage.contains(&object_id), "{object_id} not in {storage}");

    // Exported: the descriptor, a manifest, the disks.
    let e = s
        .call("GET", "/deployments/packed/", &[("accept", OVA)], "")
        .await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.text());
    assert_eq!(e.header("content-type"), OVA);
    assert_eq!(e.header("content-length"), e.body.len().to_string());
    let mut archive =
        tern_ova::Ova::from_reader(std::io::Cursor::new(e.body.clone()), "export.ova").unwrap();
    let names: Vec<String> = archive.members().iter().map(|m| m.name.clone()).collect();
    assert_eq!(
        names,
        [
            "packed.ovf",
            "packed.mf",
            "hadoop-system.vmdk",
            "hadoop-hdfs.vmdk"
        ]
    );
    let report = archive.verify(&mut |_| {}).unwrap();
    assert!(report.is_valid(), "{:?}", report.findings);
    assert_eq!(
        archive
            .read_member_to_vec("hadoop-system.vmdk", 1 << 30)
            .unwrap(),
        system
    );
    // `/` with one deployment exports the same package.
    let root = s.call("GET", "/", &[("accept", OVA)], "").await;
    assert!(root.body == e.body);

    // A disk changed by a partial write (its value now extents) exports changed, its digest
    // in the manifest computed over the extents.
    let part = s
        .call(
            "PUT",
            "/volumes/packed/hadoop-system.vmdk",
            &[
                ("content-type", "application/octet-stream"),
                ("content-range", "bytes 1000-1009/3000000"),
            ],
            "0123456789",
        )
        .await;
    assert_eq!(part.status, StatusCode::NO_CONTENT, "{}", part.text());
    let mut changed = system.clone();
    changed[1000..1010].copy_from_slice(b"0123456789");
    let e2 = s
        .call("GET", "/deployments/packed/", &[("accept", OVA)], "")
        .await;
    assert_eq!(e2.status, StatusCode::OK, "{}", e2.text());
    let mut archive =
        tern_ova::Ova::from_reader(std::io::Cursor::new(e2.body.clone()), "export.ova").unwrap();
    let report = archive.verify(&mut |_| {}).unwrap();
    assert!(report.is_valid(), "{:?}", report.findings);
    assert!(
        archive
            .read_member_to_vec("hadoop-system.vmdk", 1 << 30)
            .unwrap()
            == changed
    );

    // Deleted without purge, the disks stay; with purge they go.
    let d = s.call("DELETE", "/deployments/packed/", &[], "").await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    let kept = s
        .call("GET", "/volumes/packed/hadoop-hdfs.vmdk", &[], "")
        .await;
    assert_eq!(kept.status, StatusCode::OK);
    let again = hadoop_ova(work.path(), &system, &hdfs);
    let clash = s
        .call(
            "POST",
            "/deployments/packed/",
            &[("content-type", OVA)],
            again.clone(),
        )
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT, "{}", clash.text());
    let blobs = s.blobs();
    let a = s
        .call(
            "POST",
            "/deployments/packed2/",
            &[("content-type", "application/x-tar")],
            again,
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    assert_eq!(s.blobs(), blobs + 2);
    let d = s
        .call("DELETE", "/deployments/packed2/?purge=true", &[], "")
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    let gone = s
        .call("GET", "/volumes/packed2/hadoop-hdfs.vmdk", &[], "")
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(s.blobs(), blobs);
}

#[tokio::test]
async fn a_refused_ova_leaves_nothing() {
    let s = server().await;
    let work = tempfile::tempdir().unwrap();
    let system = vec![5u8; 100_000];
    let good = hadoop_ova(work.path(), &system, b"hdfs");
    let blobs = s.blobs();
    let volumes = s
        .call(
            "GET",
            "/volumes/",
            &[
                ("accept", "application/cdmi-container"),
                ("x-cdmi-specification-version", "1.1.1"),
            ],
            "",
        )
        .await;

    let check = |a: &Answer, rule: &str| {
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
        assert!(
            a.text().contains(&format!("[{rule}]")),
            "{rule}: {}",
            a.text()
        );
    };
    // A disk's bytes changed after packing: the digest.
    let mut tampered = good.clone();
    let at = tampered.windows(8).rposition(|w| w == [5u8; 8]).unwrap();
    tampered[at] = 6;
    let a = s
        .call(
            "POST",
            "/deployments/?name=bad",
            &[("content-type", OVA)],
            tampered,
        )
        .await;
    check(&a, "OVA-DIGEST");
    // A manifest line garbled.
    let mut garbled = good.clone();
    let mf = garbled.windows(7).position(|w| w == b"SHA256(").unwrap();
    garbled[mf..mf + 6].copy_from_slice(b"XXX256");
    let a = s
        .call(
            "POST",
            "/deployments/?name=bad",
            &[("content-type", OVA)],
            garbled,
        )
        .await;
    check(&a, "MF-ALGORITHM");
    // Cut short in the middle of a disk.
    let a = s
        .call(
            "POST",
            "/deployments/?name=bad",
            &[("content-type", OVA)],
            good[..good.len() - 60_000].to_vec(),
        )
        .await;
    check(&a, "OVA-READ");
    // An invalid descriptor.
    std::fs::write(
        work.path().join("bad.ovf"),
        "<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\"><VirtualSystem></Envelope>",
    )
    .unwrap();
    let out = work.path().join("bad.ova");
    tern_ova::pack(
        &work.path().join("bad.ovf"),
        &[],
        &out,
        &tern_ova::PackOptions {
            mtime: Some(0),
            ..Default::default()
        },
        &mut |_| {},
    )
    .unwrap();
    let a = s
        .call(
            "POST",
            "/deployments/?name=bad",
            &[("content-type", OVA)],
            std::fs::read(&out).unwrap(),
        )
        .await;
    check(&a, "OVF-XML");
    // Not a tar at all.
    let a = s
        .call("POST", "/", &[("content-type", OVA)], b"hello".to_vec())
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
    assert!(a.text().contains("error[OVA"), "{}", a.text());

    assert_eq!(s.entities().await, 0);
    assert!(s.list("/deployments/").await.is_empty());
    assert_eq!(s.blobs(), blobs);
    let after = s
        .call(
            "GET",
            "/volumes/",
            &[
                ("accept", "application/cdmi-container"),
                ("x-cdmi-specification-version", "1.1.1"),
            ],
            "",
        )
        .await;
    assert_eq!(after.status, volumes.status);
    let gone = s
        .call(
            "GET",
            "/volumes/bad/",
            &[
                ("accept", "application/cdmi-container"),
                ("x-cdmi-specification-version", "1.1.1"),
            ],
            "",
        )
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

const CDMI_OBJECT: [(&str, &str); 2] = [
    ("accept", "application/cdmi-object"),
    ("x-cdmi-specification-version", "1.1.1"),
];

impl Server {
    // A data object's CDMI metadata (404: `None`).
    async fn metadata(&self, path: &str) -> Option<serde_json::Value> {
        let a = self
            .call(
                "GET",
                &format!("{path}?metadata;objectID"),
                &CDMI_OBJECT,
                "",
            )
            .await;
        if a.status == StatusCode::NOT_FOUND {
            return None;
        }
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text());
        Some(serde_json::from_slice(&a.body).unwrap())
    }

    // The children of a CDMI container.
    async fn children(&self, path: &str) -> Vec<String> {
        let a = self
            .call(
                "GET",
                &format!("{path}?children"),
                &[
                    ("accept", "application/cdmi-container"),
                    ("x-cdmi-specification-version", "1.1.1"),
                ],
                "",
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text());
        let v: serde_json::Value = serde_json::from_slice(&a.body).unwrap();
        v["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect()
    }

    // The computes linked to `storage` (their JSON renderings name it as a link target).
    async fn computes_linked_to(&self, storage: &str) -> Vec<String> {
        let mut out = Vec::new();
        for c in self.list("/compute/").await {
            let json = self
                .call("GET", &c, &[("accept", "application/occi+json")], "")
                .await
                .text();
            if json.contains(&format!("\"{storage}\""))
                || json.contains(&format!("{BASE}{storage}\""))
            {
                out.push(c);
            }
        }
        out.sort();
        out
    }
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[tokio::test]
async fn an_ova_s_storages_are_backed_by_its_disks() {
    let s = server().await;
    let work = tempfile::tempdir().unwrap();
    let ova = hadoop_ova(work.path(), b"system bytes", b"hdfs bytes");
    let a = s
        .call(
            "POST",
            "/deployments/?name=packed",
            &[("content-type", OVA)],
            ova.clone(),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    // No sparse volume beside the disks: the deployment's container is all /volumes/ holds.
    assert_eq!(s.children("/volumes/").await, ["packed/"]);
    for (storage, disk) in [
        (
            "/storage/packed.system",
            "/volumes/packed/hadoop-system.vmdk",
        ),
        ("/storage/packed.hdfs", "/volumes/packed/hadoop-hdfs.vmdk"),
    ] {
        let meta = s.metadata(disk).await.unwrap();
        assert_eq!(meta["metadata"]["tern_occi_storage"], storage, "{meta}");
        let linked = s.computes_linked_to(storage).await;
        assert!(!linked.is_empty(), "{storage}");
        assert_eq!(
            strings(&meta["metadata"]["tern_occi_computes"]),
            linked,
            "{meta}"
        );
        // The storage links reach the disk by its object ID.
        let id = meta["objectID"].as_str().unwrap();
        for c in &linked {
            let json = s
                .call("GET", c, &[("accept", "application/occi+json")], "")
                .await
                .text();
            assert!(json.contains(id), "{c} does not name {id}: {json}");
        }
    }
    // A link taken away leaves the disk's metadata.
    let hdfs = "/volumes/packed/hadoop-hdfs.vmdk";
    let before = strings(&s.metadata(hdfs).await.unwrap()["metadata"]["tern_occi_computes"]);
    let links = s.list("/link/").await;
    let mut removed = None;
    for l in links {
        let json = s
            .call("GET", &l, &[("accept", "application/occi+json")], "")
            .await
            .text();
        if json.contains("/storage/packed.hdfs\"") {
            let d = s.call("DELETE", &l, &[], "").await;
            assert!(d.status.is_success(), "{}", d.text());
            removed = Some(l);
            break;
        }
    }
    assert!(removed.is_some());
    let after = strings(&s.metadata(hdfs).await.unwrap()["metadata"]["tern_occi_computes"]);
    assert_eq!(after.len() + 1, before.len(), "{before:?} → {after:?}");

    // Deleted without purge: the disks stay, without the reverse links; nothing else left.
    let blobs = s.blobs();
    let d = s.call("DELETE", "/deployments/packed/", &[], "").await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.text());
    let kept = s.metadata(hdfs).await.expect("the disk stays");
    assert!(
        kept["metadata"].get("tern_occi_storage").is_none(),
        "{kept}"
    );
    assert!(
        kept["metadata"].get("tern_occi_computes").is_none(),
        "{kept}"
    );
    assert_eq!(s.blobs(), blobs);
    assert_eq!(s.children("/volumes/").await, ["packed/"]);
    // With purge: the disks and their blobs go too.
    let a = s
        .call(
            "POST",
            "/deployments/?name=again",
            &[("content-type", OVA)],
            ova,
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    assert_eq!(s.children("/volumes/").await, ["again/", "packed/"]);
    let d = s
        .call("DELETE", "/deployments/again/?purge=true", &[], "")
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.text());
    assert_eq!(s.children("/volumes/").await, ["packed/"]);
    assert_eq!(s.blobs(), blobs);
}

#[tokio::test]
async fn an_ovf_naming_uploaded_objects_is_backed_by_them() {
    let s = server().await;
    // Disks uploaded before, plain HTTP, outside /volumes/.
    let c = s.call("PUT", "/uploads/", &[], "").await;
    assert!(c.status.is_success(), "{}", c.text());
    for (name, bytes) in [
        ("hadoop-system.vmdk", "system"),
        ("hadoop-hdfs.vmdk", "hdfs"),
    ] {
        let put = s
            .call(
                "PUT",
                &format!("/uploads/{name}"),
                &[("content-type", "application/x-vmdk")],
                bytes,
            )
            .await;
        assert!(put.status.is_success(), "{}", put.text());
    }
    let descriptor = sample("hadoop-cluster.ovf").replace(
        "ovf:href=\"hadoop-",
        &format!("ovf:href=\"{BASE}/uploads/hadoop-"),
    );
    let a = s
        .call(
            "POST",
            "/deployments/?name=up",
            &[("content-type", OVF)],
            descriptor,
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    let meta = s.metadata("/uploads/hadoop-hdfs.vmdk").await.unwrap();
    assert_eq!(
        meta["metadata"]["tern_occi_storage"], "/storage/up.hdfs",
        "{meta}"
    );
    assert_eq!(
        strings(&meta["metadata"]["tern_occi_computes"]),
        s.computes_linked_to("/storage/up.hdfs").await
    );
    // No sparse volume was made for them.
    let volumes = s
        .call(
            "GET",
            "/volumes/?children",
            &[
                ("accept", "application/cdmi-container"),
                ("x-cdmi-specification-version", "1.1.1"),
            ],
            "",
        )
        .await;
    assert!(!volumes.text().contains("up."), "{}", volumes.text());
    // Even a purge leaves what was uploaded: only the reverse links go.
    let d = s
        .call("DELETE", "/deployments/up/?purge=true", &[], "")
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.text());
    let kept = s.metadata("/uploads/hadoop-hdfs.vmdk").await.expect("kept");
    assert!(
        kept["metadata"].get("tern_occi_storage").is_none(),
        "{kept}"
    );
    let value = s.call("GET", "/uploads/hadoop-hdfs.vmdk", &[], "").await;
    assert_eq!(value.body, b"hdfs");
}
