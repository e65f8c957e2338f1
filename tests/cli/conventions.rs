//! Conventions every subcommand follows: help lists the groups, exit codes 0/1/2, the shims
//! behave like `tern <subcommand>`.

use crate::{run, stderr, stdout, tern};

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
fn conversion_shims_share_the_tern_subcommands() {
    // Until the bridge lands both say so, the same way, with exit code 2.
    for (shim, sub) in [
        (env!("CARGO_BIN_EXE_ovf2occi"), "ovf2occi"),
        (env!("CARGO_BIN_EXE_occi2ovf"), "occi2ovf"),
    ] {
        let direct = run(shim, &["samples/none.ovf"]);
        let via_tern = tern(&[sub, "samples/none.ovf"]);
        assert_eq!(direct.status.code(), Some(2));
        assert_eq!(stderr(&direct), stderr(&via_tern));
        assert!(stderr(&direct).contains("not implemented yet"));
    }
}

#[test]
fn broken_pipe_exits_0() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(["occi", "model", "--format", "json"])
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
