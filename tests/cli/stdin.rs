//! `-` reads standard input for every command that reads an OCCI rendering or a CDMI body
//! (OVF and OVA inputs: see tests/ovf), and the media type of an OCCI input comes from its
//! content when `--from`/`--media` are absent, named in a note with `--verbose`.

use crate::{stderr, stdout, tern, tern_with_stdin};

const A: &str = "samples/topologies/a-db-server.json";
const E: &str = "samples/topologies/e-web-server-network-storage.json";

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn every_occi_and_cdmi_command_reads_standard_input() {
    let topology = read(A);
    let cases: [(&[&str], Vec<u8>); 7] = [
        (
            &["occi", "convert", "--to", "plain", "-"],
            read("samples/occi/compute.json"),
        ),
        (
            &["occi", "validate", "-"],
            read("samples/occi/network.plain.txt"),
        ),
        (&["occi2ovf", "-", "--default", "cpus=1"], read(A)),
        (&["diff", "-", E], topology.clone()),
        (&["plan", A, "-"], topology),
        (
            &["cdmi", "validate", "-"],
            read("samples/cdmi/valid/dataobject-create.json"),
        ),
        (
            &["cdmi", "validate", "--kind", "create-request", "-"],
            read("samples/cdmi/valid/dataobject-create.json"),
        ),
    ];
    for (args, input) in cases {
        let out = tern_with_stdin(args, &input);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn findings_about_standard_input_name_it() {
    let out = tern_with_stdin(
        &["cdmi", "validate", "-"],
        b"{\"copy\": \"/a\", \"move\": \"/b\"}",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("<stdin>:1:"), "{}", stdout(&out));
    let out = tern_with_stdin(&["occi", "validate", "-"], b"Category: compute; scheme=x");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("<stdin>:1:"), "{}", stdout(&out));
}

#[test]
fn the_runtime_and_the_target_cannot_both_be_standard_input() {
    let out = tern_with_stdin(&["diff", "-", "-"], &read(A));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot both be standard input"));
}

// The media type `occi validate --verbose` names for `input`.
fn detected(input: &[u8]) -> String {
    let out = tern_with_stdin(&["occi", "validate", "--verbose", "--lenient", "-"], input);
    let text = stdout(&out);
    let note = text
        .lines()
        .find(|l| l.contains("note[cli.media]"))
        .unwrap_or_else(|| panic!("a media note: {text}{}", stderr(&out)));
    note.split("read as ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap()
        .to_owned()
}

#[test]
fn every_media_type_is_sniffed_from_the_content_and_named() {
    assert_eq!(
        detected(&read("samples/occi/compute.json")),
        "application/occi+json"
    );
    assert_eq!(
        detected(&read("samples/occi/compute.plain.txt")),
        "text/plain"
    );
    // text/occi+plain has text/plain's syntax: read as text/plain.
    assert_eq!(
        detected(&read("samples/occi/compute.occi-plain.txt")),
        "text/plain"
    );
    assert_eq!(
        detected(&read("samples/occi/collection.uri")),
        "text/uri-list"
    );
    // A header block with other HTTP headers, and `curl -i` output with its status line.
    let headers =
        b"Content-Type: text/occi\r\nX-OCCI-Location: https://cloud.example/compute/1\r\n";
    assert_eq!(detected(headers), "text/occi");
    let curl = b"HTTP/1.1 200 OK\r\nServer: rOCCI\r\nContent-Type: text/occi\r\nX-OCCI-Location: https://cloud.example/compute/1\r\n\r\n";
    assert_eq!(detected(curl), "text/occi");
}

#[test]
fn the_media_note_needs_verbose_and_no_declared_type() {
    let json = read("samples/occi/compute.json");
    let quiet = tern_with_stdin(&["occi", "convert", "--to", "plain", "-"], &json);
    assert!(!stderr(&quiet).contains("cli.media"), "{}", stderr(&quiet));
    let verbose = tern_with_stdin(
        &["occi", "convert", "--verbose", "--to", "plain", "-"],
        &json,
    );
    assert!(
        stderr(&verbose).contains("<stdin>: note[cli.media]: read as application/occi+json"),
        "{}",
        stderr(&verbose)
    );
    let declared = tern_with_stdin(
        &[
            "occi",
            "convert",
            "--verbose",
            "--from",
            "json",
            "--to",
            "plain",
            "-",
        ],
        &json,
    );
    assert!(
        !stderr(&declared).contains("cli.media"),
        "{}",
        stderr(&declared)
    );
    for args in [
        &["diff", "--verbose", "-", E][..],
        &["occi2ovf", "--verbose", "-", "--default", "cpus=1"],
    ] {
        let out = tern_with_stdin(args, &read(A));
        assert!(
            stderr(&out).contains("<stdin>: note[cli.media]: read as application/occi+json"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let files = tern(&["plan", "--verbose", A, E]);
    assert!(
        stderr(&files).contains(&format!(
            "{A}: note[cli.media]: read as application/occi+json"
        )),
        "{}",
        stderr(&files)
    );
}
