//! Manifest lines: the exact `ALG(name)= hex` form, the lenient BSD reading, and bad lines
//! reported with their line and column.

use tern_diag::{Position, Severity};
use tern_ova::{Algorithm, Manifest};

use crate::support::hex_digest;

const SHA1_ABC: &str = "a9993e364706816aba3e25717850c26c9cd0d89d";
const SHA256_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const SHA512_ABC: &str = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

#[test]
fn digests_match_the_published_test_vectors() {
    // FIPS 180 examples for the message "abc".
    assert_eq!(hex_digest(Algorithm::Sha1, b"abc"), SHA1_ABC);
    assert_eq!(hex_digest(Algorithm::Sha256, b"abc"), SHA256_ABC);
    assert_eq!(hex_digest(Algorithm::Sha512, b"abc"), SHA512_ABC);
}

#[test]
fn strict_lines_parse_into_entries() {
    let text = format!(
        "SHA1(vm.ovf)= {SHA1_ABC}\nSHA256(disk 1 (copy).vmdk)= {SHA256_ABC}\nSHA512(a=b.iso)= {SHA512_ABC}\n"
    );
    let manifest = Manifest::parse_strict(text.as_bytes()).expect("strict manifest");
    let got: Vec<(&str, Algorithm, String, usize)> = manifest
        .entries
        .iter()
        .map(|e| (e.name.as_str(), e.digest.algorithm, e.digest.hex(), e.line))
        .collect();
    assert_eq!(
        got,
        [
            ("vm.ovf", Algorithm::Sha1, SHA1_ABC.to_owned(), 1),
            (
                "disk 1 (copy).vmdk",
                Algorithm::Sha256,
                SHA256_ABC.to_owned(),
                2
            ),
            ("a=b.iso", Algorithm::Sha512, SHA512_ABC.to_owned(), 3),
        ]
    );
    // Rendering gives back exactly the same text.
    assert_eq!(manifest.render(), text);
}

#[test]
fn crlf_line_ends_and_upper_case_hex_are_accepted() {
    let text = format!("SHA256(vm.ovf)= {}\r\n", SHA256_ABC.to_uppercase());
    let manifest = Manifest::parse_strict(text.as_bytes()).expect("CRLF manifest");
    assert_eq!(manifest.entries[0].digest.hex(), SHA256_ABC);
}

#[test]
fn bsd_spelling_is_read_with_a_warning() {
    let text = format!("SHA256(vm.ovf)= {SHA256_ABC}\nSHA256 (disk.vmdk) = {SHA256_ABC}\n");
    let parsed = Manifest::parse(text.as_bytes());
    assert_eq!(parsed.manifest.entries.len(), 2, "the BSD line is kept");
    assert_eq!(parsed.manifest.entries[1].name, "disk.vmdk");
    assert_eq!(parsed.findings.len(), 1);
    let warning = &parsed.findings[0];
    assert_eq!(
        (warning.severity, &*warning.rule, warning.position),
        (Severity::Warning, "MF-SPELLING", Some(Position::new(2, 1)))
    );
    // Strict parsing refuses the same text, naming the line.
    let err = Manifest::parse_strict(text.as_bytes()).expect_err("strict refuses BSD");
    let finding = &err.finding;
    assert_eq!(
        (&*finding.rule, finding.position.map(|p| p.line)),
        ("MF-SPELLING", Some(2))
    );
    assert!(
        err.to_string().starts_with("2:1: warning[MF-SPELLING]"),
        "{err}"
    );
}

#[test]
fn other_spacing_and_case_variants_are_warnings() {
    for line in [
        format!("sha256(vm.ovf)= {SHA256_ABC}"),
        format!("SHA256(vm.ovf) = {SHA256_ABC}"),
        format!("SHA256(vm.ovf)={SHA256_ABC}"),
        format!("SHA256(vm.ovf)=  {SHA256_ABC}  "),
    ] {
        let parsed = Manifest::parse(line.as_bytes());
        assert_eq!(parsed.manifest.entries.len(), 1, "{line}");
        let rules: Vec<_> = parsed
            .findings
            .iter()
            .map(|d| (d.severity, &*d.rule))
            .collect();
        assert_eq!(rules, [(Severity::Warning, "MF-SPELLING")], "{line}");
    }
}

