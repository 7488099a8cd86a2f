//! The preview of a stock counts row: the product by SKU, its units on hand
//! and the counted ones; a count below what open orders reserve is refused,
//! naming those orders.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::{Row, Verdict, change, existing, keys};
use crate::db::schema::{inventory, order_lines, orders, products};
use crate::domain::FulfilmentStatus;
use crate::imports::ImportError;
use crate::imports::rows::Refusal;

/// Orders named at most when a count is below what they reserve.
const ORDERS_NAMED: usize = 5;

pub(super) async fn verdicts(
    conn: &mut AsyncPgConnection,
    rows: &[Row],
) -> Result<Vec<Verdict>, ImportError> {
    let now: Vec<(i64, String, i32, i32)> = products::table
        .inner_join(inventory::table)
        .filter(products::sku.eq_any(keys(rows)))
        .select((
            products::id,
            products::sku,
            inventory::on_hand,
            inventory::reserved,
        ))
        .load(conn)
        .await?;
    let by_sku: HashMap<&str, &(i64, String, i32, i32)> =
        now.iter().map(|p| (p.1.as_str(), p)).collect();
    let short: Vec<i64> = rows
        .iter()
        .filter_map(|row| {
            let p = by_sku.get(row.key.as_deref()?)?;
            let counted = row.fields.get("counted")?.as_i64()?;
            (counted < i64::from(p.3)).then_some(p.0)
        })
        .collect();
    let holders = holding_orders(conn, &short).await?;
    Ok(rows
        .iter()
        .map(|row| {
            let counted = row
                .fields
                .get("counted")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let Some((id, _, on_hand, reserved)) = row.key.as_deref().and_then(|k| by_sku.get(k))
            else {
                return Verdict::refused(row, &[Refusal::new("sku", "no product has this SKU")]);
            };
            if counted < i64::from(*reserved) {
                let orders = holders.get(id).map_or_else(String::new, |ids| {
                    let named: Vec<String> = ids
                        .iter()
                        .take(ORDERS_NAMED)
                        .map(|o| format!("#{o}"))
                        .collect();
                    let more = ids.len().saturating_sub(ORDERS_NAMED);
                    let more = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    format!(" (orders {}{more})", named.join(", "))
                });
                return Verdict::refused(
                    row,
                    &[Refusal::new(
                        "counted",
                        format!(
                            "{reserved} are reserved for open orders{orders}; a count below \
                             that cannot be right: count again or cancel those orders first"
                        ),
                    )],
                );
            }
            let changes = if counted == i64::from(*on_hand) {
                Vec::new()
            } else {
                vec![change(
                    "on_hand",
                    &on_hand.to_string(),
                    &counted.to_string(),
                )]
            };
            existing(row, row.fields.clone(), (*id, *on_hand), changes)
        })
        .collect())
}

/// The open orders (unfulfilled: their stock is reserved) of each product.
async fn holding_orders(
    conn: &mut AsyncPgConnection,
    product_ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, ImportError> {
    if product_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let pairs: Vec<(i64, i64)> = order_lines::table
        .inner_join(orders::table)
        .filter(order_lines::product_id.eq_any(product_ids))
        .filter(orders::fulfilment_status.eq(FulfilmentStatus::Unfulfilled))
        .order((order_lines::product_id, orders::id))
        .select((order_lines::product_id, orders::id))
        .load(conn)
        .await?;
    let mut by_product: HashMap<i64, Vec<i64>> = HashMap::new();
    for (product, order) in pairs {
        by_product.entry(product).or_default().push(order);
    }
    Ok(by_product)
}
