//! Sizes as people type them: `4096` (in a unit the caller chooses), `4G`, `4 GiB`,
//! `4096MB`, `1.5GiB`, `byte * 2^20`. Exact: the number is a decimal [`Ratio`], the unit
//! one of tern-units' (DSP0004 programmatic units and the legacy spellings, whose `KB`, `MB`,
//! `GB`, `TB` are binary as in CIM and COT) or a one-letter binary prefix (`K`, `M`, `G`,
//! `T`, `P`, `E`, optionally followed by `i`, as COT and `qemu-img` write them).

use tern_units::{AllocationUnit, BaseUnit, Ratio};

use super::EditError;

/// Parses a size such as `4GiB`, `512 MiB`, `2048MB`, `1.5G` or `1073741824` into bytes (a
/// bare number is bytes). Zero, sizes that are not a whole number of bytes and units that are
/// not amounts of data are refused.
///
/// ```
/// use tern_ovf::edit::parse_size;
/// assert_eq!(parse_size("4GiB").unwrap(), 4 << 30);
/// assert_eq!(parse_size("1.5 G").unwrap(), 3 << 29);
/// assert_eq!(parse_size("1048576").unwrap(), 1 << 20);
/// assert!(parse_size("0.1K").is_err()); // 102.4 bytes
/// ```
pub fn parse_size(text: &str) -> Result<u128, EditError> {
    parse_size_in(text, AllocationUnit::BYTE)
}

/// A memory size as `--memory` takes it: a bare number is MiB (COT's convention:
/// `4096` is 4 GiB), otherwise as [`parse_size`].
///
/// ```
/// use tern_ovf::edit::parse_memory;
/// assert_eq!(parse_memory("4096").unwrap(), 4 << 30);
/// assert_eq!(parse_memory("4GiB").unwrap(), 4 << 30);
/// ```
pub fn parse_memory(text: &str) -> Result<u128, EditError> {
    parse_size_in(text, AllocationUnit::MEBIBYTE)
}

/// Like [`parse_size`], but a bare number counts `bare` units: `--memory 4096` is 4096 MiB,
/// COT's convention.
///
/// ```
/// use tern_ovf::edit::parse_size_in;
/// use tern_units::AllocationUnit;
/// assert_eq!(parse_size_in("4096", AllocationUnit::MEBIBYTE).unwrap(), 4 << 30);
/// assert_eq!(parse_size_in("4G", AllocationUnit::MEBIBYTE).unwrap(), 4 << 30);
/// assert_eq!(parse_size_in("4 GB", AllocationUnit::MEBIBYTE).unwrap(), 4 << 30);
/// ```
pub fn parse_size_in(text: &str, bare: AllocationUnit) -> Result<u128, EditError> {
    let bad = |why: String| EditError::Size(format!("\"{text}\" {why}"));
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let quantity = Ratio::parse_decimal(number).ok_or_else(|| {
        bad("does not start with a number (write e.g. 4096, 4G or 1.5GiB)".into())
    })?;
    let unit = unit.trim();
    let unit = if unit.is_empty() {
        bare
    } else {
        size_unit(unit).map_err(|e| bad(format!("has no size unit: {e}")))?
    };
    if !unit.is_compatible(&AllocationUnit::BYTE) {
        return Err(bad(format!(
            "is not an amount of data (the unit is {unit})"
        )));
    }
    let bytes = unit
        .convert_whole(quantity, &AllocationUnit::BYTE)
        .map_err(|_| match unit.convert(quantity, &AllocationUnit::BYTE) {
            Ok(_) => bad("is not a whole number of bytes".into()),
            Err(_) => bad("is too large".into()),
        })?;
    if bytes == 0 {
        return Err(bad("is zero".into()));
    }
    Ok(bytes)
}

/// A unit written after a number: a one-letter binary prefix (`G`, `Gi`) or anything
/// tern-units reads (`GiB`, `GB`, `gibibyte`, `byte * 2^30`).
pub(crate) fn size_unit(text: &str) -> Result<AllocationUnit, tern_units::UnitError> {
    binary_prefix(text).map_or_else(|| AllocationUnit::parse(text), Ok)
}

/// `K`, `M`, `G`, `T`, `P`, `E` (any case, optionally followed by `i`): powers of 1024.
fn binary_prefix(text: &str) -> Option<AllocationUnit> {
    let mut chars = text.chars();
    let letter = chars.next()?.to_ascii_uppercase();
    match chars.as_str() {
        "" | "i" => {}
        _ => return None,
    }
    let exp = 10 * (u32::try_from(PREFIXES.find(letter)?).ok()? + 1);
    Some(AllocationUnit::new(BaseUnit::Byte, Ratio::power(2, exp)?))
}

/// The one-letter binary prefixes, smallest first (K = 2^10).
pub(crate) const PREFIXES: &str = "KMGTPE";