#[test]
fn bad_lines_are_errors_with_line_and_column() {
    let text = format!(
        "SHA256(ok.ovf)= {SHA256_ABC}\n\
         MD5(x)= 900150983cd24fb0d6963f7d28e17f72\n\
         SHA256(short)= abcd\n\
         SHA1(nohex)= {}\n\
         SHA256 vm.ovf {SHA256_ABC}\n\
         SHA256(no-equals) {SHA256_ABC}\n\
         (anonymous)= {SHA256_ABC}\n\
         SHA2-256(x)= {SHA256_ABC}\n\
         SHA256(ok.ovf)= {SHA256_ABC}\n\
         SHA256()= {SHA256_ABC}\n",
        "z".repeat(40)
    );
    let parsed = Manifest::parse(text.as_bytes());
    let got: Vec<(usize, usize, &str)> = parsed
        .findings
        .iter()
        .map(|d| {
            assert_eq!(d.severity, Severity::Error, "{d}");
            let at = d.position.expect("placed");
            (at.line, at.column, &*d.rule)
        })
        .collect();
    assert_eq!(
        got,
        [
            (2, 1, "MF-ALGORITHM"),
            (3, 16, "MF-DIGEST"),
            (4, 14, "MF-DIGEST"),
            (5, 8, "MF-SYNTAX"),
            (6, 8, "MF-SYNTAX"),
            (7, 1, "MF-SYNTAX"),
            (8, 1, "MF-ALGORITHM"),
            (9, 1, "MF-DUPLICATE"),
            (10, 8, "MF-SYNTAX"),
        ]
    );
    // Only the first line survives.
    assert_eq!(parsed.manifest.entries.len(), 1);
    let messages: Vec<String> = parsed.findings.iter().map(ToString::to_string).collect();
    assert!(
        messages[1].contains("a SHA256 digest has 64 hex digits, found 4"),
        "{messages:?}"
    );
    assert!(
        messages[7].contains("'ok.ovf' is already listed on line 1"),
        "{messages:?}"
    );
    assert!(
        messages[6].contains("unknown digest algorithm 'SHA2-256'"),
        "{messages:?}"
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    // `é` is two bytes: the digest starts at character 14, byte 15.
    let parsed = Manifest::parse("SHA1(é.img)= zz\n".as_bytes());
    let d = &parsed.findings[0];
    assert_eq!(
        (&*d.rule, d.position),
        ("MF-DIGEST", Some(Position::new(1, 14)))
    );
}

#[test]
fn blank_lines_are_ignored_and_invalid_utf8_is_an_error() {
    let mut text = format!("\nSHA1(a)= {SHA1_ABC}\n\n").into_bytes();
    text.extend_from_slice(b"SHA1(\xff)= ");
    text.extend_from_slice(SHA1_ABC.as_bytes());
    let parsed = Manifest::parse(&text);
    assert_eq!(parsed.manifest.entries.len(), 1);
    assert_eq!(parsed.manifest.entries[0].line, 2);
    let d = &parsed.findings[0];
    assert_eq!(
        (d.position.map(|p| p.line), &*d.rule),
        (Some(4), "MF-SYNTAX")
    );
}

#[test]
fn generated_lines_have_the_exact_vcenter_spelling() {
    let mut manifest = Manifest::default();
    for algorithm in Algorithm::ALL {
        let mut h = algorithm.hasher();
        h.update(b"abc");
        manifest.push(format!("f.{algorithm}"), h.finish());
    }
    assert_eq!(
        manifest.render(),
        format!(
            "SHA1(f.SHA1)= {SHA1_ABC}\nSHA256(f.SHA256)= {SHA256_ABC}\nSHA512(f.SHA512)= {SHA512_ABC}\n"
        )
    );
}
