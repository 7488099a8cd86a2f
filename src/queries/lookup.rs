//! The order form's two searches, one each for products and customers,
//! behind both the type-ahead (`GET /orders/lookup/…`) and the no-JS Find
//! buttons: products by SKU or name (inactive and out-of-stock ones
//! included, so the form marks them rather than hides them) and customers by
//! name, email or number. Bounded: at most [`MAX_RESULTS`] rows, and the
//! search text is cut by [`super::bounded_search`].
//!
//! These were two pairs that disagreed; the type-ahead's matching is the one
//! kept, because it finds more of what a clerk types: a customer by number
//! (`#42`) as well as by name or email, the product whose SKU starts with the
//! text before those that merely contain it, and a product no longer for
//! sale marked as such instead of "no match" (the Find listed only products
//! for sale, by SKU, and no customer by number).

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::order_entry::{CustomerChoice, ProductChoice};
use super::{bounded_search, contains_pattern};
use crate::db::read_schema::{customer_stats as cs, inventory_status as inv};

/// The most rows one search returns.
pub const MAX_RESULTS: i64 = 10;

/// Products whose SKU or name contains `text`: those whose SKU starts with it
/// first, then for sale before not for sale, then by SKU.
pub async fn products(
    conn: &mut AsyncPgConnection,
    text: &str,
    limit: i64,
) -> Result<Vec<ProductChoice>, diesel::result::Error> {
    let text = bounded_search(text);
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let contains = contains_pattern(&text);
    // `%abc%` → `ABC%`: SKUs are upper-case; the escapes survive upper-casing.
    let prefix = format!("{}%", contains[1..contains.len() - 1].to_uppercase());
    inv::table
        .select(ProductChoice::as_select())
        .filter(inv::search_text.like(contains))
        .order((
            inv::sku.like(prefix).desc(),
            inv::active.desc(),
            inv::sku.asc(),
        ))
        .limit(limit.clamp(1, MAX_RESULTS))
        .load(conn)
        .await
}

/// Customers whose name or email contains `text`, or whose number it is:
/// the number match first, then by name.
pub async fn customers(
    conn: &mut AsyncPgConnection,
    text: &str,
    limit: i64,
) -> Result<Vec<CustomerChoice>, diesel::result::Error> {
    let text = bounded_search(text);
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let number = text
        .trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .unwrap_or(0);
    cs::table
        .select(CustomerChoice::as_select())
        .filter(
            cs::search_text
                .like(contains_pattern(&text))
                .or(cs::customer_id.eq(number)),
        )
        .order((
            cs::customer_id.eq(number).desc(),
            cs::name.asc(),
            cs::customer_id.asc(),
        ))
        .limit(limit.clamp(1, MAX_RESULTS))
        .load(conn)
        .await
}
