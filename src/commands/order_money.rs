//! An order's money as commands price and store it: the shop's pricing,
//! the lines' rates, the discounts and the shipping charge turned into a
//! [`Basket`] and priced by [`Basket::totals`] (the one function the order
//! form's preview calls too), then stored in `orders`, `order_lines` and
//! `order_taxes` (migration 000070) so no page recomputes it.

use std::num::NonZeroU32;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use sha2::{Digest, Sha256};

use super::CommandError;
use crate::db::prepared::Prepare;
use crate::db::schema::{order_lines, order_taxes, orders, shop_settings, tax_rates};
use crate::domain::event_payload::order_placed::{
    DiscountPayload, OrderMoneyPayload, ShippingPayload, TaxPayload,
};
use crate::domain::totals::{
    Amount, Basket, Discount, Line, LineAmounts, OrderTotals, Pricing, Shipping, TotalsError,
};
use crate::domain::{FieldErrors, Percent, TaxRateId};

/// The shipping charge as entered, and the rate it is taxed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShippingCharge {
    pub amount: Amount,
    pub tax_rate_id: TaxRateId,
}

/// One line as the pricing needs it (in the order the lines are stored).
#[derive(Debug, Clone)]
pub struct PricedLine {
    pub sku: String,
    pub unit_price_cents: i64,
    pub quantity: i32,
    pub tax_rate_ppm: i32,
    pub discount: Option<Discount>,
}

/// What a command stores: the totals and what they were computed from.
#[derive(Debug, Clone)]
pub struct Priced {
    pub totals: OrderTotals,
    /// Each line's discount as entered, in the lines' order.
    pub line_discounts: Vec<Option<Discount>>,
    pub order_discount: Option<Discount>,
    /// The shipping charge's rate (id and percentage), when there is a charge.
    pub shipping_rate: Option<(TaxRateId, Percent)>,
}

/// What an order is priced on besides its lines: the pricing (prices
/// include tax or not) and, for an edit, the shipping rate the order already
/// has (id and ppm as stored), which it may keep even if archived since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Basis {
    pub pricing: Pricing,
    pub kept_shipping_rate: Option<(TaxRateId, i32)>,
}

/// The shop's pricing setting, read in this transaction.
pub async fn shop_pricing(conn: &mut AsyncPgConnection) -> Result<Pricing, CommandError> {
    let include_tax: bool = shop_settings::table
        .select(shop_settings::prices_include_tax)
        .first(conn)
        .await?;
    Ok(if include_tax {
        Pricing::TaxInclusive
    } else {
        Pricing::TaxExclusive
    })
}

/// Prices the lines by the shop's pricing setting (read in this
/// transaction). A discount too large, an unknown or archived shipping rate
/// or amounts too large to add up are errors beside their fields.
pub async fn price(
    conn: &mut AsyncPgConnection,
    lines: Vec<PricedLine>,
    order_discount: Option<Discount>,
    shipping: Option<ShippingCharge>,
) -> Result<Priced, CommandError> {
    let basis = Basis {
        pricing: shop_pricing(conn).await?,
        kept_shipping_rate: None,
    };
    price_on(conn, basis, lines, order_discount, shipping).await
}

/// Prices the lines on `basis` (as [`price`] does with the shop's setting).
pub async fn price_on(
    conn: &mut AsyncPgConnection,
    basis: Basis,
    lines: Vec<PricedLine>,
    order_discount: Option<Discount>,
    shipping: Option<ShippingCharge>,
) -> Result<Priced, CommandError> {
    let pricing = basis.pricing;
    let mut errors = FieldErrors::new();
    let shipping_rate = match shipping {
        None => None,
        Some(s)
            if basis
                .kept_shipping_rate
                .is_some_and(|(id, _)| id == s.tax_rate_id) =>
        {
            let ppm = basis.kept_shipping_rate.map_or(0, |(_, ppm)| ppm);
            Some((s.tax_rate_id, percent(ppm)?))
        }
        Some(s) => {
            let rate: Option<(i32, bool)> = tax_rates::table
                .find(s.tax_rate_id)
                .select((tax_rates::rate_ppm, tax_rates::active))
                .first(conn)
                .await
                .optional()?;
            match rate {
                Some((ppm, true)) => Some((s.tax_rate_id, percent(ppm)?)),
                Some((_, false)) => {
                    errors.add(
                        "shipping_tax_rate",
                        "that tax rate is archived; choose another",
                    );
                    None
                }
                None => {
                    errors.add("shipping_tax_rate", "no such tax rate");
                    None
                }
            }
        }
    };
    if !errors.is_empty() {
        return Err(CommandError::Invalid(errors));
    }
    let basket = Basket {
        pricing,
        lines: lines
            .iter()
            .map(|l| {
                Ok(Line {
                    unit_price: Amount::new(l.unit_price_cents).ok_or_else(|| {
                        CommandError::Invariant(format!("{} has a negative price", l.sku))
                    })?,
                    quantity: u32::try_from(l.quantity)
                        .ok()
                        .and_then(NonZeroU32::new)
                        .ok_or_else(|| {
                            CommandError::Invariant(format!("{} has no quantity", l.sku))
                        })?,
                    tax_rate: percent(l.tax_rate_ppm)?,
                    discount: l.discount,
                })
            })
            .collect::<Result<_, CommandError>>()?,
        order_discount,
        shipping: shipping.zip(shipping_rate).map(|(s, (_, rate))| Shipping {
            charge: s.amount,
            tax_rate: rate,
            free_from: None,
        }),
    };
    let totals = basket.totals().map_err(|e| {
        let mut errors = FieldErrors::new();
        match e {
            TotalsError::LineDiscountTooLarge { line } => errors.add(
                "lines",
                format!(
                    "the discount of {} is more than the line's amount",
                    lines.get(line).map_or("a line", |l| l.sku.as_str())
                ),
            ),
            TotalsError::OrderDiscountTooLarge => errors.add(
                "order_discount",
                "the order discount is more than the lines' amount after their discounts",
            ),
            TotalsError::Overflow => errors.add("lines", e.to_string()),
        }
        CommandError::Invalid(errors)
    })?;
    Ok(Priced {
        totals,
        line_discounts: lines.iter().map(|l| l.discount).collect(),
        order_discount,
        shipping_rate,
    })
}

