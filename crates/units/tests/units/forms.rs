//! Every unit form the foundation issue and the OVF notes (§2.7) list, with the value
//! DSP0004 / CIM give it.

use tern_units::{AllocationUnit, BaseUnit, Ratio, UnitError};

const MIB: u128 = 1 << 20;
const GIB: u128 = 1 << 30;

fn unit(base: BaseUnit, factor: u128) -> AllocationUnit {
    AllocationUnit::new(base, Ratio::integer(factor))
}

fn fraction(base: BaseUnit, numer: u128, denom: u128) -> AllocationUnit {
    AllocationUnit::new(base, Ratio::new(numer, denom).unwrap())
}

fn parses_to(input: &str, expected: AllocationUnit) {
    match AllocationUnit::parse(input) {
        Ok(actual) => assert_eq!(actual, expected, "parse({input:?})"),
        Err(err) => panic!("parse({input:?}) failed: {err}"),
    }
}

#[test]
fn programmatic_byte_units() {
    parses_to("byte", unit(BaseUnit::Byte, 1));
    parses_to("byte * 2^20", unit(BaseUnit::Byte, MIB));
    parses_to("byte * 2^30", unit(BaseUnit::Byte, GIB));
    parses_to("byte * 10^9", unit(BaseUnit::Byte, 1_000_000_000));
    parses_to("byte * 1024", unit(BaseUnit::Byte, 1024));
    parses_to("byte*1024*1024", unit(BaseUnit::Byte, MIB));
    parses_to("byte * 2^10 * 10^3", unit(BaseUnit::Byte, 1_024_000));
}

#[test]
fn blanks_anywhere_between_tokens() {
    for input in [
        "byte * 2 ^ 20",
        "byte*2^20",
        "byte *2^ 20",
        "  byte * 2^20  ",
        "byte\t*\t2^20",
        "\n    byte * 2^20\n  ",
        "byte  *  2  ^  20",
    ] {
        parses_to(input, AllocationUnit::MEBIBYTE);
    }
}

#[test]
fn bits_are_an_eighth_of_a_byte() {
    let unit = AllocationUnit::parse("bit * 2^20").unwrap();
    assert_eq!(unit.base(), BaseUnit::Bit);
    assert_eq!(unit.factor(), Ratio::integer(MIB));
    // 2^20 bits = 2^17 bytes, not 2^20 (the mistake COT makes).
    assert_eq!(unit.bytes(1).unwrap(), 131_072);
    assert_eq!(unit.to_base(1).unwrap(), MIB);
}

#[test]
fn legacy_byte_spellings_are_binary() {
    for (input, factor) in [
        ("KiloBytes", 1 << 10),
        ("MegaBytes", MIB),
        ("GigaBytes", GIB),
        ("TeraBytes", 1 << 40),
        ("Kilobytes", 1 << 10),
        ("Megabytes", MIB),
        ("megabytes", MIB),
        ("MEGABYTES", MIB),
        ("KB", 1 << 10),
        ("MB", MIB),
        ("GB", GIB),
        ("MiB", MIB),
        ("GiB", GIB),
        ("Bytes", 1),
        (" MegaBytes ", MIB),
    ] {
        parses_to(input, unit(BaseUnit::Byte, factor));
    }
    parses_to("Bits", AllocationUnit::BIT);
}

#[test]
fn hertz_units() {
    parses_to("hertz", unit(BaseUnit::Hertz, 1));
    parses_to("hertz * 10^6", unit(BaseUnit::Hertz, 1_000_000));
    parses_to("hertz * 10^9", unit(BaseUnit::Hertz, 1_000_000_000));
    parses_to("MHz", unit(BaseUnit::Hertz, 1_000_000));
    parses_to("GHz", unit(BaseUnit::Hertz, 1_000_000_000));
    parses_to("KHz", unit(BaseUnit::Hertz, 1_000));
    parses_to("Hz", unit(BaseUnit::Hertz, 1));
    parses_to("MegaHertz", unit(BaseUnit::Hertz, 1_000_000));
    parses_to("megahertz", unit(BaseUnit::Hertz, 1_000_000));
    parses_to("gigahertz", unit(BaseUnit::Hertz, 1_000_000_000));
    let mhz = AllocationUnit::parse("hertz * 10^6").unwrap();
    assert_eq!(mhz.to_base(2400).unwrap(), 2_400_000_000);
}

#[test]
fn percent_and_count() {
    parses_to("percent", AllocationUnit::PERCENT);
    parses_to("count", AllocationUnit::COUNT);
    parses_to("Percent", AllocationUnit::PERCENT);
    assert_eq!(AllocationUnit::PERCENT.to_base(50).unwrap(), 50);
}

