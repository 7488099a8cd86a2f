//! CreateProduct: a new product with a unique SKU and an empty stock record.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;
use serde_json::json;

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::{inventory, products};
use crate::domain::{FieldErrors, Money, Name, Sku, parse_description};

/// A product form as submitted. `sku` is ignored when editing (SKUs never change).
#[derive(Debug, Clone, Default, Deserialize, rocket::FromForm)]
pub struct ProductForm {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price: String,
    pub active: bool,
}

/// What staff may edit on a product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductDetails {
    pub name: Name,
    pub description: String,
    pub price: Money,
    pub active: bool,
}

impl ProductDetails {
    /// Parses the editable fields, recording errors into `errors`; the price
    /// in a currency with two decimals.
    pub fn parse(form: &ProductForm, errors: &mut FieldErrors) -> Option<Self> {
        Self::parse_in(form, 2, errors)
    }

    /// [`Self::parse`] with the price in a currency with `exponent` decimals
    /// (the shop's: 0 for JPY), stored in its minor unit.
    pub fn parse_in(form: &ProductForm, exponent: u32, errors: &mut FieldErrors) -> Option<Self> {
        let name = errors.check("name", Name::parse(&form.name));
        let description = errors.check("description", parse_description(&form.description));
        let price = errors.check("price", Money::parse_in(&form.price, exponent));
        Some(Self {
            name: name?,
            description: description?,
            price: price?,
            active: form.active,
        })
    }
}

/// A new product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateProduct {
    pub sku: Sku,
    pub details: ProductDetails,
}

impl TryFrom<&ProductForm> for CreateProduct {
    type Error = FieldErrors;

    fn try_from(form: &ProductForm) -> Result<Self, FieldErrors> {
        Self::parse_in(form, 2)
    }
}

impl CreateProduct {
    /// Parses the form with the price in a currency with `exponent` decimals.
    pub fn parse_in(form: &ProductForm, exponent: u32) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let sku = errors.check("sku", Sku::parse(&form.sku));
        let details = ProductDetails::parse_in(form, exponent, &mut errors);
        match (sku, details) {
            (Some(sku), Some(details)) if errors.is_empty() => Ok(Self { sku, details }),
            _ => Err(errors),
        }
    }
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
            .values(inventory::product_id.eq(id))
            .execute(conn)
            .await?;
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Product,
            id,
            "product_created",
            json!({
                "sku": input.sku.as_str(),
                "name": d.name.as_str(),
                "price_cents": d.price.cents(),
                "active": d.active,
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
