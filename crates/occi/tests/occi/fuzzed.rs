//! Inputs `fuzz/smoke.sh` found, reduced: each read must either be refused with a finding
//! or render back to text that reads again (the fuzz targets' invariant).

use tern_model::{Catalogue, OcciVersion};
use tern_occi::{MediaType, ParseOptions, read, write};

// Every text rendering and mode: what reads renders back in its own media type and reads
// again; returns the rule ids of the refusals.
fn round_trip(src: &str) -> Vec<String> {
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let mut refused = Vec::new();
    for media in [MediaType::TextPlain, MediaType::TextOcci] {
        for options in [ParseOptions::strict(), ParseOptions::lenient()] {
            match read(src, media, &options, &catalogue) {
                Ok(doc) => {
                    let again = write(&doc.value, media);
                    if let Err(e) = read(&again.text, media, &ParseOptions::lenient(), &catalogue) {
                        panic!("{media:?} wrote {:?}, which does not read: {e}", again.text);
                    }
                }
                Err(e) => refused.extend(e.findings().iter().map(|f| f.rule.to_string())),
            }
        }
    }
    refused
}

/// A bare (unquoted, lenient) category parameter holding control characters was read, then
/// written as a quoted-string, which may not hold them: the rendering did not read back.
#[test]
fn a_control_character_in_a_bare_parameter_value_is_refused() {
    let src = "Category: entity; scheme=\"http://schemas.ogf.org/occi/core#\"; class=\"kind\"; title=\u{1}\0x\r\n";
    let refused = round_trip(src);
    assert!(!refused.is_empty());
    assert!(
        refused.iter().all(|r| r == "text.bad-parameter"),
        "{refused:?}"
    );
    // A bare value without control characters still reads (leniently) and round-trips.
    let fine = "Category: entity; scheme=\"http://schemas.ogf.org/occi/core#\"; class=\"kind\"; title=Entity\r\n";
    round_trip(fine);
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    assert!(
        read(
            fine,
            MediaType::TextPlain,
            &ParseOptions::lenient(),
            &catalogue
        )
        .is_ok()
    );
}

/// A link whose occi.core.id holds `>` read, then its `self` was written as the location
/// that id implies (`/networkinterface/a->b`), which is no URI reference: the rendering
/// refused itself. Such an id implies no location; the id travels as `occi.core.id`.
#[test]
fn an_id_that_is_no_uri_segment_is_written_without_an_implied_location() {
    let src = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\r\n\
        Link: </network/lan-1>; rel=\"http://schemas.ogf.org/occi/infrastructure#network\"; \
        category=\"http://schemas.ogf.org/occi/infrastructure#networkinterface\"; occi.core.id=\"a->b\"\r\n";
    assert!(round_trip(src).is_empty());
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    for media in [MediaType::TextPlain, MediaType::TextOcci] {
        let doc = read(src, media, &ParseOptions::lenient(), &catalogue).unwrap();
        let again = write(&doc.value, media);
        assert!(
            !again.notes.iter().any(tern_diag::Finding::is_error),
            "{:?}",
            again.notes
        );
        assert!(
            again.text.contains("occi.core.id=\"a->b\""),
            "{}",
            again.text
        );
        assert!(!again.text.contains("self="), "{}", again.text);
    }
}
