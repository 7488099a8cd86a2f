//! Customers with their statistics: the list (with search), one customer with
//! their orders, and the customer search of the order form.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::history::{self, HistoryEntry};
use super::orders::{self, OrderFilter, OrderRow, OrderSort};
use super::{Freshness, contains_pattern, freshness};
use crate::db::read_schema::customer_stats as cs;

/// One customer and their order statistics (cancelled orders excluded).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CustomerRow {
    pub customer_id: i64,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub order_count: i64,
    pub lifetime_value_cents: i64,
    pub first_order_at: Option<DateTime<Utc>>,
    pub last_order_at: Option<DateTime<Utc>>,
}

impl CustomerRow {
    pub fn average_order_cents(&self) -> i64 {
        if self.order_count == 0 {
            0
        } else {
            self.lifetime_value_cents / self.order_count
        }
    }
}

type Columns = (
    cs::customer_id,
    cs::name,
    cs::email,
    cs::phone,
    cs::version,
    cs::created_at,
    cs::order_count,
    cs::lifetime_value_cents,
    cs::first_order_at,
    cs::last_order_at,
);

const COLUMNS: Columns = (
    cs::customer_id,
    cs::name,
    cs::email,
    cs::phone,
    cs::version,
    cs::created_at,
    cs::order_count,
    cs::lifetime_value_cents,
    cs::first_order_at,
    cs::last_order_at,
);

/// What the customer list shows: search text, keyset by (name, id).
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub search: Option<String>,
    pub after: Option<(String, i64)>,
    pub page_size: i64,
}

#[derive(Debug, Clone)]
pub struct CustomerPage {
    pub rows: Vec<CustomerRow>,
    pub next: Option<(String, i64)>,
    pub freshness: Freshness,
}

/// A page of customers by name.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &CustomerFilter,
) -> Result<CustomerPage, diesel::result::Error> {
    const VIEWS: &[&str] = &["customer_stats"];
    let limit = filter.page_size.clamp(1, 200);
    let mut q = cs::table.select(COLUMNS).into_boxed();
    if let Some(text) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        q = q.filter(cs::search_text.like(contains_pattern(text)));
    }
    if let Some((name, id)) = &filter.after {
        q = q.filter(
            cs::name
                .gt(name.clone())
                .or(cs::name.eq(name.clone()).and(cs::customer_id.gt(*id))),
        );
    }
    // One round trip: the freshness, then the page, pipelined.
    let shared: &AsyncPgConnection = conn;
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let page = q
        .order((cs::name.asc(), cs::customer_id.asc()))
        .limit(limit + 1)
        .load::<CustomerRow>(&mut &*shared);
    let (fresh, mut rows) = futures_util::try_join!(fresh, page)?;
    let next = if rows.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        rows.pop();
        rows.last().map(|r| (r.name.clone(), r.customer_id))
    } else {
        None
    };
    Ok(CustomerPage {
        rows,
        next,
        freshness: freshness::decode(VIEWS, fresh).0.remove(0),
    })
}

/// One customer with their 50 most recent orders.
#[derive(Debug, Clone)]
pub struct CustomerDetail {
    pub customer: Option<CustomerRow>,
    pub orders: Vec<OrderRow>,
    /// The customer's events (always current: read from the event log).
    pub history: Vec<HistoryEntry>,
    pub freshness: Vec<Freshness>,
}

pub async fn get(
    conn: &mut AsyncPgConnection,
    customer_id: i64,
) -> Result<CustomerDetail, diesel::result::Error> {
    const VIEWS: &[&str] = &["customer_stats", "order_summaries"];
    // One round trip: the freshness, the customer, their orders and their
    // history, pipelined.
    let shared: &AsyncPgConnection = conn;
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let customer = cs::table
        .find(customer_id)
        .select(COLUMNS)
        .load::<CustomerRow>(&mut &*shared);
    let filter = OrderFilter {
        customer_id: Some(customer_id),
        sort: OrderSort::Newest,
        page_size: 50,
        ..OrderFilter::default()
    };
    let orders = orders::page_query(&filter).load::<OrderRow>(&mut &*shared);
    let history = history::query("customer", customer_id).load::<HistoryEntry>(&mut &*shared);
    let (fresh, customer, orders, history) =
        futures_util::try_join!(fresh, customer, orders, history)?;
    Ok(CustomerDetail {
        customer: customer.into_iter().next(),
        orders: orders::split_page(&filter, orders).0,
        history,
        freshness: freshness::decode(VIEWS, fresh).0,
    })
}

/// Customers whose name or email contains `text`, for the order form.
pub async fn search(
    conn: &mut AsyncPgConnection,
    text: &str,
    limit: i64,
) -> Result<Vec<CustomerRow>, diesel::result::Error> {
    cs::table
        .select(COLUMNS)
        .filter(cs::search_text.like(contains_pattern(text)))
        .order((cs::name.asc(), cs::customer_id.asc()))
        .limit(limit.clamp(1, 50))
        .load(conn)
        .await
}
