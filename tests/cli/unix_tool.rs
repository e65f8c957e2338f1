//! The command line as a Unix tool: usage errors in JSON too, exit codes scripts can rely on
//! (`--detailed-exitcode` for diff and plan), examples on every help page, completions and
//! man pages generated from the definitions, `--quiet`, and OCCI validation strict by default.

use serde_json::Value;

use crate::{run, stderr, stdout, tern, violations};

const A: &str = "samples/topologies/a-db-server.json";
const E: &str = "samples/topologies/e-web-server-network-storage.json";
const FINDINGS_SCHEMA: &str = "schemas/findings.schema.json";

// The findings report a failing command printed on stderr, checked against the schema.
fn json_error(out: &std::process::Output) -> Value {
    let text = stderr(out);
    assert_eq!(
        violations(FINDINGS_SCHEMA, &text),
        Vec::<String>::new(),
        "{text}"
    );
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn command_lines_clap_refuses_are_json_under_format_json() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["--format", "json", "no-such-command"],
            "unrecognized subcommand",
        ),
        (
            &["--format=json", "ovf", "edit", "x.ovf", "--cpus", "four"],
            "invalid value 'four' for '--cpus <CPUS>'",
        ),
        (&["ova", "pack", "--format", "json"], "required arguments"),
        (
            &["--format", "json", "ovf"],
            "a subcommand or argument is missing",
        ),
        (
            &["plan", "--format", "json", "--strategy", "best", A, E],
            "invalid value 'best'",
        ),
    ];
    for (args, message) in cases {
        let out = tern(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stdout(&out), "", "{args:?}");
        let report = json_error(&out);
        assert_eq!(report["valid"], false);
        let finding = &report["findings"][0];
        assert_eq!(finding["rule"], "cli.usage", "{args:?}");
        assert!(
            finding["message"].as_str().unwrap().contains(message),
            "{args:?}: {finding}"
        );
    }
    // What clap adds (a tip, the usage line) is the hint.
    let out = tern(&["--format", "json", "ovf"]);
    let hint = json_error(&out)["findings"][0]["hint"].clone();
    assert!(hint.as_str().unwrap().contains("Usage: tern ovf"), "{hint}");
    // The shims too, and text stays clap's own wording.
    let out = run(
        env!("CARGO_BIN_EXE_ovf2occi"),
        &["--format", "json", "--nope"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json_error(&out)["findings"][0]["rule"], "cli.usage");
    let out = tern(&["no-such-command"]);
    assert!(
        stderr(&out).starts_with("error: unrecognized subcommand"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn hints_are_a_field_of_the_finding() {
    let out = tern(&[
        "--format",
        "json",
        "ovf",
        "env",
        "samples/ovf/hadoop-cluster.ovf",
        "--prop",
        "hostname",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let finding = &json_error(&out)["findings"][0];
    assert_eq!(finding["message"], "`hostname` is not KEY=VALUE");
    assert_eq!(finding["hint"], "write --prop KEY=VALUE");
    // In text, the hint follows the finding's line.
    let out = tern(&[
        "ovf",
        "env",
        "samples/ovf/hadoop-cluster.ovf",
        "--prop",
        "hostname",
    ]);
    assert_eq!(
        stderr(&out),
        "error[cli.usage]: `hostname` is not KEY=VALUE\n  help: write --prop KEY=VALUE\n"
    );
}

#[test]
fn exit_codes_0_ok_1_invalid_input_2_usage_or_io() {
    let cases: [(&[&str], i32); 14] = [
        (&["occi", "model"], 0),
        (&["occi", "model", "--to", "uri-list"], 2),
        (
            &[
                "occi",
                "validate",
                "samples/occi/invalid/bad-number.plain.txt",
            ],
            1,
        ),
        (&["occi", "validate", "samples/occi/no-such-file.txt"], 2),
        (
            &["occi", "convert", "--to", "json", "--from", "text/html"],
            2,
        ),
        (&["cdmi", "objectid", "check", "00"], 1),
        (&["cdmi", "objectid", "new", "--enterprise", "0"], 2),
        (&["cdmi", "query", "?"], 1),
        (&["cdmi", "validate", "samples/cdmi/no-such-file.json"], 2),
        (&["ova", "list", "samples/ovf/minimal.ovf"], 1),
        (&["ova", "list", "no-such.ova"], 2),
        (&["ovf2occi", "samples/occi/compute.json"], 1),
        (
            &["ovf2occi", "samples/ovf/minimal.ovf", "--to", "text/occi"],
            2,
        ),
        (&["diff", "samples/occi/categories.json", A], 1),
    ];
    for (args, code) in cases {
        let out = tern(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}\n{}{}",
            stdout(&out),
            stderr(&out)
        );
    }
}

#[test]
fn diff_and_plan_detailed_exit_codes_are_terraforms() {
    for command in ["diff", "plan"] {
        let same = tern(&[command, "--detailed-exitcode", A, A]);
        assert_eq!(same.status.code(), Some(0), "{command}: {}", stderr(&same));
        let changes = tern(&[command, "--detailed-exitcode", A, E]);
        assert_eq!(
            changes.status.code(),
            Some(2),
            "{command}: {}",
            stderr(&changes)
        );
        assert!(!stdout(&changes).is_empty());
        // Without the flag, changes are a success.
        assert_eq!(tern(&[command, A, E]).status.code(), Some(0));
        // With it, every error is 1: a missing file, a refused command line.
        let missing = tern(&[command, "--detailed-exitcode", A, "no-such.json"]);
        assert_eq!(missing.status.code(), Some(1), "{command}");
        let usage = tern(&[command, "--detailed-exitcode", "--strategy", "best", A, E]);
        assert_eq!(usage.status.code(), Some(1), "{command}");
    }
}

#[test]
fn every_help_page_shows_examples() {
    for args in [
        &["--help"][..],
        &["ovf", "validate", "--help"],
        &["ova", "pack", "-h"],
        &["occi", "validate", "--help"],
        &["cdmi", "objectid", "explain", "--help"],
        &["plan", "--help"],
        &["completions", "--help"],
    ] {
        let out = tern(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(
            stdout(&out).contains("Examples:\n  "),
            "{args:?}: {}",
            stdout(&out)
        );
    }
    for shim in [
        env!("CARGO_BIN_EXE_ovf2occi"),
        env!("CARGO_BIN_EXE_occi2ovf"),
    ] {
        let out = run(shim, &["--help"]);
        assert!(stdout(&out).contains("Examples:\n  "), "{shim}");
        assert!(stdout(&out).contains("--format <FORMAT>"), "{shim}");
    }
}

#[test]
fn completions_are_generated_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef tern"),
        ("fish", "complete -c tern"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[tern]"),
    ] {
        let out = tern(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}");
        assert!(
            script.contains("ovf2occi") && script.contains("detailed-exitcode"),
            "{shell}"
        );
    }
    assert_eq!(tern(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn man_pages_are_generated_from_the_definitions() {
    let out = tern(&["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH tern 1"), "{page}");
    assert!(
        page.contains("ovf2occi") && page.contains("Examples:"),
        "{page}"
    );

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("man1");
    let out = tern(&["man", "--dir", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for name in [
        "tern.1",
        "tern-ovf-validate.1",
        "tern-ova-pack.1",
        "tern-plan.1",
        "tern-man.1",
    ] {
        let text =
            std::fs::read_to_string(target.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(text.starts_with(".ie"), "{name} is roff");
        assert!(stdout(&out).contains(name), "{name} listed");
    }
    assert!(!target.join("tern-help.1").exists());
}

#[test]
fn quiet_leaves_out_summaries_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("hadoop.json");
    let out_arg = out_path.to_str().unwrap();
    let normal = tern(&["ovf2occi", "samples/ovf/hadoop-cluster.ovf", "-o", out_arg]);
    assert!(
        stderr(&normal).contains("7 resources"),
        "{}",
        stderr(&normal)
    );
    let quiet = tern(&[
        "ovf2occi",
        "-q",
        "samples/ovf/hadoop-cluster.ovf",
        "-o",
        out_arg,
    ]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(stderr(&quiet), "");
    // occi2ovf's notes (what the collection lacks) are notes: gone with --quiet.
    let notes = tern(&["occi2ovf", A]);
    assert!(
        stderr(&notes).contains("note[occi2ovf.missing]"),
        "{}",
        stderr(&notes)
    );
    let quiet = tern(&["occi2ovf", "--quiet", A]);
    assert_eq!(quiet.status.code(), Some(0));
    assert!(!stderr(&quiet).contains("note["), "{}", stderr(&quiet));
    assert_eq!(
        tern(&["ovf2occi", "-q", "-v", "x.ovf"]).status.code(),
        Some(2)
    );
}

#[test]
fn occi_validate_is_strict_by_default_and_readers_are_lenient() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("trailing.txt");
    std::fs::write(
        &input,
        "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\";\nX-OCCI-Attribute: occi.core.id=\"urn:uuid:1\"\n",
    )
    .unwrap();
    let path = input.to_str().unwrap();
    let strict = tern(&["occi", "validate", "--request", path]);
    assert_eq!(strict.status.code(), Some(1), "{}", stdout(&strict));
    assert!(stdout(&strict).contains("error[lenient.trailing-semicolon]"));
    let lenient = tern(&["occi", "validate", "--request", "--lenient", path]);
    assert_eq!(lenient.status.code(), Some(0), "{}", stdout(&lenient));
    assert!(stdout(&lenient).contains("warning[lenient.trailing-semicolon]"));
    // A reader accepts it with the warning on stderr.
    let read = tern(&["occi", "convert", "--to", "json", path]);
    assert_eq!(read.status.code(), Some(0), "{}", stderr(&read));
    assert!(stderr(&read).contains("warning[lenient.trailing-semicolon]"));
    // A create request needs no id, even strictly.
    let request = dir.path().join("request.json");
    std::fs::write(
        &request,
        r#"{"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "attributes": {"occi.compute.cores": 2}}"#,
    )
    .unwrap();
    let out = tern(&["occi", "validate", "--request", request.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}
