//! `orderdesk verify`: recompute each read model's figures from the write
//! tables, independently of the view's own SQL, and compare.
//!
//! Run it after a refresh on a quiet database: a write committed after the
//! refresh would show as drift until the next refresh.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// One comparison: rows the write tables say should exist (`expected`) and
/// the rows the view has (`actual`), both as SQL with the same columns.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: &'static str,
    pub expected: String,
    pub actual: String,
}

/// A check's result: the differing rows (as JSON), at most a few per side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub name: &'static str,
    /// Total number of rows that differ (both sides).
    pub differences: i64,
    /// `("missing" | "unexpected", row as JSON)`: expected but not in the
    /// view, or in the view but not expected.
    pub samples: Vec<(String, String)>,
}

impl CheckResult {
    pub fn ok(&self) -> bool {
        self.differences == 0
    }
}

const NOT_CANCELLED: &str = "o.status <> 'cancelled'";

/// The checks for every read model, plus the stock ledger of the write model.
pub fn checks() -> Vec<Check> {
    let order_totals = "SELECT order_id, sum(quantity)::bigint AS units, \
                        sum(quantity::bigint * unit_price_cents)::bigint AS total FROM order_lines GROUP BY order_id";
    vec![
        Check {
            name: "order_summaries",
            expected: format!(
                "SELECT o.id, o.customer_id, c.name, c.email, o.status, coalesce(t.units, 0), coalesce(t.total, 0), o.placed_at \
                 FROM orders o JOIN customers c ON c.id = o.customer_id LEFT JOIN ({order_totals}) t ON t.order_id = o.id"
            ),
            actual: "SELECT id, customer_id, customer_name, customer_email, status, item_count, \
                     (SELECT coalesce(sum((l->>'line_total_cents')::bigint), 0) FROM jsonb_array_elements(lines) l), placed_at \
                     FROM read.order_summaries"
                .into(),
        },
        Check {
            name: "order_status_counts",
            expected: "SELECT status, count(*)::bigint FROM orders GROUP BY status".into(),
            actual: "SELECT status, orders FROM read.order_status_counts WHERE orders > 0".into(),
        },
        Check {
            name: "daily_sales",
            expected: format!(
                "SELECT (o.placed_at AT TIME ZONE 'UTC')::date, \
                        count(*) FILTER (WHERE {NOT_CANCELLED})::bigint, \
                        coalesce(sum(t.total) FILTER (WHERE {NOT_CANCELLED}), 0)::bigint, \
                        coalesce(sum(t.units) FILTER (WHERE {NOT_CANCELLED}), 0)::bigint, \
                        count(*) FILTER (WHERE o.status = 'cancelled')::bigint \
                 FROM orders o JOIN ({order_totals}) t ON t.order_id = o.id GROUP BY 1"
            ),
            actual: "SELECT day, orders, revenue_cents, units, cancellations FROM read.daily_sales".into(),
        },
        Check {
            name: "product_sales_daily",
            expected: format!(
                "SELECT ol.product_id, (o.placed_at AT TIME ZONE 'UTC')::date, sum(ol.quantity)::bigint, \
                        sum(ol.quantity::bigint * ol.unit_price_cents)::bigint \
                 FROM orders o JOIN order_lines ol ON ol.order_id = o.id WHERE {NOT_CANCELLED} GROUP BY 1, 2"
            ),
            actual: "SELECT product_id, day, units, revenue_cents FROM read.product_sales_daily".into(),
        },
        Check {
            name: "inventory_status",
            expected: format!(
                "SELECT p.id, p.sku, p.price_cents, p.active, i.on_hand, i.reserved, i.on_hand - i.reserved, \
                        (SELECT coalesce(sum(ol.quantity), 0)::bigint FROM order_lines ol JOIN orders o ON o.id = ol.order_id \
                          WHERE ol.product_id = p.id AND {NOT_CANCELLED}) \
                 FROM products p JOIN inventory i ON i.product_id = p.id"
            ),
            actual: "SELECT product_id, sku, price_cents, active, on_hand, reserved, available, units_sold FROM read.inventory_status"
                .into(),
        },
        Check {
            name: "customer_stats",
            expected: format!(
                "SELECT c.id, c.email, count(o.id) FILTER (WHERE {NOT_CANCELLED})::bigint, \
                        coalesce(sum(t.total) FILTER (WHERE {NOT_CANCELLED}), 0)::bigint \
                 FROM customers c LEFT JOIN orders o ON o.customer_id = c.id LEFT JOIN ({order_totals}) t ON t.order_id = o.id \
                 GROUP BY c.id, c.email"
            ),
            actual: "SELECT customer_id, email, order_count, lifetime_value_cents FROM read.customer_stats".into(),
        },
        Check {
            // The write model against its own ledger: on_hand is the sum of
            // receipts, adjustments and shipments; reserved of reservations,
            // releases and shipments.
            name: "stock_ledger",
            expected: "SELECT i.product_id, i.on_hand::bigint, i.reserved::bigint FROM inventory i".into(),
            actual: "SELECT p.id, \
                       coalesce(sum(m.quantity) FILTER (WHERE m.kind IN ('receipt', 'adjustment', 'shipment')), 0)::bigint, \
                       coalesce(sum(m.quantity) FILTER (WHERE m.kind IN ('reservation', 'release', 'shipment')), 0)::bigint \
                     FROM products p LEFT JOIN stock_movements m ON m.product_id = p.id GROUP BY p.id"
                .into(),
        },
    ]
}

#[derive(QueryableByName)]
struct Diff {
    #[diesel(sql_type = Text)]
    side: String,
    #[diesel(sql_type = Text)]
    content: String,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// Runs the checks in one REPEATABLE READ, read-only transaction, so all of
/// them see the same state.
pub async fn verify(
    conn: &mut AsyncPgConnection,
    checks: &[Check],
) -> Result<Vec<CheckResult>, diesel::result::Error> {
    conn.build_transaction()
        .repeatable_read()
        .read_only()
        .run(async |conn| {
            let mut results = Vec::with_capacity(checks.len());
            for check in checks {
                results.push(run_check(conn, check).await?);
            }
            Ok(results)
        })
        .await
}

async fn run_check(
    conn: &mut AsyncPgConnection,
    check: &Check,
) -> Result<CheckResult, diesel::result::Error> {
    let sql = format!(
        "WITH expected AS ({e}), actual AS ({a}),
              missing AS (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual),
              unexpected AS (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected),
              total AS (SELECT (SELECT count(*) FROM missing) + (SELECT count(*) FROM unexpected) AS n)
         (SELECT 'missing' AS side, row_to_json(m)::text AS content, (SELECT n FROM total) AS total FROM missing m LIMIT 5)
         UNION ALL
         (SELECT 'unexpected', row_to_json(u)::text, (SELECT n FROM total) FROM unexpected u LIMIT 5)",
        e = check.expected,
        a = check.actual
    );
    let rows: Vec<Diff> = diesel::sql_query(sql).load(conn).await?;
    Ok(CheckResult {
        name: check.name,
        differences: <[Diff]>::first(&rows).map_or(0, |r| r.total),
        samples: rows.into_iter().map(|r| (r.side, r.content)).collect(),
    })
}
