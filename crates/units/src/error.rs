//! Errors of parsing and converting units.

use crate::Ratio;

/// Why a unit string was refused or a conversion could not be done exactly.
///
/// Parse errors carry the whole `input` and the byte `offset` of the offending token, so a
/// caller that knows where the string sits in a file (an XML attribute or element text) can
/// point at the exact character; the message itself names the 1-based column in `input`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnitError {
    /// The text does not follow the grammar at `offset`.
    #[error("invalid unit {input:?}: expected {expected} at column {}", column(input, *offset))]
    Syntax {
        /// The unit string as given.
        input: String,
        /// Byte offset of the unexpected text.
        offset: usize,
        /// What the grammar allows at that point.
        expected: &'static str,
    },
    /// A name that is neither a known base unit (optionally with a DSP0004 prefix) nor a
    /// known legacy spelling.
    #[error(
        "invalid unit {input:?}: unknown unit {name:?} at column {}; expected a base unit \
         (byte, bit, hertz, percent, count, second), optionally with a prefix such as \
         \"kilo\" or \"mebi\"",
        column(input, *offset)
    )]
    UnknownUnit {
        /// The unit string as given.
        input: String,
        /// Byte offset of the name.
        offset: usize,
        /// The unknown name.
        name: String,
    },
    /// A legacy name (`MegaBytes`) combined with other elements; legacy names only stand
    /// alone.
    #[error(
        "invalid unit {input:?}: the legacy name {name:?} at column {} cannot be combined \
         with factors; write the programmatic form \"{standard}\" instead",
        column(input, *offset)
    )]
    LegacyCombined {
        /// The unit string as given.
        input: String,
        /// Byte offset of the legacy name.
        offset: usize,
        /// The legacy name.
        name: String,
        /// Its programmatic spelling.
        standard: String,
    },
    /// Only numbers, no base unit (`2^20`).
    #[error("invalid unit {input:?}: expected a base unit such as \"byte\" at column {}", column(input, *offset))]
    MissingBaseUnit {
        /// The unit string as given.
        input: String,
        /// Byte offset where a base unit was expected.
        offset: usize,
    },
    /// More base units than one multiplied and one divisor (`byte * hertz`).
    #[error(
        "invalid unit {input:?}: extra base unit {name:?} at column {}; a unit has one base \
         unit and at most one divisor unit (as in \"bit / second\")",
        column(input, *offset)
    )]
    ExtraBaseUnit {
        /// The unit string as given.
        input: String,
        /// Byte offset of the extra unit.
        offset: usize,
        /// The extra unit's name.
        name: String,
    },
    /// A factor or exponent whose value does not fit in 128 bits (`2^999`).
    #[error("invalid unit {input:?}: the factor at column {} is too large (the whole factor must fit in 128 bits)", column(input, *offset))]
    FactorTooLarge {
        /// The unit string as given.
        input: String,
        /// Byte offset of the number.
        offset: usize,
    },
    /// A zero factor (`byte * 0`), which would make every quantity zero.
    #[error("invalid unit {input:?}: the factor at column {} is zero", column(input, *offset))]
    ZeroFactor {
        /// The unit string as given.
        input: String,
        /// Byte offset of the number.
        offset: usize,
    },
    /// Valid DSP0004 that tern does not model (a leading `-`, an exponent on a base unit).
    #[error("invalid unit {input:?}: {what} at column {} is not supported", column(input, *offset))]
    Unsupported {
        /// The unit string as given.
        input: String,
        /// Byte offset of the construct.
        offset: usize,
        /// The construct.
        what: &'static str,
    },
    /// Accepted by the lenient parser but not DSP0004 as written (strict parsing only).
    #[error("non-standard unit {input:?}: {reason} at column {}", column(input, *offset))]
    NonStandard {
        /// The unit string as given.
        input: String,
        /// Byte offset of the deviation.
        offset: usize,
        /// The deviation and its standard spelling.
        reason: String,
    },
    /// Units of different dimensions (`byte` and `hertz`) or with different divisors.
    #[error("cannot convert {from:?} to {to:?}: they measure different things")]
    Incompatible {
        /// The source unit, canonical form.
        from: String,
        /// The target unit, canonical form.
        to: String,
    },
    /// The converted quantity is not a whole number of the target unit.
    #[error("the exact result {value} is not a whole number of {unit:?}")]
    NotWhole {
        /// The exact converted value.
        value: Ratio,
        /// The target unit, canonical form.
        unit: String,
    },
    /// The converted quantity (or an intermediate factor) does not fit in 128 bits.
    #[error("converting {quantity} of {unit:?} overflows 128-bit arithmetic")]
    Overflow {
        /// The quantity being converted.
        quantity: Ratio,
        /// The unit it was given in, canonical form.
        unit: String,
    },
}

impl UnitError {
    /// The byte offset into the unit string of a parse error, `None` for conversion errors.
    pub fn offset(&self) -> Option<usize> {
        match self {
            UnitError::Syntax { offset, .. }
            | UnitError::UnknownUnit { offset, .. }
            | UnitError::LegacyCombined { offset, .. }
            | UnitError::MissingBaseUnit { offset, .. }
            | UnitError::ExtraBaseUnit { offset, .. }
            | UnitError::FactorTooLarge { offset, .. }
            | UnitError::ZeroFactor { offset, .. }
            | UnitError::Unsupported { offset, .. }
            | UnitError::NonStandard { offset, .. } => Some(*offset),
            UnitError::Incompatible { .. }
            | UnitError::NotWhole { .. }
            | UnitError::Overflow { .. } => None,
        }
    }
}

/// 1-based column of a byte offset, counted in characters so that non-ASCII input lines up.
fn column(input: &str, offset: usize) -> usize {
    input
        .get(..offset)
        .map_or(offset, |head| head.chars().count())
        + 1
}
