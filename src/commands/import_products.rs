//! ImportProducts: one chunk of an import's products rows (at most
//! `imports::CHUNK`), applied set-based inside the caller's transaction:
//! products created (with their inventory row) or updated (with their
//! low-stock threshold), with the guards and the events of CreateProduct and
//! UpdateProduct, but one statement per step for the whole chunk instead of
//! several per row.
//!
//! The guards are checked up front with the records locked: the chunk's tax
//! rates share-locked (as `check_rate` locks them, so none is archived before
//! the chunk commits), the updated products and their inventory rows locked
//! in id order (as placing an order locks inventory). A row that fails one
//! (its version moved on, its rate is archived or gone, its SKU was taken by
//! a product created since the preview) is left untouched and *declined*: the
//! caller runs it through the one-row commands, which refuse it with the
//! reason (or apply it, if the record is as previewed after all).

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Int4, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::create_product::ProductDetails;
use super::events::{self, Aggregate};
use super::{CommandContext, CommandError};
use crate::db::prepared::Prepare;
use crate::db::schema::{inventory, products, tax_rates};
use crate::domain::event_payload::{ProductCreated, ProductUpdated};
use crate::domain::{EventType, ProductId, Sku, TaxRateId};

/// Which product a row is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProductTarget {
    /// A new product (its SKU must still be free).
    Create(Sku),
    /// An existing one, at the version the preview saw.
    Update {
        product_id: ProductId,
        expected_version: i32,
    },
}

/// One row of the chunk: which product and everything it will hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductRow {
    pub target: ProductTarget,
    pub details: ProductDetails,
}

#[derive(QueryableByName)]
struct Versioned {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Int4)]
    version: i32,
}

/// An event of the chunk, with the row it belongs to (events are appended
/// in the rows' order, as one command per row would append them).
type RowEvent = (usize, i64, EventType, Value);

/// Applies every row it can; answers, per row in order, whether it was
/// applied (`false`: declined, nothing of it written).
pub async fn import_products(
    conn: &mut AsyncPgConnection,
    rows: &[ProductRow],
    ctx: &CommandContext,
) -> Result<Vec<bool>, CommandError> {
    conn.transaction(async move |conn| {
        let active = lock_rates(conn, rows).await?;
        // A row without a rate is left to the one-row command (the shop's
        // default rate); the import always names one.
        let mut applied: Vec<bool> = rows.iter().map(|r| r.details.tax_rate.is_some()).collect();
        let mut row_events = update(conn, rows, &active, &mut applied).await?;
        row_events.extend(create(conn, rows, &active, &mut applied).await?);
        row_events.sort_by_key(|e| e.0);
        let changes = row_events
            .into_iter()
            .map(|(_, id, event_type, payload)| (id, event_type, payload))
            .collect();
        events::append_many(conn, ctx, Aggregate::Product, changes).await?;
        Ok(applied)
    })
    .await
}

fn rate_of(row: &ProductRow) -> i64 {
    row.details.tax_rate.map_or(0, TaxRateId::get)
}

/// Share-locks the rates the rows name (in id order); answers the active ones.
async fn lock_rates(
    conn: &mut AsyncPgConnection,
    rows: &[ProductRow],
) -> Result<HashSet<i64>, CommandError> {
    let mut ids: Vec<i64> = rows.iter().map(rate_of).collect();
    ids.sort_unstable();
    ids.dedup();
    let locked: Vec<(i64, bool)> = tax_rates::table
        .filter(tax_rates::id.eq_any(&ids))
        .order(tax_rates::id)
        .select((tax_rates::id, tax_rates::active))
        .for_share()
        .load(conn)
        .await?;
    Ok(locked
        .into_iter()
        .filter(|(_, active)| *active)
        .map(|(id, _)| id)
        .collect())
}

/// The applicable updates written (products, then thresholds), their events;
/// a row whose product moved on, is gone or would take an archived rate it
/// does not have is declined.
async fn update(
    conn: &mut AsyncPgConnection,
    rows: &[ProductRow],
    active: &HashSet<i64>,
    applied: &mut [bool],
) -> Result<Vec<RowEvent>, CommandError> {
    let updates: Vec<(usize, i64, i32)> = (0..rows.len())
        .filter(|&i| applied[i])
        .filter_map(|i| match rows[i].target {
            ProductTarget::Update {
                product_id,
                expected_version,
            } => Some((i, product_id.get(), expected_version)),
            ProductTarget::Create(_) => None,
        })
        .collect();
    if updates.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<i64> = updates.iter().map(|u| u.1).collect();
    ids.sort_unstable();
    // (id, version, rate) of the products, locked in id order.
    let locked: Vec<(i64, i32, i64)> = products::table
        .filter(products::id.eq_any(&ids))
        .order(products::id)
        .select((products::id, products::version, products::tax_rate_id))
        .for_no_key_update()
        .load(conn)
        .await?;
    let now: HashMap<i64, (i32, i64)> = locked.into_iter().map(|(id, v, r)| (id, (v, r))).collect();
    let mut ok = Vec::new();
    for (i, id, expected) in updates {
        let rate = rate_of(&rows[i]);
        let fits = now.get(&id).is_some_and(|(version, current)| {
            *version == expected && (active.contains(&rate) || rate == *current)
        });
        if fits {
            ok.push((i, id));
        } else {
            applied[i] = false;
        }
    }
    if ok.is_empty() {
        return Ok(Vec::new());
    }
    let versions = write_updates(conn, rows, &ok).await?;
    ok.into_iter()
        .map(|(i, id)| {
            let version = versions.get(&id).copied().ok_or_else(|| {
                CommandError::Invariant(format!("product {id} locked but not updated"))
            })?;
            let d = &rows[i].details;
            let payload = ProductUpdated {
                name: d.name.as_str().to_owned(),
                description: d.description.clone(),
                price_cents: d.price.cents(),
                active: d.active,
                low_stock_threshold: d.low_stock_threshold.get(),
                tax_rate_id: Some(rate_of(&rows[i])),
                version,
            }
            .to_payload();
            Ok((i, id, EventType::ProductUpdated, payload))
        })
        .collect()
}

