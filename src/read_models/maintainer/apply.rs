//! One batch's work inside its transaction: new events → keys → the rows of
//! those keys recomputed from the definitions, and the additive models moved
//! by the signed difference of the order rows that changed.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::Prepare;
use crate::db::read_schema::{daily_sales as ds, product_sales_30d as ps30};
use crate::read_models::ReadModelName;

type Result<T> = std::result::Result<T, diesel::result::Error>;

/// What one batch found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Events committed since the stored snapshot.
    pub events: i64,
    pub orders: i64,
    pub customers: i64,
    pub products: i64,
    /// Queue entries left for the next batch.
    pub carried: i64,
    /// Whether the shop's day changed, moving the rolling windows.
    pub day_changed: bool,
    /// Rows written or removed per live model, in catalog order.
    pub rows_changed: Vec<(ReadModelName, i64)>,
}

impl Applied {
    pub fn total_rows_changed(&self) -> i64 {
        self.rows_changed.iter().map(|(_, n)| n).sum()
    }

    /// Whether the batch found anything to do.
    pub fn did_work(&self) -> bool {
        self.events > 0 || self.orders + self.customers + self.products > 0 || self.day_changed
    }

    /// Adds another batch's figures to these (for a catch-up of several batches).
    pub fn absorb(&mut self, other: &Applied) {
        self.events += other.events;
        self.orders += other.orders;
        self.customers += other.customers;
        self.products += other.products;
        self.carried = other.carried;
        self.day_changed |= other.day_changed;
        for (name, n) in &other.rows_changed {
            match self.rows_changed.iter_mut().find(|(m, _)| m == name) {
                Some((_, total)) => *total += n,
                None => self.rows_changed.push((*name, *n)),
            }
        }
    }
}