/// A stored rate (0–1,000,000 ppm by its CHECK) as a [`Percent`].
fn percent(ppm: i32) -> Result<Percent, CommandError> {
    u32::try_from(ppm)
        .ok()
        .and_then(Percent::from_ppm)
        .ok_or_else(|| CommandError::Invariant(format!("a stored rate of {ppm} ppm")))
}

/// `pricing` as stored.
pub fn pricing_str(p: Pricing) -> &'static str {
    match p {
        Pricing::TaxExclusive => "tax_exclusive",
        Pricing::TaxInclusive => "tax_inclusive",
    }
}

/// A discount as entered: its kind and value (minor units or ppm).
pub fn discount_columns(d: Option<&Discount>) -> (Option<&'static str>, Option<i64>) {
    match d {
        None => (None, None),
        Some(Discount::Amount(a)) => (Some("amount"), Some(a.minor())),
        Some(Discount::Percent(p)) => (Some("percent"), Some(i64::from(p.ppm()))),
    }
}

/// A discount as stored (its kind and value), back as the discount entered.
pub fn stored_discount(
    kind: Option<&str>,
    value: Option<i64>,
) -> Result<Option<Discount>, CommandError> {
    let bad = || CommandError::Invariant(format!("a stored discount {kind:?} {value:?}"));
    match (kind, value) {
        (None, None) => Ok(None),
        (Some("amount"), Some(v)) => Amount::new(v)
            .map(Discount::Amount)
            .map(Some)
            .ok_or_else(bad),
        (Some("percent"), Some(v)) => u32::try_from(v)
            .ok()
            .and_then(Percent::from_ppm)
            .map(|p| Some(Discount::Percent(p)))
            .ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// `pricing` as stored, back as a [`Pricing`].
pub fn stored_pricing(s: &str) -> Result<Pricing, CommandError> {
    match s {
        "tax_exclusive" => Ok(Pricing::TaxExclusive),
        "tax_inclusive" => Ok(Pricing::TaxInclusive),
        other => Err(CommandError::Invariant(format!(
            "a stored pricing {other:?}"
        ))),
    }
}

/// Feeds a discount to a request fingerprint, delimited.
pub fn digest_discount(d: Option<&Discount>, h: &mut Sha256) {
    let (kind, value) = discount_columns(d);
    h.update(kind.unwrap_or("none").as_bytes());
    h.update(value.unwrap_or(0).to_be_bytes());
    h.update([0]);
}

/// The order's money columns (inserted by a placement, set by an edit).
///
/// `None` binds NULL rather than DEFAULT, so the INSERT's text is the same for
/// every order and stays prepared on the connection (a DEFAULT makes Diesel
/// build, prepare and close the statement each time).
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = orders, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct OrderMoney {
    pricing: &'static str,
    discount_kind: Option<String>,
    discount_value: Option<i64>,
    subtotal_cents: i64,
    line_discounts_cents: i64,
    order_discount_cents: i64,
    discount_total_cents: i64,
    shipping_cents: i64,
    shipping_waived: bool,
    shipping_tax_rate_id: Option<i64>,
    shipping_tax_rate_ppm: Option<i32>,
    shipping_net_cents: i64,
    shipping_tax_cents: i64,
    net_total_cents: i64,
    tax_total_cents: i64,
    grand_total_cents: i64,
}

/// What `orders` stores of the priced order.
pub fn order_columns(p: &Priced) -> OrderMoney {
    let t = &p.totals;
    let (discount_kind, discount_value) = discount_columns(p.order_discount.as_ref());
    let s = t.shipping_amounts.as_ref();
    OrderMoney {
        pricing: pricing_str(t.pricing),
        discount_kind: discount_kind.map(str::to_owned),
        discount_value,
        subtotal_cents: t.subtotal,
        line_discounts_cents: t.line_discounts,
        order_discount_cents: t.order_discount,
        discount_total_cents: t.discount_total,
        shipping_cents: t.shipping,
        shipping_waived: s.is_some_and(|s| s.waived),
        shipping_tax_rate_id: p.shipping_rate.map(|(id, _)| id.get()),
        shipping_tax_rate_ppm: p.shipping_rate.map(|(_, r)| ppm(r)),
        shipping_net_cents: s.map_or(0, |s| s.net),
        shipping_tax_cents: s.map_or(0, |s| s.tax),
        net_total_cents: t.net_total,
        tax_total_cents: t.tax_total,
        grand_total_cents: t.grand_total,
    }
}

fn ppm(p: Percent) -> i32 {
    // At most 1,000,000 by Percent's invariant.
    i32::try_from(p.ppm()).unwrap_or(i32::MAX)
}

/// A line's money columns (`None` binds NULL, as in [`OrderMoney`]).
#[derive(Debug, Insertable)]
#[diesel(table_name = order_lines, treat_none_as_default_value = false)]
pub struct LineMoney {
    tax_rate_ppm: i32,
    discount_kind: Option<String>,
    discount_value: Option<i64>,
    subtotal_cents: i64,
    line_discount_cents: i64,
    order_discount_cents: i64,
    net_cents: i64,
    tax_cents: i64,
    total_cents: i64,
}

/// What `order_lines` stores of a priced line.
pub fn line_columns(a: &LineAmounts, discount: Option<&Discount>) -> LineMoney {
    let (discount_kind, discount_value) = discount_columns(discount);
    LineMoney {
        tax_rate_ppm: ppm(a.tax_rate),
        discount_kind: discount_kind.map(str::to_owned),
        discount_value,
        subtotal_cents: a.subtotal,
        line_discount_cents: a.line_discount,
        order_discount_cents: a.order_discount,
        net_cents: a.net,
        tax_cents: a.tax,
        total_cents: a.total,
    }
}

/// Replaces the order's tax per rate (an edit).
pub async fn record_taxes(
    conn: &mut AsyncPgConnection,
    order_id: i64,
    t: &OrderTotals,
) -> Result<(), CommandError> {
    diesel::delete(order_taxes::table.filter(order_taxes::order_id.eq(order_id)))
        .execute(conn)
        .await?;
    insert_taxes(conn, order_id, t).await
}

/// Writes the order's tax per rate (a new order has none to replace). One
/// statement prepared per number of rates (see [`Prepare`]).
pub async fn insert_taxes(
    conn: &mut AsyncPgConnection,
    order_id: i64,
    t: &OrderTotals,
) -> Result<(), CommandError> {
    let rows: Vec<_> = t
        .taxes
        .iter()
        .map(|x| {
            (
                order_taxes::order_id.eq(order_id),
                order_taxes::rate_ppm.eq(ppm(x.rate)),
                order_taxes::net_cents.eq(x.net),
                order_taxes::tax_cents.eq(x.tax),
                order_taxes::gross_cents.eq(x.gross),
            )
        })
        .collect();
    diesel::insert_into(order_taxes::table)
        .values(&rows)
        .prepared()
        .execute(conn)
        .await?;
    Ok(())
}

/// The order's money as its `order_placed` event states it.
pub fn money_payload(p: &Priced) -> OrderMoneyPayload {
    let t = &p.totals;
    OrderMoneyPayload {
        pricing: pricing_str(t.pricing).to_owned(),
        subtotal_cents: t.subtotal,
        line_discounts_cents: t.line_discounts,
        order_discount: p.order_discount.as_ref().map(DiscountPayload::from),
        order_discount_cents: t.order_discount,
        shipping: t.shipping_amounts.as_ref().map(|s| ShippingPayload {
            tax_rate_id: p.shipping_rate.map(|(id, _)| id.get()),
            tax_rate_ppm: s.tax_rate.ppm(),
            charged_cents: s.charged,
            waived: s.waived,
            net_cents: s.net,
            tax_cents: s.tax,
            total_cents: s.total,
        }),
        taxes: t.taxes.iter().map(TaxPayload::from).collect(),
        net_total_cents: t.net_total,
        tax_total_cents: t.tax_total,
        grand_total_cents: t.grand_total,
    }
}
