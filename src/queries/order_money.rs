//! An order's stored money as `read.order_summaries` carries it (`money`
//! and each line's figures): what the order page and the printables show.
//! Nothing here adds up or rounds: every figure was stored when the order
//! was priced.

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::Jsonb;
use serde::Deserialize;

use crate::domain::Percent;

/// One rate's tax, as the order stored it (`order_taxes`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct TaxRow {
    pub rate_ppm: i32,
    pub net_cents: i64,
    pub tax_cents: i64,
    pub gross_cents: i64,
}

impl TaxRow {
    /// `20%`.
    pub fn rate(&self) -> String {
        percent_label(self.rate_ppm)
    }
}

/// The order's figures (the view's `money`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct OrderMoney {
    /// `tax_exclusive` or `tax_inclusive`.
    pub pricing: String,
    pub subtotal_cents: i64,
    pub line_discounts_cents: i64,
    /// The order discount as entered: `amount` or `percent` (value in ppm).
    pub discount_kind: Option<String>,
    pub discount_value: Option<i64>,
    pub order_discount_cents: i64,
    pub discount_total_cents: i64,
    pub shipping_cents: i64,
    pub shipping_waived: bool,
    pub shipping_tax_rate_ppm: Option<i32>,
    pub shipping_tax_cents: i64,
    pub tax_total_cents: i64,
    pub grand_total_cents: i64,
    pub taxes: Vec<TaxRow>,
}

impl OrderMoney {
    /// Prices include tax: the tax is part of the amounts, not added.
    pub fn inclusive(&self) -> bool {
        self.pricing == "tax_inclusive"
    }

    /// ` (10%)` for a percentage order discount, else nothing.
    pub fn discount_percent(&self) -> String {
        entered_percent(self.discount_kind.as_deref(), self.discount_value)
    }

    /// The shipping charge's rate, `20%`.
    pub fn shipping_rate(&self) -> String {
        self.shipping_tax_rate_ppm
            .map_or_else(String::new, percent_label)
    }
}

/// `20%` for a stored rate.
pub fn percent_label(ppm: i32) -> String {
    u32::try_from(ppm)
        .ok()
        .and_then(Percent::from_ppm)
        .map_or_else(|| format!("{ppm} ppm"), |p| p.to_string())
}

/// ` (10%)` when a discount was entered as a percentage.
pub fn entered_percent(kind: Option<&str>, value: Option<i64>) -> String {
    match (kind, value.and_then(|v| i32::try_from(v).ok())) {
        (Some("percent"), Some(ppm)) => format!(" ({})", percent_label(ppm)),
        _ => String::new(),
    }
}

/// The view's `money` (jsonb), decoded as the row is read.
#[derive(FromSqlRow)]
pub struct Money(OrderMoney);

impl FromSql<Jsonb, Pg> for Money {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let json = <serde_json::Value as FromSql<Jsonb, Pg>>::from_sql(value)?;
        Ok(Self(serde_json::from_value(json)?))
    }
}

impl From<Money> for OrderMoney {
    fn from(m: Money) -> Self {
        m.0
    }
}
