//! The orders list: filters, sorts and keyset pagination over `read.order_summaries`.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::AsSelect;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::address::OrderAddress;
use super::keyset::{
    self,
    Direction::{Ascending, Descending},
};
use super::{Freshness, contains_pattern, freshness};
use crate::db::read_schema::order_summaries as os;
use crate::domain::{FulfilmentStatus, PaymentStatus, shop_day};
use crate::read_models::ReadModelName;

pub use super::keyset::MAX_PAGE_SIZE;

/// How the list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderSort {
    #[default]
    Newest,
    Oldest,
    TotalDesc,
    TotalAsc,
}

impl OrderSort {
    pub const ALL: [Self; 4] = [Self::Newest, Self::Oldest, Self::TotalDesc, Self::TotalAsc];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::TotalDesc => "total_desc",
            Self::TotalAsc => "total_asc",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// How a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Newest => "newest first",
            Self::Oldest => "oldest first",
            Self::TotalDesc => "largest total",
            Self::TotalAsc => "smallest total",
        }
    }
}

/// Where the next page starts: the last row of this page, in the sort's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    Placed(DateTime<Utc>, i64),
    Total(i64, i64),
}

impl Cursor {
    /// `p<micros>_<id>` or `t<cents>_<id>`: opaque to users, safe in a URL.
    pub fn encode(self) -> String {
        match self {
            Self::Placed(at, id) => format!("p{}_{id}", at.timestamp_micros()),
            Self::Total(cents, id) => format!("t{cents}_{id}"),
        }
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let (kind, rest) = raw.split_at_checked(1)?;
        let (key, id) = rest.split_once('_')?;
        let key: i64 = key.parse().ok()?;
        let id: i64 = id.parse().ok()?;
        match kind {
            "p" => Some(Self::Placed(DateTime::from_timestamp_micros(key)?, id)),
            "t" => Some(Self::Total(key, id)),
            _ => None,
        }
    }
}

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// The fulfilment state (`orders.fulfilment_status`).
    pub fulfilment_status: Option<FulfilmentStatus>,
    /// The payment state (`orders.payment_status`).
    pub payment_status: Option<PaymentStatus>,
    /// Only orders not cancelled with a balance due (the dashboard's "awaiting payment").
    pub balance_due: bool,
    /// Only orders with nothing due (paid or overpaid: the dashboard's "to ship").
    pub nothing_due: bool,
    /// Order number, customer name or email (substring, any case).
    pub search: Option<String>,
    pub placed_from: Option<NaiveDate>,
    /// Inclusive.
    pub placed_to: Option<NaiveDate>,
    pub customer_id: Option<i64>,
    /// The shop's time zone: `placed_from`/`placed_to` are its days.
    pub time_zone: chrono_tz::Tz,
    pub sort: OrderSort,
    pub after: Option<Cursor>,
    pub page_size: i64,
}

/// One row of the list.
#[derive(Debug, Clone, Queryable, Selectable, serde::Deserialize)]
#[diesel(table_name = os, check_for_backend(diesel::pg::Pg))]
pub struct OrderRow {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_email: String,
    pub fulfilment_status: FulfilmentStatus,
    pub payment_status: PaymentStatus,
    pub item_count: i64,
    pub total_cents: i64,
    pub placed_at: DateTime<Utc>,
    /// Free text of an order from before structured addresses (not in the
    /// dashboard's recent orders, which read rows from JSON).
    #[serde(default)]
    pub shipping_address: Option<String>,
    #[serde(default)]
    pub shipping: Option<serde_json::Value>,
    /// Net sales: after discounts, before tax and shipping.
    #[serde(default)]
    pub net_sales_cents: i64,
    #[serde(default)]
    pub tax_total_cents: i64,
    #[serde(default)]
    pub shipping_cents: i64,
    #[serde(default)]
    pub discount_total_cents: i64,
}

impl OrderRow {
    /// Where the order goes, as printed (the CSV export's column).
    pub fn ship_to(&self) -> Option<OrderAddress> {
        OrderAddress::from_columns(self.shipping_address.as_deref(), self.shipping.as_ref())
    }
}

/// A page of orders and where the next one starts.
#[derive(Debug, Clone)]
pub struct OrderPage {
    pub rows: Vec<OrderRow>,
    pub next: Option<Cursor>,
    pub freshness: Freshness,
}

/// One page of the filtered list. Keyset pagination: the page after `after`
/// is found through the sort's index, so rows inserted meanwhile are neither
/// skipped nor repeated, and deep pages cost what the first one does.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &OrderFilter,
) -> Result<OrderPage, diesel::result::Error> {
    const VIEWS: &[ReadModelName] = &[ReadModelName::OrderSummaries];
    // One round trip: the freshness, then the page, pipelined (futures on a
    // shared connection are sent at once; the server runs them in order).
    let shared: &AsyncPgConnection = conn;
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let page = page_query(filter).load::<OrderRow>(&mut &*shared);
    let (fresh, rows) = futures_util::try_join!(fresh, page)?;
    let mut fresh = freshness::decode(VIEWS, fresh);
    let (rows, next) = split_page(filter, rows);
    Ok(OrderPage {
        rows,
        next,
        freshness: fresh.remove(0),
    })
}

