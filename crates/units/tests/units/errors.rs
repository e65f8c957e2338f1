//! Refused inputs: each error names the byte offset and what was expected. The offsets are
//! asserted here; the full messages are reviewed in `snapshots/`.

use std::fmt::Write as _;

use tern_units::{AllocationUnit, UnitError};

/// (input, byte offset of the culprit) for inputs every parser must refuse.
const REFUSED: &[(&str, usize)] = &[
    ("", 0),
    ("   ", 3),
    ("2^20", 0),
    ("1024 * 1024", 0),
    ("byte *", 6),
    ("byte * ", 7),
    ("byte * 2^", 9),
    ("byte * 2 ^", 10),
    ("byte * 2^x", 9),
    ("byte 2^20", 5),
    ("byte * 2^20 foo", 12),
    ("byte ** 2", 6),
    ("byte + 2", 5),
    ("* byte", 0),
    ("bytes * 2^999", 8),
    ("byte * 10^39", 7),
    ("byte * 2^64 * 2^64", 14),
    ("byte * 99999999999999999999999999999999999999999", 7),
    ("byte * 0", 7),
    ("byte * 0^3", 7),
    ("byte * 0.0", 7),
    ("byte * 1.", 9),
    ("byte * hertz", 7),
    ("bit / second / second", 15),
    ("byte^2", 4),
    ("-byte", 0),
    ("Disk", 0),
    ("Processor Cores", 0),
    ("byte * 2^20 * Processor", 14),
    ("MegaBytes * 2", 0),
    ("kilobytes * 2", 0),
    ("KiloByte", 0),
    ("gigabyte^2", 8),
    ("byte×2^20", 4),
    ("mégabyte", 0),
];

fn message_table(parse: fn(&str) -> Result<AllocationUnit, UnitError>) -> String {
    let mut table = String::new();
    for &(input, offset) in REFUSED {
        let err = match parse(input) {
            Ok(unit) => panic!("{input:?} was accepted as {unit}"),
            Err(err) => err,
        };
        assert_eq!(err.offset(), Some(offset), "offset for {input:?}: {err}");
        writeln!(table, "{input:?}\n    {err}").unwrap();
    }
    table
}

#[test]
fn lenient_errors() {
    insta::assert_snapshot!(message_table(AllocationUnit::parse));
}

#[test]
fn strict_refuses_the_same_inputs() {
    // Strict mode may report a deviation first, but never accepts what lenient refuses.
    for &(input, _) in REFUSED {
        assert!(AllocationUnit::parse_strict(input).is_err(), "{input:?}");
    }
}

#[test]
fn brief_example_message() {
    let err = AllocationUnit::parse("2^20").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid unit \"2^20\": expected a base unit such as \"byte\" at column 1"
    );
}

#[test]
fn column_counts_characters() {
    // 'é' is two bytes: the offset is in bytes, the message column in characters.
    let err = AllocationUnit::parse("é").unwrap_err();
    assert_eq!(err.offset(), Some(0));
    let err = AllocationUnit::parse("byte * é").unwrap_err();
    assert_eq!(err.offset(), Some(7));
    assert!(err.to_string().contains("column 8"), "{err}");
    let err = AllocationUnit::parse("é * 2").unwrap_err();
    assert_eq!(err.offset(), Some(0));
}