/// One UPDATE of the products and one of their thresholds (the inventory
/// rows locked in id order first); `id → new version`.
async fn write_updates(
    conn: &mut AsyncPgConnection,
    rows: &[ProductRow],
    ok: &[(usize, i64)],
) -> Result<HashMap<i64, i32>, CommandError> {
    let column = |f: &dyn Fn(&ProductDetails) -> i64| -> Vec<i64> {
        ok.iter().map(|(i, _)| f(&rows[*i].details)).collect()
    };
    let ids: Vec<i64> = ok.iter().map(|(_, id)| *id).collect();
    let updated: Vec<Versioned> = diesel::sql_query(
        "UPDATE products p
         SET name = u.name, description = u.description, price_cents = u.price_cents,
             active = u.active, tax_rate_id = u.tax_rate_id, version = p.version + 1,
             updated_at = now()
         FROM unnest($1::int8[], $2::text[], $3::text[], $4::int8[], $5::bool[], $6::int8[])
              AS u (id, name, description, price_cents, active, tax_rate_id)
         WHERE p.id = u.id
         RETURNING p.id, p.version",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .bind::<Array<Text>, _>(
        ok.iter()
            .map(|(i, _)| rows[*i].details.name.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(
        ok.iter()
            .map(|(i, _)| rows[*i].details.description.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<BigInt>, _>(column(&|d| d.price.cents()))
    .bind::<Array<Bool>, _>(
        ok.iter()
            .map(|(i, _)| rows[*i].details.active)
            .collect::<Vec<_>>(),
    )
    .bind::<Array<BigInt>, _>(
        ok.iter()
            .map(|(i, _)| rate_of(&rows[*i]))
            .collect::<Vec<_>>(),
    )
    .prepared()
    .load(conn)
    .await?;
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    let _: Vec<i64> = inventory::table
        .filter(inventory::product_id.eq_any(&sorted))
        .order(inventory::product_id)
        .select(inventory::product_id)
        .for_no_key_update()
        .load(conn)
        .await?;
    diesel::sql_query(
        "UPDATE inventory i
         SET low_stock_threshold = u.threshold
         FROM unnest($1::int8[], $2::int4[]) AS u (product_id, threshold)
         WHERE i.product_id = u.product_id",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .bind::<Array<Int4>, _>(
        ok.iter()
            .map(|(i, _)| rows[*i].details.low_stock_threshold.get())
            .collect::<Vec<_>>(),
    )
    .prepared()
    .execute(conn)
    .await?;
    Ok(updated.into_iter().map(|u| (u.id, u.version)).collect())
}

/// The applicable creates inserted (products, then their inventory rows),
/// their events; a row whose rate is not active, or whose SKU is taken by
/// now, is declined.
async fn create(
    conn: &mut AsyncPgConnection,
    rows: &[ProductRow],
    active: &HashSet<i64>,
    applied: &mut [bool],
) -> Result<Vec<RowEvent>, CommandError> {
    let mut new: Vec<(usize, &Sku)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if let (true, ProductTarget::Create(sku)) = (applied[i], &row.target) {
            if active.contains(&rate_of(row)) {
                new.push((i, sku));
            } else {
                applied[i] = false;
            }
        }
    }
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let values: Vec<_> = new
        .iter()
        .map(|(i, sku)| {
            let d = &rows[*i].details;
            (
                products::sku.eq(sku.as_str()),
                products::name.eq(d.name.as_str()),
                products::description.eq(&d.description),
                products::price_cents.eq(d.price.cents()),
                products::active.eq(d.active),
                products::tax_rate_id.eq(rate_of(&rows[*i])),
            )
        })
        .collect();
    let inserted: Vec<(i64, String)> = diesel::insert_into(products::table)
        .values(values)
        .on_conflict(products::sku)
        .do_nothing()
        .returning((products::id, products::sku))
        .get_results(conn)
        .await?;
    let by_sku: HashMap<String, i64> = inserted.into_iter().map(|(id, s)| (s, id)).collect();
    let mut created = Vec::new();
    for (i, sku) in new {
        match by_sku.get(sku.as_str()) {
            Some(id) => created.push((i, *id, sku)),
            None => applied[i] = false,
        }
    }
    if created.is_empty() {
        return Ok(Vec::new());
    }
    let stock: Vec<_> = created
        .iter()
        .map(|(i, id, _)| {
            (
                inventory::product_id.eq(*id),
                inventory::low_stock_threshold.eq(rows[*i].details.low_stock_threshold.get()),
            )
        })
        .collect();
    diesel::insert_into(inventory::table)
        .values(stock)
        .execute(conn)
        .await?;
    Ok(created
        .into_iter()
        .map(|(i, id, sku)| {
            let d = &rows[i].details;
            let payload = ProductCreated {
                sku: sku.as_str().to_owned(),
                name: d.name.as_str().to_owned(),
                price_cents: d.price.cents(),
                active: d.active,
                low_stock_threshold: d.low_stock_threshold.get(),
                tax_rate_id: Some(rate_of(&rows[i])),
            }
            .to_payload();
            (i, id, EventType::ProductCreated, payload)
        })
        .collect())
}
