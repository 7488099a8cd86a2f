//! Reserving units of one product for an order: the guarded update every
//! command that reserves uses (placing, and editing an order up).
//!
//! The fast path is one statement: add to `reserved` only where enough is
//! available. When it refuses, the row is locked and read: stock released
//! since the refusal (another order cancelled or edited down in that instant)
//! is reserved after all, and a refusal reports what is available under the
//! lock, so a shortage never says "1 requested, 1 available". Callers take
//! products in id order, so the lock adds no deadlock.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::prepared::Prepare;
use crate::db::schema::inventory;

/// Reserves `quantity` units of `product_id`; `Ok(Err(available))` when
/// fewer than `quantity` are available, with what is available.
pub(super) async fn reserve_units(
    conn: &mut AsyncPgConnection,
    product_id: i64,
    quantity: i32,
) -> QueryResult<Result<(), i32>> {
    let reserved = diesel::update(
        inventory::table
            .find(product_id)
            .filter((inventory::on_hand - inventory::reserved).ge(quantity)),
    )
    .set((
        inventory::reserved.eq(inventory::reserved + quantity),
        inventory::updated_at.eq(diesel::dsl::now),
    ))
    // Fixed text, kept prepared (Diesel would prepare and close it each time).
    .prepared()
    .execute(conn)
    .await?;
    if reserved == 1 {
        return Ok(Ok(()));
    }
    let available: i32 = inventory::table
        .find(product_id)
        .select(inventory::on_hand - inventory::reserved)
        .for_update()
        .first(conn)
        .await?;
    if available < quantity {
        return Ok(Err(available));
    }
    diesel::update(inventory::table.find(product_id))
        .set((
            inventory::reserved.eq(inventory::reserved + quantity),
            inventory::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(Ok(()))
}
