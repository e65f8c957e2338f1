//! The allocation unit: a base unit times an exact factor, its conversions and its
//! canonical spelling.

use std::fmt;

use crate::base::{BaseUnit, Dimension};
use crate::parse::{self, Mode};
use crate::{Ratio, UnitError};

/// A DSP0004 programmatic unit such as `byte * 2^20`: one base unit, an optional divisor
/// unit (`bit / second`) and an exact factor.
///
/// Two units are equal when they denote the same unit the same way: `byte * 2^20`,
/// `byte*1024*1024`, `mebibyte` and `MegaBytes` are all equal, while `bit * 8` and `byte`
/// are different units of equal size (compare them with [`AllocationUnit::convert`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AllocationUnit {
    base: BaseUnit,
    per: Option<BaseUnit>,
    factor: Ratio,
}

impl AllocationUnit {
    /// `byte`.
    pub const BYTE: AllocationUnit = AllocationUnit::new(BaseUnit::Byte, Ratio::integer(1));
    /// `byte * 2^10` (KiB).
    pub const KIBIBYTE: AllocationUnit =
        AllocationUnit::new(BaseUnit::Byte, Ratio::integer(1 << 10));
    /// `byte * 2^20` (MiB), the usual memory unit in OVF.
    pub const MEBIBYTE: AllocationUnit =
        AllocationUnit::new(BaseUnit::Byte, Ratio::integer(1 << 20));
    /// `byte * 2^30` (GiB), the unit of `occi.compute.memory` and `occi.storage.size`.
    pub const GIBIBYTE: AllocationUnit =
        AllocationUnit::new(BaseUnit::Byte, Ratio::integer(1 << 30));
    /// `byte * 2^40` (TiB).
    pub const TEBIBYTE: AllocationUnit =
        AllocationUnit::new(BaseUnit::Byte, Ratio::integer(1 << 40));
    /// `bit`.
    pub const BIT: AllocationUnit = AllocationUnit::new(BaseUnit::Bit, Ratio::integer(1));
    /// `hertz`.
    pub const HERTZ: AllocationUnit = AllocationUnit::new(BaseUnit::Hertz, Ratio::integer(1));
    /// `hertz * 10^6` (MHz), the usual CPU unit in OVF.
    pub const MEGAHERTZ: AllocationUnit =
        AllocationUnit::new(BaseUnit::Hertz, Ratio::integer(1_000_000));
    /// `hertz * 10^9` (GHz), the unit of OCCI 1.1 `occi.compute.speed`.
    pub const GIGAHERTZ: AllocationUnit =
        AllocationUnit::new(BaseUnit::Hertz, Ratio::integer(1_000_000_000));
    /// `percent`.
    pub const PERCENT: AllocationUnit = AllocationUnit::new(BaseUnit::Percent, Ratio::integer(1));
    /// `count`, the CIM default of `VirtualQuantityUnits`.
    pub const COUNT: AllocationUnit = AllocationUnit::new(BaseUnit::Count, Ratio::integer(1));

    /// `base` multiplied by `factor`.
    ///
    /// A zero factor is representable here but meaningless; the parser never produces one.
    pub const fn new(base: BaseUnit, factor: Ratio) -> AllocationUnit {
        AllocationUnit {
            base,
            per: None,
            factor,
        }
    }

    /// This unit divided by `divisor` (`bit / second`).
    #[must_use]
    pub const fn per(self, divisor: BaseUnit) -> AllocationUnit {
        AllocationUnit {
            per: Some(divisor),
            ..self
        }
    }

    /// Parses a unit the way real OVF files write it: DSP0004 programmatic units with
    /// blanks anywhere between tokens (`byte * 2 ^ 20`), base names in any case and in the
    /// plural (`Bytes * 2^20`), and the legacy CIM spellings (`MegaBytes`, `MB`, `GHz`…).
    /// See the crate documentation for the exact list.
    pub fn parse(input: &str) -> Result<AllocationUnit, UnitError> {
        parse::unit(input, Mode::Lenient)
    }

