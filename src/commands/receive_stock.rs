//! ReceiveStock: units arrive and go on hand.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::{inventory, stock_movements};
use crate::domain::event_payload::StockReceived;
use crate::domain::{EventType, Note, ProductId, Quantity, StockMovementKind};

/// Units received for one product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiveStock {
    pub product_id: ProductId,
    pub quantity: Quantity,
    pub note: Note,
}

/// Adds the units to on-hand stock and records the receipt in the ledger.
pub async fn receive_stock(
    conn: &mut AsyncPgConnection,
    input: ReceiveStock,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let q = input.quantity.get();
        let on_hand: Option<i32> = diesel::update(inventory::table.find(input.product_id))
            .set((
                inventory::on_hand.eq(inventory::on_hand + q),
                inventory::updated_at.eq(diesel::dsl::now),
            ))
            .returning(inventory::on_hand)
            .get_result(conn)
            .await
            .optional()?;
        let Some(on_hand) = on_hand else {
            return Err(CommandError::NotFound {
                what: "product",
                id: input.product_id.get(),
            });
        };
        diesel::insert_into(stock_movements::table)
            .values((
                stock_movements::product_id.eq(input.product_id),
                stock_movements::kind.eq(StockMovementKind::Receipt),
                stock_movements::quantity.eq(q),
                stock_movements::reason.eq(input.note.as_str()),
                stock_movements::actor.eq(&ctx.actor.name),
            ))
            .execute(conn)
            .await?;
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Product,
            input.product_id.get(),
            EventType::StockReceived,
            StockReceived {
                quantity: q,
                note: input.note.as_str().to_owned(),
                on_hand,
            }
            .to_payload(),
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
