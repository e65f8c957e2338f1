//! Deployments on the real binary: the article's steps 1a–2c done with OCCI and CDMI calls
//! (three images uploaded and registered, two networks, two volumes, master, slave, portal
//! and their links, all tagged with one deployment), the same deployment made by one OVF
//! import under a second name, both exported and judged by `tern ovf validate --strict` and
//! `tern diff` (equal); a scaled-out slave shows in the export; an OVA made by `tern ova
//! pack` imports and exports back (`tern ova verify`); an OVA with a bad manifest leaves
//! nothing behind.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use reqwest::StatusCode;
use reqwest::blocking::Client;
use serde_json::{Value, json};

use crate::{Served, client};

const OVF: &str = "application/ovf+xml";
const OVA: &str = "application/ova";
const JSON: &str = "application/occi+json";
const DEPLOYMENT: &str = "http://schemas.tern.dev/occi/deployment#";

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/ovf/hadoop-cluster.ovf")
}

fn tern(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

// The deployment's OVF, saved under `dir`, valid under `--strict`.
fn export(http: &Client, base: &str, name: &str, dir: &Path) -> PathBuf {
    let r = http
        .get(format!("{base}/deployments/{name}/"))
        .header("Accept", OVF)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // One file name for every export: the name is provenance in the OCCI (`tern.ovf.envelope`).
    let dir = dir.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("deployment.ovf");
    std::fs::write(&path, r.text().unwrap()).unwrap();
    ok(&tern(&[
        "ovf".as_ref(),
        "validate".as_ref(),
        "--strict".as_ref(),
        path.as_os_str(),
    ]));
    path
}

// What `tern ovf2occi` makes of a descriptor.
fn occi(ovf: &Path) -> PathBuf {
    let out = ovf.with_extension("json");
    ok(&tern(&[
        "ovf2occi".as_ref(),
        ovf.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]));
    out
}

fn send(r: reqwest::blocking::RequestBuilder, expected: StatusCode) -> String {
    let r = r.send().unwrap();
    let status = r.status();
    let text = r.text().unwrap();
    assert_eq!(status, expected, "{text}");
    text
}

// `/compute/portal` → `/compute/article.portal`.
fn place(location: &str) -> String {
    let (dir, last) = location.rsplit_once('/').unwrap();
    format!("{dir}/article.{last}")
}

// 1a: three images uploaded through CDMI become os_tpl mixins.
fn upload_images(http: &Client, base: &str) {
    let cdmi = [("X-CDMI-Specification-Version", "1.1.1")];
    let r = http
        .put(format!("{base}/images/"))
        .header(cdmi[0].0, cdmi[0].1)
        .header("Content-Type", "application/cdmi-container")
        .body("{}");
    send(r, StatusCode::CREATED);
    for image in ["hadoop-master", "hadoop-slave", "portal"] {
        let r = http
            .put(format!("{base}/images/{image}.qcow2"))
            .header("Content-Type", "application/octet-stream")
            .body(format!("QFI\u{fb} {image} image"));
        send(r, StatusCode::CREATED);
    }
    let qi = send(
        http.get(format!("{base}/-/")).header("Accept", JSON),
        StatusCode::OK,
    );
    let qi: Value = serde_json::from_str(&qi).unwrap();
    for image in ["hadoop-master", "hadoop-slave", "portal"] {
        assert!(
            qi["mixins"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["term"] == format!("{image}.qcow2")
                    && m["depends"][0] == "http://schemas.ogf.org/occi/infrastructure#os_tpl"),
            "{image} not registered"
        );
    }
}

// The article's deployment by OCCI calls, everything tagged with the deployment `article`:
// the deployment (a mixin of the query interface) and the descriptions of the machines
// (tern's OVF mixins, as ovf2occi writes them), 1b the networks, 1c the volumes, 2a–2c the
// master, the slave, the portal and their links.
fn deploy_by_calls(http: &Client, base: &str) {
    let descriptor_path = sample();
    let o = tern(&["ovf2occi".as_ref(), descriptor_path.as_os_str()]);
    ok(&o);
    let topology: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut mixins: Vec<Value> = topology["mixins"].as_array().unwrap().clone();
    for m in &mut mixins {
        let term = m["term"].as_str().unwrap().to_owned();
        m["location"] = json!(format!("/ovf/{term}/"));
    }
    mixins.push(json!({
        "scheme": DEPLOYMENT, "term": "article", "title": "the article's deployment",
        "location": "/deployments/article/"
    }));
    send(
        http.post(format!("{base}/-/"))
            .header("Content-Type", JSON)
            .body(json!({ "mixins": mixins }).to_string()),
        StatusCode::OK,
    );

    let resources = topology["resources"].as_array().unwrap();
    let of = |kind: &str| -> Vec<&Value> {
        let suffix = format!("#{kind}");
        resources
            .iter()
            .filter(|r| r["kind"].as_str().unwrap().ends_with(&suffix))
            .collect()
    };
    let tagged = |r: &Value| {
        let mut r = r.clone();
        r.as_object_mut().unwrap().remove("links");
        let tag = json!(format!("{DEPLOYMENT}article"));
        match r["mixins"].as_array_mut() {
            Some(m) => m.push(tag),
            None => r["mixins"] = json!([tag]),
        }
        r
    };
    let location = |r: &Value, kind: &str| {
        let id = r["id"].as_str().unwrap();
        place(&format!("/{kind}/{}", id.rsplit(':').next().unwrap()))
    };
    // 1b: two networks; 1c: two volumes (each backed by a CDMI data object).
    for kind in ["network", "storage"] {
        for r in of(kind) {
            let at = location(r, kind);
            send(
                http.put(format!("{base}{at}"))
                    .header("Content-Type", JSON)
                    .body(tagged(r).to_string()),
                StatusCode::CREATED,
            );
        }
    }
    // 2a–2c: master, slave, portal, then their links.
    let order = ["hadoop-master", "hadoop-slave", "portal"];
    let mut computes: Vec<&Value> = of("compute");
    computes.sort_by_key(|r| order.iter().position(|o| r["title"] == *o));
    for r in &computes {
        let at = location(r, "compute");
        send(
            http.put(format!("{base}{at}"))
                .header("Content-Type", JSON)
                .body(tagged(r).to_string()),
            StatusCode::CREATED,
        );
        for (n, link) in r["links"].as_array().unwrap().iter().enumerate() {
            let mut link = tagged(link);
            link["source"] = json!({ "location": at });
            let target = link["target"]["location"].as_str().unwrap().to_owned();
            link["target"]["location"] = json!(place(&target));
            let kind = link["kind"]
                .as_str()
                .unwrap()
                .rsplit('#')
                .next()
                .unwrap()
                .to_owned();
            let title = r["title"].as_str().unwrap();
            send(
                http.put(format!("{base}/{kind}/article.{title}-{n}"))
                    .header("Content-Type", JSON)
                    .body(link.to_string()),
                StatusCode::CREATED,
            );
        }
    }
}

#[test]
fn the_article_deployment_by_occi_and_cdmi_calls_equals_one_ovf_import() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(&dir.path().join("data"), &[]);
    let base = served.base.clone();
    let http = client();
    upload_images(&http, &base);

    deploy_by_calls(&http, &base);

    // The same deployment by one OVF import under a second name.
    let descriptor = std::fs::read_to_string(sample()).unwrap();
    send(
        http.post(format!("{base}/deployments/imported/"))
            .header("Content-Type", OVF)
            .body(descriptor.clone()),
        StatusCode::CREATED,
    );
    let by_calls = send(
        http.get(format!("{base}/deployments/article/"))
            .header("Accept", "text/uri-list"),
        StatusCode::OK,
    );
    let by_import = send(
        http.get(format!("{base}/deployments/imported/"))
            .header("Accept", "text/uri-list"),
        StatusCode::OK,
    );
    assert_eq!(by_calls.lines().count(), by_import.lines().count());

    let a = export(&http, &base, "article", dir.path());
    let b = export(&http, &base, "imported", dir.path());
    assert_eq!(std::fs::read_to_string(&b).unwrap(), descriptor);
    let diff = tern(&[
        "diff".as_ref(),
        "--detailed-exitcode".as_ref(),
        occi(&a).as_os_str(),
        occi(&b).as_os_str(),
    ]);
    ok(&diff);

    // Scaling out: a second slave with the deployment's mixin shows in its export.
    let more = json!({
        "kind": "http://schemas.ogf.org/occi/infrastructure#compute",
        "mixins": [format!("{DEPLOYMENT}imported")],
        "id": "urn:ovf:compute:hadoop-slave-2",
        "title": "hadoop-slave-2",
        "attributes": {
            "occi.compute.cores": 4,
            "occi.compute.memory": 16,
            "occi.compute.hostname": "hadoop-slave-2"
        }
    });
    send(
        http.put(format!("{base}/compute/imported.hadoop-slave-2"))
            .header("Content-Type", JSON)
            .body(more.to_string()),
        StatusCode::CREATED,
    );
    let scaled = export(&http, &base, "imported", dir.path());
    let scaled = std::fs::read_to_string(scaled).unwrap();
    assert_eq!(
        scaled.matches("<VirtualSystem ").count(),
        descriptor.matches("<VirtualSystem ").count() + 1,
        "{scaled}"
    );
    assert!(scaled.contains("hadoop-slave-2"), "{scaled}");
}