/// The rows of one page and the cursor of the next, without the freshness
/// look-up (for callers that read it once for many pages, or with other views).
pub async fn rows(
    conn: &mut AsyncPgConnection,
    filter: &OrderFilter,
) -> Result<(Vec<OrderRow>, Option<Cursor>), diesel::result::Error> {
    let rows = page_query(filter).load(conn).await?;
    Ok(split_page(filter, rows))
}

type PageQuery = os::BoxedQuery<'static, Pg, <AsSelect<OrderRow, Pg> as Expression>::SqlType>;

/// The query for one page, one row more than the page holds (to know whether
/// there is a next page).
pub(super) fn page_query(filter: &OrderFilter) -> PageQuery {
    let mut q = os::table.select(OrderRow::as_select()).into_boxed();
    if let Some(status) = filter.fulfilment_status {
        q = q.filter(os::fulfilment_status.eq(status));
    }
    if let Some(payment) = filter.payment_status {
        q = q.filter(os::payment_status.eq(payment));
    }
    if filter.balance_due {
        q = q.filter(
            os::balance_due_cents
                .gt(0)
                .and(os::fulfilment_status.ne(FulfilmentStatus::Cancelled)),
        );
    }
    if filter.nothing_due {
        q = q.filter(os::balance_due_cents.eq(0));
    }
    if let Some(customer_id) = filter.customer_id {
        q = q.filter(os::customer_id.eq(customer_id));
    }
    if let Some(text) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let by_text = os::search_text.like(contains_pattern(text));
        q = match text.trim_start_matches('#').parse::<i64>() {
            Ok(id) => q.filter(by_text.or(os::id.eq(id))),
            Err(_) => q.filter(by_text),
        };
    }
    if let Some(from) = filter.placed_from {
        q = q.filter(os::placed_at.ge(shop_day::start(filter.time_zone, from)));
    }
    if let Some(to) = filter.placed_to.and_then(|d| d.succ_opt()) {
        q = q.filter(os::placed_at.lt(shop_day::start(filter.time_zone, to)));
    }
    let placed = match filter.after {
        Some(Cursor::Placed(at, id)) => Some((at, id)),
        _ => None,
    };
    let total = match filter.after {
        Some(Cursor::Total(cents, id)) => Some((cents, id)),
        _ => None,
    };
    let by_placed = (os::placed_at, os::id);
    let by_total = (os::total_cents, os::id);
    let size = filter.page_size;
    match filter.sort {
        OrderSort::Newest => keyset::page(q, by_placed, Descending, placed, size),
        OrderSort::Oldest => keyset::page(q, by_placed, Ascending, placed, size),
        OrderSort::TotalDesc => keyset::page(q, by_total, Descending, total, size),
        OrderSort::TotalAsc => keyset::page(q, by_total, Ascending, total, size),
    }
}

/// The page's rows and the cursor of the next page.
pub(super) fn split_page(
    filter: &OrderFilter,
    rows: Vec<OrderRow>,
) -> (Vec<OrderRow>, Option<Cursor>) {
    keyset::split(rows, filter.page_size, |r| match filter.sort {
        OrderSort::Newest | OrderSort::Oldest => Cursor::Placed(r.placed_at, r.id),
        OrderSort::TotalDesc | OrderSort::TotalAsc => Cursor::Total(r.total_cents, r.id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let at = DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap();
        for c in [Cursor::Placed(at, 42), Cursor::Total(1999, 7)] {
            assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
        for bad in [
            "",
            "p",
            "x1_2",
            "p1",
            "p_2",
            "tabc_1",
            "p1_x",
            "p99999999999999999999_1",
        ] {
            assert_eq!(Cursor::decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_next_page_is_a_row_comparison_in_the_sorts_order() {
        let at = DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap();
        let filter = OrderFilter {
            after: Some(Cursor::Placed(at, 42)),
            page_size: 20,
            ..OrderFilter::default()
        };
        let sql = diesel::debug_query::<Pg, _>(&page_query(&filter)).to_string();
        let os = r#""read"."order_summaries""#;
        assert!(
            sql.ends_with(&format!(
                "WHERE (ROW({os}.\"placed_at\", {os}.\"id\") < ROW($1, $2)) \
                 ORDER BY {os}.\"placed_at\" DESC, {os}.\"id\" DESC LIMIT $3 \
                 -- binds: [2023-11-14T22:13:20.123456Z, 42, 21]"
            )),
            "{sql}"
        );
    }
}