#[derive(QueryableByName)]
struct Enqueued {
    #[diesel(sql_type = BigInt)]
    events: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Taken {
    #[diesel(sql_type = Array<BigInt>)]
    orders: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    customers: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    products: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    tax_rates: Vec<i64>,
    #[diesel(sql_type = Bool)]
    shop: bool,
}

#[derive(QueryableByName)]
struct Related {
    #[diesel(sql_type = Array<BigInt>)]
    customers: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    products: Vec<i64>,
}

#[derive(QueryableByName)]
struct ShopDay {
    #[diesel(sql_type = Date)]
    today: chrono::NaiveDate,
    #[diesel(sql_type = diesel::sql_types::Nullable<Date>)]
    stored: Option<chrono::NaiveDate>,
}

#[derive(QueryableByName)]
struct ProductRow {
    #[diesel(sql_type = BigInt)]
    product_id: i64,
    #[diesel(sql_type = Bool)]
    empty: bool,
}

#[derive(QueryableByName)]
struct DayRow {
    #[diesel(sql_type = Date)]
    day: chrono::NaiveDate,
    #[diesel(sql_type = Bool)]
    empty: bool,
}

#[derive(QueryableByName)]
struct ProductDayRow {
    #[diesel(sql_type = BigInt)]
    product_id: i64,
    #[diesel(sql_type = Date)]
    day: chrono::NaiveDate,
    #[diesel(sql_type = Bool)]
    empty: bool,
}

/// Applies the events committed since `stored` (a `pg_snapshot` as text),
/// recomputing at most `max_keys` queued keys. Runs inside the batch's
/// REPEATABLE READ transaction, under the maintainer's lock.
pub async fn apply(conn: &mut AsyncPgConnection, stored: &str, max_keys: i64) -> Result<Applied> {
    // The shop's day first: when it has moved on, the 30-day window is moved
    // from product_sales_daily as it stands, before this batch adds to both.
    let day: ShopDay = diesel::sql_query(include_str!("sql/shop_day.sql"))
        .prepared()
        .get_result(conn)
        .await?;
    let today = day.today;
    let day_changed = day.stored != Some(today);
    let rewindowed = if day_changed {
        diesel::sql_query(include_str!("sql/rewindow.sql"))
            .bind::<Date, _>(today)
            .prepared()
            .get_result::<Count>(conn)
            .await?
            .n
    } else {
        0
    };
    let enqueued: Enqueued = diesel::sql_query(include_str!("sql/enqueue_events.sql"))
        .bind::<Text, _>(stored)
        .prepared()
        .get_result(conn)
        .await?;
    diesel::sql_query(include_str!("sql/fan_out.sql"))
        .prepared()
        .execute(conn)
        .await?;
    let taken: Taken = diesel::sql_query(include_str!("sql/take_keys.sql"))
        .bind::<BigInt, _>(max_keys.max(1))
        .prepared()
        .get_result(conn)
        .await?;
    let carried: Count = diesel::sql_query("SELECT count(*) AS n FROM read_model_queue")
        .prepared()
        .get_result(conn)
        .await?;
    let mut applied = Applied {
        events: enqueued.events,
        carried: carried.n,
        day_changed,
        ..Applied::default()
    };
    let (rates, shop) = shop_records(conn, &taken).await?;
    if taken.orders.is_empty() && taken.customers.is_empty() && taken.products.is_empty() {
        // A new day moves the windows; the settings move "to ship" (ship on account).
        if day_changed || shop > 0 {
            let dashboard = dashboard(conn, today).await?;
            applied.rows_changed = vec![
                (ReadModelName::ProductSales30d, rewindowed),
                (ReadModelName::Dashboard, dashboard),
            ];
        }
        if rates + shop > 0 {
            applied.rows_changed.push((ReadModelName::TaxRates, rates));
            applied
                .rows_changed
                .push((ReadModelName::ShopSettings, shop));
        }
        return Ok(applied);
    }
    let related: Related = diesel::sql_query(include_str!("sql/related_keys.sql"))
        .bind::<Array<BigInt>, _>(&taken.orders)
        .prepared()
        .get_result(conn)
        .await?;
    let products = union(taken.products.clone(), related.products);
    applied.orders = len(&taken.orders);
    applied.customers = len(&union(taken.customers.clone(), related.customers));
    applied.products = len(&products);

    let orders = replace(conn, ORDER_SUMMARIES, &taken.orders).await?;
    // Base columns first: a product new in this batch needs its row before
    // its first sales are added to it.
    let inventory = replace(conn, INVENTORY_STATUS, &products).await?;
    // Details of registered or renamed customers; then their order figures
    // by delta; customers who lost a counted order recomputed whole.
    let customers =
        replace(conn, CUSTOMER_DETAILS, &taken.customers).await? + customer_deltas(conn).await?;
    let (ledger, notes, documents) = records(conn, &taken).await?;
    let status_counts = count(conn, include_str!("sql/status_counts.sql")).await?;
    let daily = daily_sales(conn).await?;
    let product_daily = product_sales_daily(conn).await?;
    let sales_totals = count(conn, include_str!("sql/sales_totals.sql")).await?;
    let window = rewindowed + product_sales_30d(conn, today).await?;
    diesel::sql_query("DELETE FROM read_model_changes")
        .prepared()
        .execute(conn)
        .await?;
    // Last: the page-shaped model, from the others as this batch left them.
    let dashboard = dashboard(conn, today).await?;
    applied.rows_changed = vec![
        (ReadModelName::OrderSummaries, orders),
        (ReadModelName::OrderStatusCounts, status_counts),
        (ReadModelName::DailySales, daily),
        (ReadModelName::ProductSalesDaily, product_daily),
        (ReadModelName::InventoryStatus, inventory + sales_totals),
        (ReadModelName::CustomerStats, customers),
        (ReadModelName::StockLedger, ledger),
        (ReadModelName::TaxRates, rates),
        (ReadModelName::ShopSettings, shop),
        (ReadModelName::Notes, notes),
        (ReadModelName::OrderDocuments, documents),
        (ReadModelName::ProductSales30d, window),
        (ReadModelName::Dashboard, dashboard),
    ];
    Ok(applied)
}

/// The shop's own records, small and on no other model: the rates taken and,
/// when its key was taken, the settings row. Rows written or removed of each.
async fn shop_records(conn: &mut AsyncPgConnection, taken: &Taken) -> Result<(i64, i64)> {
    let rates = replace(conn, TAX_RATES, &taken.tax_rates).await?;
    let shop = if taken.shop {
        count(conn, include_str!("sql/shop_settings.sql")).await?
    } else {
        0
    };
    Ok((rates, shop))
}

/// A keyed live model's rows recomputed for a batch: the table, its key, the
/// SQL that yields the fresh rows of the keys `$1`, and whether the replaced
/// and written rows are captured for the additive models.
struct Keyed {
    table: ReadModelName,
    key: &'static str,
    fresh: &'static str,
    capture: bool,
}

const ORDER_SUMMARIES: Keyed = Keyed {
    table: ReadModelName::OrderSummaries,
    key: "id",
    fresh: include_str!("sql/order_summaries.sql"),
    capture: true,
};
const INVENTORY_STATUS: Keyed = Keyed {
    table: ReadModelName::InventoryStatus,
    key: "product_id",
    fresh: include_str!("sql/inventory_status.sql"),
    capture: false,
};
const CUSTOMER_DETAILS: Keyed = Keyed {
    table: ReadModelName::CustomerStats,
    key: "customer_id",
    fresh: include_str!("sql/customer_details.sql"),
    capture: false,
};
const TAX_RATES: Keyed = Keyed {
    table: ReadModelName::TaxRates,
    key: "id",
    fresh: "SELECT * FROM read_def.tax_rates($1)",
    capture: false,
};
/// Several rows per order: the key is the order, each row compared whole.
const ORDER_DOCUMENTS: Keyed = Keyed {
    table: ReadModelName::OrderDocuments,
    key: "order_id",
    fresh: "SELECT * FROM read_def.order_documents($1)",
    capture: false,
};
const CUSTOMER_STATS: Keyed = Keyed {
    table: ReadModelName::CustomerStats,
    key: "customer_id",
    fresh: include_str!("sql/customer_stats.sql"),
    capture: false,
};

/// Replaces the rows of `keys` with the fresh ones, touching only rows that
/// differ (compared by key first, then as whole rows); with `capture`, each
/// replaced row (-1) and its replacement (+1) go to read_model_changes, the
/// source of the additive models' deltas. Returns the rows removed + written.
async fn replace(conn: &mut AsyncPgConnection, model: Keyed, keys: &[i64]) -> Result<i64> {
    if keys.is_empty() {
        return Ok(0);
    }
    let Keyed {
        table,
        key,
        fresh,
        capture,
    } = model;
    let capture = if capture {
        ", captured AS (
             INSERT INTO read_model_changes
                 (sign, id, customer_id, fulfilment_status, placed_at, line_count, item_count,
                  total_cents, lines, net_sales_cents, balance_due_cents, net_paid_cents)
             SELECT -1, id, customer_id, fulfilment_status, placed_at, line_count, item_count,
                    total_cents, lines, net_sales_cents, balance_due_cents,
                    paid_cents - refunded_cents FROM gone
             UNION ALL
             SELECT 1, id, customer_id, fulfilment_status, placed_at, line_count, item_count,
                    total_cents, lines, net_sales_cents, balance_due_cents,
                    paid_cents - refunded_cents FROM added)"
    } else {
        ""
    };
    let sql = format!(
        "WITH fresh AS MATERIALIZED ({fresh}
         ), gone AS (
             DELETE FROM read.{table} t
             WHERE t.{key} = ANY ($1)
               AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.{key} = t.{key} AND ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
             RETURNING t.*
         ), added AS (
             INSERT INTO read.{table}
             SELECT f.* FROM fresh f
             WHERE NOT EXISTS (SELECT 1 FROM read.{table} t WHERE t.{key} = f.{key} AND ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
             RETURNING *
         ){capture}
         SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM added) AS n"
    );
    let c: Count = diesel::sql_query(sql)
        .bind::<Array<BigInt>, _>(keys)
        .prepared()
        .get_result(conn)
        .await?;
    Ok(c.n)
}

