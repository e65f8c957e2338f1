//! What `tern ovf validate` says beside its findings (one summary line on success, in text,
//! on stdout; `--quiet` silences it; never in JSON), `tern ovf env --format json`, and
//! `tern ovf fmt -`.

use crate::{show, tern};

fn sample(rel: &str) -> String {
    format!("{}/samples/ovf/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn a_valid_run_ends_with_one_summary_line() {
    let (a, b) = (sample("minimal.ovf"), sample("hadoop-cluster.ovf"));
    let out = tern(&["ovf", "validate", &a, &b]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let text = stdout(&out);
    let last = text.lines().last().unwrap_or_default();
    assert!(last.starts_with("ok: 2 files, "), "{}", show(&out));
    assert!(
        last.ends_with(" warnings") || last.ends_with(" warning"),
        "{last}"
    );
    // The count is the number of warning lines above it.
    let warnings = text.lines().filter(|l| l.contains(": warning[")).count();
    let expected = if warnings == 1 {
        "1 warning".to_owned()
    } else {
        format!("{warnings} warnings")
    };
    assert_eq!(last, format!("ok: 2 files, {expected}"));

    let one = tern(&["ovf", "validate", &a]);
    assert!(
        stdout(&one)
            .lines()
            .last()
            .unwrap()
            .starts_with("ok: 1 file, ")
    );
}

#[test]
fn quiet_silences_the_summary_and_json_never_has_it() {
    let a = sample("minimal.ovf");
    let quiet = tern(&["ovf", "validate", "--quiet", &a]);
    assert_eq!(quiet.status.code(), Some(0), "{}", show(&quiet));
    assert!(!stdout(&quiet).contains("ok:"), "{}", show(&quiet));
    let json = tern(&["--format", "json", "ovf", "validate", &a]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("only JSON");
    assert_eq!(report["valid"], true);
}

#[test]
fn an_invalid_run_has_no_ok_line() {
    let bad = sample("invalid/ovf-duplicate-instance-id.ovf");
    let out = tern(&["ovf", "validate", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stdout(&out).contains("ok:"), "{}", show(&out));
}

#[test]
fn env_in_json_wraps_the_environment_document() {
    let file = sample("hadoop-cluster.ovf");
    let xml = tern(&["ovf", "env", &file]);
    assert_eq!(xml.status.code(), Some(0), "{}", show(&xml));
    let json = tern(&["--format", "json", "ovf", "env", &file]);
    assert_eq!(json.status.code(), Some(0), "{}", show(&json));
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("JSON");
    assert_eq!(value["environment"].as_str(), Some(stdout(&xml).as_str()));
    assert_eq!(value["file"].as_str(), Some(file.as_str()));
    assert!(value["id"].is_null() && value["deploymentOption"].is_null());
}

#[test]
fn env_errors_in_json_are_json_on_stderr() {
    let file = sample("hadoop-cluster.ovf");
    let out = tern(&[
        "--format",
        "json",
        "ovf",
        "env",
        &file,
        "--id",
        "no-such-system",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stderr).expect("the error is JSON");
    assert_eq!(report["findings"][0]["rule"], "OVF-ENV");
}

#[test]
fn fmt_reads_standard_input() {
    use std::io::Write as _;
    let original = std::fs::read(sample("hadoop-cluster.ovf")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(["ovf", "fmt", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&original).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert_eq!(out.stdout, original, "byte for byte");
}
