//! The order form's priced preview: the lines, discounts and shipping charge
//! as typed, priced by the one pricing function the `place_order` command
//! calls ([`Basket::totals`]), with the prices and rates the read side holds
//! (`inventory_status`, `tax_rates`) and the shop's pricing from
//! `read.shop_settings`. The command prices again from its own tables when
//! it runs; the two agree unless a price or rate changed in between.

use std::collections::BTreeMap;
use std::num::NonZeroU32;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::read_schema::{inventory_status as inv, shop_settings as ss, tax_rates as tr};
use crate::domain::totals::{
    Amount, Basket, Discount, Line, OrderTotals, Pricing, Shipping, TotalsError,
};
use crate::domain::{Percent, TaxRateId};

/// One line as typed (its SKU upper-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnteredLine {
    pub sku: String,
    pub quantity: NonZeroU32,
    pub discount: Option<Discount>,
}

/// What the form holds that prices an order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entered {
    pub lines: Vec<EnteredLine>,
    pub order_discount: Option<Discount>,
    pub shipping: Option<(Amount, TaxRateId)>,
    /// Editing an order: the lines it has keep the price and rate they were
    /// priced with (`EditOrder` does the same), and it keeps its pricing.
    pub kept: Option<Kept>,
}

/// An edited order's basis: each of its lines' SKU, unit price and rate
/// (ppm), and its pricing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub lines: Vec<(String, i64, i32)>,
    pub pricing: Pricing,
    /// The shipping charge's rate (ppm) as the order was priced: it may stay
    /// even once its rate is archived, as `EditOrder` lets it.
    pub shipping_rate_ppm: Option<i32>,
}

/// The priced order: the totals, and each line's SKU in the totals' order
/// (product id order, as the command stores them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub totals: OrderTotals,
    pub skus: Vec<String>,
}

/// Why the entered order has no totals, naming what to correct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The discount of the line with this SKU is above its amount.
    LineDiscount(String),
    OrderDiscount,
    /// The shipping charge's rate: unknown or archived.
    ShippingRate(&'static str),
    Overflow,
}

#[derive(Debug)]
struct Product {
    sku: String,
    price_cents: i64,
    tax_rate_ppm: i32,
}

fn percent(ppm: i32) -> Option<Percent> {
    u32::try_from(ppm).ok().and_then(Percent::from_ppm)
}

