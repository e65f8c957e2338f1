//! Exact non-negative rationals: unit factors and converted quantities.

use std::fmt;

/// A non-negative rational number `numer / denom`, always stored reduced (`denom >= 1`).
///
/// Unit factors (`2^20`, `10^-3`) and the results of conversions are `Ratio`s so that no
/// quantity ever passes through a float. [`Ratio`]'s `Display` prints an exact decimal when
/// the value has one (`1.5`, `0.000976562`…), and `numer/denom` otherwise (`1/3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    numer: u128,
    denom: u128,
}

impl Ratio {
    /// The value 1.
    pub const ONE: Ratio = Ratio::integer(1);

    /// The whole number `value`.
    pub const fn integer(value: u128) -> Ratio {
        Ratio {
            numer: value,
            denom: 1,
        }
    }

    /// `1 / denom` for `denom >= 1` (already in lowest terms); for constant tables.
    pub(crate) const fn unit_fraction(denom: u128) -> Ratio {
        Ratio { numer: 1, denom }
    }

    /// `numer / denom` reduced to lowest terms; `None` when `denom` is zero.
    pub fn new(numer: u128, denom: u128) -> Option<Ratio> {
        if denom == 0 {
            return None;
        }
        let g = gcd(numer, denom);
        // gcd(0, d) = d, so zero becomes 0/1.
        Some(Ratio {
            numer: numer / g,
            denom: denom / g,
        })
    }

    /// `base^exp`, `None` when the result does not fit in 128 bits.
    pub fn power(base: u128, exp: u32) -> Option<Ratio> {
        base.checked_pow(exp).map(Ratio::integer)
    }

    /// The numerator (in lowest terms).
    pub fn numer(self) -> u128 {
        self.numer
    }

    /// The denominator (in lowest terms, at least 1).
    pub fn denom(self) -> u128 {
        self.denom
    }

    /// The value as a whole number, `None` when it has a fractional part.
    pub fn to_integer(self) -> Option<u128> {
        (self.denom == 1).then_some(self.numer)
    }

    /// The value 1 / self; `None` for zero.
    pub fn recip(self) -> Option<Ratio> {
        (self.numer != 0).then_some(Ratio {
            numer: self.denom,
            denom: self.numer,
        })
    }

    /// `self * other`, `None` on overflow. Cross-reduces first, so an overflow means the
    /// reduced result itself does not fit.
    pub fn checked_mul(self, other: Ratio) -> Option<Ratio> {
        let g1 = gcd(self.numer, other.denom);
        let g2 = gcd(other.numer, self.denom);
        let numer = (self.numer / g1).checked_mul(other.numer / g2)?;
        let denom = (self.denom / g2).checked_mul(other.denom / g1)?;
        Some(Ratio { numer, denom })
    }

    /// `self / other`, `None` on overflow or division by zero.
    pub fn checked_div(self, other: Ratio) -> Option<Ratio> {
        self.checked_mul(other.recip()?)
    }

    /// The exact decimal expansion (`"1.5"`, `"2"`, `"0.5"`), or `None` when the value has
    /// no finite decimal expansion (its reduced denominator has a prime factor other than
    /// 2 and 5, e.g. 1/3).
    pub fn to_decimal(self) -> Option<String> {
        let mut rest = self.denom;
        while rest.is_multiple_of(2) {
            rest /= 2;
        }
        while rest.is_multiple_of(5) {
            rest /= 5;
        }
        if rest != 1 {
            return None;
        }
        let mut text = (self.numer / self.denom).to_string();
        let mut remainder = self.numer % self.denom;
        if remainder != 0 {
            text.push('.');
        }
        // Terminates: the denominator divides a power of ten (at most 128 digits here).
        while remainder != 0 {
            let (digit, next) = times_ten_divmod(remainder, self.denom);
            text.push(char::from(b'0' + digit));
            remainder = next;
        }
        Some(text)
    }

