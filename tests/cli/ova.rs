//! `tern ova list|verify|unpack|pack`: exit codes, finding lines, JSON, and no progress output
//! when stderr is not a terminal.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::{Scratch, stderr, stdout, tern, violations};

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// An OVF package on disk: vm.ovf referencing disk.img.
fn package(dir: &Scratch) -> PathBuf {
    let ovf = dir.join("vm.ovf");
    std::fs::write(
        &ovf,
        r#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References><File ovf:id="file1" ovf:href="disk.img"/></References>
</Envelope>
"#,
    )
    .unwrap();
    std::fs::write(dir.join("disk.img"), vec![42u8; 5000]).unwrap();
    ovf
}

#[test]
fn pack_list_verify_unpack() {
    let dir = Scratch::new("happy");
    let ovf = package(&dir);
    let ova = dir.join("vm.ova");
    let out = tern(&["ova", "pack", s(&ovf), "-o", s(&ova), "--manifest", "sha1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("vm.ovf, vm.mf, disk.img"),
        "{}",
        stdout(&out)
    );

    let out = tern(&["ova", "list", s(&ova)]);
    assert_eq!(out.status.code(), Some(0));
    let names: Vec<String> = stdout(&out)
        .lines()
        .map(|l| l.split_whitespace().last().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["vm.ovf", "vm.mf", "disk.img"]);

    let out = tern(&["ova", "verify", s(&ova)]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).ends_with(": ok: 2 member(s) match vm.mf\n"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        stderr(&out),
        "",
        "no progress line when stderr is not a terminal"
    );

    let out = tern(&["--format", "json", "ova", "verify", s(&ova)]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(json["verified"], serde_json::json!(["vm.ovf", "disk.img"]));
    assert_eq!(json["signature_checked"], false);

    let target = dir.join("x");
    let out = tern(&["ova", "unpack", s(&ova), "-d", s(&target)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The unpacked package verifies from its descriptor; a changed file does not.
    let out = tern(&["ova", "verify", s(&target.join("vm.ovf"))]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    std::fs::write(target.join("disk.img"), b"changed").unwrap();
    let out = tern(&["ova", "verify", s(&target.join("vm.ovf"))]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("/disk.img: error[OVA-DIGEST]"),
        "{}",
        stdout(&out)
    );
    std::fs::write(target.join("disk.img"), vec![42u8; 5000]).unwrap();
    let manifest = std::fs::read_to_string(target.join("vm.mf")).unwrap();
    assert!(
        manifest.starts_with("SHA1(vm.ovf)= ") && manifest.contains("\nSHA1(disk.img)= "),
        "{manifest}"
    );
    assert_eq!(
        std::fs::read(target.join("disk.img")).unwrap(),
        vec![42u8; 5000]
    );

    let out = tern(&["ova", "unpack", s(&ova), "-d", s(&target)]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "existing files are an I/O refusal"
    );
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    let out = tern(&["ova", "unpack", s(&ova), "-d", s(&target), "--force"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_corrupt_member_exits_1_with_a_finding_line() {
    let dir = Scratch::new("corrupt");
    let ovf = package(&dir);
    let ova = dir.join("vm.ova");
    assert_eq!(
        tern(&["ova", "pack", s(&ovf), "-o", s(&ova)]).status.code(),
        Some(0)
    );
    let mut bytes = std::fs::read(&ova).unwrap();
    // disk.img's data starts after three headers and two one-block members.
    let data = 512 * 5;
    assert_eq!(bytes[data], 42);
    bytes[data] = 0;
    std::fs::write(&ova, bytes).unwrap();
    let out = tern(&["ova", "verify", s(&ova)]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!(
            "{}/disk.img: error[OVA-DIGEST]: SHA256 mismatch",
            s(&ova)
        )),
        "{text}"
    );
}

#[test]
fn hostile_and_missing_archives_exit_1_and_2() {
    let dir = Scratch::new("hostile");
    // One ustar header for a symbolic link named `evil` (typeflag '2').
    let mut header = [0u8; 512];
    header[..4].copy_from_slice(b"evil");
    header[100..108].copy_from_slice(b"0000777\0");
    header[124..136].copy_from_slice(b"00000000000\0");
    header[136..148].copy_from_slice(b"00000000000\0");
    header[156] = b'2';
    header[157..168].copy_from_slice(b"/etc/shadow");
    header[257..265].copy_from_slice(b"ustar\x0000");
    header[148..156].fill(b' ');
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let mut bytes = header.to_vec();
    bytes.extend_from_slice(&[0; 1024]);
    let ova = dir.join("evil.ova");
    std::fs::write(&ova, bytes).unwrap();
    let out = tern(&["ova", "unpack", s(&ova), "-d", s(&dir.join("out"))]);
    assert_eq!(out.status.code(), Some(1));
    // miette wraps long lines: check the pieces.
    let err = stderr(&out);
    assert!(err.contains("member 'evil' (header at byte 0)"), "{err}");
    assert!(err.contains("refused: symbolic link"), "{err}");
    assert!(!dir.join("out").join("evil").exists());

    let out = tern(&["ova", "verify", s(&dir.join("absent.ova"))]);
    assert_eq!(out.status.code(), Some(2));
}

const FINDINGS_SCHEMA: &str = "schemas/findings.schema.json";

#[test]
fn verify_and_unpack_json_follow_the_findings_schema() {
    let dir = Scratch::new("schema");
    let ovf = package(&dir);
    let ova = dir.join("vm.ova");
    assert_eq!(
        tern(&["ova", "pack", s(&ovf), "-o", s(&ova)]).status.code(),
        Some(0)
    );
    let out = tern(&["--format", "json", "ova", "verify", s(&ova)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        violations(FINDINGS_SCHEMA, &text),
        Vec::<String>::new(),
        "{text}"
    );

    // The same archive with its manifest edited in place (same length): a wrong digest for
    // the descriptor, and disk.img's line without its `=`, so disk.img is unlisted.
    let mut bytes = std::fs::read(&ova).unwrap();
    let find = |needle: &[u8]| {
        bytes
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap()
            + needle.len()
    };
    let line = find(b"SHA256(vm.ovf)= ");
    let equals = find(b"SHA256(disk.img)");
    bytes[line] = if bytes[line] == b'0' { b'1' } else { b'0' };
    bytes[equals] = b' ';
    let bad = dir.join("bad.ova");
    std::fs::write(&bad, bytes).unwrap();
    let out = tern(&["--format", "json", "ova", "verify", s(&bad)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        violations(FINDINGS_SCHEMA, &text),
        Vec::<String>::new(),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["manifest"], "vm.mf");
    assert_eq!(json["signature_checked"], false);
    let findings = json["findings"].as_array().unwrap();
    let placed: Vec<(&str, &str, Option<u64>, Option<u64>)> = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"].as_u64(),
                f["column"].as_u64(),
            )
        })
        .collect();
    let member = |name: &str| format!("{}/{name}", s(&bad));
    assert_eq!(
        placed,
        [
            ("MF-SYNTAX", member("vm.mf").as_str(), Some(2), Some(8)),
            ("OVA-DIGEST", member("vm.ovf").as_str(), None, None),
            ("OVA-UNLISTED", member("disk.img").as_str(), None, None),
        ],
        "{text}"
    );

    // The same findings in text: one line each, members and positions included.
    let out = tern(&["ova", "verify", s(&bad)]);
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "{}/vm.mf:2:8: error[MF-SYNTAX]: no '=' after the file name",
            s(&bad)
        )),
        "{text}"
    );

    let out = tern(&[
        "--format",
        "json",
        "ova",
        "unpack",
        s(&bad),
        "-d",
        s(&dir.join("out")),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        violations(FINDINGS_SCHEMA, &text),
        Vec::<String>::new(),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["rejected"], serde_json::json!(["vm.ovf"]), "{text}");

    // The validator is not vacuous: a finding without a rule is reported.
    let broken = text.replacen("\"rule\"", "\"rules\"", 1);
    assert!(!violations(FINDINGS_SCHEMA, &broken).is_empty());
}

/// Two `tern ova unpack` of one archive into one directory, started together: exactly one
/// succeeds, the other exits 2 having written nothing, and the package verifies, for a new
/// directory (published by one directory rename) and for one that already holds other files
/// (files moved in with no-replace renames, taken back on conflict). Before publication was
/// atomic, both succeeded in about four rounds of ten and mixed their files.
#[test]
fn concurrent_unpacks_into_one_directory_have_exactly_one_winner() {
    use std::process::{Command, Stdio};
    let dir = Scratch::new("race");
    let ovf = dir.join("vm.ovf");
    let mut refs = String::new();
    for i in 0..4 {
        let _ = write!(refs, r#"<File ovf:id="f{i}" ovf:href="disk{i}.img"/>"#);
    }
    std::fs::write(
        &ovf,
        format!(
            r#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References>{refs}</References></Envelope>"#
        ),
    )
    .unwrap();
    for i in 0..4u8 {
        std::fs::write(dir.join(&format!("disk{i}.img")), vec![i; 256 << 10]).unwrap();
    }
    let ova = dir.join("vm.ova");
    let out = tern(&["ova", "pack", s(&ovf), "-o", s(&ova)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let unpack = |target: &Path| {
        Command::new(env!("CARGO_BIN_EXE_tern"))
            .args(["ova", "unpack", s(&ova), "-d", s(target)])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    for round in 0..20 {
        let target = dir.join(&format!("out{round}"));
        let existing = round % 2 == 1;
        if existing {
            std::fs::create_dir(&target).unwrap();
            std::fs::write(target.join("notes.txt"), "mine").unwrap();
        }
        let (a, b) = (unpack(&target), unpack(&target));
        let outcomes = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
        let codes: Vec<Option<i32>> = outcomes.iter().map(|o| o.status.code()).collect();
        assert!(
            codes == [Some(0), Some(2)] || codes == [Some(2), Some(0)],
            "round {round} (existing directory: {existing}): exit codes {codes:?}; {}",
            outcomes.iter().map(stderr).collect::<String>()
        );
        let loser = outcomes
            .iter()
            .find(|o| o.status.code() == Some(2))
            .unwrap();
        assert!(
            stderr(loser).contains("already exists"),
            "{}",
            stderr(loser)
        );
        let out = tern(&["ova", "verify", s(&target.join("vm.ovf"))]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "round {round}: {}",
            stdout(&out)
        );
        let mut names: Vec<String> = std::fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut expected = vec![
            "disk0.img",
            "disk1.img",
            "disk2.img",
            "disk3.img",
            "vm.mf",
            "vm.ovf",
        ];
        if existing {
            expected.insert(4, "notes.txt");
        }
        assert_eq!(
            names, expected,
            "round {round}: nothing else, no staging left"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.join(""))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tern-unpack."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// hrefs that leave the package directory (`../`, absolute, a symbolic link out) are refused
/// with `OVA-HREF` at their File element by `ova verify DIR/vm.ovf`, `ovf validate
/// --check-files` and `ova pack` alike; the file behind them is never opened, so its size
/// or digest is never reported (they used to report the size of the file outside).
#[test]
fn hrefs_leading_out_of_the_package_are_refused_everywhere() {
    let dir = Scratch::new("href");
    std::fs::write(dir.join("secret"), "sixteen bytes!!\n").unwrap();
    std::fs::create_dir(dir.join("pkg")).unwrap();
    let ovf = dir.join("pkg/vm.ovf");
    let secret = dir.path("secret");
    let mut hrefs = vec!["../secret".to_owned(), secret.clone()];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, dir.join("pkg/link.img")).unwrap();
        hrefs.push("link.img".into());
    }
    let mut refs = String::new();
    for (i, h) in hrefs.iter().enumerate() {
        let _ = write!(refs, r#"<File ovf:id="f{i}" ovf:href="{h}" ovf:size="1"/>"#);
    }
    std::fs::write(
        &ovf,
        format!(
            r#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References>{refs}</References></Envelope>"#
        ),
    )
    .unwrap();
    for args in [
        vec!["ova", "verify", s(&ovf)],
        vec!["ovf", "validate", "--lax", "--check-files", s(&ovf)],
    ] {
        let out = tern(&args);
        // The scratch directory's random name may itself contain "16": leave it out.
        let scratch = dir.path("");
        let text = format!("{}{}", stdout(&out), stderr(&out))
            .replace(scratch.trim_end_matches('/'), "SCRATCH");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {text}");
        assert_eq!(
            text.matches("error[OVA-HREF]").count(),
            hrefs.len(),
            "{args:?}: {text}"
        );
        assert!(text.contains("vm.ovf:1:"), "placed at the File: {text}");
        assert!(
            !text.contains("16") && !text.contains("FILE-SIZE"),
            "{args:?}: {text}"
        );
    }
    let out = tern(&["ova", "pack", s(&ovf), "-o", &dir.path("x.ova")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("error[OVA-HREF]"), "{}", stderr(&out));
    assert!(!dir.join("x.ova").exists());
}

/// An unpack stopped by SIGTERM removes its staging directory and publishes nothing; one
/// killed outright (SIGKILL) leaves a recognisable `.tern-unpack.PID-…` directory that the
/// next unpack in the same place removes.
#[cfg(unix)]
#[test]
fn an_interrupted_unpack_leaves_nothing_behind() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let dir = Scratch::new("unpack-signal");
    let src = dir.join("src");
    std::fs::create_dir(&src).unwrap();
    let ovf = src.join("big.ovf");
    std::fs::write(
        &ovf,
        r#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References><File ovf:id="f" ovf:href="disk.img"/></References></Envelope>"#,
    )
    .unwrap();
    std::fs::File::create(src.join("disk.img"))
        .unwrap()
        .set_len(256 << 20)
        .unwrap();
    let ova = dir.join("big.ova");
    let out = tern(&["ova", "pack", s(&ovf), "-o", s(&ova)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::remove_file(src.join("disk.img")).unwrap();

    let staging = |parent: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(parent)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".tern-unpack."))
            .map(|e| e.path())
            .collect()
    };
    let target = dir.join("out");
    for signal in ["TERM", "KILL"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tern"))
            .args(["ova", "unpack", s(&ova), "-d", s(&target)])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Mid-write: the disk is being written in the staging directory.
        let start = Instant::now();
        while !staging(&dir.join(""))
            .iter()
            .any(|d| std::fs::metadata(d.join("disk.img")).is_ok_and(|m| m.len() > 0))
        {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the unpack ended first"
            );
            assert!(start.elapsed() < Duration::from_secs(120));
            std::thread::sleep(Duration::from_millis(2));
        }
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
        let out = child.wait_with_output().unwrap();
        assert!(!target.exists(), "SIG{signal}: nothing published");
        if signal == "TERM" {
            assert_eq!(out.status.code(), Some(128 + 15), "{}", stderr(&out));
            assert_eq!(staging(&dir.join("")), Vec::<PathBuf>::new());
        } else {
            assert_eq!(staging(&dir.join("")).len(), 1, "SIGKILL cannot be caught");
        }
    }
    // The next unpack in the same place removes the dead process's directory.
    let out = tern(&["ova", "unpack", s(&ova), "-d", s(&target)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(staging(&dir.join("")), Vec::<PathBuf>::new());
    assert_eq!(
        std::fs::metadata(target.join("disk.img")).unwrap().len(),
        256 << 20
    );
}
