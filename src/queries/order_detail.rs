//! One order, as its detail page shows it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;

use super::history::{self, HistoryEntry};
use super::{Freshness, freshness};
use crate::db::read_schema::order_summaries as os;
use crate::domain::{Aggregate, OrderStatus};
use crate::read_models::ReadModelName;

/// One line, as embedded in the view.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct LineView {
    pub line_no: i32,
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub line_total_cents: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = os, check_for_backend(diesel::pg::Pg))]
struct Row {
    id: i64,
    customer_id: i64,
    customer_name: String,
    customer_email: String,
    status: OrderStatus,
    item_count: i64,
    total_cents: i64,
    shipping_address: String,
    placed_at: DateTime<Utc>,
    paid_at: Option<DateTime<Utc>>,
    shipped_at: Option<DateTime<Utc>>,
    delivered_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
    cancellation_reason: Option<String>,
    version: i32,
    lines: serde_json::Value,
}

/// The order with its lines and history.
#[derive(Debug, Clone)]
pub struct OrderDetail {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_email: String,
    pub status: OrderStatus,
    pub item_count: i64,
    pub total_cents: i64,
    pub shipping_address: String,
    pub placed_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancellation_reason: Option<String>,
    pub version: i32,
    pub lines: Vec<LineView>,
}

/// What the detail page needs: the order if the read model has it yet, its
/// history (always current) and the view's freshness.
#[derive(Debug, Clone)]
pub struct OrderDetailPage {
    pub order: Option<OrderDetail>,
    pub history: Vec<HistoryEntry>,
    pub freshness: Freshness,
}

/// The order `id`. `order` is `None` when the read model does not have it
/// (yet): the page can tell "processing" from "no such order" with the history.
pub async fn get(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<OrderDetailPage, diesel::result::Error> {
    const VIEWS: &[ReadModelName] = &[ReadModelName::OrderSummaries];
    // One round trip: the freshness, the order, its history, pipelined.
    let shared: &AsyncPgConnection = conn;
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let history = history::query(Aggregate::Order, id).load::<HistoryEntry>(&mut &*shared);
    let row = os::table
        .find(id)
        .select(Row::as_select())
        .load::<Row>(&mut &*shared);
    let (fresh, history, rows) = futures_util::try_join!(fresh, history, row)?;
    let order = match rows.into_iter().next() {
        Some(r) => Some(OrderDetail {
            lines: serde_json::from_value(r.lines)
                .map_err(|e| diesel::result::Error::DeserializationError(e.into()))?,
            id: r.id,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            customer_email: r.customer_email,
            status: r.status,
            item_count: r.item_count,
            total_cents: r.total_cents,
            shipping_address: r.shipping_address,
            placed_at: r.placed_at,
            paid_at: r.paid_at,
            shipped_at: r.shipped_at,
            delivered_at: r.delivered_at,
            cancelled_at: r.cancelled_at,
            cancellation_reason: r.cancellation_reason,
            version: r.version,
        }),
        None => None,
    };
    Ok(OrderDetailPage {
        order,
        history,
        freshness: freshness::decode(VIEWS, fresh).remove(0),
    })
}
