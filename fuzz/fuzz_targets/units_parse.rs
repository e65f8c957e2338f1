//! Any text as a DSP0004 programmatic unit: parsing never panics (strict or lenient), a
//! parsed unit prints to text that parses back to the same unit, and conversions of any
//! quantity end in a value or an error, never an overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tern_units::{AllocationUnit, Ratio};

fuzz_target!(|data: &[u8]| {
    let Some((&quantity, text)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(text) else { return };
    let strict = AllocationUnit::parse_strict(text);
    let Ok(unit) = AllocationUnit::parse(text) else {
        assert!(strict.is_err(), "strict accepts what lenient refuses: {text:?}");
        return;
    };
    let printed = unit.to_string();
    let back = AllocationUnit::parse_strict(&printed).expect("a printed unit parses strictly");
    assert_eq!(back, unit, "{text:?} printed as {printed:?}");
    let quantity = u64::from(quantity) << (quantity % 48);
    let _ = unit.to_base(quantity);
    let _ = unit.bytes(quantity);
    let _ = unit.convert(Ratio::from(quantity), &AllocationUnit::GIBIBYTE);
});
