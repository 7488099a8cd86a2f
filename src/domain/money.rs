//! Money in integer minor units; never a float. [`Money`] is one positive
//! amount typed into a form; [`totals`] computes an order's money from its
//! lines, discounts, shipping and tax, exactly (its rules are written there).

mod discount;
mod percent;
mod split;
pub mod totals;

use std::fmt;

pub use percent::Percent;

/// The largest price or amount a form may enter: 1,000,000.00 (in major units).
const MAX_MAJOR: i64 = 1_000_000;

/// A positive amount of money in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

impl Money {
    /// Parses `"12"`, `"12.5"` or `"12.50"` in a currency with two decimals
    /// (an optional leading currency sign and thousands separators are not
    /// accepted: staff type plain amounts).
    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::parse_in(raw, 2)
    }

    /// Parses a plain amount in a currency with `exponent` decimals into its
    /// minor unit: `"12.50"` is 1250 with 2, `"1500"` is 1500 yen with 0.
    pub fn parse_in(raw: &str, exponent: u32) -> Result<Self, String> {
        // ISO 4217 has no currency with more than four decimals.
        let exponent = exponent.min(4);
        let example = match exponent {
            0 => "1500".to_owned(),
            e => format!("12.{:0<width$}", 5, width = e as usize),
        };
        let s = raw.trim();
        if s.is_empty() {
            return Err(format!("enter an amount, e.g. {example}"));
        }
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s, ""),
        };
        let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        let decimals = exponent as usize;
        // A sign, a separator or a letter is not a decimals problem: say what is.
        if whole.is_empty() || !digits(whole) || !digits(frac) {
            return Err(format!("enter the amount in digits, e.g. {example}"));
        }
        if frac.len() > decimals || (decimals == 0 && s.contains('.')) {
            return Err(match exponent {
                0 => format!("enter a whole amount without decimals, e.g. {example}"),
                e => format!("enter an amount with at most {e} decimals, e.g. {example}"),
            });
        }
        if whole.len() > 9 {
            return Err("amount is too large".into());
        }
        let whole: i64 = whole
            .parse()
            .map_err(|_| "amount is too large".to_string())?;
        let scale = 10_i64.pow(exponent);
        let frac: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse::<i64>().unwrap_or(0)
                * 10_i64.pow(exponent - u32::try_from(frac.len()).unwrap_or(exponent))
        };
        let minor = whole * scale + frac;
        if minor <= 0 {
            Err("amount must be greater than zero".into())
        } else if minor > MAX_MAJOR * scale {
            Err(format!("amount must be at most {MAX_MAJOR}"))
        } else {
            Ok(Self(minor))
        }
    }

    /// An amount already in minor units (as stored): positive, or refused.
    pub fn from_minor(minor: i64) -> Result<Self, String> {
        if minor > 0 {
            Ok(Self(minor))
        } else {
            Err("amount must be greater than zero".into())
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
    fn parses_in_the_currencys_minor_unit() {
        assert_eq!(Money::parse_in("1500", 0).unwrap().cents(), 1500);
        assert_eq!(Money::parse_in("1.234", 3).unwrap().cents(), 1234);
        assert_eq!(Money::parse_in("1.5", 3).unwrap().cents(), 1500);
        assert_eq!(
            Money::parse_in("15.00", 0),
            Err("enter a whole amount without decimals, e.g. 1500".into())
        );
        assert_eq!(
            Money::parse_in("1000001", 0),
            Err("amount must be at most 1000000".into())
        );
        assert_eq!(
            Money::parse_in("1.2345", 3),
            Err("enter an amount with at most 3 decimals, e.g. 12.500".into())
        );
    }

    #[test]
    fn refuses_what_is_not_digits_with_the_digits_message() {
        for bad in ["abc", "-5", ".5", "1,50", "1e3", "12.x", "+3", "1.2.3"] {
            assert_eq!(
                Money::parse(bad),
                Err("enter the amount in digits, e.g. 12.50".into()),
                "{bad:?}"
            );
        }
        assert_eq!(
            Money::parse_in("x", 0),
            Err("enter the amount in digits, e.g. 1500".into())
        );
        assert_eq!(
            Money::parse("  "),
            Err("enter an amount, e.g. 12.50".into())
        );
    }

    #[test]
    fn decimals_are_bounded_by_the_currency() {
        assert_eq!(Money::parse("1.25").unwrap().cents(), 125);
        assert_eq!(
            Money::parse("1.255"),
            Err("enter an amount with at most 2 decimals, e.g. 12.50".into())
        );
        // A trailing point has no decimals but is still a decimal amount.
        assert_eq!(
            Money::parse_in("15.", 0),
            Err("enter a whole amount without decimals, e.g. 1500".into())
        );
        assert_eq!(Money::parse("15.").unwrap().cents(), 1500);
        // More than four decimals is capped at ISO 4217's largest, four.
        assert_eq!(Money::parse_in("1.5", 6).unwrap().cents(), 15_000);
        assert_eq!(
            Money::parse_in("1.23456", 6),
            Err("enter an amount with at most 4 decimals, e.g. 12.5000".into())
        );
    }

    #[test]
    fn the_whole_part_is_bounded_at_nine_digits() {
        // Nine digits parse and meet the maximum's check; ten are refused before parsing.
        assert_eq!(
            Money::parse_in("123456789", 0),
            Err("amount must be at most 1000000".into())
        );
        assert_eq!(
            Money::parse_in("1234567890", 0),
            Err("amount is too large".into())
        );
        assert_eq!(Money::parse_in("000999999", 0).unwrap().cents(), 999_999);
        assert_eq!(
            Money::parse_in("0000999999", 0),
            Err("amount is too large".into())
        );
    }

    #[test]
    fn the_maximum_and_the_minimum_are_inclusive() {
        assert_eq!(Money::parse_in("1000000", 0).unwrap().cents(), 1_000_000);
        assert_eq!(Money::parse("1000000.00").unwrap().cents(), 100_000_000);
        assert_eq!(
            Money::parse("1000000.01"),
            Err("amount must be at most 1000000".into())
        );
        assert_eq!(Money::parse("0.01").unwrap().cents(), 1);
        assert_eq!(
            Money::parse("0.00"),
            Err("amount must be greater than zero".into())
        );
    }

    #[test]
    fn displays_two_decimals() {
        assert_eq!(Money::parse("1.05").unwrap().to_string(), "1.05");
        assert_eq!(format_cents(-250), "-2.50");
    }
}
