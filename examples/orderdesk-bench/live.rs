//! The dashboard and the first orders page computed from the write tables,
//! with the joins and aggregates a CRUD app without read models would run.

use chrono::{DateTime, Days, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Integer, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct Kpi {
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
    #[diesel(sql_type = BigInt)]
    pub revenue_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DayFigures {
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
    #[diesel(sql_type = BigInt)]
    pub revenue_cents: i64,
    #[diesel(sql_type = BigInt)]
    pub units: i64,
    #[diesel(sql_type = BigInt)]
    pub cancellations: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct StatusCount {
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct Top {
    #[diesel(sql_type = BigInt)]
    pub product_id: i64,
    #[diesel(sql_type = Text)]
    pub sku: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub units: i64,
    #[diesel(sql_type = BigInt)]
    pub revenue_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct StockAlert {
    #[diesel(sql_type = BigInt)]
    pub product_id: i64,
    #[diesel(sql_type = Text)]
    pub sku: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Integer)]
    pub available: i32,
    #[diesel(sql_type = Integer)]
    pub low_stock_threshold: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct Count {
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct Order {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub customer_id: i64,
    #[diesel(sql_type = Text)]
    pub customer_name: String,
    #[diesel(sql_type = Text)]
    pub customer_email: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub item_count: i64,
    #[diesel(sql_type = BigInt)]
    pub total_cents: i64,
    #[diesel(sql_type = Timestamptz)]
    pub placed_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub today: Kpi,
    pub last_7_days: Kpi,
    pub last_30_days: Kpi,
    pub status_counts: Vec<StatusCount>,
    pub daily: Vec<DayFigures>,
    pub top_products: Vec<Top>,
    pub low_stock: Vec<StockAlert>,
    pub low_stock_count: i64,
    pub recent_orders: Vec<Order>,
}

const KPI: &str =
    "SELECT count(*)::bigint AS orders, coalesce(sum(t.total), 0)::bigint AS revenue_cents
    FROM (SELECT o.id, sum(ol.quantity * ol.unit_price_cents) AS total
          FROM orders o JOIN order_lines ol ON ol.order_id = o.id
          WHERE o.fulfilment_status <> 'cancelled' AND o.placed_at >= $1 AND o.placed_at < $2
          GROUP BY o.id) t";

const DAILY: &str = "SELECT t.day,
           count(*) FILTER (WHERE t.status <> 'cancelled')::bigint AS orders,
           coalesce(sum(t.total) FILTER (WHERE t.status <> 'cancelled'), 0)::bigint AS revenue_cents,
           coalesce(sum(t.units) FILTER (WHERE t.status <> 'cancelled'), 0)::bigint AS units,
           count(*) FILTER (WHERE t.status = 'cancelled')::bigint AS cancellations
    FROM (SELECT o.id, o.fulfilment_status AS status, (o.placed_at AT TIME ZONE 'UTC')::date AS day,
                 sum(ol.quantity * ol.unit_price_cents) AS total, sum(ol.quantity) AS units
          FROM orders o JOIN order_lines ol ON ol.order_id = o.id
          WHERE o.placed_at >= $1 AND o.placed_at < $2
          GROUP BY o.id) t
    GROUP BY t.day ORDER BY t.day";

const STATUS: &str =
    "SELECT fulfilment_status AS status, count(*)::bigint AS orders FROM orders GROUP BY 1";

const TOP: &str = "SELECT p.id AS product_id, p.sku, p.name, sum(ol.quantity)::bigint AS units,
           sum(ol.quantity * ol.unit_price_cents)::bigint AS revenue_cents
    FROM order_lines ol
    JOIN orders o ON o.id = ol.order_id
    JOIN products p ON p.id = ol.product_id
    WHERE o.fulfilment_status <> 'cancelled' AND o.placed_at >= $1 AND o.placed_at < $2
    GROUP BY p.id
    ORDER BY revenue_cents DESC, p.id
    LIMIT 10";

const LOW: &str = "SELECT p.id AS product_id, p.sku, p.name, (i.on_hand - i.reserved) AS available,
           i.low_stock_threshold
    FROM products p JOIN inventory i ON i.product_id = p.id
    WHERE p.active AND i.on_hand - i.reserved <= i.low_stock_threshold
    ORDER BY available, p.id
    LIMIT 10";

const LOW_COUNT: &str = "SELECT count(*)::bigint AS n
    FROM products p JOIN inventory i ON i.product_id = p.id
    WHERE p.active AND i.on_hand - i.reserved <= i.low_stock_threshold";

/// The orders list a CRUD app would run: join, GROUP BY, sort, limit.
const ORDERS: &str =
    "SELECT o.id, o.customer_id, c.name AS customer_name, c.email AS customer_email,
           o.fulfilment_status AS status, coalesce(sum(ol.quantity), 0)::bigint AS item_count,
           coalesce(sum(ol.quantity * ol.unit_price_cents), 0)::bigint AS total_cents, o.placed_at
    FROM orders o
    JOIN customers c ON c.id = o.customer_id
    LEFT JOIN order_lines ol ON ol.order_id = o.id
    GROUP BY o.id, c.id
    ORDER BY o.placed_at DESC, o.id DESC
    LIMIT $1";

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

async fn kpi(
    conn: &mut AsyncPgConnection,
    from: NaiveDate,
    to_excl: NaiveDate,
) -> Result<Kpi, diesel::result::Error> {
    diesel::sql_query(KPI)
        .bind::<Timestamptz, _>(midnight(from))
        .bind::<Timestamptz, _>(midnight(to_excl))
        .get_result(conn)
        .await
}

/// The dashboard's figures for `today`, from the write tables.
pub async fn dashboard(
    conn: &mut AsyncPgConnection,
    today: NaiveDate,
) -> Result<Dashboard, diesel::result::Error> {
    let end = today.succ_opt().unwrap_or(today);
    let back = |n: u64| today.checked_sub_days(Days::new(n)).unwrap_or(today);
    let today_kpi = kpi(conn, today, end).await?;
    let last_7_days = kpi(conn, back(6), end).await?;
    let last_30_days = kpi(conn, back(29), end).await?;
    let status_counts = diesel::sql_query(STATUS).load(conn).await?;
    let daily = diesel::sql_query(DAILY)
        .bind::<Timestamptz, _>(midnight(back(29)))
        .bind::<Timestamptz, _>(midnight(end))
        .load(conn)
        .await?;
    let top_products = diesel::sql_query(TOP)
        .bind::<Timestamptz, _>(midnight(back(29)))
        .bind::<Timestamptz, _>(midnight(end))
        .load(conn)
        .await?;
    let low_stock = diesel::sql_query(LOW).load(conn).await?;
    let low_stock_count = diesel::sql_query(LOW_COUNT)
        .get_result::<Count>(conn)
        .await?
        .n;
    let recent_orders = orders(conn, 10).await?;
    Ok(Dashboard {
        today: today_kpi,
        last_7_days,
        last_30_days,
        status_counts,
        daily,
        top_products,
        low_stock,
        low_stock_count,
        recent_orders,
    })
}

/// The newest `limit` orders with customer and totals, from the write tables.
pub async fn orders(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> Result<Vec<Order>, diesel::result::Error> {
    diesel::sql_query(ORDERS)
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await
}
