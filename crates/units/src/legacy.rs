//! Legacy unit spellings that real exporters write instead of programmatic units.
//!
//! The byte sizes are binary: the CIM schema pairs the old `Units("KiloBytes")` qualifier
//! with `PUnit("byte * 2^10")` (`CIM_OperatingSystem`), `VirtualBox` writes `MegaBytes` for
//! memory counted in MiB and reads `MB` the same way. They are matched as whole strings
//! (ignoring ASCII case and surrounding blanks), never combined with factors: `MegaBytes * 2`
//! is refused rather than guessed.

use crate::{AllocationUnit, BaseUnit, Ratio};

/// The unit a legacy spelling stands for, matched case-insensitively on the whole string.
pub(crate) fn lookup(spelling: &str) -> Option<AllocationUnit> {
    LEGACY
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(spelling))
        .map(|&(_, unit)| unit)
}

const fn bytes(exp: u32) -> AllocationUnit {
    AllocationUnit::new(BaseUnit::Byte, Ratio::integer(1 << exp))
}

const fn hertz(factor: u128) -> AllocationUnit {
    AllocationUnit::new(BaseUnit::Hertz, Ratio::integer(factor))
}

const LEGACY: &[(&str, AllocationUnit)] = &[
    ("Bytes", bytes(0)),
    ("KiloBytes", bytes(10)),
    ("MegaBytes", bytes(20)),
    ("GigaBytes", bytes(30)),
    ("TeraBytes", bytes(40)),
    ("KB", bytes(10)),
    ("MB", bytes(20)),
    ("GB", bytes(30)),
    ("TB", bytes(40)),
    ("KiB", bytes(10)),
    ("MiB", bytes(20)),
    ("GiB", bytes(30)),
    ("TiB", bytes(40)),
    ("Bits", AllocationUnit::BIT),
    ("Hz", hertz(1)),
    ("KiloHertz", hertz(1_000)),
    ("MegaHertz", hertz(1_000_000)),
    ("GigaHertz", hertz(1_000_000_000)),
    ("KHz", hertz(1_000)),
    ("MHz", hertz(1_000_000)),
    ("GHz", hertz(1_000_000_000)),
];
