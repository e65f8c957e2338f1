//! `tests/serve-e2e.sh`: the README's curl session against the real binary. curl is
//! required: without it the test fails (CI installs it), it never skips.

#[test]
fn the_readme_curl_session() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/serve-e2e.sh");
    let out = std::process::Command::new("bash")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_tern"))
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("serve-e2e: ok"), "{stdout}");
}
