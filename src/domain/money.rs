//! Money in integer cents; never a float.

use std::fmt;

/// The largest price or amount a form may enter: 1,000,000.00.
const MAX_CENTS: i64 = 100_000_000;

/// A positive amount of money in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

impl Money {
    /// Parses `"12"`, `"12.5"` or `"12.50"` (an optional leading currency sign and
    /// thousands separators are not accepted: staff type plain amounts).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("enter an amount, e.g. 12.50".into());
        }
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s, ""),
        };
        let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
            return Err("enter an amount with at most two decimals, e.g. 12.50".into());
        }
        if whole.len() > 9 {
            return Err("amount is too large".into());
        }
        let whole: i64 = whole
            .parse()
            .map_err(|_| "amount is too large".to_string())?;
        let frac: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().unwrap_or(0) * 10,
            _ => frac.parse::<i64>().unwrap_or(0),
        };
        Self::from_cents(whole * 100 + frac)
    }

    /// A positive amount up to the maximum.
    pub fn from_cents(cents: i64) -> Result<Self, String> {
        if cents <= 0 {
            Err("amount must be greater than zero".into())
        } else if cents > MAX_CENTS {
            Err("amount must be at most 1000000.00".into())
        } else {
            Ok(Self(cents))
        }
    }

    pub fn cents(self) -> i64 {
        self.0
    }
}

/// Formats cents as `1234.50`, for amounts that come from the database
/// (totals, which may exceed a single price's maximum).
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_cents(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_whole_and_fractional_amounts() {
        assert_eq!(Money::parse("12").unwrap().cents(), 1200);
        assert_eq!(Money::parse(" 12.5 ").unwrap().cents(), 1250);
        assert_eq!(Money::parse("0.07").unwrap().cents(), 7);
        assert_eq!(Money::parse("1000000").unwrap().cents(), 100_000_000);
    }

    #[test]
    fn rejects_malformed_zero_negative_and_huge_amounts() {
        for bad in [
            "",
            "abc",
            "1.234",
            "-5",
            "0",
            "0.00",
            ".5",
            "1,50",
            "1e3",
            "1000000.01",
            "99999999999999",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn displays_two_decimals() {
        assert_eq!(Money::from_cents(105).unwrap().to_string(), "1.05");
        assert_eq!(format_cents(-250), "-2.50");
    }
}
