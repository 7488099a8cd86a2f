//! A percentage from 0 to 100 %, exactly: a tax rate or a discount.

use std::fmt;

/// Parts per million in one whole (100 %).
pub const PPM_PER_WHOLE: u32 = 1_000_000;

/// A percentage between 0 and 100 % inclusive, held exactly in parts per
/// million: 20 % is 200 000, 8.875 % is 88 750. A millionth (0.0001 %) is
/// fine enough for every tax rate in use (basis points are not: New York's
/// 8.875 % has half a basis point) and for any discount typed with up to
/// four decimals.
/// Serialized as its parts per million (a stored event's rate reads back exactly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Percent(u32);

impl Percent {
    pub const ZERO: Self = Self(0);
    pub const HUNDRED: Self = Self(PPM_PER_WHOLE);

    /// The percentage of `ppm` millionths; `None` above 100 %.
    pub const fn from_ppm(ppm: u32) -> Option<Self> {
        if ppm <= PPM_PER_WHOLE {
            Some(Self(ppm))
        } else {
            None
        }
    }

    /// A whole number of percent (`Percent::whole(20)` is 20 %); `None` above 100.
    pub const fn whole(percent: u32) -> Option<Self> {
        if percent <= 100 {
            Some(Self(percent * (PPM_PER_WHOLE / 100)))
        } else {
            None
        }
    }

    /// Parses what staff type: `20`, `5.5`, `8.875`, `20 %`; at most four
    /// decimals; from 0 to 100.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().trim_end_matches('%').trim_end();
        if s.is_empty() {
            return Err("enter a percentage, e.g. 20 or 5.5".into());
        }
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) {
            return Err("enter the percentage in digits, e.g. 20 or 5.5".into());
        }
        if frac.len() > 4 {
            return Err("enter a percentage with at most 4 decimals".into());
        }
        if whole.len() > 3 {
            return Err("a percentage must be between 0 and 100".into());
        }
        let whole: u32 = whole
            .parse()
            .map_err(|_| "enter a percentage".to_string())?;
        let frac: u32 = format!("{frac:0<4}")
            .parse()
            .map_err(|_| "enter a percentage".to_string())?;
        // whole ≤ 999 and frac ≤ 9999: at most 999_999_999, no overflow.
        Self::from_ppm(whole * 10_000 + frac)
            .ok_or_else(|| "a percentage must be between 0 and 100".into())
    }

    /// Parts per million.
    pub const fn ppm(self) -> u32 {
        self.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// A stored rate named for staff: `Standard (20%)`; a stored value out of
    /// range (never written: the column has a CHECK) shows as its raw ppm.
    pub fn label(name: &str, ppm: i32) -> String {
        match u32::try_from(ppm).ok().and_then(Self::from_ppm) {
            Some(p) => format!("{name} ({p})"),
            None => format!("{name} ({ppm} ppm)"),
        }
    }

    /// A stored rate as a form shows it: `20`, `5.5`.
    pub fn plain(ppm: i32) -> String {
        u32::try_from(ppm)
            .ok()
            .and_then(Self::from_ppm)
            .map_or_else(
                || ppm.to_string(),
                |p| p.to_string().trim_end_matches('%').to_owned(),
            )
    }
}

impl fmt::Display for Percent {
    /// `20%`, `5.5%`, `8.875%`: no trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 10_000;
        let frac = self.0 % 10_000;
        if frac == 0 {
            write!(f, "{whole}%")
        } else {
            let digits = format!("{frac:04}");
            write!(f, "{whole}.{}%", digits.trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Percent;

    #[test]
    fn parses_what_staff_type_exactly() {
        assert_eq!(Percent::parse("20").unwrap().ppm(), 200_000);
        assert_eq!(Percent::parse(" 5.5 % ").unwrap().ppm(), 55_000);
        assert_eq!(Percent::parse("8.875").unwrap().ppm(), 88_750);
        assert_eq!(Percent::parse("0").unwrap(), Percent::ZERO);
        assert_eq!(Percent::parse("100.0000").unwrap(), Percent::HUNDRED);
        assert_eq!(Percent::parse("0.0001").unwrap().ppm(), 1);
    }

    #[test]
    fn refuses_what_is_not_a_percentage_from_0_to_100() {
        for bad in [
            "", "%", "-5", "100.01", "101", "1000", "abc", "5,5", ".5", "1.23456", "1e2", "+5",
        ] {
            assert!(Percent::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Percent::parse("100.5"),
            Err("a percentage must be between 0 and 100".into())
        );
        assert_eq!(Percent::from_ppm(1_000_001), None);
        assert_eq!(Percent::whole(101), None);
    }

    #[test]
    fn displays_without_trailing_zeros() {
        assert_eq!(Percent::whole(20).unwrap().to_string(), "20%");
        assert_eq!(Percent::parse("5.50").unwrap().to_string(), "5.5%");
        assert_eq!(Percent::parse("8.875").unwrap().to_string(), "8.875%");
    }
}
