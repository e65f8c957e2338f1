//! Property tests: rendered manifests parse back strictly to the same entries, and no input
//! (random bytes, or a valid OVA with bytes flipped or cut) makes the readers panic.

use std::io::{Cursor, Read};

use proptest::prelude::*;
use tern_ova::{Algorithm, Certificate, DigestValue, Manifest, Ova, read_references};

use crate::support::{descriptor, file, hex_digest, tar};

fn entry() -> impl Strategy<Value = (String, DigestValue)> {
    (
        "[a-zA-Z0-9 ()=._-]{1,40}",
        proptest::sample::select(Algorithm::ALL.to_vec()),
        proptest::collection::vec(any::<u8>(), 64),
    )
        .prop_map(|(name, algorithm, mut bytes)| {
            bytes.truncate(algorithm.digest_len());
            (name, DigestValue { algorithm, bytes })
        })
}

/// A small valid OVA: descriptor, manifest, one plain and one chunked file.
pub fn sample_ova() -> Vec<u8> {
    let ovf = descriptor(&[
        ("a.img", " ovf:size=\"3\""),
        ("b.img", " ovf:chunkSize=\"2\""),
    ]);
    let manifest = format!(
        "SHA256(vm.ovf)= {}\nSHA256(a.img)= {}\nSHA256(b.img.000000000)= {}\nSHA256(b.img.000000001)= {}\n",
        hex_digest(Algorithm::Sha256, ovf.as_bytes()),
        hex_digest(Algorithm::Sha256, b"AAA"),
        hex_digest(Algorithm::Sha256, b"BB"),
        hex_digest(Algorithm::Sha256, b"B"),
    );
    tar(&[
        file("vm.ovf", &ovf),
        file("vm.mf", &manifest),
        file("a.img", "AAA"),
        file("b.img.000000000", "BB"),
        file("b.img.000000001", "B"),
    ])
}

/// Opens, verifies and reads every referenced file; errors are fine, panics are not.
fn exercise(bytes: Vec<u8>) {
    let Ok(mut ova) = Ova::from_reader(Cursor::new(bytes), "prop.ova") else {
        return;
    };
    let _ = ova.verify(&mut |_| {});
    if let Ok(refs) = ova.references() {
        for r in refs {
            if let Ok(mut stream) = ova.open_file(&r) {
                let mut sink = Vec::new();
                let _ = stream.read_to_end(&mut sink);
            }
        }
    }
}

proptest! {
    #[test]
    fn rendered_manifests_parse_back_strictly(entries in proptest::collection::vec(entry(), 0..8)) {
        let mut manifest = Manifest::default();
        let mut seen = std::collections::HashSet::new();
        for (name, digest) in entries {
            if seen.insert(name.clone()) {
                manifest.push(name, digest);
            }
        }
        let text = manifest.render();
        let parsed = Manifest::parse_strict(text.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let got: Vec<_> = parsed.entries.iter().map(|e| (&e.name, &e.digest)).collect();
        let want: Vec<_> = manifest.entries.iter().map(|e| (&e.name, &e.digest)).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn text_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Manifest::parse(&bytes);
        let _ = Certificate::parse(&bytes);
        let _ = read_references(&bytes, "random.ovf");
    }

    #[test]
    fn damaged_archives_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut bytes = sample_ova();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if let Some(cut) = cut {
            let len = cut.index(bytes.len());
            bytes.truncate(len);
        }
        exercise(bytes);
    }

    #[test]
    fn random_bytes_never_panic_the_archive_reader(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        exercise(bytes);
    }
}

#[test]
fn the_sample_archive_is_valid() {
    // The property above damages a valid archive: make sure it starts valid.
    let mut ova = Ova::from_reader(Cursor::new(sample_ova()), "sample.ova").unwrap();
    let report = ova.verify(&mut |_| {}).unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.verified.len(), 4);
}
