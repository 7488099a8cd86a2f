//! A discount as staff type it: an amount (`2.50`) or a percentage (`10%`),
//! parsed into [`Discount`] before it reaches a command or the preview.

use super::Money;
use super::percent::Percent;
use super::totals::{Amount, Discount};

impl Discount {
    /// Parses what staff type in a discount field: nothing (no discount), an
    /// amount in the shop currency's minor unit with `exponent` decimals
    /// (`2.50`), or a percentage ending in `%` (`10%`, `12.5 %`). A zero
    /// discount is no discount. Whether it fits the line or the order is
    /// [`super::totals::Basket::totals`]'s to say.
    pub fn parse(raw: &str, exponent: u32) -> Result<Option<Self>, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Ok(None);
        }
        if let Some(p) = s.strip_suffix('%') {
            if p.trim().is_empty() || p.contains('%') {
                return Err("enter a percentage before %, e.g. 10%".into());
            }
            let p = Percent::parse(p)?;
            return Ok((!p.is_zero()).then_some(Self::Percent(p)));
        }
        if s.trim_start_matches(['0', '.']).is_empty() && s.starts_with('0') {
            return Ok(None);
        }
        let amount =
            Money::parse_in(s, exponent).map_err(|e| format!("{e} (or a percentage, e.g. 10%)"))?;
        Ok(Amount::new(amount.cents()).map(Self::Amount))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<Option<Discount>, String> {
        Discount::parse(raw, 2)
    }

    #[test]
    fn an_amount_is_in_minor_units_and_a_percentage_ends_in_percent() {
        assert_eq!(parse("2.50"), Ok(Amount::new(250).map(Discount::Amount)));
        assert_eq!(parse(" 3 "), Ok(Amount::new(300).map(Discount::Amount)));
        assert_eq!(parse("10%"), Ok(Percent::whole(10).map(Discount::Percent)));
        assert_eq!(
            parse("12.5 %"),
            Ok(Percent::from_ppm(125_000).map(Discount::Percent))
        );
        assert_eq!(
            Discount::parse("1500", 0),
            Ok(Amount::new(1500).map(Discount::Amount))
        );
    }

    #[test]
    fn nothing_or_zero_is_no_discount() {
        for raw in ["", "  ", "0", "0.00", "0%", "0.0 %"] {
            assert_eq!(parse(raw), Ok(None), "{raw:?}");
        }
    }

    #[test]
    fn bad_discounts_say_what_to_type() {
        for raw in ["-1", "abc", "2.505", "101%", "%", "10%%", "1,50", "1e3"] {
            assert!(parse(raw).is_err(), "{raw:?} accepted");
        }
        assert!(Discount::parse("1.5", 0).is_err());
        assert!(parse("2.505").unwrap_err().contains("decimals"));
        assert!(parse("101%").unwrap_err().contains("between 0 and 100"));
    }
}
