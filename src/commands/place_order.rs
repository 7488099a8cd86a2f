//! PlaceOrder: an order for a customer, reserving stock for every line.
//!
//! Idempotent by key: the same key with the same content answers with the
//! first order; with other content it is a conflict. Stock is reserved with one
//! conditional UPDATE per product, in ascending product id, so concurrent
//! orders can neither oversell nor deadlock.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::events::{self as event_log, Aggregate};
use super::{Ack, CommandContext, CommandError, Conflict, Shortage};
use crate::db::schema::{
    customers, events, inventory, order_lines, orders, products, stock_movements,
};
use crate::domain::{
    Address, CustomerId, EventType, FieldErrors, IdempotencyKey, Quantity, Sku, StockMovementKind,
};

/// The most lines one order may have.
pub const MAX_LINES: usize = 50;

/// A parsed order. Lines are keyed by SKU: a SKU entered twice is one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceOrder {
    pub customer_id: CustomerId,
    pub shipping_address: Address,
    pub idempotency_key: IdempotencyKey,
    pub lines: BTreeMap<Sku, Quantity>,
}

impl PlaceOrder {
    /// A digest of everything but the key, so a replay can be told from a misuse.
    fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.customer_id.get().to_be_bytes());
        h.update(self.shipping_address.as_str().as_bytes());
        for (sku, qty) in &self.lines {
            h.update([0]);
            h.update(sku.as_str().as_bytes());
            h.update(qty.get().to_be_bytes());
        }
        hex::encode(h.finalize())
    }
}

/// A product as an order line needs it.
#[derive(Debug, Queryable)]
struct LineProduct {
    id: i64,
    sku: String,
    name: String,
    price_cents: i64,
    active: bool,
}

/// A checked line: the product and how many units of it.
#[derive(Debug)]
struct PlannedLine {
    product: LineProduct,
    quantity: i32,
}

/// Places the order, or answers with the earlier order for a repeated key.
pub async fn place_order(
    conn: &mut AsyncPgConnection,
    input: PlaceOrder,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let fingerprint = input.fingerprint();
    // A repeat of a committed order is answered without taking any lock.
    if let Some(ack) = earlier_order(conn, &input.idempotency_key, &fingerprint).await? {
        return Ok(ack);
    }
    conn.transaction(async move |conn| {
        let lines = check_customer_and_products(conn, &input).await?;
        let order_id: Option<i64> = diesel::insert_into(orders::table)
            .values((
                orders::customer_id.eq(input.customer_id),
                orders::shipping_address.eq(input.shipping_address.as_str()),
                orders::idempotency_key.eq(input.idempotency_key.as_str()),
                orders::request_fingerprint.eq(&fingerprint),
            ))
            .on_conflict(orders::idempotency_key)
            .do_nothing()
            .returning(orders::id)
            .get_result(conn)
            .await
            .optional()?;
        let Some(order_id) = order_id else {
            // A concurrent submission with the same key committed first.
            return earlier_order(conn, &input.idempotency_key, &fingerprint)
                .await?
                .ok_or_else(|| {
                    CommandError::Invariant(format!(
                        "idempotency key {} conflicted, but no order holds it",
                        input.idempotency_key
                    ))
                });
        };
        reserve(conn, &lines).await?;
        record_lines(conn, order_id, &lines, ctx).await?;
        let total: i64 = lines
            .iter()
            .map(|l| l.product.price_cents * i64::from(l.quantity))
            .sum();
        let lines: Vec<_> = lines
            .iter()
            .map(|l| {
                json!({
                    "product_id": l.product.id, "sku": l.product.sku, "name": l.product.name,
                    "quantity": l.quantity, "unit_price_cents": l.product.price_cents,
                })
            })
            .collect();
        let event_id = event_log::append(
            conn,
            ctx,
            Aggregate::Order,
            order_id,
            EventType::OrderPlaced,
            json!({
                "customer_id": input.customer_id,
                "shipping_address": input.shipping_address.as_str(),
                "lines": lines,
                "total_cents": total,
            }),
        )
        .await?;
        Ok(Ack {
            id: order_id,
            version: Some(1),
            event_id,
            replayed: false,
        })
    })
    .await
}

