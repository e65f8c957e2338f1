//! Conventions every subcommand follows: help lists the groups, exit codes 0/1/2, the shims
//! behave like `tern <subcommand>`.

use crate::{stderr, stdout, tern};

#[test]
fn help_lists_the_subcommand_groups() {
    let out = tern(&["--help"]);
    assert!(out.status.success());
    let help = stdout(&out);
    for group in ["occi", "ovf2occi", "occi2ovf"] {
        assert!(
            help.contains(&format!("  {group} ")),
            "--help lists {group}:\n{help}"
        );
    }
    assert!(
        help.contains("--format <FORMAT>"),
        "global --format is documented"
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = tern(&["occi", "model", "--version", "1.3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unsupported OCCI version `1.3`"),
        "{}",
        stderr(&out)
    );
    assert_eq!(tern(&["no-such-command"]).status.code(), Some(2));
}

#[test]
fn broken_pipe_exits_0() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    // Far more output than a pipe buffer (64 KiB on Linux) holds, so that the command is
    // still writing when the reader goes away: a listing of many resources, converted.
    let dir = tempfile::tempdir().unwrap();
    let listing = dir.path().join("many.json");
    let resources: Vec<String> = (0..5000)
        .map(|i| {
            format!(
                r#"{{"kind":"http://schemas.ogf.org/occi/infrastructure#compute","id":"c{i}","title":"compute number {i} of a long listing","attributes":{{"occi.compute.cores":2}}}}"#
            )
        })
        .collect();
    std::fs::write(
        &listing,
        format!(r#"{{"resources":[{}]}}"#, resources.join(",")),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tern"))
        .args([
            "occi",
            "convert",
            "--from",
            "application/occi+json",
            "--to",
            "application/occi+json",
        ])
        .arg(&listing)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is closed here: the rest of the output hits a broken pipe.
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
