//! A disk copied in pieces B acknowledges: B down in the middle of a disk, then `--resume`
//! sends only the pieces B does not hold; a state file claiming more than B holds (or holds
//! intact) is corrected against B's value; a B without partial writes gets one whole PUT.

use std::path::Path;

use super::proxy::Proxy;
use super::{Served, deploy_hadoop, http, qemu_img, state, tern, text, vmdk};

/// The piece size of `tern migrate`'s copies (`tern::client::migrate::data::PIECE`).
const PIECE: u64 = 8 * 1024 * 1024;

// A, B behind a proxy, the Hadoop deployment at A with a small system disk and an hdfs disk
// of three pieces (two whole, one short).
struct Setup {
    dir: tempfile::TempDir,
    a: Served,
    b: Served,
    proxy: Proxy,
    hdfs: Vec<u8>,
}

fn setup(qemu: &Path) -> Setup {
    setup_with(qemu, &[])
}

fn setup_with(qemu: &Path, b_args: &[&str]) -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = Served::start(&dir.path().join("a"), &[]);
    let b = Served::start(&dir.path().join("b"), b_args);
    let system = vmdk(qemu, dir.path(), "system", 1, 5);
    let hdfs = vmdk(qemu, dir.path(), "hdfs", 40, 9);
    deploy_hadoop(&a.base, &system, &hdfs);
    let hdfs = std::fs::read(&hdfs).expect("the image");
    let size = hdfs.len() as u64;
    assert!(size > 2 * PIECE && size < 3 * PIECE, "{size} bytes");
    let proxy = Proxy::start(&b.base);
    Setup {
        dir,
        a,
        b,
        proxy,
        hdfs,
    }
}

impl Setup {
    fn state_file(&self) -> String {
        self.dir
            .path()
            .join("m.json")
            .to_str()
            .expect("UTF-8")
            .to_owned()
    }

