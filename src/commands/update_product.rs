//! UpdateProduct: edit name, description, price, active flag and low-stock
//! threshold, guarded by the product's version (the threshold lives in
//! `inventory`, but it is the product's setting: its edit moves the version).

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use super::create_product::ProductDetails;
use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError, differing, stale_version};
use crate::db::schema::{inventory, products};
use crate::domain::{EventType, ProductId, format_cents};

/// The edit: which product, the version the user saw, the new details.
#[derive(Debug, Clone)]
pub struct UpdateProduct {
    pub product_id: ProductId,
    pub expected_version: i32,
    pub details: ProductDetails,
}

/// Saves the new details if nobody changed the product since `expected_version`.
/// A new price applies to orders placed afterwards; existing lines keep theirs.
pub async fn update_product(
    conn: &mut AsyncPgConnection,
    input: UpdateProduct,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let d = &input.details;
        let version: Option<i32> = diesel::update(
            products::table
                .filter(products::id.eq(input.product_id))
                .filter(products::version.eq(input.expected_version)),
        )
        .set((
            products::name.eq(d.name.as_str()),
            products::description.eq(&d.description),
            products::price_cents.eq(d.price.cents()),
            products::active.eq(d.active),
            products::version.eq(products::version + 1),
            products::updated_at.eq(diesel::dsl::now),
        ))
        .returning(products::version)
        .get_result(conn)
        .await
        .optional()?;
        let Some(version) = version else {
            return Err(rejection(conn, &input).await?);
        };
        // The product row is locked by the update above, so this write of its
        // setting cannot interleave with another edit.
        diesel::update(inventory::table.find(input.product_id))
            .set(inventory::low_stock_threshold.eq(d.low_stock_threshold.get()))
            .execute(conn)
            .await?;
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Product,
            input.product_id.get(),
            EventType::ProductUpdated,
            json!({
                "name": d.name.as_str(),
                "description": d.description,
                "price_cents": d.price.cents(),
                "active": d.active,
                "low_stock_threshold": d.low_stock_threshold.get(),
                "version": version,
            }),
        )
        .await?;
        Ok(Ack {
            id: input.product_id.get(),
            version: Some(version),
            event_id,
            replayed: false,
        })
    })
    .await
}

async fn rejection(
    conn: &mut AsyncPgConnection,
    input: &UpdateProduct,
) -> Result<CommandError, CommandError> {
    let current: Option<(String, String, i64, bool, i32, i32)> = products::table
        .inner_join(inventory::table)
        .filter(products::id.eq(input.product_id))
        .select((
            products::name,
            products::description,
            products::price_cents,
            products::active,
            inventory::low_stock_threshold,
            products::version,
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((name, description, price_cents, active, threshold, version)) = current else {
        return Ok(CommandError::NotFound {
            what: "product",
            id: input.product_id.get(),
        });
    };
    let d = &input.details;
    let changes = differing(&[
        ("name", name, d.name.to_string()),
        ("description", description, d.description.clone()),
        ("price", format_cents(price_cents), d.price.to_string()),
        ("active", active.to_string(), d.active.to_string()),
        (
            "low_stock_threshold",
            threshold.to_string(),
            d.low_stock_threshold.get().to_string(),
        ),
    ]);
    Ok(stale_version(
        conn,
        Aggregate::Product,
        input.product_id.get(),
        version,
        changes,
    )
    .await)
}
