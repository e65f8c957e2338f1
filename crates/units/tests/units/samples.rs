//! Every allocation unit written in the real descriptors of the shared reference corpus
//! (`shared/reference/ovf/samples`), with the unit DSP0004 / CIM say it denotes.
//!
//! The corpus is not part of the repository and is read in place: when it is absent these
//! tests print a note and pass, unless `TERN_REQUIRE_REFERENCE=1` (CI) makes them fail.

use tern_units::{AllocationUnit, UnitError};

/// What each spelling found in the corpus means; a spelling missing here fails the test so
/// that a new sample forces a decision.
fn expected(spelling: &str) -> Option<Result<AllocationUnit, ()>> {
    Some(match spelling {
        "byte" => Ok(AllocationUnit::BYTE),
        "byte * 2^20" | "byte * 2 ^ 20" | "MegaBytes" => Ok(AllocationUnit::MEBIBYTE),
        "byte * 2^30" | "byte * 2 ^ 30" => Ok(AllocationUnit::GIBIBYTE),
        "hertz * 10^6" => Ok(AllocationUnit::MEGAHERTZ),
        "hertz * 10^9" => Ok(AllocationUnit::GIGAHERTZ),
        // XenServer writes free text; it is no unit and must not become one silently.
        "Disk" | "Processor Cores" => Err(()),
        _ => return None,
    })
}

/// Values of `…AllocationUnits` elements and attributes (`rasd:AllocationUnits`,
/// `ovf:capacityAllocationUnits`, any prefix), found by scanning the text.
fn allocation_units(xml: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in xml.match_indices("AllocationUnits") {
        let head = &xml[..at];
        let tail = &xml[at + "AllocationUnits".len()..];
        let tag_start = head.rfind(['<', ' ', '\t', '\n']).unwrap_or(0);
        if let Some(text) = tail.strip_prefix('>') {
            // An opening tag (not `</rasd:AllocationUnits>`): element text up to `<`.
            if head[tag_start..].starts_with('<') && !head[tag_start..].starts_with("</") {
                found.push(text[..text.find('<').unwrap()].to_owned());
            }
        } else if let Some(value) = tail.strip_prefix("=\"") {
            found.push(value[..value.find('"').unwrap()].to_owned());
        }
    }
    found
}

#[test]
fn every_unit_in_the_reference_samples() {
    let Some(dir) = tern_testkit::reference("ovf/samples") else {
        return;
    };
    let mut seen = 0;
    for path in tern_testkit::files(&dir, &[".ovf"], 20) {
        let xml = std::fs::read_to_string(&path).unwrap();
        for spelling in allocation_units(&xml) {
            seen += 1;
            let want = expected(&spelling).unwrap_or_else(|| {
                panic!("{}: unit {spelling:?} has no expectation", path.display())
            });
            match (AllocationUnit::parse(&spelling), want) {
                (Ok(unit), Ok(want)) => assert_eq!(unit, want, "{spelling:?}"),
                (Err(UnitError::UnknownUnit { offset: 0, .. }), Err(())) => {}
                (got, want) => panic!(
                    "{}: {spelling:?} gave {got:?}, expected {want:?}",
                    path.display()
                ),
            }
        }
    }
    // The corpus has 50-odd units; finding none would mean the scan is broken.
    assert!(seen > 40, "only {seen} units found");
}

#[test]
fn vmware_spaced_exponent_is_not_one_byte() {
    // vmware-ovftool-vapp-nvapp00n.ovf: memory 512 × `byte * 2 ^ 20`; COT reads 1 byte,
    // govmomi 0 bytes.
    let unit = AllocationUnit::parse("byte * 2 ^ 20").unwrap();
    assert_eq!(unit.bytes(512).unwrap(), 512 * 1024 * 1024);
}
