//! The shop's currency (ISO 4217), from the `currency` setting. Amounts are
//! stored as integers in the currency's minor unit (cents for USD, yen for
//! JPY, fils for BHD); rusty-money knows each currency's symbol, exponent and
//! digit grouping, so nothing here formats money by hand.

use std::fmt;

use rusty_money::iso;

/// An ISO 4217 currency the shop trades in. Cheap to copy.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Currency(&'static iso::Currency);

impl Currency {
    /// The default: US dollars.
    pub const USD: Self = Self(iso::USD);

    /// Parses an ISO 4217 alphabetic code such as `EUR` (case-insensitive).
    pub fn parse(code: &str) -> Result<Self, String> {
        let upper = code.trim().to_ascii_uppercase();
        iso::find(&upper).map(Self).ok_or_else(|| {
            format!("{code:?} is not an ISO 4217 currency code (e.g. USD, EUR, JPY)")
        })
    }

    /// `USD`, `JPY` …
    pub fn code(self) -> &'static str {
        self.0.iso_alpha_code
    }

    /// `$`, `¥`, `€` …
    pub fn symbol(self) -> &'static str {
        self.0.symbol
    }

    /// Whether the symbol comes before the amount (`$1.00`) or after it (`1,00 kr`).
    pub fn symbol_first(self) -> bool {
        self.0.symbol_first
    }

    /// Digits after the decimal separator: 2 for USD, 0 for JPY, 3 for BHD.
    pub fn exponent(self) -> u32 {
        self.0.exponent
    }

    /// How many minor units make one major unit (100 for USD, 1 for JPY).
    pub fn minor_per_major(self) -> i64 {
        10_i64.pow(self.exponent())
    }

    /// The thousands separator of the currency's usual format (`,` for USD, `.` for EUR).
    pub fn group_separator(self) -> char {
        rusty_money::LocalFormat::from_locale(self.0.locale).digit_separator
    }

    /// The decimal separator of the currency's usual format (`.` for USD, `,` for EUR).
    pub fn decimal_separator(self) -> char {
        rusty_money::LocalFormat::from_locale(self.0.locale).exponent_separator
    }

    /// An amount in minor units with symbol and grouping: `$1,234.50`, `¥1,500`, `€1.234,50`.
    pub fn format(self, minor: i64) -> String {
        rusty_money::Money::from_minor(minor, self.0).to_string()
    }

    /// An amount without symbol or grouping, `.` as the decimal point: `1234.50`,
    /// `1500`. For CSV cells and form fields, which a machine or a person re-reads.
    pub fn plain(self, minor: i64) -> String {
        let sign = if minor < 0 { "-" } else { "" };
        let abs = minor.unsigned_abs();
        let per = self.minor_per_major().unsigned_abs();
        match self.exponent() {
            0 => format!("{sign}{abs}"),
            e => format!(
                "{sign}{}.{:0width$}",
                abs / per,
                abs % per,
                width = e as usize
            ),
        }
    }

    /// What a form field for an amount should look like, e.g. `12.50` or `1500`.
    pub fn example(self) -> String {
        match self.exponent() {
            0 => "1500".to_owned(),
            _ => self.plain(12 * self.minor_per_major() + self.minor_per_major() / 2),
        }
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Default for Currency {
    fn default() -> Self {
        Self::USD
    }
}

impl TryFrom<String> for Currency {
    type Error = String;

    fn try_from(code: String) -> Result<Self, String> {
        Self::parse(&code)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> Self {
        c.code().to_owned()
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Self::parse(&code).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_symbol_and_minor_units() {
        let usd = Currency::parse("usd").unwrap();
        assert_eq!(usd.format(123_456_789), "$1,234,567.89");
        assert_eq!(usd.format(-250), "-$2.50");
        assert_eq!(usd.format(0), "$0.00");
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(jpy.format(1_500), "¥1,500");
        assert_eq!(jpy.exponent(), 0);
        let eur = Currency::parse("EUR").unwrap();
        assert_eq!(eur.format(123_450), "€1.234,50");
        let bhd = Currency::parse("BHD").unwrap();
        assert_eq!(bhd.plain(1_234_567), "1234.567");
    }

    #[test]
    fn plain_amounts_have_no_symbol_or_grouping() {
        assert_eq!(Currency::USD.plain(123_456), "1234.56");
        assert_eq!(Currency::USD.plain(-5), "-0.05");
        assert_eq!(Currency::parse("JPY").unwrap().plain(150_000), "150000");
        assert_eq!(Currency::USD.example(), "12.50");
        assert_eq!(Currency::parse("JPY").unwrap().example(), "1500");
    }

    #[test]
    fn unknown_codes_are_refused_with_the_code() {
        let err = Currency::parse("XYZ").unwrap_err();
        assert!(err.starts_with("\"XYZ\" is not an ISO 4217"), "{err}");
        assert!(Currency::parse("").is_err());
    }
}
