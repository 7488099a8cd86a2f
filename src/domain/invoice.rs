//! Invoices and credit notes: their kind, how a number is spelled in its
//! series (`2026-000042`, `CN-2026-000007`), and the issuer (the shop as its
//! documents name it, from the deployment settings).

use super::Currency;
use super::sql_text::text_enum;

text_enum! {
    /// What an `invoices` row is; each kind numbers in its own series.
    pub enum DocumentKind (what = "document kind") {
        /// What the order costs, numbered `YYYY-NNNNNN`.
        Invoice => "invoice",
        /// What is credited back on an invoice, numbered `CN-YYYY-NNNNNN`.
        CreditNote => "credit_note",
    }
}

impl DocumentKind {
    /// The document's title as printed.
    pub fn label(self) -> &'static str {
        match self {
            Self::Invoice => "Invoice",
            Self::CreditNote => "Credit note",
        }
    }

    /// The number `sequence` of `year` in this kind's series: at least six
    /// digits, zero-padded (the database's CHECK spells it the same way).
    pub fn number(self, year: i32, sequence: i32) -> String {
        let prefix = match self {
            Self::Invoice => "",
            Self::CreditNote => "CN-",
        };
        format!("{prefix}{year}-{sequence:06}")
    }
}

/// The shop as its documents name it: frozen into each invoice when issued.
/// From the deployment settings (`shop_name`, `shop_address`, `currency`);
/// the tax id comes from the shop's settings in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    pub name: String,
    pub address_lines: Vec<String>,
    pub currency: Currency,
}

impl Issuer {
    /// The issuer of `name`, its address given as lines separated by newlines
    /// (blank lines dropped).
    pub fn new(name: &str, address: &str, currency: Currency) -> Self {
        Self {
            name: name.to_owned(),
            address_lines: address
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            currency,
        }
    }
}

impl Default for Issuer {
    /// The settings' defaults (a test's or a tool's commands).
    fn default() -> Self {
        Self::new("OrderDesk Demo Shop", "", Currency::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_padded_to_six_digits_and_credit_notes_prefixed() {
        assert_eq!(DocumentKind::Invoice.number(2026, 42), "2026-000042");
        assert_eq!(DocumentKind::CreditNote.number(2026, 7), "CN-2026-000007");
        assert_eq!(
            DocumentKind::Invoice.number(2027, 1_234_567),
            "2027-1234567"
        );
    }

    #[test]
    fn an_issuers_address_keeps_its_non_blank_lines() {
        let i = Issuer::new("Shop", " 1 Main St \n\nSpringfield\n", Currency::default());
        assert_eq!(i.address_lines, ["1 Main St", "Springfield"]);
    }
}
