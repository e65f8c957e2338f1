//! Interrupted writes leave nothing behind: `ova pack` of a large disk, stopped by SIGTERM,
//! SIGINT or SIGHUP once its `.part` file exists, removes it and exits 128 + the signal; one
//! killed outright (SIGKILL) leaves a `.part` that the next pack of the same output removes.
//! `ova pack` refuses to replace an existing OVA unless `--force`.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{stderr, tern};

/// A package whose disk is a sparse file of 512 MiB: packing it takes long enough (it is read
/// and digested, and written out in full) to be interrupted after its `.part` appears.
fn large_package(dir: &Path) -> PathBuf {
    let ovf = dir.join("big.ovf");
    std::fs::write(
        &ovf,
        r#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References><File ovf:id="file1" ovf:href="disk.img"/></References>
</Envelope>
"#,
    )
    .unwrap();
    let disk = std::fs::File::create(dir.join("disk.img")).unwrap();
    disk.set_len(512 << 20).unwrap();
    ovf
}

fn pack(ovf: &Path, ova: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(["ova", "pack"])
        .arg(ovf)
        .arg("-o")
        .arg(ova)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn parts(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| Path::new(n).extension().is_some_and(|e| e == "part"))
        .collect()
}

// Waits until the child's `.part` file exists (it is then mid-write).
fn wait_for_part(dir: &Path, child: &mut Child) {
    let start = Instant::now();
    while parts(dir).is_empty() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the pack ended before its .part was seen"
        );
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no .part appeared"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn send(signal: &str, child: &Child) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_signal_mid_pack_removes_the_part_file_and_exits_128_plus_the_signal() {
    let dir = tempfile::tempdir().unwrap();
    let ovf = large_package(dir.path());
    let ova = dir.path().join("big.ova");
    for (signal, number) in [("TERM", 15), ("INT", 2), ("HUP", 1)] {
        let mut child = pack(&ovf, &ova);
        wait_for_part(dir.path(), &mut child);
        send(signal, &child);
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(128 + number),
            "SIG{signal}: {}",
            stderr(&out)
        );
        assert_eq!(parts(dir.path()), Vec::<String>::new(), "SIG{signal}");
        assert!(!ova.exists(), "SIG{signal}: no half archive");
    }
}

#[test]
fn a_part_left_by_a_killed_pack_is_removed_by_the_next_pack_of_the_same_output() {
    let dir = tempfile::tempdir().unwrap();
    let ovf = large_package(dir.path());
    let ova = dir.path().join("big.ova");
    let mut child = pack(&ovf, &ova);
    wait_for_part(dir.path(), &mut child);
    send("KILL", &child);
    child.wait().unwrap();
    let left = parts(dir.path());
    assert_eq!(left.len(), 1, "SIGKILL cannot be caught: {left:?}");
    assert!(left[0].starts_with(".big.ova."), "recognisable: {left:?}");
    // A small package written to the same output.
    std::fs::write(dir.path().join("disk.img"), b"small now").unwrap();
    let out = tern(&[
        "ova",
        "pack",
        ovf.to_str().unwrap(),
        "-o",
        ova.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(parts(dir.path()), Vec::<String>::new());
}

#[test]
fn pack_refuses_to_replace_an_existing_ova_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let ovf = dir.path().join("vm.ovf");
    std::fs::write(
        &ovf,
        r#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><References/></Envelope>"#,
    )
    .unwrap();
    let ova = dir.path().join("vm.ova");
    std::fs::write(&ova, b"precious").unwrap();
    let args = [
        "ova",
        "pack",
        ovf.to_str().unwrap(),
        "-o",
        ova.to_str().unwrap(),
    ];
    let out = tern(&args);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&ova).unwrap(), b"precious");
    assert_eq!(parts(dir.path()), Vec::<String>::new());

    let out = tern(&[&args[..], &["--force"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_ne!(std::fs::read(&ova).unwrap(), b"precious");
}
