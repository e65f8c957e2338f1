//! `-o FILE` never damages what is there: regular files are replaced atomically with their
//! mode kept, links are followed, devices and FIFOs are written through, `-` is stdout, and
//! a failed write leaves neither a temporary file nor a changed target.

use std::fs;
use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};
use std::path::Path;

use crate::{stderr, stdout, tern};

const SAMPLE: &str = "samples/ovf/hadoop-cluster.ovf";

fn convert_to(target: &Path) -> std::process::Output {
    tern(&["ovf2occi", SAMPLE, "-o", target.to_str().unwrap()])
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_regular_file_is_replaced_with_its_mode_kept() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.json");
    fs::write(&target, "old").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
    let out = convert_to(&target);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = fs::read_to_string(&target).unwrap();
    assert!(written.contains("\"resources\""), "{written}");
    let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(entries(dir.path()), ["out.json"]);
}

#[test]
fn a_symbolic_link_is_followed_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.json");
    let link = dir.path().join("link.json");
    fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    let out = convert_to(&link);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(fs::read_to_string(&real).unwrap().contains("\"resources\""));
    assert_eq!(entries(dir.path()), ["link.json", "real.json"]);
}

#[test]
fn a_character_device_is_written_through_not_replaced() {
    // A private null device, so that a writer that wrongly renames over devices damages
    // nothing outside this test (run as root, the old writer replaced /dev/null itself).
    let dir = tempfile::tempdir().unwrap();
    let null = dir.path().join("null");
    let made = std::process::Command::new("mknod")
        .args([null.to_str().unwrap(), "c", "1", "3"])
        .status()
        .expect("mknod runs");
    assert!(
        made.success(),
        "mknod needs root (CAP_MKNOD): this test makes its own null device"
    );
    let out = convert_to(&null);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let meta = fs::metadata(&null).unwrap();
    assert!(
        meta.file_type().is_char_device(),
        "the device is still a device"
    );
    assert_eq!(entries(dir.path()), ["null"]);
}

#[test]
fn a_fifo_is_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let out = convert_to(&fifo);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Checked before joining: a writer that replaced the FIFO never opened it, and the
    // reader would wait forever.
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(reader.join().unwrap().contains("\"resources\""));
    assert_eq!(entries(dir.path()), ["pipe"]);
}

#[test]
fn dash_is_stdout() {
    let out = tern(&["ovf2occi", SAMPLE, "-o", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"resources\""));
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the file should go: the rename must fail.
    let target = dir.path().join("taken");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("inside"), "kept").unwrap();
    let out = convert_to(&target);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
    assert_eq!(entries(dir.path()), ["taken"]);
    assert_eq!(fs::read_to_string(target.join("inside")).unwrap(), "kept");
    // A directory that does not exist: nothing is created.
    let out = convert_to(&dir.path().join("missing/out.json"));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(entries(dir.path()), ["taken"]);
}
