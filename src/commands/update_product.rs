//! UpdateProduct: edit name, description, price, active flag, tax rate and
//! low-stock threshold, guarded by the product's version (the threshold lives in
//! `inventory`, but it is the product's setting: its edit moves the version).

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::create_product::{ProductDetails, check_rate};
use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError, differing, stale_version};
use crate::db::schema::{inventory, products, tax_rates};
use crate::domain::event_payload::ProductUpdated;
use crate::domain::{EventType, ProductId, TaxRateId, format_cents};

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
        // The product's rate now, to let an archived rate it already has stay.
        let current: Option<i64> = products::table
            .find(input.product_id)
            .select(products::tax_rate_id)
            .first(conn)
            .await
            .optional()?;
        let current = current.map(TaxRateId);
        // No rate chosen keeps the product's (an unknown product: the update
        // below finds nothing and says so).
        let rate = d.tax_rate.or(current).unwrap_or(TaxRateId(0));
        if current.is_some() {
            check_rate(conn, rate, current).await?;
        }
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
            products::tax_rate_id.eq(rate.get()),
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
            ProductUpdated {
                name: d.name.as_str().to_owned(),
                description: d.description.clone(),
                price_cents: d.price.cents(),
                active: d.active,
                low_stock_threshold: d.low_stock_threshold.get(),
                tax_rate_id: Some(rate.get()),
                version,
            }
            .to_payload(),
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

/// The product as stored: name, description, price, active, threshold, the
/// rate's name and id, version.
type Stored = (String, String, i64, bool, i32, String, i64, i32);

async fn rejection(
    conn: &mut AsyncPgConnection,
    input: &UpdateProduct,
) -> Result<CommandError, CommandError> {
    let current: Option<Stored> = products::table
        .inner_join(inventory::table)
        .inner_join(tax_rates::table)
        .filter(products::id.eq(input.product_id))
        .select((
            products::name,
            products::description,
            products::price_cents,
            products::active,
            inventory::low_stock_threshold,
            tax_rates::name,
            products::tax_rate_id,
            products::version,
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((name, description, price_cents, active, threshold, rate_name, rate_id, version)) =
        current
    else {
        return Ok(CommandError::NotFound {
            what: "product",
            id: input.product_id.get(),
        });
    };
    let d = &input.details;
    // The submitted rate by name, so the conflict says what is stored in words.
    let submitted_rate: String = tax_rates::table
        .find(d.tax_rate.map_or(rate_id, TaxRateId::get))
        .select(tax_rates::name)
        .first(conn)
        .await
        .optional()?
        .unwrap_or_default();
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
        ("tax_rate", rate_name.clone(), submitted_rate),
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
