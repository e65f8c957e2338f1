//! What every command does with its inputs before a codec sees them, and with the input's
//! text it prints: one size bound (`--max-input-size`) for files, devices and standard
//! input; UTF-8 decoded once for OCCI and CDMI (a byte order mark noted, bad bytes placed);
//! what an input names escaped for the terminal; quoted tokens capped; repeated findings
//! summarised.

use crate::{Scratch, stderr, stdout, tern, tern_with_stdin, violations};

const FINDINGS_SCHEMA: &str = "schemas/findings.schema.json";

const COMPUTE: &str = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\nX-OCCI-Attribute: occi.core.id=\"urn:uuid:1\"\n";

// Every command that reads a file, with the file as its last argument.
const READERS: &[&[&str]] = &[
    &["ovf", "validate"],
    &["ovf", "info"],
    &["ovf2occi"],
    &["occi", "validate"],
    &["occi", "convert", "--to", "application/occi+json"],
    &["cdmi", "validate"],
    &["occi2ovf", "--cdmi-base", "https://cdmi.example/"],
];

fn with(args: &[&str], last: &str) -> Vec<String> {
    args.iter()
        .copied()
        .chain([last])
        .map(str::to_owned)
        .collect()
}

fn run(args: &[String]) -> std::process::Output {
    tern(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn a_huge_file_is_refused_by_its_size_before_it_is_read() {
    let dir = Scratch::new("huge");
    // 1 GiB that takes no disk: a sparse file. Reading it whole would take a second and a
    // gigabyte of memory per command; the size alone refuses it.
    let path = dir.path("huge.ovf");
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(1 << 30))
        .unwrap();
    for args in READERS {
        let out = run(&with(args, &path));
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {all}");
        assert!(
            all.contains("error[input.too-large]: the input is 1073741824 bytes, more than the limit of 67108864 bytes"),
            "{args:?}: {all}"
        );
        assert!(all.contains("--max-input-size"), "{args:?}: {all}");
    }
    // Topologies too.
    let out = tern(&["diff", &path, &path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error[input.too-large]"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn devices_fifos_and_stdin_are_read_only_up_to_the_limit() {
    let dir = Scratch::new("zero");
    // A descriptor that never ends: a link to /dev/zero, named as a descriptor.
    let zero = dir.path("zero.ovf");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    for args in READERS {
        let mut line = vec!["--max-input-size".to_owned(), "1MiB".to_owned()];
        line.extend(with(args, &zero));
        let out = run(&line);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {all}");
        assert!(
            all.contains("zero.ovf: error[input.too-large]: the input holds more than the limit of 1048576 bytes"),
            "{args:?}: {all}"
        );
    }
    // The default limit holds for devices too (64 MiB read, then refused).
    let out = tern(&["ovf", "validate", &zero]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("error[input.too-large]"),
        "{}",
        stdout(&out)
    );
    // Standard input, as text and as a descriptor.
    let big = vec![b' '; 3000];
    for args in [
        &["--max-input-size", "2KiB", "occi", "validate", "-"][..],
        &["--max-input-size", "2048", "ovf", "validate", "-"],
        &["--max-input-size", "2KiB", "cdmi", "validate", "-"],
    ] {
        let out = tern_with_stdin(args, &big);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {all}");
        assert!(
            all.contains("<stdin>: error[input.too-large]"),
            "{args:?}: {all}"
        );
    }
}

#[test]
fn the_limit_is_given_in_bytes_or_binary_units() {
    let dir = Scratch::new("limit");
    let path = dir.path("vm.txt");
    std::fs::write(&path, COMPUTE).unwrap();
    let size = COMPUTE.len().to_string();
    let below = (COMPUTE.len() - 1).to_string();
    for limit in [size.as_str(), "1KiB", "64MiB", "1GiB", "1gib", "2 TiB"] {
        let out = tern(&[
            "--max-input-size",
            limit,
            "occi",
            "validate",
            "--request",
            &path,
        ]);
        assert_eq!(out.status.code(), Some(0), "{limit}: {}", stdout(&out));
    }
    let out = tern(&["--max-input-size", &below, "occi", "validate", &path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("error[input.too-large]"),
        "{}",
        stdout(&out)
    );
    for bad in ["64MB", "lots", "1.5GiB", "99999999999999999999GiB"] {
        let out = tern(&["--max-input-size", bad, "occi", "validate", &path]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&out).contains("--max-input-size"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn bytes_that_are_not_utf8_are_invalid_input_at_their_place() {
    let dir = Scratch::new("utf8");
    // Latin-1 `é` (0xE9) in an attribute value, on line 2.
    let occi = dir.join("latin1.txt");
    let mut bytes = COMPUTE.replace("urn:uuid:1", "caf\u{1}").into_bytes();
    let at = bytes.iter().position(|&b| b == 1).unwrap();
    bytes[at] = 0xE9;
    std::fs::write(&occi, &bytes).unwrap();
    let cdmi = dir.join("latin1.json");
    std::fs::write(&cdmi, b"{\n  \"metadata\": {\"name\": \"caf\xE9\"}\n}\n").unwrap();
    for (args, file, place) in [
        (&["occi", "validate"][..], &occi, "2:36"),
        (
            &["occi", "convert", "--to", "application/occi+json"],
            &occi,
            "2:36",
        ),
        (&["diff"], &occi, "2:36"),
        (&["cdmi", "validate"], &cdmi, "2:28"),
    ] {
        let name = file.to_str().unwrap();
        let mut line = with(args, name);
        if args == ["diff"] {
            line.push(name.to_owned());
        }
        let out = run(&line);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {all}");
        assert!(
            all.contains(&format!(
                "{name}:{place}: error[input.not-utf8]: the byte 0xE9 is not valid UTF-8 here"
            )),
            "{args:?}: {all}"
        );
    }
    // In JSON, a finding like any other.
    let out = tern(&[
        "--format",
        "json",
        "cdmi",
        "validate",
        cdmi.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(
        violations(FINDINGS_SCHEMA, &text),
        Vec::<String>::new(),
        "{text}"
    );
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["findings"][0]["rule"], "input.not-utf8");
    assert_eq!(report["findings"][0]["line"], 2);
}

#[test]
fn a_byte_order_mark_is_read_with_a_note() {
    let dir = Scratch::new("bom");
    let occi = dir.path("bom.txt");
    std::fs::write(&occi, format!("\u{feff}{COMPUTE}")).unwrap();
    let cdmi = dir.path("bom.json");
    std::fs::write(&cdmi, "\u{feff}{\"metadata\": {}}").unwrap();
    for args in [
        &["occi", "validate", "--request", &occi][..],
        &["cdmi", "validate", &cdmi],
        &["occi", "convert", "--to", "application/occi+json", &occi],
    ] {
        let out = tern(args);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert_ne!(out.status.code(), Some(2), "{args:?}: {all}");
        assert!(
            all.contains("note[input.bom]: the input starts with a UTF-8 byte order mark"),
            "{args:?}: {all}"
        );
        assert!(!all.contains("error["), "{args:?}: {all}");
    }
}

// Control characters, DEL, C1 controls and bidirectional overrides: none reaches a terminal.
fn assert_escaped(output: &str) {
    let raw: Vec<char> = output
        .chars()
        .filter(|&c| tern_diag::quote::is_unsafe(c) && c != '\n')
        .collect();
    assert!(raw.is_empty(), "raw {raw:?} in {output:?}");
}

#[test]
fn member_names_titles_and_values_are_escaped_in_text() {
    let dir = Scratch::new("escape");
    // An archive whose second member's name holds ESC, BEL, a newline and a bidi override.
    let hostile = "a\x1b[2J\x07b\nc\u{202e}gpj.img";
    let mut bytes = tar_member("vm.ovf", b"<Envelope/>");
    bytes.extend(tar_member(hostile, b""));
    bytes.extend_from_slice(&[0; 1024]);
    let ova = dir.path("hostile.ova");
    std::fs::write(&ova, bytes).unwrap();
    let out = tern(&["ova", "list", &ova]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_escaped(&text);
    assert!(
        text.contains("a\\u{1b}[2J\\u{7}b\\nc\\u{202e}gpj.img\n"),
        "{text}"
    );
    // JSON stays JSON: the name as it is, in serde's escapes.
    let out = tern(&["--format", "json", "ova", "list", &ova]);
    let listing: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(listing["members"][1]["name"], hostile);

    // A product name with a CSI (C1) and a right-to-left override, in `ovf info`.
    let sample = std::fs::read_to_string("samples/ovf/deployment-options.ovf").unwrap();
    assert!(sample.contains("Example DB"));
    let ovf = dir.path("title.ovf");
    std::fs::write(
        &ovf,
        sample.replace("Example DB", "Ex&#x9b;2J\u{202e}ample"),
    )
    .unwrap();
    let out = tern(&["ovf", "info", &ovf]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_escaped(&stdout(&out));
    assert!(
        stdout(&out).contains("Product: Ex\\u{9b}2J\\u{202e}ample"),
        "{}",
        stdout(&out)
    );

    // Findings quoting the input, with snippets (stderr) and as lines (stdout).
    let occi = dir.path("term.txt");
    std::fs::write(&occi, "Category: com\u{9b}pute\u{202e}; scheme=\"x#\"\n").unwrap();
    let out = tern(&["occi", "convert", "--to", "application/occi+json", &occi]);
    assert_eq!(out.status.code(), Some(1));
    assert_escaped(&stderr(&out));
    let out = tern(&["occi", "validate", &occi]);
    assert_eq!(out.status.code(), Some(1));
    assert_escaped(&stdout(&out));
    assert!(stdout(&out).contains("\\u{9b}"), "{}", stdout(&out));
}

// One ustar header and data for a regular file `name` holding `data`.
fn tar_member(name: &str, data: &[u8]) -> Vec<u8> {
    let mut header = [0u8; 512];
    header[..name.len()].copy_from_slice(name.as_bytes());
    header[100..108].copy_from_slice(b"0000644\0");
    header[108..116].copy_from_slice(b"0000000\0");
    header[116..124].copy_from_slice(b"0000000\0");
    header[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
    header[136..148].copy_from_slice(b"00000000000\0");
    header[156] = b'0';
    header[257..265].copy_from_slice(b"ustar\x0000");
    header[148..156].fill(b' ');
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let mut out = header.to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

#[test]
fn a_huge_token_is_not_echoed_whole() {
    let dir = Scratch::new("token");
    let token = "x".repeat(5_000_000);
    // Bare, in an OCCI category, a CDMI body and an OVF value.
    let occi = dir.path("token.txt");
    std::fs::write(&occi, format!("Category: {token}$; scheme=\"x#\"\n")).unwrap();
    let json = dir.path("token.json");
    std::fs::write(&json, format!("{{\"kind\": \"{token}\"}}")).unwrap();
    let sample = std::fs::read_to_string("samples/ovf/deployment-options.ovf").unwrap();
    let ovf = dir.path("token.ovf");
    let value = "9x".repeat(2_500_000);
    let at = sample.find("<rasd:VirtualQuantity>").unwrap() + "<rasd:VirtualQuantity>".len();
    let end = at + sample[at..].find('<').unwrap();
    std::fs::write(&ovf, format!("{}{value}{}", &sample[..at], &sample[end..])).unwrap();
    for args in [
        &["occi", "validate", &occi][..],
        &["occi", "convert", "--to", "application/occi+json", &occi],
        &["--format", "json", "occi", "validate", &json],
        &["occi", "validate", &json],
        &["ovf", "validate", &ovf],
        &["--format", "json", "ovf", "validate", &ovf],
    ] {
        let out = tern(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let size = out.stdout.len() + out.stderr.len();
        assert!(size < 20_000, "{args:?}: {size} bytes of output");
    }
}

#[test]
fn repeated_findings_are_summarised_unless_verbose() {
    let dir = Scratch::new("repeated");
    // 50 bodies, each with a `;` after its last category parameter.
    let body = COMPUTE.replace("class=\"kind\"", "class=\"kind\";");
    let text: Vec<String> = (0..50)
        .map(|i| body.replace("urn:uuid:1", &format!("urn:uuid:{i}")))
        .collect();
    let path = dir.path("many.txt");
    std::fs::write(&path, text.join("\n")).unwrap();
    let out = tern(&["occi", "validate", "--request", &path]);
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    let rule: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains("[lenient.trailing-semicolon]"))
        .collect();
    assert_eq!(rule.len(), 3, "{lines:#?}");
    assert!(
        rule[2].starts_with(&format!("{path}:7:86: "))
            && rule[2].ends_with("(and 47 more lenient.trailing-semicolon; --verbose shows all)"),
        "{lines:#?}"
    );
    let verbose = tern(&["occi", "validate", "--request", "--verbose", &path]);
    let all = stdout(&verbose)
        .lines()
        .filter(|l| l.contains("[lenient.trailing-semicolon]"))
        .count();
    assert_eq!(all, 50, "{}", stdout(&verbose));
    // JSON: the same three, the third counting the rest; the report follows the schema.
    let out = tern(&["--format", "json", "occi", "validate", "--request", &path]);
    let text = stdout(&out);
    assert_eq!(
        violations(FINDINGS_SCHEMA, &text),
        Vec::<String>::new(),
        "{text}"
    );
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3, "{text}");
    assert_eq!(findings[2]["more"], 47);
    assert_eq!(report["valid"], false);
    let out = tern(&[
        "--format",
        "json",
        "--verbose",
        "occi",
        "validate",
        "--request",
        &path,
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rule = report["findings"].as_array().unwrap().iter();
    let rule = rule.filter(|f| f["rule"] == "lenient.trailing-semicolon");
    assert_eq!(rule.count(), 50);
    // Errors of a failed command (stderr, with snippets) are summarised the same way.
    let out = tern(&[
        "occi",
        "convert",
        "--strict",
        "--to",
        "application/occi+json",
        &path,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(
        err.matches("[lenient.trailing-semicolon]").count(),
        3,
        "{err}"
    );
    assert!(err.contains("(and 47 more"), "{err}");
}

// A FIFO at `path` that receives `bytes` once, from a thread; `unblock` ends the thread
// whether the command read the FIFO or not.
fn fifo(path: &str, bytes: Vec<u8>) -> std::thread::JoinHandle<()> {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
    let path = path.to_owned();
    // A command that opens the FIFO a second time would wait for a writer forever: after a
    // while, one that writes nothing comes, and the command fails instead of hanging.
    let late = path.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(20));
        let _ = std::fs::OpenOptions::new().write(true).open(&late);
    });
    std::thread::spawn(move || {
        use std::io::Write as _;
        // A reader that stopped early closes the pipe: that is no failure here.
        if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&path) {
            let _ = f.write_all(&bytes);
        }
    })
}

// Ends the writer of `fifo`: opening a FIFO for reading and writing never blocks on Linux,
// and lets a writer still waiting for a reader open it.
fn unblock(path: &str, writer: std::thread::JoinHandle<()>) {
    let _ = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path);
    writer.join().unwrap();
}

#[test]
fn a_fifo_is_read_once_descriptor_or_archive() {
    let dir = Scratch::new("fifo");
    let sample = std::fs::read("samples/ovf/deployment-options.ovf").unwrap();
    // Sniffing a FIFO for a tar header ate its first 512 bytes: the rest was malformed XML.
    let path = dir.path("vm.ovf");
    let writer = fifo(&path, sample.clone());
    let out = tern(&["ovf", "validate", &path]);
    unblock(&path, writer);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // An archive through a FIFO (`tern ovf info <(cat vm.ova)`).
    let mut ova = tar_member("vm.ovf", &sample);
    ova.extend_from_slice(&[0; 1024]);
    let path = dir.path("vm-ova");
    let writer = fifo(&path, ova);
    let out = tern(&["ovf", "info", &path]);
    unblock(&path, writer);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Product: Example DB"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_input_limit_is_the_ovf_readers_limit_for_every_ovf_command() {
    let dir = Scratch::new("big-ovf");
    // 70 MiB: above the 64 MiB default, below 128 MiB. A long comment keeps parsing cheap
    // (one node); its lines keep the line index ordinary.
    let sample = std::fs::read_to_string("samples/ovf/minimal.ovf").unwrap();
    let split = sample.find("<Envelope").unwrap();
    let mut big = String::with_capacity(70 << 20);
    big.push_str(&sample[..split]);
    big.push_str("<!--");
    let filler = format!("{}\n", "x".repeat(127));
    while big.len() < (70 << 20) {
        big.push_str(&filler);
    }
    big.push_str("-->\n");
    big.push_str(&sample[split..]);
    let size = big.len();
    let ovf = dir.path("big.ovf");
    std::fs::write(&ovf, &big).unwrap();
    let mut archive = tar_member("big.ovf", big.as_bytes());
    drop(big);
    archive.extend_from_slice(&[0; 1024]);
    let ova = dir.path("big.ova");
    std::fs::write(&ova, archive).unwrap();
    let out_file = dir.path("out.ovf");
    // Each command, and whether it is run again under a raised limit: reading 70 MiB takes
    // about 1.5 s in a debug build, so once per way into the reader (validate_bytes, the
    // CLI's parse of an OVA member, ovf2occi).
    let commands: Vec<(Vec<&str>, bool)> = vec![
        (vec!["ovf", "validate", &ovf], true),
        (vec!["ovf", "info", &ovf], false),
        (vec!["ovf", "fmt", &ovf, "-o", &out_file], false),
        (
            vec!["ovf", "edit", &ovf, "--cpus", "2", "-o", &out_file],
            false,
        ),
        (vec!["ovf", "env", &ovf], false),
        (vec!["ovf2occi", &ovf], true),
        (vec!["ovf", "validate", &ova], false),
        (vec!["ovf", "info", &ova], true),
    ];
    for (args, raise) in &commands {
        // Refused by default, by the input's rule, naming the flag that raises it.
        let out = tern(args);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {all}");
        assert!(
            all.contains(&format!(
                "error[input.too-large]: the input is {size} bytes, more than the limit of 67108864 bytes"
            )),
            "{args:?}: {all}"
        );
        assert!(all.contains("--max-input-size"), "{args:?}: {all}");
        if !raise {
            continue;
        }
        // Read whole under a higher limit: the OVF reader has no other bound.
        let raised: Vec<&str> = ["--max-input-size", "128MiB"]
            .into_iter()
            .chain(args.iter().copied())
            .collect();
        let out = tern(&raised);
        let all = format!("{}{}", stderr(&out), stdout(&out).get(..2000).unwrap_or(""));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {all}");
        assert!(!all.contains("limit"), "{args:?}: {all}");
    }
}

#[test]
fn descriptor_and_topology_values_stay_on_their_line() {
    let dir = Scratch::new("values");
    // A product and a system name with a line break, a tab, a bidi override and a C1
    // control (NEL), all of which XML 1.0 allows as character references.
    let sample = std::fs::read_to_string("samples/ovf/deployment-options.ovf").unwrap();
    let ovf = dir.path("values.ovf");
    let hostile = "Ex&#10;ample&#9;D&#x85;B&#x202e;";
    std::fs::write(&ovf, sample.replace("Example DB", hostile)).unwrap();
    let out = tern(&["ovf", "info", &ovf]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_escaped(&text);
    assert!(
        text.contains("Product: Ex\\nample\\tD\\u{85}B\\u{202e} 15"),
        "{text}"
    );
    assert!(!text.lines().any(|l| l.starts_with("ample")), "{text}");
    // JSON keeps the value as it is.
    let out = tern(&["--format", "json", "ovf", "info", &ovf]);
    assert!(
        stdout(&out).contains("Ex\\nample\\tD\u{85}B\u{202e}"),
        "{}",
        stdout(&out)
    );

    // A title with a line feed and ESC, and an attribute value with a line feed, in `diff`
    // and `plan`.
    let a = std::fs::read_to_string("samples/topologies/a-db-server.json").unwrap();
    assert!(a.contains("\"title\": \"vm0\"") && a.contains("\"occi.compute.hostname\": \"vm0\""));
    let changed = a
        .replacen("\"title\": \"vm0\"", "\"title\": \"vm\\n0\\u001b[2J\"", 1)
        .replacen(
            "\"occi.compute.hostname\": \"vm0\"",
            "\"occi.compute.hostname\": \"host\\nname\"",
            1,
        );
    let target = dir.path("changed.json");
    std::fs::write(&target, changed).unwrap();
    let source = "samples/topologies/a-db-server.json";
    for command in ["diff", "plan"] {
        let out = tern(&[command, source, &target]);
        assert_eq!(out.status.code(), Some(0), "{command}: {}", stderr(&out));
        let text = stdout(&out);
        assert_escaped(&text);
        assert!(text.contains("vm\\n0\\u{1b}[2J"), "{command}: {text}");
        assert!(text.contains("host\\nname"), "{command}: {text}");
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("0\\u{1b}") || l.starts_with("name")),
            "{command}: {text}"
        );
    }
}

#[test]
fn ovf_info_and_validate_read_archives_under_max_members() {
    let dir = Scratch::new("members");
    let sample = std::fs::read("samples/ovf/minimal.ovf").unwrap();
    let mut bytes = tar_member("vm.ovf", &sample);
    for i in 0..20 {
        bytes.extend(tar_member(&format!("extra-{i}.txt"), b""));
    }
    bytes.extend_from_slice(&[0; 1024]);
    let ova = dir.path("many.ova");
    std::fs::write(&ova, bytes).unwrap();
    for command in ["info", "validate"] {
        let out = tern(&["ovf", command, "--max-members", "10", &ova]);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{command}: {all}");
        assert!(all.contains("error[OVA-MEMBERS]"), "{command}: {all}");
        assert!(all.contains("--max-members"), "{command}: {all}");
        let out = tern(&["ovf", command, "--max-members", "21", &ova]);
        assert_eq!(out.status.code(), Some(0), "{command}: {}", stderr(&out));
    }
    // A command without the flag names the one that has it, past the default bound.
    let mut bytes = tar_member("vm.ovf", &sample);
    for i in 0..tern_ova::DEFAULT_MAX_MEMBERS {
        bytes.extend(tar_member(&format!("{i}"), b""));
    }
    bytes.extend_from_slice(&[0; 1024]);
    let ova = dir.path("more.ova");
    std::fs::write(&ova, bytes).unwrap();
    let out = tern(&["ovf2occi", &ova]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error[OVA-MEMBERS]"), "{err}");
    assert!(err.contains("`tern ova unpack --max-members N`"), "{err}");
}