/// The stock ledger's rows of `orders`' movements and of `products`'
/// movements without an order, replaced where they differ from the definition.
async fn stock_ledger(
    conn: &mut AsyncPgConnection,
    orders: &[i64],
    products: &[i64],
) -> Result<i64> {
    if orders.is_empty() && products.is_empty() {
        return Ok(0);
    }
    let c: Count = diesel::sql_query(include_str!("sql/stock_ledger.sql"))
        .bind::<Array<BigInt>, _>(orders)
        .bind::<Array<BigInt>, _>(products)
        .prepared()
        .get_result(conn)
        .await?;
    Ok(c.n)
}

/// The keyed lists of the records taken: the stock ledger, the notes, the
/// order documents. Rows written or removed of each.
async fn records(conn: &mut AsyncPgConnection, taken: &Taken) -> Result<(i64, i64, i64)> {
    // The movements of the orders taken, and the taken products' own (receipts,
    // adjustments): not the products of those orders, whose ledgers did not move.
    let ledger = stock_ledger(conn, &taken.orders, &taken.products).await?;
    // The notes of the orders and customers taken (their note events are theirs).
    let notes = notes(conn, &taken.orders, &taken.customers).await?;
    // The invoices and credit notes of the orders taken.
    let documents = replace(conn, ORDER_DOCUMENTS, &taken.orders).await?;
    Ok((ledger, notes, documents))
}