// The hadoop sample with two small disks beside it, packed by `tern ova pack`.
fn packed(dir: &Path) -> PathBuf {
    let system = vec![7u8; 300_000];
    let hdfs = b"hdfs".to_vec();
    let descriptor = std::fs::read_to_string(sample())
        .unwrap()
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
    let ova = dir.join("hadoop.ova");
    ok(&tern(&[
        "ova".as_ref(),
        "pack".as_ref(),
        "--force".as_ref(),
        dir.join("hadoop-cluster.ovf").as_os_str(),
        "-o".as_ref(),
        ova.as_os_str(),
    ]));
    ova
}

// Entities of every kind, and the data objects under /volumes/ (recursively).
fn census(http: &Client, base: &str) -> (usize, usize) {
    let mut entities = 0;
    for c in ["/compute/", "/network/", "/storage/", "/link/"] {
        entities += send(
            http.get(format!("{base}{c}"))
                .header("Accept", "text/uri-list"),
            StatusCode::OK,
        )
        .lines()
        .filter(|l| !l.is_empty())
        .count();
    }
    let mut objects = 0;
    let mut pending = vec!["/volumes/".to_owned()];
    while let Some(c) = pending.pop() {
        let r = http
            .get(format!("{base}{c}"))
            .header("X-CDMI-Specification-Version", "1.1.1")
            .header("Accept", "application/cdmi-container")
            .send()
            .unwrap();
        if r.status() == StatusCode::NOT_FOUND {
            continue;
        }
        let body: Value = serde_json::from_str(&r.text().unwrap()).unwrap();
        for child in body["children"].as_array().unwrap() {
            let child = child.as_str().unwrap();
            objects += 1;
            if child.ends_with('/') {
                pending.push(format!("{c}{child}"));
            }
        }
    }
    (entities, objects)
}

