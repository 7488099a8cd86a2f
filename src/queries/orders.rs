//! The orders list: filters, sorts and keyset pagination over `read.order_summaries`.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{Freshness, contains_pattern, freshness};
use crate::db::read_schema::order_summaries as os;
use crate::domain::{OrderStatus, shop_day};

/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: i64 = 200;

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
    pub status: Option<OrderStatus>,
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
#[derive(Debug, Clone, Queryable, serde::Deserialize)]
pub struct OrderRow {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_email: String,
    pub status: String,
    pub item_count: i64,
    pub total_cents: i64,
    pub placed_at: DateTime<Utc>,
}

/// A page of orders and where the next one starts.
#[derive(Debug, Clone)]
pub struct OrderPage {
    pub rows: Vec<OrderRow>,
    pub next: Option<Cursor>,
    pub freshness: Freshness,
    /// When the rows' model last changed (for the page's ETag).
    pub changed_at: Option<DateTime<Utc>>,
}

type Columns = (
    os::id,
    os::customer_id,
    os::customer_name,
    os::customer_email,
    os::status,
    os::item_count,
    os::total_cents,
    os::placed_at,
);

pub(crate) const COLUMNS: Columns = (
    os::id,
    os::customer_id,
    os::customer_name,
    os::customer_email,
    os::status,
    os::item_count,
    os::total_cents,
    os::placed_at,
);

/// One page of the filtered list. Keyset pagination: the page after `after`
/// is found through the sort's index, so rows inserted meanwhile are neither
/// skipped nor repeated, and deep pages cost what the first one does.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &OrderFilter,
) -> Result<OrderPage, diesel::result::Error> {
    const VIEWS: &[&str] = &["order_summaries"];
    // One round trip: the freshness, then the page, pipelined (futures on a
    // shared connection are sent at once; the server runs them in order).
    let shared: &AsyncPgConnection = conn;
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let page = page_query(filter).load::<OrderRow>(&mut &*shared);
    let (fresh, rows) = futures_util::try_join!(fresh, page)?;
    let (mut fresh, changed_at) = freshness::decode(VIEWS, fresh);
    let (rows, next) = split_page(filter, rows);
    Ok(OrderPage {
        rows,
        next,
        freshness: fresh.remove(0),
        changed_at,
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

type PageQuery = os::BoxedQuery<'static, diesel::pg::Pg, <Columns as Expression>::SqlType>;

/// The query for one page, one row more than the page holds (to know whether
/// there is a next page).
pub(super) fn page_query(filter: &OrderFilter) -> PageQuery {
    let limit = filter.page_size.clamp(1, MAX_PAGE_SIZE);
    let mut q = os::table.select(COLUMNS).into_boxed();
    if let Some(status) = filter.status {
        q = q.filter(os::status.eq(status.as_str()));
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
    q = match (filter.sort, filter.after) {
        (OrderSort::Newest, Some(Cursor::Placed(at, id))) => {
            q.filter(keyset("(placed_at, id) <", at, id))
        }
        (OrderSort::Oldest, Some(Cursor::Placed(at, id))) => {
            q.filter(keyset("(placed_at, id) >", at, id))
        }
        (OrderSort::TotalDesc, Some(Cursor::Total(t, id))) => {
            q.filter(total_keyset("(total_cents, id) <", t, id))
        }
        (OrderSort::TotalAsc, Some(Cursor::Total(t, id))) => {
            q.filter(total_keyset("(total_cents, id) >", t, id))
        }
        _ => q,
    };
    q = match filter.sort {
        OrderSort::Newest => q.order((os::placed_at.desc(), os::id.desc())),
        OrderSort::Oldest => q.order((os::placed_at.asc(), os::id.asc())),
        OrderSort::TotalDesc => q.order((os::total_cents.desc(), os::id.desc())),
        OrderSort::TotalAsc => q.order((os::total_cents.asc(), os::id.asc())),
    };
    q.limit(limit + 1)
}

/// The page's rows and the cursor of the next page.
pub(super) fn split_page(
    filter: &OrderFilter,
    mut rows: Vec<OrderRow>,
) -> (Vec<OrderRow>, Option<Cursor>) {
    let limit = filter.page_size.clamp(1, MAX_PAGE_SIZE);
    let next = if rows.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        rows.pop();
        rows.last().map(|r| match filter.sort {
            OrderSort::Newest | OrderSort::Oldest => Cursor::Placed(r.placed_at, r.id),
            OrderSort::TotalDesc | OrderSort::TotalAsc => Cursor::Total(r.total_cents, r.id),
        })
    } else {
        None
    };
    (rows, next)
}

fn keyset(
    op: &'static str,
    at: DateTime<Utc>,
    id: i64,
) -> diesel::expression::SqlLiteral<
    Bool,
    impl diesel::query_builder::QueryFragment<diesel::pg::Pg> + Send,
> {
    sql::<Bool>(op)
        .sql(" (")
        .bind::<Timestamptz, _>(at)
        .sql(", ")
        .bind::<BigInt, _>(id)
        .sql(")")
}

fn total_keyset(
    op: &'static str,
    total: i64,
    id: i64,
) -> diesel::expression::SqlLiteral<
    Bool,
    impl diesel::query_builder::QueryFragment<diesel::pg::Pg> + Send,
> {
    sql::<Bool>(op)
        .sql(" (")
        .bind::<BigInt, _>(total)
        .sql(", ")
        .bind::<BigInt, _>(id)
        .sql(")")
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
}
