//! `tern ovf fmt`.

use crate::{samples, scratch, show, tern};

#[test]
fn fmt_writes_identical_bytes_to_a_file_and_to_stdout() {
    let dir = scratch("fmt");
    for path in samples() {
        let original = std::fs::read(&path).unwrap();
        let target = dir.join(path.file_name().unwrap());
        let out = tern(&[
            "ovf",
            "fmt",
            path.to_str().unwrap(),
            "-o",
            target.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", show(&out));
        assert_eq!(
            std::fs::read(&target).unwrap(),
            original,
            "{}",
            path.display()
        );
        let out = tern(&["ovf", "fmt", path.to_str().unwrap()]);
        assert_eq!(out.stdout, original, "{}", path.display());
    }
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn fmt_refuses_hostile_input_and_writes_nothing() {
    let dir = scratch("fmt-hostile");
    let input = dir.join("bomb.ovf");
    std::fs::write(
        &input,
        "<!DOCTYPE a [<!ENTITY x \"xx\"><!ENTITY y \"&x;&x;\">]>\n<a>&y;</a>",
    )
    .unwrap();
    let target = dir.join("out.ovf");
    let out = tern(&[
        "ovf",
        "fmt",
        input.to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bomb.ovf:1:1: error[OVF-XML]: a DOCTYPE")
    );
    assert!(!target.exists());
}

#[test]
fn fmt_to_an_unwritable_place_is_a_usage_error() {
    let path = samples().remove(0);
    let out = tern(&[
        "ovf",
        "fmt",
        path.to_str().unwrap(),
        "-o",
        "/nonexistent-dir/x.ovf",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
}
