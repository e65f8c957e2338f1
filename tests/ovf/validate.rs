//! `tern ovf validate`: exit codes, finding lines, JSON.

use crate::{samples, scratch, show, tern};

fn sample(rel: &str) -> String {
    format!("{}/samples/ovf/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn valid_samples_exit_0() {
    let paths: Vec<String> = samples().iter().map(|p| p.display().to_string()).collect();
    let mut args = vec!["ovf", "validate"];
    args.extend(paths.iter().map(String::as_str));
    let out = tern(&args);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains(": error["), "{text}");
}

#[test]
fn an_invalid_file_among_valid_ones_exits_1_with_a_finding_line() {
    let good = sample("minimal.ovf");
    let bad = sample("invalid/ovf-duplicate-instance-id.ovf");
    let out = tern(&["ovf", "validate", &good, &bad]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("error["))
        .expect("an error line");
    assert!(
        line.starts_with(&format!("{bad}:"))
            && line.contains(": error[OVF-DUPLICATE-INSTANCE-ID]: InstanceID 4"),
        "{line}"
    );
    // FILE:LINE:COL with numbers.
    let rest = &line[bad.len() + 1..];
    let mut parts = rest.splitn(3, ':');
    assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{line}");
    assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{line}");
}

#[test]
fn lax_accepts_what_strict_refuses() {
    let path = sample("invalid/ovf-element-order.ovf");
    assert_eq!(tern(&["ovf", "validate", &path]).status.code(), Some(1));
    assert_eq!(
        tern(&["ovf", "validate", "--strict", &path]).status.code(),
        Some(1)
    );
    let out = tern(&["ovf", "validate", "--lax", &path]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("warning[OVF-ELEMENT-ORDER]"));
    let out = tern(&["ovf", "validate", "--lax", "--strict", &path]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "conflicting flags: {}",
        show(&out)
    );
}

#[test]
fn check_files_turns_missing_files_into_errors() {
    let path = sample("invalid/ovf-file-missing.ovf");
    assert_eq!(tern(&["ovf", "validate", &path]).status.code(), Some(0));
    let out = tern(&["ovf", "validate", "--check-files", &path]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("error[OVF-FILE-MISSING]"));
}

#[test]
fn malformed_xml_is_an_ovf_xml_finding() {
    let path = sample("invalid/ovf-xml.ovf");
    let out = tern(&["ovf", "validate", &path]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(&format!("{path}:2:1: error[OVF-XML]: a DOCTYPE")),
        "{text}"
    );
}

