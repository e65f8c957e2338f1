//! The programmatic-unit grammar (DSP0004 Annex C) as nom parsers, with byte offsets for
//! every error.
//!
//! ```text
//! unit     = blank* element (blank* op blank* element)* blank*
//! op       = "*" | "/"
//! element  = number | name
//! number   = digits ["." digits] | digits blank* "^" blank* ["+" | "-"] digits
//! name     = [prefix] base-unit          ; kilobyte, mebibyte, megahertz
//! ```
//!
//! Blanks around `^`, base names in other cases or the plural, and the legacy names of
//! `legacy.rs` are accepted in [`Mode::Lenient`] only.
//!
//! Elements combine left to right: `*` multiplies, `/` divides. Exactly one base unit is
//! multiplied in and at most one divides (`bit / second`); numbers make up the factor.

use nom::Parser;
use nom::bytes::complete::take_while;
use nom::character::complete::{digit1, multispace0, one_of, satisfy};
use nom::combinator::{opt, recognize};

use crate::{AllocationUnit, BaseUnit, Ratio, UnitError, legacy};

/// How much of real-world usage to tolerate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// What real exporters write (see the crate docs).
    Lenient,
    /// DSP0004 as written; deviations are [`UnitError::NonStandard`].
    Strict,
}

/// Parses a whole unit string.
pub(crate) fn unit(input: &str, mode: Mode) -> Result<AllocationUnit, UnitError> {
    let trimmed = input.trim_matches(is_blank);
    let start = input.len() - input.trim_start_matches(is_blank).len();
    let legacy = legacy::lookup(trimmed);
    match (mode, legacy) {
        (Mode::Lenient, Some(unit)) => Ok(unit),
        (Mode::Strict, Some(unit)) => grammar(input, mode).map_err(|_| UnitError::NonStandard {
            input: input.to_owned(),
            offset: start,
            reason: format!("legacy spelling {trimmed:?}; DSP0004 writes \"{unit}\""),
        }),
        (_, None) => grammar(input, mode),
    }
}

/// nom results with no error payload: positions come from the remaining input instead.
type Res<'a, T> = nom::IResult<&'a str, T, ()>;

/// One element of the product: a number, or a base unit with its prefix's factor.
enum Element {
    Number(Ratio),
    Unit(BaseUnit, Ratio),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Mul,
    Div,
}

struct Cursor<'a> {
    input: &'a str,
    mode: Mode,
}

impl<'a> Cursor<'a> {
    fn offset(&self, rest: &str) -> usize {
        self.input.len() - rest.len()
    }

    fn syntax(&self, rest: &str, expected: &'static str) -> UnitError {
        UnitError::Syntax {
            input: self.input.to_owned(),
            offset: self.offset(rest),
            expected,
        }
    }

    fn too_large(&self, at: &str) -> UnitError {
        UnitError::FactorTooLarge {
            input: self.input.to_owned(),
            offset: self.offset(at),
        }
    }

    fn non_standard(&self, at: &str, reason: String) -> UnitError {
        UnitError::NonStandard {
            input: self.input.to_owned(),
            offset: self.offset(at),
            reason,
        }
    }

    /// An element at `rest` (blanks already skipped).
    fn element(&self, rest: &'a str, first: bool) -> Result<(&'a str, Element), UnitError> {
        if let Ok((after, digits)) = digit1::<_, ()>(rest) {
            return self.number(rest, after, digits);
        }
        if let Ok((after, name)) = name(rest) {
            return self.name(rest, after, name);
        }
        if first && rest.starts_with('-') {
            return Err(UnitError::Unsupported {
                input: self.input.to_owned(),
                offset: self.offset(rest),
                what: "a negative sign",
            });
        }
        Err(self.syntax(
            rest,
            if first {
                "a base unit such as \"byte\""
            } else {
                "a number or a base unit such as \"byte\""
            },
        ))
    }

