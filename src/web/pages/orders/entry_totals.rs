//! Order entry's totals panel: the form's lines, discounts and shipping
//! charge turned into what the read side's pricing query
//! ([`crate::queries::pricing`]) prices with the one pricing function, and
//! its answer shown: per line after discounts, the subtotal, discounts,
//! shipping, tax per rate and the grand total. Nothing is added up here.

use std::num::NonZeroU32;

use super::form::line_discounts;
use super::new_form::{EntryForm, EntryView};
use crate::domain::totals::{OrderTotals, Pricing};
use crate::domain::{Currency, FieldErrors, Quantity, Sku};
use crate::queries::pricing::{Entered, EnteredLine, Preview, Problem};
use crate::queries::shop::TaxRateRow;

/// One rate's line of the totals panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxLine {
    /// `20%`.
    pub rate: String,
    /// What the rate applies to (after discounts, without tax).
    pub net: i64,
    pub tax: i64,
}

/// The totals panel, in minor units, as [`OrderTotals`] has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalsView {
    /// Prices include tax: the tax is "of which", not added.
    pub inclusive: bool,
    pub subtotal: i64,
    pub line_discounts: i64,
    pub order_discount: i64,
    pub shipping: i64,
    pub taxes: Vec<TaxLine>,
    pub tax_total: i64,
    pub grand_total: i64,
}

impl From<&OrderTotals> for TotalsView {
    fn from(t: &OrderTotals) -> Self {
        Self {
            inclusive: t.pricing == Pricing::TaxInclusive,
            subtotal: t.subtotal,
            line_discounts: t.line_discounts,
            order_discount: t.order_discount,
            shipping: t.shipping,
            taxes: t
                .taxes
                .iter()
                .map(|x| TaxLine {
                    rate: x.rate.to_string(),
                    net: x.net,
                    tax: x.tax,
                })
                .collect(),
            tax_total: t.tax_total,
            grand_total: t.grand_total,
        }
    }
}

impl EntryForm {
    /// What prices the order, from the fields that parse, and the errors of
    /// those that do not (beside their fields).
    pub fn entered(&self, currency: Currency) -> (Entered, FieldErrors) {
        let mut errors = FieldErrors::new();
        let discounts = line_discounts(&self.lines, currency, &mut errors);
        let lines = self
            .lines
            .iter()
            .filter_map(|l| {
                let sku = Sku::parse(&l.sku).ok()?;
                let quantity = Quantity::parse(&l.quantity)
                    .ok()
                    .and_then(|q| u32::try_from(q.get()).ok())
                    .and_then(NonZeroU32::new)?;
                Some(EnteredLine {
                    sku: sku.as_str().to_owned(),
                    quantity,
                    discount: discounts.get(&sku).copied(),
                })
            })
            .collect();
        let (order_discount, shipping) = self.order().money(currency, &mut errors);
        let entered = Entered {
            lines,
            order_discount,
            shipping: shipping.map(|s| (s.amount, s.tax_rate_id)),
            kept: None,
        };
        (entered, errors)
    }
}

impl EntryView {
    /// Shows the priced preview: the totals panel and each line after its
    /// discounts, or the refusal beside its field; the money fields' own
    /// errors beside them (unless the command already put one there).
    pub fn price(
        &mut self,
        preview: Option<Result<Preview, Problem>>,
        money_errors: &FieldErrors,
        rates: Vec<TaxRateRow>,
    ) {
        self.tax_rates = rates;
        for (field, message) in money_errors.iter() {
            self.add_error(field, message);
        }
        match preview {
            None => {}
            Some(Ok(p)) => {
                for (sku, a) in p.skus.iter().zip(&p.totals.lines) {
                    let after = a
                        .subtotal
                        .checked_sub(a.line_discount)
                        .and_then(|x| x.checked_sub(a.order_discount));
                    // A SKU typed twice is one line: shown on the first.
                    if let Some(l) = self
                        .lines
                        .iter_mut()
                        .find(|l| l.sku.trim().eq_ignore_ascii_case(sku))
                    {
                        l.line_total_cents = after;
                    }
                }
                self.totals = Some(TotalsView::from(&p.totals));
            }
            Some(Err(problem)) => match problem {
                Problem::LineDiscount(sku) => {
                    let field = self
                        .lines
                        .iter()
                        .find(|l| {
                            l.sku.trim().eq_ignore_ascii_case(&sku) && !l.discount.trim().is_empty()
                        })
                        .map_or_else(
                            || "lines".to_owned(),
                            |l| format!("lines[{}].discount", l.index),
                        );
                    self.add_error(&field, "the discount is more than the line's amount");
                }
                Problem::OrderDiscount => self.add_error(
                    "order_discount",
                    "the order discount is more than the lines' amount after their discounts",
                ),
                Problem::ShippingRate(m) => self.add_error("shipping_tax_rate", m),
                Problem::Overflow => self.add_error("lines", "the amounts are too large to add up"),
            },
        }
    }

    /// An error beside `field`, unless it has one already.
    fn add_error(&mut self, field: &str, message: &str) {
        if self.errors.get(field).is_some() {
            return;
        }
        self.errors.add(field, message);
        if let Some(l) = field
            .strip_prefix("lines[")
            .and_then(|f| f.strip_suffix("].discount"))
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| self.lines.get_mut(i))
        {
            l.discount_error = Some(message.to_owned());
        }
    }
}
