//! What the order-entry form reads: the chosen customer, the products its
//! lines name, and searches for both.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::contains_pattern;
use crate::db::read_schema::{customer_stats as cs, inventory_status as inv};

/// A customer as the form shows them.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = cs, check_for_backend(diesel::pg::Pg))]
pub struct CustomerChoice {
    pub customer_id: i64,
    pub name: String,
    pub email: String,
}

/// A product as a line shows it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = inv, check_for_backend(diesel::pg::Pg))]
pub struct ProductChoice {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub price_cents: i64,
    pub available: i32,
    pub active: bool,
}

pub async fn customer(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<Option<CustomerChoice>, diesel::result::Error> {
    cs::table
        .find(id)
        .select(CustomerChoice::as_select())
        .first(conn)
        .await
        .optional()
}

/// Up to 10 customers whose name or email contains `text`.
pub async fn find_customers(
    conn: &mut AsyncPgConnection,
    text: &str,
) -> Result<Vec<CustomerChoice>, diesel::result::Error> {
    cs::table
        .select(CustomerChoice::as_select())
        .filter(cs::search_text.like(contains_pattern(text)))
        .order((cs::name.asc(), cs::customer_id.asc()))
        .limit(10)
        .load(conn)
        .await
}

/// The products with these SKUs (upper-case).
pub async fn products_by_sku(
    conn: &mut AsyncPgConnection,
    skus: &[String],
) -> Result<Vec<ProductChoice>, diesel::result::Error> {
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    inv::table
        .select(ProductChoice::as_select())
        .filter(inv::sku.eq_any(skus))
        .load(conn)
        .await
}

/// Up to 15 products for sale whose SKU or name contains `text`.
pub async fn find_products(
    conn: &mut AsyncPgConnection,
    text: &str,
) -> Result<Vec<ProductChoice>, diesel::result::Error> {
    inv::table
        .select(ProductChoice::as_select())
        .filter(inv::active)
        .filter(inv::search_text.like(contains_pattern(text)))
        .order(inv::sku.asc())
        .limit(15)
        .load(conn)
        .await
}