    fn number(
        &self,
        start: &'a str,
        after: &'a str,
        digits: &'a str,
    ) -> Result<(&'a str, Element), UnitError> {
        let zero = || UnitError::ZeroFactor {
            input: self.input.to_owned(),
            offset: self.offset(start),
        };
        if let Some(fraction) = after.strip_prefix('.') {
            let Ok((after, fraction)) = digit1::<_, ()>(fraction) else {
                return Err(self.syntax(fraction, "digits after the decimal point"));
            };
            let text = &start[..digits.len() + 1 + fraction.len()];
            let value = Ratio::parse_decimal(text).ok_or_else(|| self.too_large(start))?;
            if value.numer() == 0 {
                return Err(zero());
            }
            return Ok((after, Element::Number(value)));
        }
        let base: u128 = digits.parse().map_err(|_| self.too_large(start))?;
        if base == 0 {
            return Err(zero());
        }
        let (caret_at, blank_before) = multispace0::<_, ()>(after).unwrap_or((after, ""));
        let Some(exponent_at) = caret_at.strip_prefix('^') else {
            return Ok((after, Element::Number(Ratio::integer(base))));
        };
        let (exponent_at, blank_after) =
            multispace0::<_, ()>(exponent_at).unwrap_or((exponent_at, ""));
        if self.mode == Mode::Strict && !(blank_before.is_empty() && blank_after.is_empty()) {
            return Err(self.non_standard(
                caret_at,
                format!("blanks around '^'; DSP0004 writes \"{digits}^…\" without them"),
            ));
        }
        let exponent: Res<'a, (Option<char>, &'a str)> =
            (opt(one_of("+-")), digit1).parse(exponent_at);
        let Ok((rest, (sign, exponent))) = exponent else {
            return Err(self.syntax(exponent_at, "an integer exponent after '^'"));
        };
        let power = exponent
            .parse::<u32>()
            .ok()
            .and_then(|exp| base.checked_pow(exp))
            .ok_or_else(|| self.too_large(start))?;
        let value = Ratio::integer(power);
        let value = if sign == Some('-') {
            value.recip().ok_or_else(zero)?
        } else {
            value
        };
        Ok((rest, Element::Number(value)))
    }

    fn name(
        &self,
        start: &'a str,
        after: &'a str,
        name: &'a str,
    ) -> Result<(&'a str, Element), UnitError> {
        let (base, factor) = match resolve(name) {
            Some(Resolved::Exact(base, factor)) => (base, factor),
            Some(Resolved::Variant(base)) => {
                if self.mode == Mode::Strict {
                    return Err(self.non_standard(
                        start,
                        format!(
                            "base unit written {name:?}; DSP0004 names are lowercase and \
                             singular (\"{base}\")"
                        ),
                    ));
                }
                (base, Ratio::ONE)
            }
            None => {
                if let Some(unit) = legacy::lookup(name) {
                    return Err(UnitError::LegacyCombined {
                        input: self.input.to_owned(),
                        offset: self.offset(start),
                        name: name.to_owned(),
                        standard: unit.to_string(),
                    });
                }
                return Err(UnitError::UnknownUnit {
                    input: self.input.to_owned(),
                    offset: self.offset(start),
                    name: name.to_owned(),
                });
            }
        };
        let (caret, _) = multispace0::<_, ()>(after).unwrap_or((after, ""));
        if caret.starts_with('^') {
            return Err(UnitError::Unsupported {
                input: self.input.to_owned(),
                offset: self.offset(caret),
                what: "an exponent on a unit",
            });
        }
        Ok((after, Element::Unit(base, factor)))
    }
}

/// Runs the grammar over the whole input.
fn grammar(input: &str, mode: Mode) -> Result<AllocationUnit, UnitError> {
    let cursor = Cursor { input, mode };
    let mut base: Option<BaseUnit> = None;
    let mut per: Option<BaseUnit> = None;
    let mut factor = Ratio::ONE;
    let mut op = Op::Mul;
    let (mut rest, _) = blanks(input);
    let first_offset = cursor.offset(rest);
    let mut first = true;
    loop {
        let element_at = rest;
        let (after, element) = cursor.element(rest, first)?;
        first = false;
        match element {
            Element::Number(value) => {
                factor = match op {
                    Op::Mul => factor.checked_mul(value),
                    Op::Div => factor.checked_div(value),
                }
                .ok_or_else(|| cursor.too_large(element_at))?;
            }
            Element::Unit(unit, prefix) => {
                let slot = if op == Op::Mul { &mut base } else { &mut per };
                if slot.is_some() {
                    let name_len = name(element_at).map_or(0, |(_, n)| n.len());
                    return Err(UnitError::ExtraBaseUnit {
                        input: input.to_owned(),
                        offset: cursor.offset(element_at),
                        name: element_at[..name_len].to_owned(),
                    });
                }
                *slot = Some(unit);
                factor = match op {
                    Op::Mul => factor.checked_mul(prefix),
                    Op::Div => factor.checked_div(prefix),
                }
                .ok_or_else(|| cursor.too_large(element_at))?;
            }
        }
        let (next, _) = blanks(after);
        if next.is_empty() {
            break;
        }
        let operator: Res<'_, char> = one_of("*/").parse(next);
        let Ok((after_op, symbol)) = operator else {
            return Err(cursor.syntax(next, "'*', '/' or the end of the unit"));
        };
        op = if symbol == '*' { Op::Mul } else { Op::Div };
        (rest, _) = blanks(after_op);
    }
    let Some(base) = base else {
        return Err(UnitError::MissingBaseUnit {
            input: input.to_owned(),
            offset: first_offset,
        });
    };
    let unit = AllocationUnit::new(base, factor);
    Ok(match per {
        Some(per) => unit.per(per),
        None => unit,
    })
}

