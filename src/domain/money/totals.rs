//! An order's money, computed once and exactly: what the `place_order`
//! command stores and what the order form's preview shows, from one function,
//! [`Basket::totals`]. Pure arithmetic: no database, no web, no currency
//! (every amount is an integer in the shop currency's minor unit, so it works
//! alike for cents and for yen).
//!
//! # The rules
//!
//! 1. **Entered amounts** (unit prices, amount discounts, the shipping
//!    charge) are what staff type, in the shop's [`Pricing`]: tax excluded
//!    (tax is added on top) or tax included (tax is inside the amount).
//!    Every amount is ≥ 0 ([`Amount`]); every percentage is from 0 to 100
//!    ([`Percent`], exact to a millionth).
//! 2. **Line subtotal** = unit price × quantity. Exact.
//! 3. **Line discount**: an amount (at most the line subtotal, else
//!    [`TotalsError::LineDiscountTooLarge`]) or a percentage of the line
//!    subtotal, **rounded** (rule 8).
//! 4. **Order discount**: an amount (at most the lines' total after their own
//!    discounts, else [`TotalsError::OrderDiscountTooLarge`]) or a percentage
//!    of that total, **rounded** once on the total (so "10 % off" is 10 % of
//!    what the customer sees, not a sum of ten roundings). It is then split
//!    over the lines in proportion to their amounts after line discounts by
//!    **largest remainder**: each line gets the floor of its exact share, and
//!    the minor units left over go one each to the lines with the largest
//!    remainders, **ties to the earlier line**. The shares sum exactly to the
//!    order discount, none exceeds its line, and each line stores its share,
//!    so a later refund of one line is exact. The order discount never
//!    applies to shipping.
//! 5. **Shipping**: a charge taxed at its own rate, waived when the goods
//!    after all discounts reach `free_from` (at or above it, in the same
//!    pricing as the prices). It is not discounted.
//! 6. **Tax per rate**: the lines (after all discounts) and the shipping
//!    charge are grouped by tax rate, and each rate's tax is computed **once
//!    on the group's sum**, **rounded**: `net × rate` when prices exclude tax,
//!    `gross × rate / (1 + rate)` when they include it. This is the figure an
//!    invoice's tax summary shows ("20 % of 41.81 = 8.36"), and anyone can
//!    check it with one multiplication. The rate's tax is then split over the
//!    group's lines (and shipping, last) by largest remainder (rule 4), so
//!    every line stores its own tax and the lines' taxes sum exactly to the
//!    rate's.
//! 7. **Totals**: subtotal (Σ line subtotals), discount total (line + order
//!    discounts), shipping, tax per rate, tax total (Σ per rate) and grand
//!    total = net total + tax total = Σ lines' totals + shipping's total. When
//!    prices exclude tax, grand total = subtotal − discounts + shipping + tax;
//!    when they include it, grand total = subtotal − discounts + shipping, of
//!    which the tax total is tax.
//! 8. **Rounding**: exactly three steps divide, and each rounds to the minor
//!    unit **half up** (a half goes up; every amount is ≥ 0, so this is half
//!    away from zero): a percentage line discount, a percentage order
//!    discount, and each rate's tax. Everything else is exact integer
//!    arithmetic or a largest-remainder split, which creates and loses
//!    nothing. Half up, not half even, because it is the rule a customer or
//!    an auditor applies when checking an invoice by hand and the one VAT
//!    administrations describe (round to the nearest minor unit, a half
//!    up); half even's advantage, no bias over very many roundings, buys
//!    little when an order rounds at most two discounts and one tax per rate
//!    and reports add stored amounts without rounding them again.
//! 9. **Overflow**: all arithmetic is checked (products in 128 bits); an
//!    amount that does not fit in an `i64` of minor units is
//!    [`TotalsError::Overflow`], never a panic or a wrap.
//!
//! # Use
//!
//! The command and the preview build the same [`Basket`] (prices and rates
//! read by the command from its tables, by the preview from the read side;
//! typed values parsed from the form) and call [`Basket::totals`]: the
//! command stores [`OrderTotals`] (per line, shipping, per rate, totals); the
//! preview renders it. A [`TotalsError`] names the line or the order discount
//! to show the message beside.
//!
//! ```
//! use std::num::NonZeroU32;
//! use orderdesk::domain::Percent;
//! use orderdesk::domain::totals::{Amount, Basket, Discount, Line, Pricing};
//!
//! let basket = Basket {
//!     pricing: Pricing::TaxExclusive,
//!     lines: vec![Line {
//!         unit_price: Amount::new(1999).unwrap(),
//!         quantity: NonZeroU32::new(2).unwrap(),
//!         tax_rate: Percent::whole(20).unwrap(),
//!         discount: None,
//!     }],
//!     order_discount: Some(Discount::Percent(Percent::whole(10).unwrap())),
//!     shipping: None,
//! };
//! let totals = basket.totals().unwrap();
//! // 39.98 − 4.00 (10 %, 3.998 rounded) = 35.98; VAT 7.196 → 7.20.
//! assert_eq!((totals.discount_total, totals.tax_total, totals.grand_total), (400, 720, 4318));
//! ```

