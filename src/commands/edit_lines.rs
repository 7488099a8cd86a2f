//! What `EditOrder` does to an order's lines: the lines it has (locked with
//! the order), the lines the edit asks for checked against the catalogue,
//! the stock moved by the per-product difference, and the lines rewritten as
//! priced.
//!
//! Stock moves by the difference only, product by product in ascending id
//! (the lock order of placing, shipping and cancelling, so concurrent edits
//! and placements cannot deadlock): a raise reserves with the guarded
//! `UPDATE … WHERE on_hand - reserved >= q` (no oversell; a shortage names
//! the SKU as placing does), a cut releases. Each move has its ledger row on
//! the order (`reservation` +q, `release` −q).

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::order_money::{self, Priced, PricedLine};
use super::place_order::MAX_LINES;
use super::reservation::reserve_units;
use super::{CommandContext, CommandError, Shortage};
use crate::db::prepared::Prepare;
use crate::db::schema::{inventory, order_lines, products, stock_movements, tax_rates};
use crate::domain::totals::Discount;
use crate::domain::{FieldErrors, OrderId, Quantity, Sku, StockMovementKind};

/// A line as the order holds it before the edit.
#[derive(Debug, Clone)]
pub(super) struct StoredLine {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub active: bool,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub tax_rate_id: i64,
    pub tax_rate_ppm: i32,
    pub discount: Option<Discount>,
    pub total_cents: i64,
}

/// A line as the edit leaves it: its product, quantity and price basis (a
/// kept line's as stored, a new line's from the catalogue now).
#[derive(Debug, Clone)]
pub(super) struct NewLine {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub tax_rate_id: i64,
    pub tax_rate_ppm: i32,
    pub discount: Option<Discount>,
}

type StoredRow = (
    (i64, String, String, bool),
    (i32, i64, i64, i32),
    (Option<String>, Option<i64>, i64),
);

/// The order's lines, in product id order.
pub(super) async fn stored(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
) -> Result<Vec<StoredLine>, CommandError> {
    let rows: Vec<StoredRow> = order_lines::table
        .inner_join(products::table)
        .filter(order_lines::order_id.eq(order_id))
        .order(order_lines::product_id.asc())
        .select((
            (
                products::id,
                products::sku,
                products::name,
                products::active,
            ),
            (
                order_lines::quantity,
                order_lines::unit_price_cents,
                order_lines::tax_rate_id,
                order_lines::tax_rate_ppm,
            ),
            (
                order_lines::discount_kind,
                order_lines::discount_value,
                order_lines::total_cents,
            ),
        ))
        .load(conn)
        .await?;
    rows.into_iter()
        .map(
            |(
                (product_id, sku, name, active),
                (quantity, price, rate_id, ppm),
                (kind, value, total),
            )| {
                Ok(StoredLine {
                    product_id,
                    sku,
                    name,
                    active,
                    quantity,
                    unit_price_cents: price,
                    tax_rate_id: rate_id,
                    tax_rate_ppm: ppm,
                    discount: order_money::stored_discount(kind.as_deref(), value)?,
                    total_cents: total,
                })
            },
        )
        .collect()
}

/// The lines the edit asks for, checked: a SKU the order has keeps its
/// price and rate (an inactive product's line may be kept or lowered, not
/// raised); a new SKU must be a product for sale, at today's price and rate;
/// quantity 0 removes; no line left is refused. Errors under `lines`, each
/// naming its SKU. In product id order.
pub(super) async fn plan(
    conn: &mut AsyncPgConnection,
    stored: &[StoredLine],
    asked: &BTreeMap<Sku, Option<Quantity>>,
    discounts: &BTreeMap<Sku, Discount>,
) -> Result<Vec<NewLine>, CommandError> {
    let mut errors = FieldErrors::new();
    let new_skus: Vec<&str> = asked
        .iter()
        .filter(|(s, q)| q.is_some() && !stored.iter().any(|l| l.sku == s.as_str()))
        .map(|(s, _)| s.as_str())
        .collect();
    let catalogue: Vec<(i64, String, String, i64, bool, i64, i32)> = products::table
        .inner_join(tax_rates::table)
        .filter(products::sku.eq_any(&new_skus))
        .select((
            products::id,
            products::sku,
            products::name,
            products::price_cents,
            products::active,
            products::tax_rate_id,
            tax_rates::rate_ppm,
        ))
        .load(conn)
        .await?;
    let mut lines = Vec::new();
    for (sku, qty) in asked {
        let Some(qty) = qty.map(Quantity::get) else {
            continue;
        };
        let discount = discounts.get(sku).copied();
        if let Some(l) = stored.iter().find(|l| l.sku == sku.as_str()) {
            if !l.active && qty > l.quantity {
                errors.add(
                    "lines",
                    format!(
                        "{sku} ({}) is no longer for sale: its line can be kept or lowered, \
                         not raised above {}",
                        l.name, l.quantity
                    ),
                );
            }
            lines.push(NewLine {
                product_id: l.product_id,
                sku: l.sku.clone(),
                name: l.name.clone(),
                quantity: qty,
                unit_price_cents: l.unit_price_cents,
                tax_rate_id: l.tax_rate_id,
                tax_rate_ppm: l.tax_rate_ppm,
                discount,
            });
            continue;
        }
        match catalogue.iter().find(|p| p.1 == sku.as_str()) {
            None => errors.add("lines", format!("no product has SKU {sku}")),
            Some(p) if !p.4 => errors.add(
                "lines",
                format!("{sku} ({}) is not for sale and cannot be added", p.2),
            ),
            Some(p) => lines.push(NewLine {
                product_id: p.0,
                sku: p.1.clone(),
                name: p.2.clone(),
                quantity: qty,
                unit_price_cents: p.3,
                tax_rate_id: p.5,
                tax_rate_ppm: p.6,
                discount,
            }),
        }
    }
    for s in discounts.keys() {
        if !matches!(asked.get(s), Some(Some(_))) {
            errors.add("lines", format!("{s} has a discount but no quantity"));
        }
    }
    if lines.is_empty() && errors.is_empty() {
        errors.add(
            "lines",
            "an order needs at least one line: to drop every line, cancel the order instead",
        );
    }
    if lines.len() > MAX_LINES {
        errors.add(
            "lines",
            format!("an order may have at most {MAX_LINES} lines"),
        );
    }
    if !errors.is_empty() {
        return Err(CommandError::Invalid(errors));
    }
    lines.sort_by_key(|l| l.product_id);
    Ok(lines)
}