/// What a name stands for.
enum Resolved {
    /// A DSP0004 spelling: base unit (maybe prefixed) and the prefix's factor.
    Exact(BaseUnit, Ratio),
    /// A base unit in another case or the plural (`Byte`, `bytes`), tolerated leniently.
    Variant(BaseUnit),
}

fn resolve(name: &str) -> Option<Resolved> {
    if let Some(base) = BaseUnit::from_name(name) {
        return Some(Resolved::Exact(base, Ratio::ONE));
    }
    for &(prefix, factor) in PREFIXES {
        if let Some(base) = name.strip_prefix(prefix).and_then(BaseUnit::from_name) {
            return Some(Resolved::Exact(base, factor));
        }
    }
    let lower = name.to_ascii_lowercase();
    if let Some(base) = BaseUnit::from_name(&lower) {
        return Some(Resolved::Variant(base));
    }
    lower
        .strip_suffix('s')
        .and_then(BaseUnit::from_name)
        .filter(|base| matches!(base, BaseUnit::Byte | BaseUnit::Bit | BaseUnit::Second))
        .map(Resolved::Variant)
}

const fn ratio(numer: u128, denom: u128) -> Ratio {
    if denom == 1 {
        Ratio::integer(numer)
    } else {
        Ratio::unit_fraction(denom)
    }
}

/// DSP0004 unit prefixes (SI decimal and IEC binary), written together with the base
/// unit (`kilobyte`, `mebibyte`). Longer prefixes never hide shorter ones here because the
/// remainder must be a base unit exactly.
const PREFIXES: &[(&str, Ratio)] = &[
    ("deca", ratio(10, 1)),
    ("hecto", ratio(100, 1)),
    ("kilo", ratio(1_000, 1)),
    ("mega", ratio(1_000_000, 1)),
    ("giga", ratio(1_000_000_000, 1)),
    ("tera", ratio(1_000_000_000_000, 1)),
    ("peta", ratio(1_000_000_000_000_000, 1)),
    ("exa", ratio(1_000_000_000_000_000_000, 1)),
    ("zetta", ratio(1_000_000_000_000_000_000_000, 1)),
    ("yotta", ratio(1_000_000_000_000_000_000_000_000, 1)),
    ("deci", ratio(1, 10)),
    ("centi", ratio(1, 100)),
    ("milli", ratio(1, 1_000)),
    ("micro", ratio(1, 1_000_000)),
    ("nano", ratio(1, 1_000_000_000)),
    ("pico", ratio(1, 1_000_000_000_000)),
    ("femto", ratio(1, 1_000_000_000_000_000)),
    ("atto", ratio(1, 1_000_000_000_000_000_000)),
    ("zepto", ratio(1, 1_000_000_000_000_000_000_000)),
    ("yocto", ratio(1, 1_000_000_000_000_000_000_000_000)),
    ("kibi", ratio(1 << 10, 1)),
    ("mebi", ratio(1 << 20, 1)),
    ("gibi", ratio(1 << 30, 1)),
    ("tebi", ratio(1 << 40, 1)),
    ("pebi", ratio(1 << 50, 1)),
    ("exbi", ratio(1 << 60, 1)),
    ("zebi", ratio(1 << 70, 1)),
    ("yobi", ratio(1 << 80, 1)),
];

fn name(input: &str) -> Res<'_, &str> {
    recognize((
        satisfy(char::is_alphabetic),
        take_while(|c: char| c.is_alphabetic() || c == '_' || c == '-'),
    ))
    .parse(input)
}

fn blanks(input: &str) -> (&str, &str) {
    multispace0::<_, ()>(input).unwrap_or((input, ""))
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}
