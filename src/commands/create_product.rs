//! CreateProduct: a new product with a unique SKU and an empty stock record
//! (with its low-stock threshold).

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::{inventory, products};
use crate::domain::{EventType, Money, Name, Sku, StockLevel};

/// What staff may edit on a product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductDetails {
    pub name: Name,
    pub description: String,
    pub price: Money,
    pub active: bool,
    /// At or under this many available units the product counts as low on
    /// stock (the dashboard, the product list).
    pub low_stock_threshold: StockLevel,
}

/// A new product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateProduct {
    pub sku: Sku,
    pub details: ProductDetails,
}

/// Creates the product and its inventory row (nothing on hand).
pub async fn create_product(
    conn: &mut AsyncPgConnection,
    input: CreateProduct,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let d = &input.details;
        let id: Option<i64> = diesel::insert_into(products::table)
            .values((
                products::sku.eq(input.sku.as_str()),
                products::name.eq(d.name.as_str()),
                products::description.eq(&d.description),
                products::price_cents.eq(d.price.cents()),
                products::active.eq(d.active),
            ))
            .on_conflict(products::sku)
            .do_nothing()
            .returning(products::id)
            .get_result(conn)
            .await
            .optional()?;
        let Some(id) = id else {
            return Err(CommandError::field(
                "sku",
                "a product with this SKU already exists",
            ));
        };
        diesel::insert_into(inventory::table)
            .values((
                inventory::product_id.eq(id),
                inventory::low_stock_threshold.eq(d.low_stock_threshold.get()),
            ))
            .execute(conn)
            .await?;
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Product,
            id,
            EventType::ProductCreated,
            json!({
                "sku": input.sku.as_str(),
                "name": d.name.as_str(),
                "price_cents": d.price.cents(),
                "active": d.active,
                "low_stock_threshold": d.low_stock_threshold.get(),
            }),
        )
        .await?;
        Ok(Ack {
            id,
            version: Some(1),
            event_id,
            replayed: false,
        })
    })
    .await
}
