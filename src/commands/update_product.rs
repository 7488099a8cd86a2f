//! UpdateProduct: edit name, description, price and active flag, guarded by version.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use super::create_product::ProductDetails;
use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError, differing, stale_version};
use crate::db::schema::products;
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
    let current: Option<(String, String, i64, bool, i32)> = products::table
        .find(input.product_id)
        .select((
            products::name,
            products::description,
            products::price_cents,
            products::active,
            products::version,
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((name, description, price_cents, active, version)) = current else {
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
