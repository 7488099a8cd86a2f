//! AdjustStock: correct on-hand stock after a count, damage or loss. Never below
//! what is reserved for open orders.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::{inventory, stock_movements};
use crate::domain::event_payload::StockAdjusted;
use crate::domain::{EventType, ProductId, Reason, StockDelta, StockMovementKind};

/// A signed change of on-hand stock, with the reason staff gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjustStock {
    pub product_id: ProductId,
    pub delta: StockDelta,
    pub reason: Reason,
}

/// Applies the adjustment with one conditional UPDATE, so a concurrent order's
/// reservation can never be undercut.
pub async fn adjust_stock(
    conn: &mut AsyncPgConnection,
    input: AdjustStock,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        adjust_on_hand(
            conn,
            input.product_id,
            input.delta.get(),
            None,
            &input.reason,
            ctx,
        )
        .await
    })
    .await
}

/// The adjustment itself, inside the caller's transaction: on hand moves by
/// `delta` unless that would leave less than is reserved or (with
/// `expected_on_hand`, a stock count) on hand is no longer what the count was
/// compared with. One movement and one `stock_adjusted` event.
pub(super) async fn adjust_on_hand(
    conn: &mut AsyncPgConnection,
    product_id: ProductId,
    delta: i32,
    expected_on_hand: Option<i32>,
    reason: &Reason,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let changes = (
        inventory::on_hand.eq(inventory::on_hand + delta),
        inventory::updated_at.eq(diesel::dsl::now),
    );
    let covers_reserved = (inventory::on_hand + delta).ge(inventory::reserved);
    let row = inventory::table.find(product_id).filter(covers_reserved);
    let on_hand: Option<i32> = match expected_on_hand {
        None => {
            diesel::update(row)
                .set(changes)
                .returning(inventory::on_hand)
                .get_result(conn)
                .await
        }
        Some(expected) => {
            diesel::update(row.filter(inventory::on_hand.eq(expected)))
                .set(changes)
                .returning(inventory::on_hand)
                .get_result(conn)
                .await
        }
    }
    .optional()?;
    let Some(on_hand) = on_hand else {
        return Err(rejection(conn, product_id, delta, expected_on_hand).await?);
    };
    diesel::insert_into(stock_movements::table)
        .values((
            stock_movements::product_id.eq(product_id),
            stock_movements::kind.eq(StockMovementKind::Adjustment),
            stock_movements::quantity.eq(delta),
            stock_movements::reason.eq(reason.as_str()),
            stock_movements::actor.eq(&ctx.actor.name),
        ))
        .execute(conn)
        .await?;
    let event_id = events::append(
        conn,
        ctx,
        Aggregate::Product,
        product_id.get(),
        EventType::StockAdjusted,
        StockAdjusted {
            quantity: delta,
            reason: reason.as_str().to_owned(),
            on_hand,
        }
        .to_payload(),
    )
    .await?;
    Ok(Ack {
        id: product_id.get(),
        version: None,
        event_id,
        replayed: false,
    })
}

async fn rejection(
    conn: &mut AsyncPgConnection,
    product_id: ProductId,
    delta: i32,
    expected_on_hand: Option<i32>,
) -> Result<CommandError, CommandError> {
    let current: Option<(i32, i32)> = inventory::table
        .find(product_id)
        .select((inventory::on_hand, inventory::reserved))
        .first(conn)
        .await
        .optional()?;
    Ok(match current {
        None => CommandError::NotFound {
            what: "product",
            id: product_id.get(),
        },
        Some((on_hand, _)) if expected_on_hand.is_some_and(|e| e != on_hand) => {
            CommandError::Conflict(super::Conflict {
                message: format!(
                    "the stock on hand changed after it was counted (now {on_hand}); \
                     count again"
                ),
                changes: vec![("on_hand".to_owned(), on_hand.to_string())],
                current_version: None,
            })
        }
        Some((on_hand, reserved)) => CommandError::field(
            "quantity",
            format!(
                "this would leave {} on hand, but {reserved} are reserved for open orders \
                 ({on_hand} on hand now)",
                i64::from(on_hand) + i64::from(delta)
            ),
        ),
    })
}