    // A migration B stops answering for the hdfs disk after two pieces: it fails, the
    // state file says what B acknowledged.
    fn cut_after_two_pieces(&self) {
        self.proxy
            .with(|f| f.down_after = Some(("hadoop-hdfs".into(), 2)));
        let out = tern(&[
            "migrate",
            "--from",
            &self.a.base,
            "--to",
            &self.proxy.base,
            "--state",
            &self.state_file(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        let s = state(Path::new(&self.state_file()));
        let hdfs = hdfs_disk(&s);
        assert_eq!(hdfs["finished"], false, "{hdfs}");
        assert_eq!(hdfs["acknowledged"], 2 * PIECE, "{hdfs}\n{}", text(&out));
        assert_eq!(self.proxy.bytes("hadoop-hdfs"), 2 * PIECE);
        self.proxy.with(|f| f.down_after = None);
    }

    fn resume(&self) -> String {
        let out = tern(&["migrate", "--resume", &self.state_file()]);
        let report = text(&out);
        assert_eq!(out.status.code(), Some(0), "{report}");
        assert!(report.contains("deployments are equal"), "{report}");
        report
    }

    // B's hdfs value is A's, byte for byte.
    fn b_holds_the_disk(&self) {
        let got = http()
            .get(format!("{}/volumes/hadoop/hadoop-hdfs.vmdk", self.b.base))
            .send()
            .expect("read")
            .bytes()
            .expect("bytes");
        assert_eq!(got.len(), self.hdfs.len());
        assert!(
            got.as_ref() == self.hdfs.as_slice(),
            "B's disk differs from A's"
        );
    }
}

fn hdfs_disk(s: &serde_json::Value) -> &serde_json::Value {
    s["disks"]
        .as_array()
        .expect("disks")
        .iter()
        .find(|d| d["href"].as_str().is_some_and(|h| h.contains("hdfs")))
        .expect("the hdfs disk")
}

#[test]
fn a_copy_cut_in_the_middle_of_a_disk_resumes_after_the_pieces_b_holds() {
    let Some(qemu) = qemu_img() else {
        return;
    };
    let t = setup(&qemu);
    t.cut_after_two_pieces();
    let report = t.resume();
    // Only the third piece went to B again.
    let size = t.hdfs.len() as u64;
    assert_eq!(t.proxy.bytes("hadoop-hdfs"), size, "{report}");
    assert!(
        report.contains(&format!("{} bytes already there", 2 * PIECE)),
        "{report}"
    );
    t.b_holds_the_disk();
    let s = state(Path::new(&t.state_file()));
    let hdfs = hdfs_disk(&s);
    assert_eq!(hdfs["acknowledged"], size, "{hdfs}");
}

#[test]
fn a_migration_killed_in_the_middle_of_a_disk_resumes_after_the_pieces_b_acknowledged() {
    let Some(qemu) = qemu_img() else {
        return;
    };
    let t = setup(&qemu);
    t.proxy
        .with(|f| f.hold_after = Some(("hadoop-hdfs".into(), 2)));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tern"))
        .args([
            "migrate",
            "--from",
            &t.a.base,
            "--to",
            &t.proxy.base,
            "--state",
        ])
        .arg(t.state_file())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("tern runs");
    // Killed while its third write to the hdfs disk is held.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while t.proxy.with(|f| f.stalled) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the copy never reached the third piece"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().expect("killed");
    let _ = child.wait();
    t.proxy.with(|f| f.hold_after = None);
    let s = state(Path::new(&t.state_file()));
    let hdfs = hdfs_disk(&s);
    assert_eq!(hdfs["finished"], false, "{hdfs}");
    assert_eq!(hdfs["acknowledged"], 2 * PIECE, "{hdfs}");
    let before = t.proxy.bytes("hadoop-hdfs");
    assert_eq!(before, 2 * PIECE);
    let report = t.resume();
    let size = t.hdfs.len() as u64;
    assert_eq!(
        t.proxy.bytes("hadoop-hdfs") - before,
        size - 2 * PIECE,
        "{report}"
    );
    t.b_holds_the_disk();
}

#[test]
fn a_converted_disk_cut_in_the_middle_resumes_after_the_pieces_b_holds() {
    let Some(qemu) = qemu_img() else {
        return;
    };
    let t = setup_with(&qemu, &["--disk-format", "qcow2"]);
    t.cut_after_two_pieces();
    let before = t.proxy.bytes("hadoop-hdfs");
    let report = t.resume();
    // Converted again, alike: only what follows the two pieces B holds is sent.
    let s = state(Path::new(&t.state_file()));
    let hdfs = hdfs_disk(&s);
    assert_eq!(hdfs["target_format"], "qcow2", "{hdfs}");
    let size = hdfs["size"].as_u64().expect("a size");
    assert!(size > 2 * PIECE, "{hdfs}");
    assert_eq!(
        t.proxy.bytes("hadoop-hdfs") - before,
        size - 2 * PIECE,
        "{report}"
    );
}

#[test]
fn a_state_claiming_more_than_b_holds_is_corrected_against_b() {
    let Some(qemu) = qemu_img() else {
        return;
    };
    let t = setup(&qemu);
    t.cut_after_two_pieces();
    let size = t.hdfs.len() as u64;
    // The state claims the whole disk; B holds two pieces, the second altered behind
    // tern's back.
    let path = t.state_file();
    let mut s = state(Path::new(&path));
    let disks = s["disks"].as_array_mut().expect("disks");
    for d in disks {
        if d["href"].as_str().is_some_and(|h| h.contains("hdfs")) {
            d["acknowledged"] = size.into();
        }
    }
    std::fs::write(&path, serde_json::to_vec(&s).expect("JSON")).expect("written");
    let altered = http()
        .put(format!("{}/volumes/hadoop/hadoop-hdfs.vmdk", t.b.base))
        .header("Content-Type", "application/octet-stream")
        .header(
            "Content-Range",
            format!("bytes {}-{}/*", PIECE + 10, PIECE + 13),
        )
        .body("XXXX")
        .send()
        .expect("written");
    assert!(altered.status().is_success());
    let before = t.proxy.bytes("hadoop-hdfs");
    let report = t.resume();
    // From the altered piece on, not from the claim nor from the start.
    assert_eq!(
        t.proxy.bytes("hadoop-hdfs") - before,
        size - PIECE,
        "{report}"
    );
    t.b_holds_the_disk();
}

#[test]
fn a_b_without_partial_writes_gets_the_disk_in_one_put() {
    let Some(qemu) = qemu_img() else {
        return;
    };
    let t = setup(&qemu);
    t.proxy.with(|f| f.no_ranges = true);
    let out = tern(&[
        "migrate",
        "--from",
        &t.a.base,
        "--to",
        &t.proxy.base,
        "--state",
        &t.state_file(),
    ]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    // The first piece (a whole PUT that creates the value), then the whole disk.
    let size = t.hdfs.len() as u64;
    assert_eq!(t.proxy.bytes("hadoop-hdfs"), PIECE + size, "{report}");
    assert!(report.contains("Whole"), "{report}");
    t.b_holds_the_disk();
}