#[test]
fn dsp0004_prefixes() {
    // SI prefixes are decimal, IEC prefixes binary.
    parses_to("kilobyte", unit(BaseUnit::Byte, 1000));
    parses_to("kibibyte", unit(BaseUnit::Byte, 1024));
    parses_to("mebibyte", AllocationUnit::MEBIBYTE);
    parses_to("gibibyte", AllocationUnit::GIBIBYTE);
    parses_to("megabit", unit(BaseUnit::Bit, 1_000_000));
    parses_to("millisecond", fraction(BaseUnit::Second, 1, 1000));
    parses_to("kilobyte * 2", unit(BaseUnit::Byte, 2000));
}

#[test]
fn plural_and_capitalised_base_names() {
    // The CIM RASD schema itself writes `bytes*10^3` in its description of AllocationUnits.
    parses_to("bytes*10^3", unit(BaseUnit::Byte, 1000));
    parses_to("Byte * 2^20", AllocationUnit::MEBIBYTE);
    parses_to("Bytes * 2^20", AllocationUnit::MEBIBYTE);
    parses_to("BIT", AllocationUnit::BIT);
}

#[test]
fn division_fractions_and_rates() {
    parses_to(
        "bit / second * 10^6",
        unit(BaseUnit::Bit, 1_000_000).per(BaseUnit::Second),
    );
    parses_to(
        "bit * 10^6 / second",
        unit(BaseUnit::Bit, 1_000_000).per(BaseUnit::Second),
    );
    parses_to("byte / 1000", fraction(BaseUnit::Byte, 1, 1000));
    parses_to("byte * 10^-3", fraction(BaseUnit::Byte, 1, 1000));
    parses_to("byte * 0.5", fraction(BaseUnit::Byte, 1, 2));
    parses_to("byte * 2^+10", unit(BaseUnit::Byte, 1024));
    parses_to("2^20 * byte", AllocationUnit::MEBIBYTE);
    parses_to("byte * 1024 / 2^10", AllocationUnit::BYTE);
}

#[test]
fn canonical_spelling() {
    for (input, canonical) in [
        ("byte*1024*1024", "byte * 2^20"),
        ("byte * 2 ^ 30", "byte * 2^30"),
        ("MegaBytes", "byte * 2^20"),
        ("GHz", "hertz * 10^9"),
        ("hertz * 10^6", "hertz * 10^6"),
        ("bit * 2^20", "bit * 2^20"),
        ("byte", "byte"),
        ("kilobyte", "byte * 10^3"),
        ("byte * 2^10 * 10^3", "byte * 10^3 * 2^10"),
        ("byte * 1536", "byte * 2^9 * 3"),
        ("byte * 2", "byte * 2"),
        ("byte * 10", "byte * 10"),
        ("byte * 125", "byte * 125"),
        ("bit * 10^6 / second", "bit / second * 10^6"),
        ("byte / 1000", "byte / 10^3"),
        ("byte * 0.5", "byte / 2"),
        ("percent", "percent"),
    ] {
        let unit = AllocationUnit::parse(input).unwrap();
        assert_eq!(unit.to_string(), canonical, "canonical form of {input:?}");
        assert_eq!(AllocationUnit::parse_strict(canonical).unwrap(), unit);
    }
}

#[test]
fn strict_accepts_dsp0004_as_written() {
    for input in [
        "byte",
        "byte * 2^20",
        "byte*1024*1024",
        "hertz * 10^6",
        "bit / second",
        "megahertz",
        "kibibyte",
        "percent",
        "count",
        " byte * 2^30 ",
    ] {
        assert!(
            AllocationUnit::parse_strict(input).is_ok(),
            "strict parse of {input:?}"
        );
    }
}

#[test]
fn strict_names_each_deviation() {
    for (input, offset) in [
        ("byte * 2 ^ 20", 9),
        ("byte * 2^ 20", 8),
        ("MegaBytes", 0),
        ("  GHz", 2),
        ("MB", 0),
        ("Byte * 2^20", 0),
        ("byte * 2^20 / Seconds", 14),
    ] {
        match AllocationUnit::parse_strict(input) {
            Err(err @ UnitError::NonStandard { .. }) => {
                assert_eq!(err.offset(), Some(offset), "{input:?}: {err}");
            }
            other => panic!("{input:?}: expected NonStandard, got {other:?}"),
        }
        assert!(AllocationUnit::parse(input).is_ok(), "lenient {input:?}");
    }
}

#[test]
fn from_str_is_the_lenient_parser() {
    let unit: AllocationUnit = "byte * 2 ^ 20".parse().unwrap();
    assert_eq!(unit, AllocationUnit::MEBIBYTE);
}
