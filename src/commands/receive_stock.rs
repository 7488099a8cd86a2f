//! ReceiveStock: units arrive and go on hand.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;
use serde_json::json;

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::{inventory, stock_movements};
use crate::domain::{FieldErrors, Quantity};

/// A stock receipt form as submitted.
#[derive(Debug, Clone, Default, Deserialize, rocket::FromForm)]
pub struct ReceiptForm {
    pub quantity: String,
    /// Optional: a delivery note or purchase-order number.
    pub note: String,
}

/// Units received for one product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiveStock {
    pub product_id: i64,
    pub quantity: Quantity,
    pub note: String,
}

impl ReceiveStock {
    pub fn parse(product_id: i64, form: &ReceiptForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let quantity = errors.check("quantity", Quantity::parse(&form.quantity));
        let note = form.note.trim();
        if note.chars().count() > 500 || note.chars().any(char::is_control) {
            errors.add("note", "note must be one line of at most 500 characters");
        }
        match quantity {
            Some(quantity) if errors.is_empty() => Ok(Self {
                product_id,
                quantity,
                note: note.to_owned(),
            }),
            _ => Err(errors),
        }
    }
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
                id: input.product_id,
            });
        };
        diesel::insert_into(stock_movements::table)
            .values((
                stock_movements::product_id.eq(input.product_id),
                stock_movements::kind.eq("receipt"),
                stock_movements::quantity.eq(q),
                stock_movements::reason.eq(&input.note),
                stock_movements::actor.eq(&ctx.actor.name),
            ))
            .execute(conn)
            .await?;
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Product,
            input.product_id,
            "stock_received",
            json!({ "quantity": q, "note": input.note, "on_hand": on_hand }),
        )
        .await?;
        Ok(Ack {
            id: input.product_id,
            version: None,
            event_id,
            replayed: false,
        })
    })
    .await
}