    /// Parses a unit written exactly as DSP0004 spells it, reporting every deviation that
    /// [`AllocationUnit::parse`] tolerates as [`UnitError::NonStandard`].
    ///
    /// Useful for warnings: a file that passes `parse` but not `parse_strict` is readable
    /// but written by a tool that other consumers may misread.
    pub fn parse_strict(input: &str) -> Result<AllocationUnit, UnitError> {
        parse::unit(input, Mode::Strict)
    }

    /// The base unit (`byte` in `byte * 2^20`).
    pub fn base(&self) -> BaseUnit {
        self.base
    }

    /// The divisor unit (`second` in `bit / second`), if any.
    pub fn divisor(&self) -> Option<BaseUnit> {
        self.per
    }

    /// The exact factor (`1048576` in `byte * 2^20`).
    pub fn factor(&self) -> Ratio {
        self.factor
    }

    /// Whether quantities convert between `self` and `other`: same dimension (`bit` and
    /// `byte` mix) and the same divisor unit.
    pub fn is_compatible(&self, other: &AllocationUnit) -> bool {
        self.base.dimension() == other.base.dimension() && self.per == other.per
    }

    /// `quantity` of this unit expressed in its base unit: 2400 of `hertz * 10^6` is
    /// 2 400 000 000 hertz; `bit` units stay in bits (use [`AllocationUnit::bytes`] for
    /// bytes).
    ///
    /// Fails when the result is not whole (1 of `byte / 10`) or does not fit in 128 bits.
    pub fn to_base(&self, quantity: u64) -> Result<u128, UnitError> {
        let target = AllocationUnit {
            factor: Ratio::ONE,
            ..*self
        };
        self.convert_whole(Ratio::from(quantity), &target)
    }

    /// `quantity` of this data unit in bytes: 1 of `bit * 2^20` is 131 072 bytes.
    ///
    /// Fails for units that are not amounts of data, when the result is not a whole number
    /// of bytes (3 bits), and when it does not fit in 128 bits.
    pub fn bytes(&self, quantity: u64) -> Result<u128, UnitError> {
        self.convert_whole(Ratio::from(quantity), &AllocationUnit::BYTE)
    }

    /// How many of this unit make `base_quantity` base units: the inverse of
    /// [`AllocationUnit::to_base`]. 4 294 967 296 with `byte * 2^30` is 4.
    ///
    /// Fails when the result is not whole.
    pub fn from_base(&self, base_quantity: u128) -> Result<u128, UnitError> {
        let source = AllocationUnit {
            factor: Ratio::ONE,
            ..*self
        };
        source.convert_whole(Ratio::integer(base_quantity), self)
    }

    /// `quantity` of this unit expressed in `to`, exactly.
    ///
    /// The result is a [`Ratio`]; it need not be whole (1536 of `byte * 2^20` is 1.5 of
    /// `byte * 2^30`). Fails when the units are not [compatible](AllocationUnit::is_compatible)
    /// or an intermediate value does not fit in 128 bits.
    pub fn convert(&self, quantity: Ratio, to: &AllocationUnit) -> Result<Ratio, UnitError> {
        if !self.is_compatible(to) {
            return Err(UnitError::Incompatible {
                from: self.to_string(),
                to: to.to_string(),
            });
        }
        let overflow = || UnitError::Overflow {
            quantity,
            unit: self.to_string(),
        };
        // Divide the factors before applying the bit/byte ratio and the quantity, so that
        // intermediate values stay as small as the cross-reduced result allows.
        let atoms = Ratio::new(self.base.atoms(), to.base.atoms()).ok_or_else(overflow)?;
        self.factor
            .checked_div(to.factor)
            .and_then(|scale| scale.checked_mul(atoms))
            .and_then(|scale| quantity.checked_mul(scale))
            .ok_or_else(overflow)
    }

