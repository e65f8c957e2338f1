//! How `tern ovf info` and `tern ovf validate` get their input: the content decides (an
//! XML Envelope is a descriptor, a tar archive an OVA), whatever the file's name; `-` is
//! standard input; UTF-16 descriptors are read, other encodings refused by name.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::{scratch, show, tern};

fn sample(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/ovf")
        .join(rel)
}

/// Runs `tern` with `stdin` as standard input.
fn tern_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tern runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// A ustar archive holding `members` (name, bytes), as an OVA is.
fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in members {
        let mut header = [0u8; 512];
        header[..name.len()].copy_from_slice(name.as_bytes());
        header[100..107].copy_from_slice(b"0000644");
        header[108..115].copy_from_slice(b"0000000");
        header[116..123].copy_from_slice(b"0000000");
        header[124..135].copy_from_slice(format!("{:011o}", data.len()).as_bytes());
        header[136..147].copy_from_slice(b"00000000000");
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header.iter().map(|b| u32::from(*b)).sum();
        header[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

#[test]
fn any_file_name_reads_alike_the_content_decides() {
    let dir = scratch("input-names");
    let original = sample("invalid/ovf-connection.ovf");
    let reference = tern(&["ovf", "validate", original.to_str().unwrap()]);
    let expected = text(&reference).replace(original.to_str().unwrap(), "NAME");
    let info = text(&tern(&["ovf", "info", original.to_str().unwrap()]));
    for name in ["descriptor.xml", "DESCRIPTOR.OVF", "descriptor"] {
        let path = dir.join(name);
        std::fs::copy(&original, &path).unwrap();
        let path = path.to_str().unwrap();
        let out = tern(&["ovf", "validate", path]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", show(&out));
        assert_eq!(text(&out).replace(path, "NAME"), expected, "{name}");
        let out = tern(&["ovf", "info", path]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", show(&out));
        assert_eq!(text(&out), info, "{name}");
    }
    // A tar archive is an OVA whatever its name; its descriptor is read in place.
    let bytes = std::fs::read(&original).unwrap();
    let archive = dir.join("appliance.bin");
    std::fs::write(&archive, tar(&[("vm.ovf", &bytes)])).unwrap();
    let archive = archive.to_str().unwrap();
    let out = tern(&["ovf", "validate", archive]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        text(&out).contains(&format!("{archive}/vm.ovf:58:7: error[OVF-CONNECTION]")),
        "{}",
        show(&out)
    );
    let out = tern(&["ovf", "info", archive]);
    assert_eq!(text(&out), info, "{}", show(&out));
    // Where a descriptor is written back, an archive is refused by its content too.
    let out = tern(&["ovf", "fmt", archive]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tern ova"));
    let out = tern(&["ovf", "fmt", dir.join("descriptor.xml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert_eq!(out.stdout, bytes);
}

#[test]
fn a_dash_reads_standard_input() {
    let original = sample("invalid/ovf-connection.ovf");
    let bytes = std::fs::read(&original).unwrap();
    let out = tern_stdin(&["ovf", "validate", "-"], &bytes);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    // No file checks: standard input has no directory beside it.
    assert_eq!(
        text(&out),
        "<stdin>:58:7: error[OVF-CONNECTION]: Item \"Network adapter\" connects to \"wan\", which no NetworkSection declares\n",
        "{}",
        show(&out)
    );
    let info = tern_stdin(
        &["ovf", "info", "-"],
        &std::fs::read(sample("virtualbox-machine.ovf")).unwrap(),
    );
    assert_eq!(info.status.code(), Some(0), "{}", show(&info));
    assert!(
        text(&info).starts_with("Dialect: VirtualBox OVF 1.0 (ovf:version 1.0)"),
        "{}",
        show(&info)
    );
    // An archive on standard input is read as one.
    let out = tern_stdin(&["ovf", "validate", "-"], &tar(&[("vm.ovf", &bytes)]));
    assert!(
        text(&out).starts_with("<stdin>/vm.ovf:58:7: error[OVF-CONNECTION]"),
        "{}",
        show(&out)
    );
    // Not XML at all: an OVF-XML finding, exit 1.
    let out = tern_stdin(&["ovf", "info", "-"], b"hello");
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin>:1:1: error[OVF-XML]"));
}

fn utf16le(xml: &str) -> Vec<u8> {
    let xml = xml.replacen("encoding=\"UTF-8\"", "encoding=\"UTF-16\"", 1);
    std::iter::once(0xFEFF_u16)
        .chain(xml.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect()
}

#[test]
fn utf16_descriptors_are_read_other_encodings_refused_by_name() {
    let dir = scratch("input-utf16");
    let original = sample("invalid/ovf-connection.ovf");
    let path = dir.join("utf16.ovf");
    std::fs::write(&path, utf16le(&std::fs::read_to_string(&original).unwrap())).unwrap();
    let path = path.to_str().unwrap();
    let out = tern(&["ovf", "validate", path]);
    assert!(
        text(&out).contains(&format!("{path}:58:7: error[OVF-CONNECTION]")),
        "{}",
        show(&out)
    );
    let out = tern(&["ovf", "info", path]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(
        text(&out).starts_with("Dialect: DMTF OVF 1.x"),
        "{}",
        show(&out)
    );
    // `fmt` writes it back as it was: UTF-16.
    let out = tern(&["ovf", "fmt", path]);
    assert_eq!(out.stdout, std::fs::read(path).unwrap());
    // A malformed UTF-16 descriptor shows its source line as text.
    let bad = dir.join("bad.ovf");
    std::fs::write(&bad, utf16le("<Envelope>\n  <References>\n</Envelope>\n")).unwrap();
    let out = tern(&["ovf", "info", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("bad.ovf:3:1: error[OVF-XML]: malformed XML"),
        "{err}"
    );
    assert!(err.contains("\n3 | </Envelope>\n"), "{err}");
    // Latin-1 is named, never shown as raw bytes.
    let latin1 = dir.join("latin1.ovf");
    std::fs::write(
        &latin1,
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<Envelope>caf\xE9</Envelope>\n",
    )
    .unwrap();
    for command in ["info", "validate"] {
        let out = tern(&["ovf", command, latin1.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", show(&out));
        let all = format!(
            "{}{}",
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap()
        );
        assert!(
            all.contains("error[OVF-XML]: the document is encoded in ISO-8859-1"),
            "{all}"
        );
        assert!(!all.contains('\u{FFFD}') && !all.contains(">caf"), "{all}");
    }
}