#[test]
fn io_and_usage_errors_exit_2() {
    let dir = scratch("validate-io");
    let missing = dir.join("missing.ovf");
    let good = sample("minimal.ovf");
    let out = tern(&["ovf", "validate", &good, missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert_eq!(tern(&["ovf", "validate"]).status.code(), Some(2));
}

#[test]
fn json_lists_files_and_findings() {
    let bad = sample("invalid/ovf-capacity.ovf");
    let good = sample("hadoop-cluster.ovf");
    let out = tern(&["ovf", "validate", "--format", "json", &good, &bad]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["valid"], false);
    let files = value["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["file"], good.as_str());
    assert_eq!(files[0]["valid"], true);
    assert_eq!(files[0]["dialect"], "dmtf1");
    assert_eq!(files[1]["valid"], false);
    let finding = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "error")
        .unwrap();
    assert_eq!(finding["rule"], "OVF-CAPACITY");
    assert_eq!(finding["file"], bad.as_str());
    assert!(finding["line"].as_u64().unwrap() > 1);
}

#[test]
fn json_follows_the_findings_schema() {
    let schema_path = format!(
        "{}/schemas/findings.schema.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let schema =
        tern_occi::json::Schema::parse(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    // Valid, invalid, lax warnings and an XML error (with a span) in one run each.
    for args in [
        vec![sample("minimal.ovf")],
        vec![
            sample("hadoop-cluster.ovf"),
            sample("invalid/ovf-capacity.ovf"),
        ],
        vec!["--lax".into(), sample("invalid/ovf-element-order.ovf")],
        vec![sample("invalid/ovf-xml.ovf")],
    ] {
        let mut argv = vec!["ovf", "validate", "--format", "json"];
        argv.extend(args.iter().map(String::as_str));
        let out = tern(&argv);
        let stdout = String::from_utf8(out.stdout.clone()).unwrap();
        let instance = tern_occi::json::parse_json(&stdout).unwrap();
        let violations: Vec<String> = schema
            .validate(None, &instance)
            .into_iter()
            .map(|v| format!("{}: {}", v.pointer, v.message))
            .collect();
        assert!(
            violations.is_empty(),
            "{args:?}: {violations:#?}\n{}",
            show(&out)
        );
        let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(
            value["files"].as_array().map(Vec::len),
            Some(args.iter().filter(|a| !a.starts_with("--")).count())
        );
    }
}

#[test]
fn an_href_outside_the_package_is_a_warning_and_with_check_files_an_error() {
    let dir = scratch("href");
    let sample = std::fs::read_to_string(sample("invalid/ovf-file-missing.ovf")).unwrap();
    for (href, reason) in [
        ("../outside/disk1.vmdk", "leaves the package directory"),
        ("/var/lib/disk1.vmdk", "absolute path"),
        ("C:\\disks\\disk1.vmdk", "names a drive"),
    ] {
        let path = dir.join("vm.ovf");
        let xml = sample.replace("not-shipped.vmdk", href);
        std::fs::write(&path, xml).unwrap();
        let path = path.to_str().unwrap();
        let out = tern(&["ovf", "validate", path]);
        assert_eq!(out.status.code(), Some(0), "{href}: {}", show(&out));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            text.contains(&format!("{path}:5:5: warning[OVF-FILE-HREF]: the href")),
            "{href}: {text}"
        );
        assert!(text.contains(reason), "{href}: {text}");
        // From standard input too: the spelling alone decides.
        let out = tern_stdin(&["ovf", "validate", "-"], &std::fs::read(path).unwrap());
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("warning[OVF-FILE-HREF]"),
            "{href}: {}",
            show(&out)
        );
        // --check-files: an error, said once, by the package check (OVA-HREF, as `ova
        // verify` says it), not again as OVF-FILE-HREF.
        let out = tern(&["ovf", "validate", "--check-files", path]);
        assert_eq!(out.status.code(), Some(1), "{href}: {}", show(&out));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(text.matches("error[OVA-HREF]").count(), 1, "{href}: {text}");
        assert!(!text.contains("OVF-FILE-HREF"), "{href}: {text}");
        // Standard input has no package check: the descriptor's rule is the error.
        let out = tern_stdin(
            &["ovf", "validate", "--check-files", "-"],
            &std::fs::read(path).unwrap(),
        );
        assert_eq!(out.status.code(), Some(1), "{href}: {}", show(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("error[OVF-FILE-HREF]"),
            "{href}: {}",
            show(&out)
        );
    }
    // In an archive (`ova pack` refuses to write one): an error, once.
    let xml = sample.replace("not-shipped.vmdk", "../disk1.vmdk");
    let ova = dir.join("vm.ova");
    std::fs::write(&ova, tar(&[("vm.ovf", xml.as_bytes())])).unwrap();
    let out = tern(&["ovf", "validate", "--check-files", ova.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        text.matches("error[OVA-HREF]").count() + text.matches("error[OVF-FILE-HREF]").count(),
        1,
        "{text}"
    );
    // A URL is fetched at deployment: no finding.
    let path = dir.join("url.ovf");
    std::fs::write(
        &path,
        sample.replace("not-shipped.vmdk", "https://example.com/disk1.vmdk"),
    )
    .unwrap();
    let out = tern(&["ovf", "validate", path.to_str().unwrap()]);
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("OVF-FILE-HREF"),
        "{}",
        show(&out)
    );
}

fn tern_stdin(args: &[&str], input: &[u8]) -> std::process::Output {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("tern runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().expect("tern runs")
}

// A ustar archive of `members` (name, data), ended by two zero blocks.
fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in members {
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
        out.extend_from_slice(&header);
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend_from_slice(&[0; 1024]);
    out
}
