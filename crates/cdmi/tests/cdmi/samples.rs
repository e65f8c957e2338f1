//! The samples under `samples/cdmi/`: valid ones have no error, invalid ones have at least
//! one, and the findings of every sample are reviewed snapshots (the messages are product).

use std::path::{Path, PathBuf};

use tern_cdmi::body::{self, ParseOptions};
use tern_cdmi::version::Version;

// The samples of one group, at least `at_least` of them.
fn samples(group: &str, at_least: usize) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/cdmi")
        .join(group);
    tern_testkit::files(&dir, &[".json"], at_least)
}

// The snapshot starts with what was detected, so type and kind detection are reviewed too.
fn summary(parsed: &body::Parsed, version: Version) -> String {
    let t = parsed
        .object_type
        .map_or("unknown type".to_owned(), |t| t.name().to_owned());
    format!("# {t} {} (CDMI {version})\n", parsed.kind.name())
}

// The findings as `tern cdmi validate` prints them.
fn lines(name: &str, parsed: &body::Parsed) -> String {
    let findings: Vec<_> = parsed
        .findings
        .iter()
        .map(|f| f.clone().in_file(name))
        .collect();
    tern_diag::render::lines(&findings)
}

// A sample written for CDMI 2.0 says so in its name.
fn check_with_version(path: &Path) -> (String, body::Parsed, Version) {
    let name = format!(
        "samples/cdmi/{}/{}",
        path.parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy(),
        path.file_name().unwrap().to_string_lossy()
    );
    let version = if name.contains("-2.0") {
        Version::V2_0
    } else {
        Version::V1_1_1
    };
    let text = std::fs::read_to_string(path).unwrap();
    let options = ParseOptions {
        version,
        ..ParseOptions::default()
    };
    (name, body::parse(&text, &options), version)
}

#[test]
fn valid_samples_have_no_errors() {
    let files = samples("valid", 10);
    for path in files {
        let (name, parsed, version) = check_with_version(&path);
        let report = summary(&parsed, version) + &lines(&name, &parsed);
        assert!(parsed.is_valid(), "{report}");
        assert!(parsed.object_type.is_some(), "{name}: type detected");
        insta::assert_snapshot!(
            format!("valid-{}", path.file_stem().unwrap().to_string_lossy()),
            report
        );
        // Render and read back: the same body.
        let object = parsed.object.unwrap();
        let again = body::parse(
            &object.to_json_string(),
            &ParseOptions {
                version,
                ..ParseOptions::default()
            },
        );
        assert_eq!(again.object.as_ref(), Some(&object), "{name}");
    }
}

#[test]
fn invalid_samples_have_errors() {
    let files = samples("invalid", 10);
    for path in files {
        let (name, parsed, version) = check_with_version(&path);
        let report = summary(&parsed, version) + &lines(&name, &parsed);
        assert!(!parsed.is_valid(), "{name} should be invalid");
        insta::assert_snapshot!(
            format!("invalid-{}", path.file_stem().unwrap().to_string_lossy()),
            report
        );
    }
}