/// The order already placed under this key, if any: its ack when the content
/// matches, a conflict when it does not.
async fn earlier_order(
    conn: &mut AsyncPgConnection,
    key: &IdempotencyKey,
    fingerprint: &str,
) -> Result<Option<Ack>, CommandError> {
    let found: Option<(i64, String, i32)> = orders::table
        .filter(orders::idempotency_key.eq(key.as_str()))
        .select((orders::id, orders::request_fingerprint, orders::version))
        .first(conn)
        .await
        .optional()?;
    let Some((id, stored, version)) = found else {
        return Ok(None);
    };
    if stored != fingerprint {
        return Err(CommandError::Conflict(Conflict {
            message: format!(
                "this form was already submitted as order #{id} with different content; \
                 reload the form to place a new order"
            ),
            changes: Vec::new(),
            current_version: Some(version),
        }));
    }
    let event_id: i64 = events::table
        .filter(events::aggregate_type.eq(Aggregate::Order))
        .filter(events::aggregate_id.eq(id))
        .filter(events::event_type.eq(EventType::OrderPlaced))
        .select(events::id)
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| CommandError::Invariant(format!("order {id} has no order_placed event")))?;
    Ok(Some(Ack {
        id,
        version: Some(version),
        event_id,
        replayed: true,
    }))
}

/// Checks the customer exists and every SKU is a product for sale; returns the
/// lines in ascending product id order (the order stock is locked in).
async fn check_customer_and_products(
    conn: &mut AsyncPgConnection,
    input: &PlaceOrder,
) -> Result<Vec<PlannedLine>, CommandError> {
    let mut errors = FieldErrors::new();
    let customer: Option<i64> = customers::table
        .find(input.customer_id)
        .select(customers::id)
        .first(conn)
        .await
        .optional()?;
    if customer.is_none() {
        errors.add("customer_id", "no such customer");
    }
    let skus: Vec<&str> = input.lines.keys().map(Sku::as_str).collect();
    let products: Vec<LineProduct> = products::table
        .filter(products::sku.eq_any(&skus))
        .order(products::id.asc())
        .select((
            products::id,
            products::sku,
            products::name,
            products::price_cents,
            products::active,
        ))
        .load(conn)
        .await?;
    // Keyed "lines": the form finds the row by the SKU the message names.
    for s in &skus {
        match products.iter().find(|p| p.sku == *s) {
            None => errors.add("lines", format!("no product has SKU {s}")),
            Some(p) if !p.active => {
                errors.add("lines", format!("{s} ({}) is not for sale", p.name));
            }
            Some(_) => {}
        }
    }
    if !errors.is_empty() {
        return Err(CommandError::Invalid(errors));
    }
    Ok(products
        .into_iter()
        .filter_map(|product| {
            let (_, qty) = input
                .lines
                .iter()
                .find(|(s, _)| s.as_str() == product.sku)?;
            Some(PlannedLine {
                quantity: qty.get(),
                product,
            })
        })
        .collect())
}

/// Reserves every line's units; any shortage undoes the whole order.
async fn reserve(conn: &mut AsyncPgConnection, lines: &[PlannedLine]) -> Result<(), CommandError> {
    let mut shortages = Vec::new();
    for PlannedLine {
        product: p,
        quantity: q,
    } in lines
    {
        let q = *q;
        let reserved = diesel::update(
            inventory::table
                .find(p.id)
                .filter((inventory::on_hand - inventory::reserved).ge(q)),
        )
        .set((
            inventory::reserved.eq(inventory::reserved + q),
            inventory::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
        if reserved == 0 {
            let available: i32 = inventory::table
                .find(p.id)
                .select(inventory::on_hand - inventory::reserved)
                .first(conn)
                .await?;
            shortages.push(Shortage {
                sku: p.sku.clone(),
                requested: q,
                available,
            });
        }
    }
    if shortages.is_empty() {
        Ok(())
    } else {
        Err(CommandError::InsufficientStock(shortages))
    }
}

/// Inserts the order lines and the reservation movements.
async fn record_lines(
    conn: &mut AsyncPgConnection,
    order_id: i64,
    lines: &[PlannedLine],
    ctx: &CommandContext,
) -> Result<(), CommandError> {
    let rows: Vec<_> = lines
        .iter()
        .zip(1..)
        .map(|(l, line_no)| {
            (
                order_lines::order_id.eq(order_id),
                order_lines::line_no.eq(line_no),
                order_lines::product_id.eq(l.product.id),
                order_lines::quantity.eq(l.quantity),
                order_lines::unit_price_cents.eq(l.product.price_cents),
            )
        })
        .collect();
    diesel::insert_into(order_lines::table)
        .values(&rows)
        .execute(conn)
        .await?;
    let movements: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                stock_movements::product_id.eq(l.product.id),
                stock_movements::kind.eq(StockMovementKind::Reservation),
                stock_movements::quantity.eq(l.quantity),
                stock_movements::order_id.eq(Some(order_id)),
                stock_movements::actor.eq(&ctx.actor.name),
            )
        })
        .collect();
    diesel::insert_into(stock_movements::table)
        .values(&movements)
        .execute(conn)
        .await?;
    Ok(())
}
