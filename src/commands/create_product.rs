//! CreateProduct: a new product with a unique SKU, its tax rate (an active
//! one) and an empty stock record (with its low-stock threshold).

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::{inventory, products, shop_settings, tax_rates};
use crate::domain::event_payload::ProductCreated;
use crate::domain::{EventType, Money, Name, Sku, StockLevel, TaxRateId};

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
    /// The rate its price is taxed at. `None`: a new product gets the shop's
    /// default rate (`shop_settings`), an edited one keeps its own.
    pub tax_rate: Option<TaxRateId>,
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
        let rate = match d.tax_rate {
            Some(rate) => rate,
            None => default_rate(conn).await?,
        };
        check_rate(conn, rate, None).await?;
        let id: Option<i64> = diesel::insert_into(products::table)
            .values((
                products::sku.eq(input.sku.as_str()),
                products::name.eq(d.name.as_str()),
                products::description.eq(&d.description),
                products::price_cents.eq(d.price.cents()),
                products::active.eq(d.active),
                products::tax_rate_id.eq(rate.get()),
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
            ProductCreated {
                sku: input.sku.as_str().to_owned(),
                name: d.name.as_str().to_owned(),
                price_cents: d.price.cents(),
                active: d.active,
                low_stock_threshold: d.low_stock_threshold.get(),
                tax_rate_id: Some(rate.get()),
            }
            .to_payload(),
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

/// Refuses a rate that does not exist, or that is archived unless it is the
/// product's own already (`current`): an archived rate stays on the products
/// that have it but is not chosen anew. The rate's row is share-locked, so it
/// cannot be archived before this transaction commits.
pub(crate) async fn check_rate(
    conn: &mut AsyncPgConnection,
    rate: TaxRateId,
    current: Option<TaxRateId>,
) -> Result<(), CommandError> {
    let active: Option<bool> = tax_rates::table
        .find(rate.get())
        .select(tax_rates::active)
        .for_share()
        .first(conn)
        .await
        .optional()?;
    match active {
        Some(true) => Ok(()),
        Some(false) if current == Some(rate) => Ok(()),
        Some(false) => Err(CommandError::field(
            "tax_rate",
            "this tax rate is archived: choose an active one",
        )),
        None => Err(CommandError::field(
            "tax_rate",
            "choose one of the tax rates",
        )),
    }
}

/// The shop's default rate, as its settings say now.
async fn default_rate(conn: &mut AsyncPgConnection) -> Result<TaxRateId, CommandError> {
    let id: i64 = shop_settings::table
        .select(shop_settings::default_tax_rate_id)
        .first(conn)
        .await?;
    Ok(TaxRateId(id))
}
