//! Exact conversions: OVF quantities to bytes and hertz, and to the GiB / GHz that OCCI
//! attributes (`occi.compute.memory`, `occi.storage.size`, `occi.compute.speed`) use.

use tern_units::{AllocationUnit, BaseUnit, Ratio, UnitError};

fn parse(input: &str) -> AllocationUnit {
    AllocationUnit::parse(input).unwrap()
}

fn in_gib(quantity: u64, unit: &str) -> String {
    parse(unit)
        .convert(Ratio::from(quantity), &AllocationUnit::GIBIBYTE)
        .unwrap()
        .to_string()
}

#[test]
fn memory_to_gib_as_exact_decimals() {
    assert_eq!(in_gib(1536, "byte * 2^20"), "1.5");
    assert_eq!(in_gib(512, "MegaBytes"), "0.5");
    assert_eq!(in_gib(2048, "byte * 2 ^ 20"), "2");
    assert_eq!(in_gib(1, "byte * 2^20"), "0.0009765625");
    assert_eq!(in_gib(4_294_967_296, "byte"), "4");
    assert_eq!(in_gib(16, "byte * 2^30"), "16");
    // 10^9 bytes is not a round number of GiB, but it has an exact decimal.
    assert_eq!(in_gib(1, "byte * 10^9"), "0.931322574615478515625");
}

#[test]
fn occi_decimal_back_to_ovf() {
    let gib = Ratio::parse_decimal("1.5").unwrap();
    let mib = AllocationUnit::GIBIBYTE
        .convert_whole(gib, &AllocationUnit::MEBIBYTE)
        .unwrap();
    assert_eq!(mib, 1536);
    let ghz = Ratio::parse_decimal("2.4").unwrap();
    let mhz = AllocationUnit::GIGAHERTZ
        .convert_whole(ghz, &parse("hertz * 10^6"))
        .unwrap();
    assert_eq!(mhz, 2400);
    // 0.3 GiB is no whole number of bytes: refused, not rounded.
    let err = AllocationUnit::GIBIBYTE
        .convert_whole(Ratio::parse_decimal("0.3").unwrap(), &AllocationUnit::BYTE)
        .unwrap_err();
    assert!(matches!(err, UnitError::NotWhole { .. }), "{err:?}");
}

#[test]
fn hertz_to_ghz() {
    let mhz = parse("hertz * 10^6");
    assert_eq!(mhz.to_base(2400).unwrap(), 2_400_000_000);
    let ghz = mhz
        .convert(Ratio::from(2400u64), &AllocationUnit::GIGAHERTZ)
        .unwrap();
    assert_eq!(ghz.to_string(), "2.4");
    assert_eq!(ghz, Ratio::new(12, 5).unwrap());
}

#[test]
fn bytes_of_each_real_unit() {
    assert_eq!(parse("byte * 2^20").bytes(512).unwrap(), 536_870_912);
    assert_eq!(parse("byte * 2 ^ 20").bytes(512).unwrap(), 536_870_912);
    assert_eq!(parse("byte*1024*1024").bytes(512).unwrap(), 536_870_912);
    assert_eq!(parse("byte * 10^6").bytes(3).unwrap(), 3_000_000);
    assert_eq!(parse("MegaBytes").bytes(4096).unwrap(), 4_294_967_296);
    assert_eq!(parse("byte * 2^30").bytes(8).unwrap(), 8_589_934_592);
    assert_eq!(parse("bit").bytes(16).unwrap(), 2);
    assert_eq!(parse("bit * 2^20").bytes(1).unwrap(), 131_072);
}

#[test]
fn partial_bytes_are_errors() {
    let err = parse("bit").bytes(3).unwrap_err();
    assert_eq!(
        err,
        UnitError::NotWhole {
            value: Ratio::new(3, 8).unwrap(),
            unit: "byte".to_owned()
        }
    );
    assert_eq!(
        err.to_string(),
        "the exact result 0.375 is not a whole number of \"byte\""
    );
    assert!(parse("byte / 1000").to_base(1).is_err());
    assert_eq!(parse("byte / 1000").to_base(3000).unwrap(), 3);
}

#[test]
fn incompatible_units() {
    let err = parse("hertz * 10^6").bytes(1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot convert \"hertz * 10^6\" to \"byte\": they measure different things"
    );
    assert!(parse("percent").bytes(1).is_err());
    assert!(parse("bit / second").bytes(1).is_err());
    assert!(parse("byte").is_compatible(&parse("bit * 2^20")));
    assert!(!parse("byte").is_compatible(&parse("byte / second")));
}

#[test]
fn overflow_is_an_error() {
    let huge = parse("byte * 2^100");
    assert_eq!(huge.bytes(1).unwrap(), 1 << 100);
    let err = huge.bytes(u64::MAX).unwrap_err();
    assert!(matches!(err, UnitError::Overflow { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "converting 18446744073709551615 of \"byte * 2^100\" overflows 128-bit arithmetic"
    );
    assert!(parse("bit * 2^127").bytes(2).unwrap() == 1 << 125);
    // byte * 2^125 in bits is 2^128: the conversion reports it instead of wrapping.
    assert!(parse("byte * 2^125").bytes(8).is_err());
}

#[test]
fn from_base_is_the_inverse() {
    assert_eq!(
        AllocationUnit::GIBIBYTE.from_base(4_294_967_296).unwrap(),
        4
    );
    assert_eq!(
        parse("hertz * 10^6").from_base(2_400_000_000).unwrap(),
        2400
    );
    assert!(AllocationUnit::GIBIBYTE.from_base(1).is_err());
    assert_eq!(parse("bit * 2^20").from_base(1 << 21).unwrap(), 2);
}

#[test]
fn largest_exact_units_for_writing_back() {
    let cases: [(u128, u128, &str); 6] = [
        (4_294_967_296, 4, "byte * 2^30"),
        (1_610_612_736, 1536, "byte * 2^20"),
        (1 << 40, 1, "byte * 2^40"),
        (1000, 1000, "byte"),
        (3 << 10, 3, "byte * 2^10"),
        (0, 0, "byte"),
    ];
    for (bytes, quantity, unit) in cases {
        let (q, u) = AllocationUnit::largest_binary_unit(bytes);
        assert_eq!((q, u.to_string().as_str()), (quantity, unit), "{bytes}");
        assert_eq!(u.bytes(q as u64).unwrap(), bytes);
    }
    assert_eq!(
        AllocationUnit::largest_decimal_unit(BaseUnit::Hertz, 2_400_000_000),
        (2400, AllocationUnit::MEGAHERTZ)
    );
    assert_eq!(
        AllocationUnit::largest_decimal_unit(BaseUnit::Hertz, 3_000_000_000),
        (3, AllocationUnit::GIGAHERTZ)
    );
    assert_eq!(
        AllocationUnit::largest_decimal_unit(BaseUnit::Hertz, 1234),
        (1234, AllocationUnit::HERTZ)
    );
}