#[test]
fn an_ova_round_trips_and_a_bad_manifest_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(&dir.path().join("data"), &[]);
    let base = served.base.clone();
    let http = client();
    let ova = packed(dir.path());
    let bytes = std::fs::read(&ova).unwrap();

    // A manifest whose digest of a disk is wrong: refused, nothing left.
    let before = census(&http, &base);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let line = text
        .lines()
        .find(|l| l.starts_with("SHA256(hadoop-hdfs.vmdk)= "))
        .unwrap();
    let digest = line.rsplit(' ').next().unwrap();
    let wrong = if digest.starts_with('0') { "1" } else { "0" };
    let at = bytes
        .windows(digest.len())
        .position(|w| w == digest.as_bytes())
        .unwrap();
    let mut bad = bytes.clone();
    bad[at] = wrong.as_bytes()[0];
    let refused = send(
        http.post(format!("{base}/deployments/?name=bad"))
            .header("Content-Type", OVA)
            .body(bad),
        StatusCode::BAD_REQUEST,
    );
    assert!(refused.contains("error[OVA-DIGEST]"), "{refused}");
    assert_eq!(census(&http, &base), before);
    let blobs = std::fs::read_dir(dir.path().join("data/blobs"))
        .unwrap()
        .count();

    // The good one, then back.
    send(
        http.post(format!("{base}/deployments/?name=packed"))
            .header("Content-Type", OVA)
            .body(bytes),
        StatusCode::CREATED,
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("data/blobs"))
            .unwrap()
            .count(),
        blobs + 2
    );
    let r = http
        .get(format!("{base}/deployments/packed/"))
        .header("Accept", OVA)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let exported = dir.path().join("exported.ova");
    std::fs::write(&exported, r.bytes().unwrap()).unwrap();
    ok(&tern(&[
        "ova".as_ref(),
        "verify".as_ref(),
        exported.as_os_str(),
    ]));
    let unpacked = dir.path().join("unpacked");
    ok(&tern(&[
        "ova".as_ref(),
        "unpack".as_ref(),
        exported.as_os_str(),
        "--directory".as_ref(),
        unpacked.as_os_str(),
    ]));
    assert_eq!(
        std::fs::read(unpacked.join("hadoop-system.vmdk")).unwrap(),
        std::fs::read(dir.path().join("hadoop-system.vmdk")).unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(unpacked.join("packed.ovf")).unwrap(),
        std::fs::read_to_string(dir.path().join("hadoop-cluster.ovf")).unwrap()
    );
}

