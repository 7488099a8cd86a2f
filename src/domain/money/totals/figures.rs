//! What [`super::Basket::totals`] produces: the figures an order stores,
//! per line, for shipping, per tax rate and in total (minor units, all ≥ 0).

use super::{Percent, Pricing};

/// What one line stores (all in minor units, ≥ 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineAmounts {
    pub tax_rate: Percent,
    /// Unit price × quantity, as entered.
    pub subtotal: i64,
    pub line_discount: i64,
    /// The line's share of the order discount.
    pub order_discount: i64,
    /// After every discount, without tax.
    pub net: i64,
    /// The line's share of its rate's tax.
    pub tax: i64,
    /// What the customer pays for the line: net + tax.
    pub total: i64,
}

/// What the shipping charge stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ShippingAmounts {
    pub tax_rate: Percent,
    /// The charge as entered, 0 when waived.
    pub charged: i64,
    /// Whether `free_from` waived a charge.
    pub waived: bool,
    pub net: i64,
    pub tax: i64,
    pub total: i64,
}

/// One tax rate's figures: what an invoice's tax summary lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct TaxAmount {
    pub rate: Percent,
    pub net: i64,
    pub tax: i64,
    pub gross: i64,
}

/// An order's money, as the order stores it (the default: nothing, zero).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct OrderTotals {
    pub pricing: Pricing,
    /// Σ line subtotals, as entered.
    pub subtotal: i64,
    pub line_discounts: i64,
    pub order_discount: i64,
    /// Line discounts + order discount.
    pub discount_total: i64,
    /// The shipping charged, as entered (0 when waived or none).
    pub shipping: i64,
    /// After discounts, without tax, shipping included.
    pub net_total: i64,
    /// Per rate, lowest rate first.
    pub taxes: Vec<TaxAmount>,
    pub tax_total: i64,
    pub grand_total: i64,
    pub lines: Vec<LineAmounts>,
    pub shipping_amounts: Option<ShippingAmounts>,
}

impl OrderTotals {
    /// The tax added on top of the entered amounts: the tax total when
    /// prices exclude tax, 0 when they include it.
    pub fn tax_added(&self) -> i64 {
        match self.pricing {
            Pricing::TaxExclusive => self.tax_total,
            Pricing::TaxInclusive => 0,
        }
    }
}
