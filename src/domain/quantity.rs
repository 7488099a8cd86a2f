//! Counts of stock units.

/// The most units one order line or one stock receipt may carry.
pub const MAX_QUANTITY: i32 = 10_000;

/// A positive number of units, at most [`MAX_QUANTITY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(i32);

impl Quantity {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let n: i64 = raw
            .trim()
            .parse()
            .map_err(|_| "enter a whole number".to_string())?;
        Self::new(n)
    }

    pub fn new(n: i64) -> Result<Self, String> {
        if n <= 0 {
            Err("quantity must be at least 1".into())
        } else if n > i64::from(MAX_QUANTITY) {
            Err(format!("quantity must be at most {MAX_QUANTITY}"))
        } else {
            Ok(Self(
                i32::try_from(n).map_err(|_| "quantity is too large".to_string())?,
            ))
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// A signed, non-zero change of on-hand stock for an adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StockDelta(i32);

impl StockDelta {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let n: i64 = raw
            .trim()
            .trim_start_matches('+')
            .parse()
            .map_err(|_| "enter a whole number such as -3 or 5".to_string())?;
        if n == 0 {
            return Err("an adjustment must change the stock".into());
        }
        if n.abs() > i64::from(MAX_QUANTITY) {
            return Err(format!("an adjustment must be within ±{MAX_QUANTITY}"));
        }
        Ok(Self(
            i32::try_from(n).map_err(|_| "adjustment is too large".to_string())?,
        ))
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// The most units a stock level (a count, a low-stock threshold) may name.
pub const MAX_STOCK_LEVEL: i32 = 10_000_000;

/// The low-stock threshold a product gets when none is given.
pub const DEFAULT_LOW_STOCK_THRESHOLD: i32 = 10;

/// A number of units in stock, zero included: a counted quantity or a
/// low-stock threshold (0 to [`MAX_STOCK_LEVEL`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StockLevel(i32);

impl StockLevel {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("enter a whole number of units, 0 or more".into());
        }
        let n: i64 = s
            .parse()
            .map_err(|_| "enter a whole number of units, 0 or more".to_string())?;
        Self::new(n)
    }

    pub fn new(n: i64) -> Result<Self, String> {
        if n < 0 {
            return Err("must not be negative".into());
        }
        i32::try_from(n)
            .ok()
            .filter(|n| *n <= MAX_STOCK_LEVEL)
            .map(Self)
            .ok_or_else(|| format!("must be at most {MAX_STOCK_LEVEL}"))
    }

    /// The threshold a new product gets when none is given.
    pub fn default_threshold() -> Self {
        Self(DEFAULT_LOW_STOCK_THRESHOLD)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_accepts_one_to_max_only() {
        assert_eq!(Quantity::parse("1").unwrap().get(), 1);
        assert_eq!(Quantity::parse(" 10000 ").unwrap().get(), MAX_QUANTITY);
        for bad in ["0", "-1", "10001", "1.5", "", "x", "99999999999999999999"] {
            assert!(Quantity::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn stock_delta_is_signed_and_non_zero() {
        assert_eq!(StockDelta::parse("-3").unwrap().get(), -3);
        assert_eq!(StockDelta::parse("+4").unwrap().get(), 4);
        for bad in ["0", "", "abc", "10001", "-10001"] {
            assert!(StockDelta::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn stock_level_is_zero_or_more_and_bounded() {
        assert_eq!(StockLevel::parse("0").unwrap().get(), 0);
        assert_eq!(StockLevel::parse(" 25 ").unwrap().get(), 25);
        for bad in ["", "-1", "1.5", "x", "10000001", "99999999999999999999"] {
            assert!(StockLevel::parse(bad).is_err(), "{bad:?}");
        }
    }
}