/// Prices the lines whose SKU is a product for sale (the form says what is
/// wrong with the others); `None` when no line is priced. A SKU typed twice
/// is one line, as the command has it.
#[expect(
    clippy::too_many_lines,
    reason = "one pass: products, kept prices, shipping rate, basket"
)]
pub async fn preview(
    conn: &mut AsyncPgConnection,
    entered: &Entered,
) -> Result<Option<Result<Preview, Problem>>, diesel::result::Error> {
    let skus: Vec<&str> = entered.lines.iter().map(|l| l.sku.as_str()).collect();
    if skus.is_empty() {
        return Ok(None);
    }
    let kept = entered.kept.as_ref();
    let products: Vec<Product> = inv::table
        .filter(inv::sku.eq_any(&skus))
        .order(inv::product_id)
        .select((inv::sku, inv::price_cents, inv::tax_rate_ppm, inv::active))
        .load::<(String, i64, i32, bool)>(conn)
        .await?
        .into_iter()
        .filter_map(|(sku, price_cents, tax_rate_ppm, active)| {
            // A line the order keeps is priced as it was, for sale or not.
            match kept.and_then(|k| k.lines.iter().find(|l| l.0 == sku)) {
                Some(&(_, price, ppm)) => Some(Product {
                    sku,
                    price_cents: price,
                    tax_rate_ppm: ppm,
                }),
                None if active => Some(Product {
                    sku,
                    price_cents,
                    tax_rate_ppm,
                }),
                None => None,
            }
        })
        .collect();
    if products.is_empty() {
        return Ok(None);
    }
    let include_tax: Option<bool> = ss::table
        .select(ss::prices_include_tax)
        .first(conn)
        .await
        .optional()?;
    let shipping = match entered.shipping {
        None => None,
        Some((charge, rate_id)) => {
            let rate: Option<(i32, bool)> = tr::table
                .find(rate_id.get())
                .select((tr::rate_ppm, tr::active))
                .first(conn)
                .await
                .optional()?;
            match rate {
                Some((ppm, true)) => percent(ppm).map(|tax_rate| Shipping {
                    charge,
                    tax_rate,
                    free_from: None,
                }),
                Some((ppm, false)) if kept.and_then(|k| k.shipping_rate_ppm) == Some(ppm) => {
                    percent(ppm).map(|tax_rate| Shipping {
                        charge,
                        tax_rate,
                        free_from: None,
                    })
                }
                Some((_, false)) => {
                    return Ok(Some(Err(Problem::ShippingRate(
                        "that tax rate is archived; choose another",
                    ))));
                }
                None => return Ok(Some(Err(Problem::ShippingRate("no such tax rate")))),
            }
        }
    };
    // Quantities and discounts by SKU: a SKU typed twice is one line.
    let mut by_sku: BTreeMap<&str, (u64, Option<Discount>)> = BTreeMap::new();
    for l in &entered.lines {
        let e = by_sku.entry(l.sku.as_str()).or_insert((0, None));
        e.0 = e.0.saturating_add(u64::from(l.quantity.get()));
        e.1 = l.discount.or(e.1);
    }
    let mut lines = Vec::with_capacity(products.len());
    for p in &products {
        let Some((qty, discount)) = by_sku.get(p.sku.as_str()) else {
            continue;
        };
        let (Some(unit_price), Some(quantity), Some(tax_rate)) = (
            Amount::new(p.price_cents),
            u32::try_from(*qty).ok().and_then(NonZeroU32::new),
            percent(p.tax_rate_ppm),
        ) else {
            return Ok(Some(Err(Problem::Overflow)));
        };
        lines.push(Line {
            unit_price,
            quantity,
            tax_rate,
            discount: *discount,
        });
    }
    let shop_pricing = if include_tax.unwrap_or(false) {
        Pricing::TaxInclusive
    } else {
        Pricing::TaxExclusive
    };
    let basket = Basket {
        pricing: kept.map_or(shop_pricing, |k| k.pricing),
        lines,
        order_discount: entered.order_discount,
        shipping,
    };
    let skus: Vec<String> = products.into_iter().map(|p| p.sku).collect();
    Ok(Some(match basket.totals() {
        Ok(totals) => Ok(Preview { totals, skus }),
        Err(TotalsError::LineDiscountTooLarge { line }) => Err(Problem::LineDiscount(
            skus.get(line).cloned().unwrap_or_default(),
        )),
        Err(TotalsError::OrderDiscountTooLarge) => Err(Problem::OrderDiscount),
        Err(TotalsError::Overflow) => Err(Problem::Overflow),
    }))
}

/// What an edited order's shipping rate is chosen from: the active rates
/// and, when none of them has the rate the order was priced with (`keep`,
/// ppm), the archived rates that have it, so the form can keep it.
pub async fn rates_keeping(
    conn: &mut AsyncPgConnection,
    keep: Option<i32>,
) -> Result<Vec<super::shop::TaxRateRow>, diesel::result::Error> {
    let mut rates = active_rates(conn).await?;
    let Some(ppm) = keep else {
        return Ok(rates);
    };
    if rates.iter().all(|r| r.rate_ppm != ppm) {
        let archived: Vec<super::shop::TaxRateRow> = tr::table
            .filter(tr::rate_ppm.eq(ppm).and(tr::active.eq(false)))
            .order((tr::name, tr::id))
            .select(super::shop::TaxRateRow::as_select())
            .load(conn)
            .await?;
        rates.extend(archived);
    }
    Ok(rates)
}

/// The active rates, by name: what the shipping charge's rate is chosen from.
pub async fn active_rates(
    conn: &mut AsyncPgConnection,
) -> Result<Vec<super::shop::TaxRateRow>, diesel::result::Error> {
    tr::table
        .filter(tr::active)
        .order((tr::name, tr::id))
        .select(super::shop::TaxRateRow::as_select())
        .load(conn)
        .await
}