use std::collections::BTreeMap;
use std::num::NonZeroU32;

use super::Money;
use super::percent::Percent;
use super::split::{self, SplitError};

mod figures;

#[cfg(test)]
mod examples;
#[cfg(test)]
mod properties;

pub use figures::{LineAmounts, OrderTotals, ShippingAmounts, TaxAmount};

/// Whether the prices staff enter include tax (a shop setting).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Pricing {
    /// Prices are net: tax is added on top.
    #[default]
    TaxExclusive,
    /// Prices are what the customer pays: tax is inside them.
    TaxInclusive,
}

/// An amount ≥ 0 in the currency's minor unit (a price, a discount, a charge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Amount(i64);

impl Amount {
    pub const ZERO: Self = Self(0);

    /// `None` for a negative amount.
    pub const fn new(minor: i64) -> Option<Self> {
        if minor >= 0 { Some(Self(minor)) } else { None }
    }

    pub const fn minor(self) -> i64 {
        self.0
    }
}

impl From<Money> for Amount {
    fn from(m: Money) -> Self {
        Self(m.cents())
    }
}

/// A discount: a fixed amount (in the shop's pricing) or a percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Discount {
    Amount(Amount),
    Percent(Percent),
}

/// One order line as entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub unit_price: Amount,
    pub quantity: NonZeroU32,
    pub tax_rate: Percent,
    pub discount: Option<Discount>,
}

/// The order's shipping charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shipping {
    pub charge: Amount,
    pub tax_rate: Percent,
    /// Waived when the goods after all discounts reach this amount.
    pub free_from: Option<Amount>,
}

/// Everything an order's money is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basket {
    pub pricing: Pricing,
    pub lines: Vec<Line>,
    pub order_discount: Option<Discount>,
    pub shipping: Option<Shipping>,
}

/// Why a basket has no totals. Each names what to correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotalsError {
    /// `line` counts from 0; the message from 1, as staff see the lines.
    #[error("the discount of line {} is more than the line's amount", line + 1)]
    LineDiscountTooLarge { line: usize },
    #[error("the order discount is more than the lines' amount after their discounts")]
    OrderDiscountTooLarge,
    #[error("the amounts are too large to add up")]
    Overflow,
}

fn add(a: i64, b: i64) -> Result<i64, TotalsError> {
    a.checked_add(b).ok_or(TotalsError::Overflow)
}

fn sum(values: impl IntoIterator<Item = i64>) -> Result<i64, TotalsError> {
    values.into_iter().try_fold(0, add)
}

fn overflow(_: SplitError) -> TotalsError {
    TotalsError::Overflow
}

/// Rules 2–4 applied: each line's subtotal, line discount and share of the
/// order discount.
struct Discounted {
    subtotals: Vec<i64>,
    line_discounts: Vec<i64>,
    order_discount: i64,
    shares: Vec<i64>,
}

impl Discounted {
    /// Line `i` after every discount, as entered (net or gross).
    fn amount(&self, i: usize) -> i64 {
        self.subtotals[i] - self.line_discounts[i] - self.shares[i]
    }
}

