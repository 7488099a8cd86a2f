//! AdjustStock: correct on-hand stock after a count, damage or loss. Never below
//! what is reserved for open orders.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::{inventory, stock_movements};
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
        let d = input.delta.get();
        let on_hand: Option<i32> = diesel::update(
            inventory::table
                .find(input.product_id)
                .filter((inventory::on_hand + d).ge(inventory::reserved)),
        )
        .set((
            inventory::on_hand.eq(inventory::on_hand + d),
            inventory::updated_at.eq(diesel::dsl::now),
        ))
        .returning(inventory::on_hand)
        .get_result(conn)
        .await
        .optional()?;
        let Some(on_hand) = on_hand else {
            return Err(rejection(conn, input.product_id, d).await?);
        };
        diesel::insert_into(stock_movements::table)
            .values((
                stock_movements::product_id.eq(input.product_id),
                stock_movements::kind.eq(StockMovementKind::Adjustment),
                stock_movements::quantity.eq(d),
                stock_movements::reason.eq(input.reason.as_str()),
                stock_movements::actor.eq(&ctx.actor.name),
            ))
            .execute(conn)
            .await?;
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Product,
            input.product_id.get(),
            EventType::StockAdjusted,
            json!({ "quantity": d, "reason": input.reason.as_str(), "on_hand": on_hand }),
        )
        .await?;
        Ok(Ack {
            id: input.product_id.get(),
            version: None,
            event_id,
            replayed: false,
        })
    })
    .await
}

async fn rejection(
    conn: &mut AsyncPgConnection,
    product_id: ProductId,
    delta: i32,
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
