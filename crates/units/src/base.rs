//! The DSP0004 base units tern understands.

use std::fmt;

/// A DSP0004 base unit, the `byte` in `byte * 2^20`.
///
/// Only the base units that OVF allocation units use are known: data sizes (memory, disk
/// capacity), frequency (CPU reservations and limits), `percent`, `count` (the default of
/// `VirtualQuantityUnits`), and `second` as the divisor of rates such as `bit / second`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum BaseUnit {
    /// `byte`: 8 bits.
    Byte,
    /// `bit`.
    Bit,
    /// `hertz`: cycles per second.
    Hertz,
    /// `percent`.
    Percent,
    /// `count`: a plain number of things (processors, ports).
    Count,
    /// `second`: appears as the divisor of rates (`bit / second`).
    Second,
}

/// What a base unit measures; two units convert into each other only when their
/// dimensions match. `byte` and `bit` share [`Dimension::Data`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dimension {
    /// Amounts of data (`bit`, `byte`).
    Data,
    /// Frequency (`hertz`).
    Frequency,
    /// Ratios (`percent`).
    Percentage,
    /// Counts (`count`).
    Count,
    /// Durations (`second`).
    Time,
}

impl BaseUnit {
    /// Every known base unit, in a stable order.
    pub const ALL: [BaseUnit; 6] = [
        BaseUnit::Byte,
        BaseUnit::Bit,
        BaseUnit::Hertz,
        BaseUnit::Percent,
        BaseUnit::Count,
        BaseUnit::Second,
    ];

    /// The DSP0004 spelling (`byte`, `hertz`…).
    pub fn name(self) -> &'static str {
        match self {
            BaseUnit::Byte => "byte",
            BaseUnit::Bit => "bit",
            BaseUnit::Hertz => "hertz",
            BaseUnit::Percent => "percent",
            BaseUnit::Count => "count",
            BaseUnit::Second => "second",
        }
    }

    /// The base unit spelled exactly `name` (DSP0004 names are lowercase).
    pub fn from_name(name: &str) -> Option<BaseUnit> {
        BaseUnit::ALL.into_iter().find(|unit| unit.name() == name)
    }

    /// What this unit measures.
    pub fn dimension(self) -> Dimension {
        match self {
            BaseUnit::Byte | BaseUnit::Bit => Dimension::Data,
            BaseUnit::Hertz => Dimension::Frequency,
            BaseUnit::Percent => Dimension::Percentage,
            BaseUnit::Count => Dimension::Count,
            BaseUnit::Second => Dimension::Time,
        }
    }

    /// How many of the dimension's smallest unit one of this unit is: a byte is 8 bits,
    /// everything else is its own smallest unit.
    pub(crate) fn atoms(self) -> u128 {
        match self {
            BaseUnit::Byte => 8,
            _ => 1,
        }
    }
}

impl fmt::Display for BaseUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