/// The new lines as the pricing takes them.
pub(super) fn priced_lines(lines: &[NewLine]) -> Vec<PricedLine> {
    lines
        .iter()
        .map(|l| PricedLine {
            sku: l.sku.clone(),
            unit_price_cents: l.unit_price_cents,
            quantity: l.quantity,
            tax_rate_ppm: l.tax_rate_ppm,
            discount: l.discount,
        })
        .collect()
}

/// Reserves or releases each product's difference, in ascending product id,
/// with its ledger row; any shortage undoes the whole edit.
pub(super) async fn move_stock(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    stored: &[StoredLine],
    lines: &[NewLine],
    ctx: &CommandContext,
) -> Result<(), CommandError> {
    let mut diff: BTreeMap<i64, (String, i32)> = BTreeMap::new();
    for l in stored {
        diff.insert(l.product_id, (l.sku.clone(), -l.quantity));
    }
    for l in lines {
        let e = diff.entry(l.product_id).or_insert((l.sku.clone(), 0));
        e.1 = e.1.checked_add(l.quantity).unwrap_or(i32::MAX);
    }
    let mut shortages = Vec::new();
    let mut movements = Vec::new();
    for (&product_id, (sku, d)) in &diff {
        let d = *d;
        if d == 0 {
            continue;
        }
        if d > 0 {
            if let Err(available) = reserve_units(conn, product_id, d).await? {
                shortages.push(Shortage {
                    sku: sku.clone(),
                    requested: d,
                    available,
                });
                continue;
            }
        } else {
            // A release: the order holds these units, so it always applies.
            diesel::update(inventory::table.find(product_id))
                .set((
                    inventory::reserved.eq(inventory::reserved + d),
                    inventory::updated_at.eq(diesel::dsl::now),
                ))
                .prepared()
                .execute(conn)
                .await?;
        }
        let kind = if d > 0 {
            StockMovementKind::Reservation
        } else {
            StockMovementKind::Release
        };
        movements.push((
            stock_movements::product_id.eq(product_id),
            stock_movements::kind.eq(kind),
            stock_movements::quantity.eq(d),
            stock_movements::order_id.eq(Some(order_id.get())),
            stock_movements::actor.eq(ctx.actor.name.clone()),
        ));
    }
    if !shortages.is_empty() {
        return Err(CommandError::InsufficientStock(shortages));
    }
    if !movements.is_empty() {
        // Kept prepared, one per count of products moved (as placing does).
        diesel::insert_into(stock_movements::table)
            .values(&movements)
            .prepared()
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Replaces the order's lines with the priced new ones (numbered in product
/// id order, as placing numbers them).
pub(super) async fn rewrite(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    lines: &[NewLine],
    priced: &Priced,
) -> Result<(), CommandError> {
    diesel::delete(order_lines::table.filter(order_lines::order_id.eq(order_id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = lines
        .iter()
        .zip(&priced.totals.lines)
        .zip(&priced.line_discounts)
        .zip(1..)
        .map(|(((l, amounts), discount), line_no)| {
            (
                (
                    order_lines::order_id.eq(order_id.get()),
                    order_lines::line_no.eq(line_no),
                    order_lines::product_id.eq(l.product_id),
                    order_lines::quantity.eq(l.quantity),
                    order_lines::unit_price_cents.eq(l.unit_price_cents),
                    order_lines::tax_rate_id.eq(l.tax_rate_id),
                ),
                order_money::line_columns(amounts, discount.as_ref()),
            )
        })
        .collect();
    diesel::insert_into(order_lines::table)
        .values(&rows)
        .prepared()
        .execute(conn)
        .await?;
    Ok(())
}
