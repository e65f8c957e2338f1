//! Property tests: printing then parsing is the identity, blanks never matter, and
//! conversions agree with plain integer arithmetic.

use proptest::prelude::*;
use tern_units::{AllocationUnit, BaseUnit, Ratio, UnitError};

fn base_unit() -> impl Strategy<Value = BaseUnit> {
    proptest::sample::select(BaseUnit::ALL.to_vec())
}

/// A factor 2^a · 5^b · m / (2^c · 5^d · n), kept inside 128 bits.
fn factor() -> impl Strategy<Value = Ratio> {
    (
        0u32..=40,
        0u32..=15,
        1u128..=1000,
        0u32..=20,
        0u32..=8,
        1u128..=50,
    )
        .prop_map(|(a, b, m, c, d, n)| {
            let numer = (1u128 << a) * 5u128.pow(b) * m;
            let denom = (1u128 << c) * 5u128.pow(d) * n;
            Ratio::new(numer, denom).unwrap()
        })
}

fn allocation_unit() -> impl Strategy<Value = AllocationUnit> {
    (base_unit(), factor(), proptest::option::of(base_unit())).prop_map(|(base, factor, per)| {
        let unit = AllocationUnit::new(base, factor);
        match per {
            Some(per) => unit.per(per),
            None => unit,
        }
    })
}

proptest! {
    #[test]
    fn parse_of_print_is_identity(unit in allocation_unit()) {
        let printed = unit.to_string();
        prop_assert_eq!(AllocationUnit::parse(&printed).unwrap(), unit);
        prop_assert_eq!(AllocationUnit::parse_strict(&printed).unwrap(), unit);
    }

    #[test]
    fn blanks_between_tokens_do_not_matter(unit in allocation_unit(), blank in "[ \t\n]{0,3}") {
        // Re-space the canonical form: every " " becomes arbitrary blanks, and blanks may
        // appear around '^' too.
        let spaced = unit
            .to_string()
            .replace(' ', &format!(" {blank}"))
            .replace('^', &format!("{blank}^{blank}"));
        prop_assert_eq!(AllocationUnit::parse(&spaced).unwrap(), unit);
    }

    #[test]
    fn binary_byte_units_shift(n in 0u32..=63, q in any::<u64>()) {
        let unit = AllocationUnit::parse(&format!("byte * 2^{n}")).unwrap();
        prop_assert_eq!(unit.bytes(q).unwrap(), u128::from(q) << n);
        let spaced = AllocationUnit::parse(&format!("byte * 2 ^ {n}")).unwrap();
        prop_assert_eq!(spaced, unit);
    }

    #[test]
    fn bit_units_are_an_eighth(n in 0u32..=63, q in any::<u64>()) {
        let unit = AllocationUnit::parse(&format!("bit * 2^{n}")).unwrap();
        let bits = u128::from(q) << n;
        let result = unit.bytes(q);
        if bits % 8 == 0 {
            prop_assert_eq!(result.unwrap() * 8, bits);
        } else {
            prop_assert!(matches!(result, Err(UnitError::NotWhole { .. })), "{:?}", result);
        }
    }

    #[test]
    fn decimal_units_multiply(n in 0u32..=19, q in any::<u64>()) {
        let unit = AllocationUnit::parse(&format!("hertz * 10^{n}")).unwrap();
        prop_assert_eq!(unit.to_base(q).unwrap(), u128::from(q) * 10u128.pow(n));
    }

    #[test]
    fn repeated_integer_factors(k in 1usize..=4, q in 0u64..=u64::from(u32::MAX)) {
        let text = format!("byte{}", "*1024".repeat(k));
        let unit = AllocationUnit::parse(&text).unwrap();
        prop_assert_eq!(unit.bytes(q).unwrap(), u128::from(q) << (10 * k));
    }

    #[test]
    fn gib_rendering_is_exact(bytes in any::<u64>()) {
        let gib = AllocationUnit::BYTE
            .convert(Ratio::from(bytes), &AllocationUnit::GIBIBYTE)
            .unwrap();
        // Read the decimal back and scale up: the same number of bytes, exactly.
        let text = gib.to_decimal().unwrap();
        let back = AllocationUnit::GIBIBYTE
            .convert_whole(Ratio::parse_decimal(&text).unwrap(), &AllocationUnit::BYTE)
            .unwrap();
        prop_assert_eq!(back, u128::from(bytes));
    }

    #[test]
    fn largest_binary_unit_is_exact_and_largest(bytes in any::<u64>(), shift in 0u32..=60) {
        let bytes = u128::from(bytes) << shift;
        let (quantity, unit) = AllocationUnit::largest_binary_unit(bytes);
        let back = unit
            .convert_whole(Ratio::integer(quantity), &AllocationUnit::BYTE)
            .unwrap();
        prop_assert_eq!(back, bytes);
        let exp = unit.factor().numer().trailing_zeros();
        prop_assert!(exp % 10 == 0 && exp <= 60);
        if bytes != 0 && exp < 60 {
            // The next binary unit up does not divide it.
            prop_assert_ne!(quantity % 1024, 0);
        }
    }

    #[test]
    fn parse_never_panics(input in "\\PC{0,30}") {
        let _ = AllocationUnit::parse(&input);
        let _ = AllocationUnit::parse_strict(&input);
    }

    #[test]
    fn parse_never_panics_on_unit_like_text(input in "[a-zA-Z0-9 *^/.+-]{0,24}") {
        if let Err(err) = AllocationUnit::parse(&input) {
            let offset = err.offset().unwrap();
            prop_assert!(offset <= input.len());
        }
    }
}