    /// Parses a plain decimal number such as `2.4`, `1`, `0.5` or `1024` exactly.
    ///
    /// This is the lexical form of OCCI float attributes (`occi.compute.memory` in GiB,
    /// `occi.compute.speed` in GHz) as tern needs them for conversion: digits, optionally a
    /// point and more digits. Signs, exponents and surrounding blanks are refused.
    pub fn parse_decimal(text: &str) -> Option<Ratio> {
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (text, ""),
        };
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) {
            return None;
        }
        if text.ends_with('.') {
            return None;
        }
        let whole = digits_value(whole)?;
        // Reduce the fraction before adding the whole part: `x.y` with many digits after
        // the point (a GiB count of odd bytes has 30) overflows if taken as one integer.
        let fraction = Ratio::new(
            digits_value(fraction)?,
            10u128.checked_pow(u32::try_from(fraction.len()).ok()?)?,
        )?;
        Ratio::integer(whole).checked_add(fraction)
    }

    /// `self + other`, `None` on overflow.
    pub fn checked_add(self, other: Ratio) -> Option<Ratio> {
        let g = gcd(self.denom, other.denom);
        let numer = self
            .numer
            .checked_mul(other.denom / g)?
            .checked_add(other.numer.checked_mul(self.denom / g)?)?;
        let denom = (self.denom / g).checked_mul(other.denom)?;
        Ratio::new(numer, denom)
    }
}

/// The value of a string of ASCII digits (empty is 0), `None` on overflow.
fn digits_value(digits: &str) -> Option<u128> {
    digits.bytes().try_fold(0u128, |acc, b| {
        acc.checked_mul(10)?.checked_add(u128::from(b - b'0'))
    })
}

impl From<u64> for Ratio {
    fn from(value: u64) -> Ratio {
        Ratio::integer(u128::from(value))
    }
}

impl From<u128> for Ratio {
    fn from(value: u128) -> Ratio {
        Ratio::integer(value)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_decimal() {
            Some(text) => f.write_str(&text),
            None => write!(f, "{}/{}", self.numer, self.denom),
        }
    }
}

/// Greatest common divisor (Euclid); gcd(0, 0) is 0, callers never divide by it because a
/// denominator is never zero.
pub(crate) fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `(10 * r) / d` and `(10 * r) % d` for `r < d`, without overflowing when `d` is close to
/// `u128::MAX`: ten modular additions of `r`, counting the wrap-arounds.
fn times_ten_divmod(r: u128, d: u128) -> (u8, u128) {
    let mut digit = 0;
    let mut acc: u128 = 0;
    for _ in 0..10 {
        // acc + r >= d  <=>  acc >= d - r (no overflow since r < d).
        if acc >= d - r {
            acc -= d - r;
            digit += 1;
        } else {
            acc += r;
        }
    }
    (digit, acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduces_and_renders() {
        assert_eq!(Ratio::new(3 << 29, 1 << 30).unwrap().to_string(), "1.5");
        assert_eq!(Ratio::new(1, 3).unwrap().to_string(), "1/3");
        assert_eq!(Ratio::new(0, 7).unwrap(), Ratio::integer(0));
        assert_eq!(Ratio::new(1, 0), None);
    }

    #[test]
    fn decimal_with_huge_denominator() {
        let tiny = Ratio::new(1, 1 << 127).unwrap();
        let text = tiny.to_decimal().unwrap();
        // 2^-127 has exactly 127 decimal places.
        assert_eq!(text.len(), "0.".len() + 127);
        assert!(text.ends_with('5'));
    }

    #[test]
    fn parse_decimal_forms() {
        assert_eq!(Ratio::parse_decimal("2.4"), Ratio::new(12, 5));
        assert_eq!(Ratio::parse_decimal("1"), Some(Ratio::ONE));
        // 553159799431130947 bytes in GiB: 39 significant digits, more than u128 holds
        // as one integer, yet the value is exact.
        let gib = Ratio::new(553_159_799_431_130_947, 1 << 30).unwrap();
        let text = gib.to_decimal().unwrap();
        assert_eq!(Ratio::parse_decimal(&text), Some(gib));
        for bad in ["", ".5", "1.", "-1", "1e3", " 1", "1.2.3"] {
            assert_eq!(Ratio::parse_decimal(bad), None, "{bad:?}");
        }
    }
}