/// The notes of `orders` and `customers`, replaced where they differ from
/// the definition (a removed note's row removed).
async fn notes(conn: &mut AsyncPgConnection, orders: &[i64], customers: &[i64]) -> Result<i64> {
    if orders.is_empty() && customers.is_empty() {
        return Ok(0);
    }
    let c: Count = diesel::sql_query(include_str!("sql/notes.sql"))
        .bind::<Array<BigInt>, _>(orders)
        .bind::<Array<BigInt>, _>(customers)
        .prepared()
        .get_result(conn)
        .await?;
    Ok(c.n)
}

async fn count(conn: &mut AsyncPgConnection, sql: &str) -> Result<i64> {
    let c: Count = diesel::sql_query(sql).prepared().get_result(conn).await?;
    Ok(c.n)
}

#[derive(QueryableByName)]
struct CustomerDeltas {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Array<BigInt>)]
    recompute: Vec<i64>,
}

async fn customer_deltas(conn: &mut AsyncPgConnection) -> Result<i64> {
    let deltas: CustomerDeltas = diesel::sql_query(include_str!("sql/customer_deltas.sql"))
        .prepared()
        .get_result(conn)
        .await?;
    let recomputed = replace(conn, CUSTOMER_STATS, &deltas.recompute).await?;
    Ok(deltas.n + recomputed)
}

async fn daily_sales(conn: &mut AsyncPgConnection) -> Result<i64> {
    let rows: Vec<DayRow> = diesel::sql_query(include_str!("sql/daily_sales.sql"))
        .prepared()
        .load(conn)
        .await?;
    let empty: Vec<_> = rows.iter().filter(|r| r.empty).map(|r| r.day).collect();
    if !empty.is_empty() {
        diesel::delete(
            ds::table
                .filter(ds::day.eq_any(&empty))
                .filter(ds::orders.eq(0))
                .filter(ds::cancellations.eq(0)),
        )
        .execute(conn)
        .await?;
    }
    Ok(len(&rows))
}

async fn product_sales_daily(conn: &mut AsyncPgConnection) -> Result<i64> {
    let rows: Vec<ProductDayRow> = diesel::sql_query(include_str!("sql/product_sales_daily.sql"))
        .prepared()
        .load(conn)
        .await?;
    let (products, days): (Vec<i64>, Vec<chrono::NaiveDate>) = rows
        .iter()
        .filter(|r| r.empty)
        .map(|r| (r.product_id, r.day))
        .unzip();
    if !products.is_empty() {
        diesel::sql_query(include_str!("sql/drop_empty_product_days.sql"))
            .bind::<Array<BigInt>, _>(&products)
            .bind::<Array<Date>, _>(&days)
            .prepared()
            .execute(conn)
            .await?;
    }
    Ok(len(&rows))
}

/// The 30-day window moved by the batch's lines of the window's days.
async fn product_sales_30d(conn: &mut AsyncPgConnection, today: chrono::NaiveDate) -> Result<i64> {
    let rows: Vec<ProductRow> = diesel::sql_query(include_str!("sql/product_sales_30d.sql"))
        .bind::<Date, _>(today)
        .prepared()
        .load(conn)
        .await?;
    let empty: Vec<i64> = rows
        .iter()
        .filter(|r| r.empty)
        .map(|r| r.product_id)
        .collect();
    if !empty.is_empty() {
        diesel::delete(
            ps30::table
                .filter(ps30::product_id.eq_any(&empty))
                .filter(ps30::units.eq(0))
                .filter(ps30::revenue_cents.eq(0)),
        )
        .execute(conn)
        .await?;
    }
    Ok(len(&rows))
}

/// The dashboard's row for the shop day `today`, replaced if it differs.
async fn dashboard(conn: &mut AsyncPgConnection, today: chrono::NaiveDate) -> Result<i64> {
    let c: Count = diesel::sql_query(include_str!("sql/dashboard.sql"))
        .bind::<Date, _>(today)
        .prepared()
        .get_result(conn)
        .await?;
    Ok(c.n)
}

fn union(mut a: Vec<i64>, b: Vec<i64>) -> Vec<i64> {
    a.extend(b);
    a.sort_unstable();
    a.dedup();
    a
}

fn len<T>(v: &[T]) -> i64 {
    i64::try_from(v.len()).unwrap_or(i64::MAX)
}
