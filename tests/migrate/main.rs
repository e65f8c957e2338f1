//! `tern migrate` between two real `tern serve` processes on loopback (different data
//! directories and ports): the article's Hadoop deployment with real small disk images made
//! by qemu-img, migrated to a provider that wants qcow2; the faults (B down during the copy,
//! a corrupted copy, a template missing at B).

mod deployments;
mod e2e;
mod faults;
mod pieces;
mod proxy;
mod templates;

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

pub(crate) fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// qemu-img, or `None` (the test is skipped) outside CI; under CI its absence fails.
pub(crate) fn qemu_img() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("qemu-img"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "qemu-img is not on PATH: install qemu-utils"
        );
        eprintln!("qemu-img is not on PATH: test skipped");
    }
    found
}

/// A stream-optimized VMDK of `mib` MiB whose guest content is a pattern drawn from `seed`
/// (a raw file written here, converted by qemu-img), and the raw file.
pub(crate) fn vmdk(qemu: &Path, dir: &Path, name: &str, mib: usize, seed: u64) -> PathBuf {
    let raw = dir.join(format!("{name}.raw"));
    let mut bytes = vec![0u8; mib * 1024 * 1024];
    let mut x = seed | 1;
    // Half the blocks hold data, half are zeros (a sparse guest disk).
    for block in bytes.chunks_mut(64 * 1024).step_by(2) {
        for b in block.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = (x >> 24) as u8;
        }
    }
    std::fs::write(&raw, &bytes).expect("raw written");
    let out = dir.join(format!("{name}.vmdk"));
    let status = Command::new(qemu)
        .args([
            "convert",
            "-f",
            "raw",
            "-O",
            "vmdk",
            "-o",
            "subformat=streamOptimized",
        ])
        .arg(&raw)
        .arg(&out)
        .status()
        .expect("qemu-img runs");
    assert!(status.success());
    out
}

/// A blocking HTTP client for the test's own calls.
pub(crate) fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::new()
}

/// The Hadoop sample.
pub(crate) fn hadoop() -> String {
    format!(
        "{}/samples/ovf/hadoop-cluster.ovf",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The Hadoop sample imported at `base` (OVF by content negotiation: the deployment
/// `hadoop`), its two File hrefs' data objects (`/volumes/hadoop/<href>`, what the storages'
/// `tern.cdmi.uri` name) holding `system` and `hdfs`, and every compute started.
pub(crate) fn deploy_hadoop(base: &str, system: &Path, hdfs: &Path) {
    let h = http();
    let r = h
        .post(format!("{base}/"))
        .header("Content-Type", "application/ovf+xml")
        .body(std::fs::read(hadoop()).expect("the sample"))
        .send()
        .expect("import");
    assert_eq!(r.status().as_u16(), 201, "{:?}", r.text());
    assert_eq!(
        r.headers().get("Location").and_then(|l| l.to_str().ok()),
        Some(format!("{base}/deployments/hadoop/").as_str())
    );
    for container in ["volumes/", "volumes/hadoop/"] {
        let r = h
            .put(format!("{base}/{container}"))
            .header("X-CDMI-Specification-Version", "1.1.1")
            .header("Content-Type", "application/cdmi-container")
            .body("{}")
            .send()
            .expect("container");
        assert!(r.status().is_success(), "{:?}", r.text());
    }
    for (volume, file) in [("hadoop-system.vmdk", system), ("hadoop-hdfs.vmdk", hdfs)] {
        let r = h
            .put(format!("{base}/volumes/hadoop/{volume}"))
            .header("Content-Type", "application/octet-stream")
            .body(std::fs::read(file).expect("the image"))
            .send()
            .expect("upload");
        assert!(r.status().is_success(), "{:?}", r.text());
    }
    for compute in computes(base) {
        action(base, &compute, "start");
    }
}

/// The compute locations at `base`.
pub(crate) fn computes(base: &str) -> Vec<String> {
    let r = http()
        .get(format!("{base}/compute/"))
        .header("Accept", "text/uri-list")
        .send()
        .expect("listing");
    let text = r.text().expect("text");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.strip_prefix(base).unwrap_or(l).to_owned())
        .collect()
}

/// POSTs the compute action `term`.
pub(crate) fn action(base: &str, location: &str, term: &str) {
    let body = serde_json::json!({
        "action": format!("http://schemas.ogf.org/occi/infrastructure/compute/action#{term}")
    });
    let r = http()
        .post(format!("{base}{location}?action={term}"))
        .header("Content-Type", "application/occi+json")
        .body(body.to_string())
        .send()
        .expect("action");
    assert!(r.status().is_success(), "{:?}", r.text());
}

/// An entity as JSON.
pub(crate) fn entity(base: &str, location: &str) -> Value {
    let r = http()
        .get(format!("{base}{location}"))
        .header("Accept", "application/occi+json")
        .send()
        .expect("read");
    serde_json::from_str(&r.text().expect("text")).expect("JSON")
}

/// The value of a data object, written to `path`.
pub(crate) fn download(url: &str, path: &Path) {
    let r = http().get(url).send().expect("read");
    assert!(r.status().is_success());
    std::fs::write(path, r.bytes().expect("bytes")).expect("written");
}

/// The state file.
pub(crate) fn state(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("the state file")).expect("JSON")
}
