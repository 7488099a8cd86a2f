//! What the order-entry form reads: the chosen customer (with their address
//! book) and the products its
//! lines name (its searches for both are [`super::lookup`]'s).

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::address::{Book, BookAddress};
use crate::db::read_schema::{customer_stats as cs, inventory_status as inv};

/// A customer as the form shows them.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = cs, check_for_backend(diesel::pg::Pg))]
pub struct CustomerChoice {
    pub customer_id: i64,
    pub name: String,
    pub email: String,
    /// Their address book, by id; the defaults marked.
    #[diesel(deserialize_as = Book)]
    pub addresses: Vec<BookAddress>,
}

impl CustomerChoice {
    /// The address the form preselects for shipping: the default, else the first.
    pub fn default_shipping(&self) -> Option<&BookAddress> {
        self.addresses
            .iter()
            .find(|a| a.default_shipping)
            .or_else(|| <[BookAddress]>::first(&self.addresses))
    }
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
