//! Descriptive texts that state a value (`2 virtual CPU(s)`, `4096MB of memory`, `VmxNet3
//! ethernet adapter`): when the value changes, the text is said again with the new one. A
//! text is rewritten only when exactly one place in it states the old value; anything else
//! (no statement, several, a number in another unit) is left as written.

use tern_units::{AllocationUnit, BaseUnit, Ratio};

use super::size::{PREFIXES, size_unit};

/// `text` with the count `old` replaced by `new`, when exactly one number in it is `old`
/// and is not followed by a unit (`2 GHz` is a speed, not a count).
///
/// ```text
/// "2 virtual CPU(s)", 2 → 4     "4 virtual CPU(s)"
/// "Number of Virtual CPUs"      unchanged (states no count)
/// "2 CPUs at 2 GHz", 2 → 4      "4 CPUs at 2 GHz"
/// ```
pub(crate) fn count(text: &str, old: u64, new: u64) -> Option<String> {
    let old = old.to_string();
    let mut hits = numbers(text).filter(|n| n.unit.is_none() && n.digits == old);
    let hit = hits.next()?;
    if hits.next().is_some() {
        return None;
    }
    Some(splice(text, hit.start, hit.end, &new.to_string()))
}

/// The old and new size of an Item, for [`size`].
pub(crate) struct Sizes {
    /// Bytes before the edit.
    pub(crate) old_bytes: u128,
    /// The Item's AllocationUnits before the edit (what a bare number in the text counts).
    pub(crate) old_unit: Option<AllocationUnit>,
    /// Bytes after the edit.
    pub(crate) new_bytes: u128,
    /// The Item's AllocationUnits after the edit.
    pub(crate) new_unit: AllocationUnit,
}

/// `text` with the size it states said again as `sizes.new_bytes`, when exactly one
/// quantity in it amounts to `sizes.old_bytes`: with its unit (`4096MB`, `8 GB`), or bare,
/// counted in the Item's AllocationUnits. The unit as written is kept when the new size is
/// a whole number of it; otherwise the largest unit of the same spelling family that holds
/// it exactly is used (`8 GB` → `1536 MB`). A bare number is said again only when the
/// Item's unit did not change.
pub(crate) fn size(text: &str, sizes: &Sizes) -> Option<String> {
    let mut hits = numbers(text).filter(|n| n.bytes(sizes.old_unit) == Some(sizes.old_bytes));
    let hit = hits.next()?;
    if hits.next().is_some() {
        return None;
    }
    let Some(unit) = &hit.unit else {
        if sizes.old_unit != Some(sizes.new_unit) {
            return None;
        }
        let quantity = sizes.new_unit.from_base(sizes.new_bytes).ok()?;
        return Some(splice(text, hit.start, hit.end, &quantity.to_string()));
    };
    if let Ok(quantity) = unit.value.from_base(sizes.new_bytes) {
        return Some(splice(text, hit.start, hit.end, &quantity.to_string()));
    }
    let (quantity, spelling) = same_family(unit.spelling, sizes.new_bytes)?;
    let end = unit.start + unit.spelling.len();
    let gap = &text[hit.end..unit.start];
    Some(splice(
        text,
        hit.start,
        end,
        &format!("{quantity}{gap}{spelling}"),
    ))
}

/// `text` with the word `old` replaced by `new` (ASCII case ignored), when it occurs exactly
/// once as a whole word.
pub(crate) fn word(text: &str, old: &str, new: &str) -> Option<String> {
    let old = old.trim();
    if old.is_empty() || old == new {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let needle = old.to_ascii_lowercase();
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut hits = lower.match_indices(&needle).filter(|(at, _)| {
        !is_word(text[..*at].chars().next_back())
            && !is_word(text[at + needle.len()..].chars().next())
    });
    let (at, _) = hits.next()?;
    if hits.next().is_some() {
        return None;
    }
    Some(splice(text, at, at + needle.len(), new))
}

// ---------------------------------------------------------------------------------------

/// A number standing on its own in a text, with the unit written after it, if any.
struct Number<'a> {
    start: usize,
    end: usize,
    digits: &'a str,
    unit: Option<Unit<'a>>,
}

struct Unit<'a> {
    start: usize,
    spelling: &'a str,
    value: AllocationUnit,
}

impl Number<'_> {
    /// The bytes this number states: with its unit, or bare in `bare` units.
    fn bytes(&self, bare: Option<AllocationUnit>) -> Option<u128> {
        let quantity = Ratio::parse_decimal(self.digits)?;
        let unit = match &self.unit {
            Some(u) => u.value,
            None => bare?,
        };
        if !unit.is_compatible(&AllocationUnit::BYTE) {
            return None;
        }
        unit.convert_whole(quantity, &AllocationUnit::BYTE).ok()
    }
}

/// Every number in `text` that is not part of a word, a name or another number (`vmx-13`,
/// `x86`, `2nd`, `#2`, `1.5` have none of their own but `1.5` itself), with the unit after it: glued (`4096MB`) or after blanks
/// (`8 GB`). A number glued to letters that are not a unit is skipped.
fn numbers(text: &str) -> impl Iterator<Item = Number<'_>> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            // An ASCII digit starts a character: `start` is a boundary.
            let start = i;
            let glued_before = text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || "._-/#".contains(c));
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if end + 1 < bytes.len() && bytes[end] == b'.' && bytes[end + 1].is_ascii_digit() {
                end += 1;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
            }
            i = end;
            if glued_before {
                continue;
            }
            let after = &text[end..];
            let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
            let word_len = after[blanks..]
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(after.len() - blanks);
            let spelling = &after[blanks..blanks + word_len];
            // Any unit (`2 GHz` is a speed, not a count of 2).
            let unit = (!spelling.is_empty())
                .then(|| size_unit(spelling).ok())
                .flatten();
            if blanks == 0 && !spelling.is_empty() && unit.is_none() {
                // `2nd`, `3x`: not a number standing on its own.
                continue;
            }
            return Some(Number {
                start,
                end,
                digits: &text[start..end],
                unit: unit.map(|value| Unit {
                    start: end + blanks,
                    spelling,
                    value,
                }),
            });
        }
        None
    })
}