// An OVA generated on the fly: the minimal sample's descriptor naming a disk of `disk` bytes,
// then the disk. The test holds none of the disk either.
struct GeneratedOva {
    head: std::io::Cursor<Vec<u8>>,
    at: u64,
    disk: u64,
    tail: std::io::Cursor<Vec<u8>>,
}

impl GeneratedOva {
    fn new(disk: u64) -> (GeneratedOva, u64) {
        let descriptor = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/ovf/minimal.ovf"),
        )
        .unwrap()
        .replace("ovf:size=\"1048576\"", &format!("ovf:size=\"{disk}\""));
        let mut head = tern_ova::ustar_header("vm.ovf", descriptor.len() as u64, 0)
            .unwrap()
            .to_vec();
        head.extend_from_slice(descriptor.as_bytes());
        head.resize(
            head.len() + tern_ova::tar_padding(descriptor.len() as u64) as usize,
            0,
        );
        head.extend_from_slice(&tern_ova::ustar_header("minimal-disk1.vmdk", disk, 0).unwrap());
        let tail = vec![0u8; tern_ova::tar_padding(disk) as usize + 1024];
        let len = (head.len() + tail.len()) as u64 + disk;
        let ova = GeneratedOva {
            head: std::io::Cursor::new(head),
            at: 0,
            disk,
            tail: std::io::Cursor::new(tail),
        };
        (ova, len)
    }
}

impl std::io::Read for GeneratedOva {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.head.read(buf)?;
        if n > 0 {
            return Ok(n);
        }
        if self.at < self.disk {
            let n = buf.len().min((self.disk - self.at) as usize);
            for (k, b) in buf[..n].iter_mut().enumerate() {
                *b = ((self.at + k as u64) % 251) as u8;
            }
            self.at += n as u64;
            return Ok(n);
        }
        self.tail.read(buf)
    }
}

// The resident set of a process, in bytes (Linux).
fn rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn a_64_mib_ova_streams_in_and_out_in_bounded_memory() {
    const SIZE: u64 = 64 * 1024 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(&dir.path().join("data"), &[]);
    let pid = served.child.id();
    let base = served.base.clone();
    let http = Client::builder()
        .timeout(std::time::Duration::from_secs(300))
        .build()
        .unwrap();
    // Warm up with a small one (the first requests grow the allocator's pools).
    let (small, len) = GeneratedOva::new(1 << 20);
    send(
        http.post(format!("{base}/deployments/?name=warm"))
            .header("Content-Type", OVA)
            .body(reqwest::blocking::Body::sized(small, len)),
        StatusCode::CREATED,
    );
    let before = rss(pid);
    let (ova, len) = GeneratedOva::new(SIZE);
    send(
        http.post(format!("{base}/deployments/?name=big"))
            .header("Content-Type", OVA)
            .body(reqwest::blocking::Body::sized(ova, len)),
        StatusCode::CREATED,
    );
    let after_import = rss(pid);
    let mut r = http
        .get(format!("{base}/deployments/big/"))
        .header("Accept", OVA)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let mut archive = tempfile::NamedTempFile::new_in(dir.path()).unwrap();
    let copied = std::io::copy(&mut r, &mut archive).unwrap();
    assert_eq!(r.headers()["content-length"], copied.to_string().as_str());
    let after_export = rss(pid);
    ok(&tern(&[
        "ova".as_ref(),
        "verify".as_ref(),
        archive.path().as_os_str(),
    ]));
    if let (Some(before), Some(import), Some(export)) = (before, after_import, after_export) {
        eprintln!(
            "server RSS: {} MiB before, {} MiB after the 64 MiB OVA import, {} MiB after its export",
            before >> 20,
            import >> 20,
            export >> 20
        );
        // A bound, not a time: a server that buffered the archive would grow by 64 MiB or more.
        assert!(
            import.saturating_sub(before) < SIZE,
            "import grew by {}",
            import - before
        );
        assert!(
            export.saturating_sub(before) < SIZE,
            "export grew by {}",
            export - before
        );
    }
}