impl Basket {
    /// The order's totals by the rules above, or what stops them.
    pub fn totals(&self) -> Result<OrderTotals, TotalsError> {
        let d = self.discounted()?;
        let goods = sum((0..self.lines.len()).map(|i| d.amount(i)))?;
        // Rule 5: shipping, unless waived.
        let shipping = self.shipping.map(|s| {
            let waived = s.free_from.is_some_and(|f| goods >= f.0) && s.charge.0 > 0;
            (s, if waived { 0 } else { s.charge.0 }, waived)
        });
        // Rule 6: one tax per rate, split over its lines (shipping last).
        let mut entered: Vec<(Percent, i64)> = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| (l.tax_rate, d.amount(i)))
            .collect();
        if let Some((s, charged, _)) = shipping.filter(|&(_, charged, _)| charged > 0) {
            entered.push((s.tax_rate, charged));
        }
        let (taxes, tax_of) = self.taxes(&entered)?;
        // Rule 7: what each part stores, and the totals.
        let split_tax = |amount: i64, tax: i64| match self.pricing {
            Pricing::TaxExclusive => add(amount, tax).map(|total| (amount, total)),
            Pricing::TaxInclusive => Ok((amount - tax, amount)),
        };
        let mut lines = Vec::with_capacity(self.lines.len());
        for (i, line) in self.lines.iter().enumerate() {
            let (net, total) = split_tax(d.amount(i), tax_of[i])?;
            lines.push(LineAmounts {
                tax_rate: line.tax_rate,
                subtotal: d.subtotals[i],
                line_discount: d.line_discounts[i],
                order_discount: d.shares[i],
                net,
                tax: tax_of[i],
                total,
            });
        }
        let shipping_amounts = match shipping {
            None => None,
            Some((s, charged, waived)) => {
                let tax = if charged > 0 { tax_of[lines.len()] } else { 0 };
                let (net, total) = split_tax(charged, tax)?;
                Some(ShippingAmounts {
                    tax_rate: s.tax_rate,
                    charged,
                    waived,
                    net,
                    tax,
                    total,
                })
            }
        };
        let shipping_part = |f: fn(&ShippingAmounts) -> i64| shipping_amounts.as_ref().map_or(0, f);
        let line_discounts = sum(d.line_discounts.iter().copied())?;
        Ok(OrderTotals {
            pricing: self.pricing,
            subtotal: sum(d.subtotals.iter().copied())?,
            line_discounts,
            order_discount: d.order_discount,
            discount_total: add(line_discounts, d.order_discount)?,
            shipping: shipping_part(|s| s.charged),
            net_total: add(sum(lines.iter().map(|l| l.net))?, shipping_part(|s| s.net))?,
            tax_total: sum(taxes.iter().map(|t| t.tax))?,
            grand_total: add(
                sum(lines.iter().map(|l| l.total))?,
                shipping_part(|s| s.total),
            )?,
            taxes,
            lines,
            shipping_amounts,
        })
    }

    /// Rules 2–4: subtotals, line discounts, and the order discount rounded
    /// once and split by largest remainder.
    fn discounted(&self) -> Result<Discounted, TotalsError> {
        use TotalsError::{LineDiscountTooLarge, OrderDiscountTooLarge, Overflow};
        let mut subtotals = Vec::with_capacity(self.lines.len());
        let mut line_discounts = Vec::with_capacity(self.lines.len());
        for (i, line) in self.lines.iter().enumerate() {
            let subtotal = line
                .unit_price
                .0
                .checked_mul(i64::from(line.quantity.get()))
                .ok_or(Overflow)?;
            let discount = match line.discount {
                None => 0,
                Some(Discount::Amount(a)) if a.0 > subtotal => {
                    return Err(LineDiscountTooLarge { line: i });
                }
                Some(Discount::Amount(a)) => a.0,
                Some(Discount::Percent(p)) => split::part_of(subtotal, p).ok_or(Overflow)?,
            };
            subtotals.push(subtotal);
            line_discounts.push(discount);
        }
        let after_line: Vec<i64> = subtotals
            .iter()
            .zip(&line_discounts)
            .map(|(s, d)| s - d)
            .collect();
        let goods = sum(after_line.iter().copied())?;
        let order_discount = match self.order_discount {
            None => 0,
            Some(Discount::Amount(a)) if a.0 > goods => return Err(OrderDiscountTooLarge),
            Some(Discount::Amount(a)) => a.0,
            Some(Discount::Percent(p)) => split::part_of(goods, p).ok_or(Overflow)?,
        };
        let shares = split::pro_rata(order_discount, &after_line).map_err(|e| match e {
            SplitError::MoreThanWeights => OrderDiscountTooLarge,
            SplitError::Overflow => Overflow,
        })?;
        Ok(Discounted {
            subtotals,
            line_discounts,
            order_discount,
            shares,
        })
    }

    /// Rule 6 over `entered` (rate, amount after discounts) parts: each
    /// rate's figures, lowest rate first, and each part's share of its tax.
    fn taxes(&self, entered: &[(Percent, i64)]) -> Result<(Vec<TaxAmount>, Vec<i64>), TotalsError> {
        let mut by_rate: BTreeMap<Percent, Vec<usize>> = BTreeMap::new();
        for (i, (rate, _)) in entered.iter().enumerate() {
            by_rate.entry(*rate).or_default().push(i);
        }
        let mut taxes = Vec::with_capacity(by_rate.len());
        let mut tax_of = vec![0; entered.len()];
        for (rate, parts) in by_rate {
            let amounts: Vec<i64> = parts.iter().map(|&i| entered[i].1).collect();
            let amount = sum(amounts.iter().copied())?;
            let (net, tax, gross) = match self.pricing {
                Pricing::TaxExclusive => {
                    let tax = split::part_of(amount, rate).ok_or(TotalsError::Overflow)?;
                    (amount, tax, add(amount, tax)?)
                }
                Pricing::TaxInclusive => {
                    let tax = split::tax_in(amount, rate).ok_or(TotalsError::Overflow)?;
                    (amount - tax, tax, amount)
                }
            };
            for (share, &i) in split::pro_rata(tax, &amounts)
                .map_err(overflow)?
                .into_iter()
                .zip(&parts)
            {
                tax_of[i] = share;
            }
            taxes.push(TaxAmount {
                rate,
                net,
                tax,
                gross,
            });
        }
        Ok((taxes, tax_of))
    }
}