/// `bytes` in the largest unit spelled like `spelling` (`GB` → `MB`, `KB`; `Gi` → `Mi`;
/// `g` → `m`) that holds it exactly.
fn same_family(spelling: &str, bytes: u128) -> Option<(u128, String)> {
    let mut chars = spelling.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    if !matches!(rest, "" | "i" | "B" | "b" | "iB" | "ib") {
        return None;
    }
    PREFIXES.find(first.to_ascii_uppercase())?;
    PREFIXES.char_indices().rev().find_map(|(k, letter)| {
        let exp = 10 * (u32::try_from(k).ok()? + 1);
        let unit = AllocationUnit::new(BaseUnit::Byte, Ratio::power(2, exp)?);
        let quantity = unit.from_base(bytes).ok().filter(|q| *q > 0)?;
        let letter = if first.is_ascii_lowercase() {
            letter.to_ascii_lowercase()
        } else {
            letter
        };
        Some((quantity, format!("{letter}{rest}")))
    })
}

fn splice(text: &str, start: usize, end: usize, with: &str) -> String {
    format!("{}{with}{}", &text[..start], &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: AllocationUnit = AllocationUnit::MEBIBYTE;
    const GIB: AllocationUnit = AllocationUnit::GIBIBYTE;

    #[test]
    fn counts() {
        let c = |t, o, n| count(t, o, n);
        assert_eq!(
            c("2 virtual CPU(s)", 2, 4).as_deref(),
            Some("4 virtual CPU(s)")
        );
        assert_eq!(c("1 CPU", 1, 8).as_deref(), Some("8 CPU"));
        assert_eq!(c("vCPU: 1", 1, 8).as_deref(), Some("vCPU: 8"));
        assert_eq!(c("Number of Virtual CPUs", 1, 8), None);
        assert_eq!(
            c("2 CPUs at 2 GHz", 2, 4).as_deref(),
            Some("4 CPUs at 2 GHz")
        );
        assert_eq!(
            c("2 sockets of 2 cores", 2, 4),
            None,
            "two statements: ambiguous"
        );
        assert_eq!(c("12 virtual CPUs", 2, 4), None);
        assert_eq!(c("vmx-2 hardware", 2, 4), None);
        assert_eq!(c("CPU #2", 2, 4), None);
        assert_eq!(c("2nd processor", 2, 4), None);
        assert_eq!(c("x2 processor", 2, 4), None);
        assert_eq!(c("1.5 CPUs", 1, 4), None);
    }

    fn sizes(old_bytes: u128, old: AllocationUnit, new_bytes: u128, new: AllocationUnit) -> Sizes {
        Sizes {
            old_bytes,
            old_unit: Some(old),
            new_bytes,
            new_unit: new,
        }
    }

    #[test]
    fn sizes_are_said_again_in_the_unit_written() {
        let s = sizes(4096 << 20, MIB, 8 << 30, MIB);
        assert_eq!(
            size("4096MB of memory", &s).as_deref(),
            Some("8192MB of memory")
        );
        assert_eq!(size("4 GB RAM", &s).as_deref(), Some("8 GB RAM"));
        assert_eq!(size("4096", &s).as_deref(), Some("8192"));
        assert_eq!(size("Memory Size", &s), None);
        assert_eq!(size("2048 MB of memory", &s), None, "states another size");
        // 1536 MiB is no whole number of GB: the same family's MB.
        let s = sizes(8 << 30, GIB, 1536 << 20, MIB);
        assert_eq!(
            size("8 GB of memory", &s).as_deref(),
            Some("1536 MB of memory")
        );
        assert_eq!(size("8GiB", &s).as_deref(), Some("1536MiB"));
        assert_eq!(size("8g", &s).as_deref(), Some("1536m"));
        // A bare number counts the old unit; in another unit now, it cannot be said again.
        assert_eq!(size("8", &s), None);
        // Not a binary family: left alone.
        assert_eq!(size("8 gibibyte", &s), None);
        // 1.5 GB is exactly 1536 MiB.
        let s = sizes(1536 << 20, MIB, 2 << 30, MIB);
        assert_eq!(size("1.5 GB", &s).as_deref(), Some("2 GB"));
    }

    #[test]
    fn words() {
        assert_eq!(
            word(
                "VmxNet3 ethernet adapter on \"VM Network\"",
                "VmxNet3",
                "E1000"
            )
            .as_deref(),
            Some("E1000 ethernet adapter on \"VM Network\"")
        );
        assert_eq!(
            word("vmxnet3 adapter", "VmxNet3", "E1000").as_deref(),
            Some("E1000 adapter")
        );
        assert_eq!(word("VmxNet32", "VmxNet3", "E1000"), None);
        assert_eq!(word("Network adapter 1", "VmxNet3", "E1000"), None);
    }
}
