//! What the printables read: orders with their lines (packing slips,
//! invoices), and the pick list: the lines of every order to ship summed per
//! product. All from `read.order_summaries` (and the shop's settings).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::address::OrderAddress;
use super::order_detail::LineView;
use super::order_money::{Money, OrderMoney};
use super::{Freshness, freshness};
use crate::db::read_schema::{order_summaries as os, shop_settings as ss};
use crate::domain::FulfilmentStatus;
use crate::read_models::ReadModelName;

/// The most orders one print run covers (the orders list's largest page).
pub const MAX_PRINT_ORDERS: usize = 200;

/// An order as a slip or invoice prints it.
#[derive(Debug, Clone)]
pub struct PrintOrder {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_email: String,
    pub fulfilment_status: FulfilmentStatus,
    /// Where it goes (`None` only for an order the read model lost it for).
    pub ship_to: Option<OrderAddress>,
    pub bill_to: Option<OrderAddress>,
    pub placed_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub item_count: i64,
    pub total_cents: i64,
    pub lines: Vec<LineView>,
    pub money: OrderMoney,
}

/// An order's row as the printables read it (its lines still JSON).
#[derive(Queryable, Selectable)]
#[diesel(table_name = os, check_for_backend(diesel::pg::Pg))]
struct Row {
    id: i64,
    customer_id: i64,
    customer_name: String,
    customer_email: String,
    fulfilment_status: FulfilmentStatus,
    shipping_address: Option<String>,
    placed_at: DateTime<Utc>,
    paid_at: Option<DateTime<Utc>>,
    item_count: i64,
    total_cents: i64,
    lines: serde_json::Value,
    shipping: Option<serde_json::Value>,
    billing: Option<serde_json::Value>,
    #[diesel(deserialize_as = Money)]
    money: OrderMoney,
}

/// The orders with these ids that the read model has, ascending, and its freshness.
pub async fn orders(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<(Vec<PrintOrder>, Freshness), diesel::result::Error> {
    let ids = &ids[..ids.len().min(MAX_PRINT_ORDERS)];
    let rows: Vec<Row> = os::table
        .filter(os::id.eq_any(ids))
        .select(Row::as_select())
        .order(os::id.asc())
        .load(conn)
        .await?;
    let orders = rows
        .into_iter()
        .map(|r| {
            Ok(PrintOrder {
                lines: serde_json::from_value(r.lines)
                    .map_err(|e| diesel::result::Error::DeserializationError(e.into()))?,
                id: r.id,
                customer_id: r.customer_id,
                customer_name: r.customer_name,
                customer_email: r.customer_email,
                fulfilment_status: r.fulfilment_status,
                ship_to: OrderAddress::from_columns(
                    r.shipping_address.as_deref(),
                    r.shipping.as_ref(),
                ),
                bill_to: OrderAddress::from_columns(None, r.billing.as_ref()),
                placed_at: r.placed_at,
                paid_at: r.paid_at,
                item_count: r.item_count,
                total_cents: r.total_cents,
                money: r.money,
            })
        })
        .collect::<Result<Vec<_>, diesel::result::Error>>()?;
    let freshness = freshness::of(conn, &[ReadModelName::OrderSummaries])
        .await?
        .remove(0);
    Ok((orders, freshness))
}

/// One product to pick: how many in all, and from which orders.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct PickRow {
    #[diesel(sql_type = BigInt)]
    pub product_id: i64,
    #[diesel(sql_type = Text)]
    pub sku: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub quantity: i64,
    #[diesel(sql_type = Array<BigInt>)]
    pub order_ids: Vec<i64>,
    #[diesel(sql_type = Array<Integer>)]
    pub quantities: Vec<i32>,
}

impl PickRow {
    /// `(order id, quantity)` for each order that needs this product.
    pub fn per_order(&self) -> Vec<(i64, i32)> {
        self.order_ids
            .iter()
            .copied()
            .zip(self.quantities.iter().copied())
            .collect()
    }
}

/// The pick list: products by SKU, the orders it covers, and freshness.
#[derive(Debug, Clone)]
pub struct PickList {
    pub rows: Vec<PickRow>,
    pub order_count: i64,
    pub unit_count: i64,
    pub freshness: Freshness,
}

/// The lines of every order to ship (unfulfilled with nothing due, or any
/// unfulfilled when the shop ships on account), summed per product (by SKU).
pub async fn pick_list(conn: &mut AsyncPgConnection) -> Result<PickList, diesel::result::Error> {
    let on_account: bool = ss::table
        .select(ss::ship_on_account)
        .first(conn)
        .await
        .optional()?
        .unwrap_or(false);
    let rows: Vec<PickRow> = diesel::sql_query(include_str!("sql/pick_list.sql"))
        .bind::<Bool, _>(on_account)
        .load(conn)
        .await?;
    let mut to_ship = os::table
        .filter(os::fulfilment_status.eq(FulfilmentStatus::Unfulfilled))
        .into_boxed();
    if !on_account {
        to_ship = to_ship.filter(os::balance_due_cents.eq(0));
    }
    let order_count = to_ship.count().get_result(conn).await?;
    let unit_count = rows.iter().map(|r| r.quantity).sum();
    let freshness = freshness::of(conn, &[ReadModelName::OrderSummaries])
        .await?
        .remove(0);
    Ok(PickList {
        rows,
        order_count,
        unit_count,
        freshness,
    })
}