    /// Like [`AllocationUnit::convert`] but insists on a whole result.
    pub fn convert_whole(&self, quantity: Ratio, to: &AllocationUnit) -> Result<u128, UnitError> {
        let value = self.convert(quantity, to)?;
        value.to_integer().ok_or_else(|| UnitError::NotWhole {
            value,
            unit: to.to_string(),
        })
    }

    /// The largest of `byte`, `byte * 2^10`, … `byte * 2^60` that divides `bytes` exactly,
    /// with the quantity in that unit: 4 294 967 296 gives `(4, byte * 2^30)`. For writing
    /// `ovf:capacity` / `VirtualQuantity` back in the unit a person would pick. Zero gives
    /// `(0, byte)`.
    pub fn largest_binary_unit(bytes: u128) -> (u128, AllocationUnit) {
        (1..=6u32)
            .rev()
            .map(|step| step * 10)
            .find(|&exp| bytes != 0 && bytes.trailing_zeros() >= exp)
            .map_or((bytes, AllocationUnit::BYTE), |exp| {
                let unit = AllocationUnit::new(BaseUnit::Byte, Ratio::integer(1 << exp));
                (bytes >> exp, unit)
            })
    }

    /// The largest of `base`, `base * 10^3`, … `base * 10^18` that divides `quantity`
    /// (given in `base` units) exactly, with the quantity in that unit: 2 400 000 000 hertz
    /// gives `(2400, hertz * 10^6)`. Zero gives `(0, base)`.
    pub fn largest_decimal_unit(base: BaseUnit, quantity: u128) -> (u128, AllocationUnit) {
        (1..=6u32)
            .rev()
            .map(|step| 10u128.pow(step * 3))
            .find(|&factor| quantity != 0 && quantity.is_multiple_of(factor))
            .map_or(
                (quantity, AllocationUnit::new(base, Ratio::ONE)),
                |factor| {
                    let unit = AllocationUnit::new(base, Ratio::integer(factor));
                    (quantity / factor, unit)
                },
            )
    }

    /// The dimensions measured: the base unit's and the divisor's.
    pub fn dimension(&self) -> (Dimension, Option<Dimension>) {
        (self.base.dimension(), self.per.map(BaseUnit::dimension))
    }
}

/// The canonical DSP0004 spelling: the base unit, the divisor, then the factor as powers
/// of ten and two and a remaining integer (`byte * 2^20`, `hertz * 10^6`,
/// `bit / second * 10^6`, `byte * 10^3 * 2^10`, `byte / 10^3`). Parsing it gives back the
/// same unit.
impl fmt::Display for AllocationUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.base.name())?;
        if let Some(per) = self.per {
            write!(f, " / {per}")?;
        }
        for term in factor_terms(self.factor.numer()) {
            write!(f, " * {term}")?;
        }
        for term in factor_terms(self.factor.denom()) {
            write!(f, " / {term}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for AllocationUnit {
    type Err = UnitError;

    fn from_str(input: &str) -> Result<AllocationUnit, UnitError> {
        AllocationUnit::parse(input)
    }
}

/// Splits `n` into `10^c`, `2^a` and a remaining integer, each printed only when it adds
/// something; powers with exponent 1 stay folded into the integer (`* 2`, not `* 2^1`).
fn factor_terms(n: u128) -> Vec<String> {
    if n == 0 {
        // Only a hand-built unit can have a zero factor; print it rather than loop.
        return vec!["0".to_owned()];
    }
    let mut terms = Vec::new();
    let twos = n.trailing_zeros();
    let mut fives = 0;
    let mut rest = n;
    while rest != 0 && rest.is_multiple_of(5) {
        rest /= 5;
        fives += 1;
    }
    let mut rest = n;
    let tens = twos.min(fives);
    if tens >= 2 {
        terms.push(format!("10^{tens}"));
        rest /= 10u128.pow(tens);
    }
    let twos = if tens >= 2 { twos - tens } else { twos };
    if twos >= 2 {
        terms.push(format!("2^{twos}"));
        rest >>= twos;
    }
    if rest > 1 {
        terms.push(rest.to_string());
    }
    terms
}
