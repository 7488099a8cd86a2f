//! Type-ahead for order entry: products by SKU or name (inactive and
//! out-of-stock ones included, so the form can mark them rather than hide
//! them) and customers by name, email or number. Bounded: at most
//! [`MAX_RESULTS`] rows, and the search text is cut to [`MAX_QUERY_CHARS`].

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::contains_pattern;
use super::order_entry::{CustomerChoice, ProductChoice};
use crate::db::read_schema::{customer_stats as cs, inventory_status as inv};

/// The most rows one look-up returns.
pub const MAX_RESULTS: i64 = 10;
/// Longer search text is cut to this many characters.
pub const MAX_QUERY_CHARS: usize = 100;

/// The search text as the look-ups use it: trimmed and bounded.
pub fn bounded(text: &str) -> String {
    text.trim().chars().take(MAX_QUERY_CHARS).collect()
}

/// Products whose SKU or name contains `text`: those whose SKU starts with it
/// first, then for sale before not for sale, then by SKU.
pub async fn products(
    conn: &mut AsyncPgConnection,
    text: &str,
    limit: i64,
) -> Result<Vec<ProductChoice>, diesel::result::Error> {
    let text = bounded(text);
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
    let text = bounded(text);
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
