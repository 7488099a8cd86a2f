//! `orderdesk seed`: deterministic, refuses a database with data, and leaves
//! the write model exactly as the commands would have.

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use orderdesk::domain::{Aggregate, Currency};
use orderdesk::queries::history::{self, HistoryEntry};
use orderdesk::seed::{self, Outcome, SeedOptions};
use rocket::http::Status;

use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;
use crate::support::pages_http::{get, staff_client};

fn small(seed: u64) -> SeedOptions {
    SeedOptions {
        customers: 60,
        products: 25,
        orders: 400,
        days: 60,
        seed,
        until: NaiveDate::from_ymd_opt(2026, 11, 1),
        quiet: true,
        ..SeedOptions::default()
    }
}

async fn seeded(options: &SeedOptions) -> TestApp {
    let app = TestApp::spawn().await;
    match seed::run(&app.db.url, options).await.unwrap() {
        Outcome::Seeded(summary) => assert!(summary.tables.iter().all(|t| t.rows > 0)),
        Outcome::Skipped => panic!("an empty database was not seeded"),
    }
    app
}

/// An md5 of the rows of the tables the seed fills, in id order.
async fn digest(app: &TestApp) -> String {
    #[derive(QueryableByName)]
    struct D {
        #[diesel(sql_type = Text)]
        d: String,
    }
    let sql = "SELECT md5(
        (SELECT string_agg(o::text, '|' ORDER BY o.id) FROM orders o) ||
        (SELECT string_agg(l::text, '|' ORDER BY l.id) FROM order_lines l) ||
        (SELECT string_agg(c::text, '|' ORDER BY c.id) FROM customers c) ||
        (SELECT string_agg(i::text, '|' ORDER BY i.product_id) FROM inventory i) ||
        (SELECT string_agg(p::text, '|' ORDER BY p.id) FROM payments p) ||
        (SELECT string_agg(concat_ws(',', m.product_id, m.kind, m.quantity, m.order_id, m.occurred_at), '|' ORDER BY m.id) FROM stock_movements m) ||
        (SELECT string_agg(concat_ws(',', e.aggregate_id, e.event_type, e.payload, e.occurred_at), '|' ORDER BY e.id) FROM events e) ||
        (SELECT coalesce(string_agg(x::text, '|' ORDER BY x.id), '') FROM order_edits x)
    ) AS d";
    diesel::sql_query(sql)
        .get_result::<D>(&mut *app.conn().await)
        .await
        .unwrap()
        .d
}

#[tokio::test]
async fn the_same_seed_gives_the_same_shop_and_another_seed_another() {
    let first = seeded(&small(7)).await;
    let again = seeded(&small(7)).await;
    let other = seeded(&small(8)).await;

    let (a, b, c) = (
        digest(&first).await,
        digest(&again).await,
        digest(&other).await,
    );

    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[tokio::test]
async fn a_database_with_data_is_refused_unless_forced_or_skipped() {
    let app = TestApp::spawn().await;
    app.customer("ada@example.com").await;

    let refused = seed::run(&app.db.url, &small(1)).await;
    let skipped = seed::run(
        &app.db.url,
        &SeedOptions {
            if_empty: true,
            ..small(1)
        },
    )
    .await;
    assert_eq!(app.scalar("SELECT count(*) FROM orders").await, 0);
    let forced = seed::run(
        &app.db.url,
        &SeedOptions {
            force: true,
            ..small(1)
        },
    )
    .await;

    assert!(matches!(refused, Err(seed::SeedError::HasData)));
    assert!(matches!(skipped, Ok(Outcome::Skipped)));
    assert!(matches!(forced, Ok(Outcome::Seeded(_))));
    assert_eq!(app.scalar("SELECT count(*) FROM orders").await, 400);
    assert_eq!(app.scalar("SELECT count(*) FROM customers").await, 61);
}

/// Each query counts rows that break an invariant: all must be 0.
const BROKEN: &[(&str, &str)] = &[
    (
        "reserved is the sum of unfulfilled lines",
        "SELECT count(*) FROM inventory i LEFT JOIN (SELECT l.product_id, sum(l.quantity) q
           FROM order_lines l JOIN orders o ON o.id = l.order_id
          WHERE o.fulfilment_status = 'unfulfilled' GROUP BY 1) r USING (product_id)
          WHERE i.reserved <> coalesce(r.q, 0)",
    ),
    (
        "on_hand is the sum of receipts, adjustments and shipments",
        "SELECT count(*) FROM inventory i LEFT JOIN (SELECT product_id, sum(quantity) q
           FROM stock_movements WHERE kind IN ('receipt', 'adjustment', 'shipment') GROUP BY 1) m
          USING (product_id) WHERE i.on_hand <> coalesce(m.q, 0) OR i.on_hand < i.reserved",
    ),
    (
        "reserved is the sum of reservations, releases and shipments",
        "SELECT count(*) FROM inventory i LEFT JOIN (SELECT product_id, sum(quantity) q
           FROM stock_movements WHERE kind IN ('reservation', 'release', 'shipment') GROUP BY 1) m
          USING (product_id) WHERE i.reserved <> coalesce(m.q, 0)",
    ),
    (
        "every line has a reservation at placed_at (an edited order's, with its edit's)",
        "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id
          WHERE NOT EXISTS (SELECT 1 FROM order_edits x WHERE x.order_id = o.id)
            AND NOT EXISTS (SELECT 1 FROM stock_movements m WHERE m.order_id = o.id
            AND m.product_id = l.product_id AND m.kind = 'reservation'
            AND m.quantity = l.quantity AND m.occurred_at = o.placed_at)",
    ),
    (
        "an edited order reserved its lines at placed_at and at its edit, and nothing else",
        "SELECT count(*) FROM orders o
           JOIN order_edits x ON x.order_id = o.id
           JOIN LATERAL (SELECT m.product_id, sum(m.quantity) AS q FROM stock_movements m
                          WHERE m.order_id = o.id AND m.kind IN ('reservation', 'release')
                            AND m.occurred_at IN (o.placed_at, x.created_at) GROUP BY 1) r ON true
           LEFT JOIN order_lines l ON l.order_id = o.id AND l.product_id = r.product_id
          WHERE r.q <> coalesce(l.quantity, 0)
             OR EXISTS (SELECT 1 FROM stock_movements m WHERE m.order_id = o.id
                  AND m.kind IN ('reservation', 'release')
                  AND m.occurred_at NOT IN (o.placed_at, x.created_at, o.cancelled_at))
             OR EXISTS (SELECT 1 FROM order_lines l2 WHERE l2.order_id = o.id
                  AND l2.product_id NOT IN (SELECT m.product_id FROM stock_movements m
                                            WHERE m.order_id = o.id AND m.kind = 'reservation'))",
    ),
    (
        "shipped lines have a shipment, cancelled ones a release, at that time",
        "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id
          WHERE o.fulfilment_status IN ('shipped', 'delivered', 'cancelled')
            AND NOT EXISTS (SELECT 1 FROM stock_movements m WHERE m.order_id = o.id
            AND m.product_id = l.product_id AND m.quantity = -l.quantity
            AND (m.kind, m.occurred_at) = (CASE WHEN o.fulfilment_status = 'cancelled' THEN 'release' ELSE 'shipment' END,
                                           coalesce(o.cancelled_at, o.shipped_at)))",
    ),
    (
        "unit prices are the product's price",
        "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id
          WHERE l.unit_price_cents <> p.price_cents",
    ),
    (
        "each step of each order has its event, with the payload the command writes",
        "SELECT count(*) FROM orders o WHERE
            (SELECT count(*) FROM events e WHERE e.aggregate_type = 'order' AND e.aggregate_id = o.id
               AND e.event_type NOT LIKE 'order_note_%'
               AND e.event_type NOT IN ('invoice_issued', 'credit_note_issued'))
              <> o.version + o.payments_version
         OR NOT EXISTS (SELECT 1 FROM events e WHERE e.aggregate_id = o.id AND e.event_type = 'order_placed'
              AND e.occurred_at = o.placed_at AND (e.payload->>'customer_id')::bigint = o.customer_id
              AND (EXISTS (SELECT 1 FROM order_edits x WHERE x.order_id = o.id) OR
                   jsonb_array_length(e.payload->'lines') = (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id)
                   AND (e.payload->>'total_cents')::bigint = o.grand_total_cents
                   AND (e.payload->'money'->>'tax_total_cents')::bigint = o.tax_total_cents))
         OR EXISTS (SELECT 1 FROM order_edits x WHERE x.order_id = o.id) AND NOT EXISTS (
              SELECT 1 FROM order_edits x JOIN events e ON e.id = x.event_id
                JOIN events p ON p.aggregate_type = 'order' AND p.aggregate_id = o.id
                             AND p.event_type = 'order_placed'
               WHERE x.order_id = o.id AND e.event_type = 'order_edited' AND e.aggregate_id = o.id
                 AND (e.payload->>'version')::int = x.version_after AND e.occurred_at = x.created_at
                 AND e.occurred_at > o.placed_at
                 AND e.occurred_at < least(o.paid_at, o.cancelled_at, 'infinity')
                 AND (e.payload->>'old_total_cents')::bigint = (p.payload->>'total_cents')::bigint
                 AND (e.payload->>'new_total_cents')::bigint = o.grand_total_cents
                 AND (e.payload->'money'->>'tax_total_cents')::bigint = o.tax_total_cents)
         OR o.fulfilment_status <> 'unfulfilled' AND NOT EXISTS (SELECT 1 FROM events e
              WHERE e.aggregate_id = o.id AND e.aggregate_type = 'order'
              AND e.event_type = 'order_' || o.fulfilment_status AND (e.payload->>'version')::int = o.version
              AND e.payload->>'status' = o.fulfilment_status)
         OR EXISTS (SELECT 1 FROM events e WHERE e.aggregate_id = o.id AND e.event_type = 'order_paid')",
    ),
    (
        "an order's stored money adds up: its lines, its tax per rate, its totals",
        "SELECT count(*) FROM orders o
         JOIN (SELECT order_id, sum(subtotal_cents) AS subtotal, sum(net_cents) AS net,
                      sum(tax_cents) AS tax, sum(total_cents) AS total
               FROM order_lines GROUP BY order_id) l ON l.order_id = o.id
         JOIN (SELECT order_id, sum(net_cents) AS net, sum(tax_cents) AS tax
               FROM order_taxes GROUP BY order_id) t ON t.order_id = o.id
         WHERE o.subtotal_cents <> l.subtotal OR o.net_total_cents <> l.net + o.shipping_net_cents
            OR o.tax_total_cents <> l.tax + o.shipping_tax_cents OR o.tax_total_cents <> t.tax
            OR o.net_total_cents <> t.net
            OR o.grand_total_cents <> l.total + o.shipping_net_cents + o.shipping_tax_cents",
    ),
    (
        "seeded orders are taxed: most lines at 20 %",
        "SELECT count(*) FROM (SELECT 1 WHERE (SELECT count(*) FROM order_lines WHERE tax_rate_ppm = 200000)
              * 2 < (SELECT count(*) FROM order_lines)
              OR (SELECT count(*) FROM orders WHERE tax_total_cents = 0) * 2 > (SELECT count(*) FROM orders)) x",
    ),
    (
        "each seeded note has its event, and each removal its own",
        "SELECT (SELECT count(*) FROM notes) + (SELECT count(*) FROM notes WHERE removed_at IS NOT NULL)
              - (SELECT count(*) FROM events WHERE event_type IN ('order_note_added', 'order_note_removed',
                 'customer_note_added', 'customer_note_removed'))",
    ),
    (
        "an order's paid and refunded are its entries' sums; a paid order paid its grand total",
        "SELECT count(*) FROM orders o WHERE
            o.paid_cents <> (SELECT coalesce(sum(amount_cents), 0) FROM payments p
                             WHERE p.order_id = o.id AND p.kind = 'payment')
         OR o.refunded_cents <> (SELECT coalesce(sum(amount_cents), 0) FROM payments p
                                 WHERE p.order_id = o.id AND p.kind = 'refund')
         OR o.payments_version <> (SELECT count(*) FROM payments p WHERE p.order_id = o.id)
         OR (o.fulfilment_status IN ('shipped', 'delivered') AND o.paid_cents <> o.grand_total_cents)
         OR (o.paid_at IS NOT NULL AND o.fulfilment_status = 'unfulfilled'
             AND o.payment_status <> 'paid')
         OR (o.fulfilment_status = 'cancelled' AND o.paid_cents <> o.refunded_cents)
         OR (o.paid_at IS NULL AND o.paid_cents >= o.grand_total_cents)",
    ),
    (
        "each payment has its event, at its time, naming it",
        "SELECT count(*) FROM payments p WHERE NOT EXISTS (SELECT 1 FROM events e
            WHERE e.aggregate_type = 'order' AND e.aggregate_id = p.order_id
              AND e.event_type = CASE p.kind WHEN 'refund' THEN 'payment_refunded' ELSE 'payment_recorded' END
              AND (e.payload->>'payment_id')::bigint = p.id
              AND (e.payload->>'amount_cents')::bigint = p.amount_cents
              AND e.occurred_at = p.recorded_at
              AND (e.payload->>'received_on')::date = p.received_on)
         OR p.recorded_at < (SELECT placed_at FROM orders o WHERE o.id = p.order_id)",
    ),
    (
        "three in four paid orders are invoiced, numbered without a gap, each with its event",
        "SELECT (SELECT count(*) FROM orders o WHERE o.paid_at IS NOT NULL AND o.id % 4 <> 0)
              - (SELECT count(*) FROM invoices WHERE kind = 'invoice')
          + (SELECT count(*) FROM (SELECT kind, series_year, max(sequence_number) AS n, count(*) AS c
                                   FROM invoices GROUP BY kind, series_year) s WHERE n <> c)
          + (SELECT count(*) FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM events e
              WHERE e.aggregate_type = 'order' AND e.aggregate_id = i.order_id
                AND e.event_type = CASE i.kind WHEN 'invoice' THEN 'invoice_issued'
                                               ELSE 'credit_note_issued' END
                AND e.payload->>'number' = i.number))
          + (SELECT count(*) FROM document_counters c WHERE c.last_number <> (SELECT max(sequence_number)
              FROM invoices i WHERE i.kind = c.series AND i.series_year = c.year))",
    ),
    (
        "an invoiced order cancelled after payment has its credit note; no other stands credited",
        "SELECT count(*) FROM invoices i JOIN orders o ON o.id = i.order_id
          WHERE i.kind = 'invoice' AND (o.fulfilment_status = 'cancelled') <> EXISTS (
              SELECT 1 FROM invoices c WHERE c.credits_invoice_id = i.id)",
    ),
    (
        "every order ships to one structured address, a copy of its customer's",
        "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_addresses a
            JOIN customer_addresses b ON b.customer_id = o.customer_id
             AND (b.name, b.company, b.line1, b.line2, b.city, b.region, b.postal_code,
                  b.country, b.phone)
               = (a.name, a.company, a.line1, a.line2, a.city, a.region, a.postal_code,
                  a.country, a.phone)
           WHERE a.order_id = o.id AND a.role = 'shipping' AND a.structured
             AND btrim(a.line1) <> '' AND btrim(a.city) <> '' AND a.country ~ '^[A-Z]{2}$')",
    ),
    (
        "an order bills to its customer's default billing address, said in its event, where that is not where it ships",
        "SELECT count(*) FROM orders o
           JOIN customers c ON c.id = o.customer_id
           JOIN customer_addresses d ON d.id = c.default_billing_address_id
           JOIN order_addresses s ON s.order_id = o.id AND s.role = 'shipping'
           LEFT JOIN order_addresses b ON b.order_id = o.id AND b.role = 'billing'
           JOIN events e ON e.aggregate_type = 'order' AND e.aggregate_id = o.id
                        AND e.event_type = 'order_placed'
          WHERE (b.order_id IS NOT NULL)
                  <> ((d.name, d.company, d.line1, d.line2, d.city, d.postal_code, d.country)
                      IS DISTINCT FROM (s.name, s.company, s.line1, s.line2, s.city, s.postal_code, s.country))
             OR (b.name, b.company, b.line1, b.line2, b.city, b.postal_code, b.country)
                  IS DISTINCT FROM (d.name, d.company, d.line1, d.line2, d.city, d.postal_code, d.country)
                AND b.order_id IS NOT NULL
             OR (b.order_id IS NOT NULL)
                  <> (coalesce(e.payload->'billing_address', 'null') <> 'null'::jsonb)
             OR b.order_id IS NOT NULL AND e.payload->'billing_address'->>'line1' IS DISTINCT FROM b.line1",
    ),
    (
        "each customer's default addresses are in their own book",
        "SELECT count(*) FROM customers c
          WHERE NOT EXISTS (SELECT 1 FROM customer_addresses b
                             WHERE b.id = c.default_shipping_address_id AND b.customer_id = c.id)
             OR NOT EXISTS (SELECT 1 FROM customer_addresses b
                             WHERE b.id = c.default_billing_address_id AND b.customer_id = c.id)",
    ),
    (
        "cancelled orders carry a reason",
        "SELECT count(*) FROM orders WHERE fulfilment_status = 'cancelled' AND cancellation_reason IS NULL",
    ),
    (
        "events are in business-time order",
        "SELECT count(*) FROM (SELECT occurred_at < lag(occurred_at) OVER (ORDER BY id) AS back
           FROM events) x WHERE back",
    ),
    (
        "customers and products have their creation events",
        "SELECT (SELECT count(*) FROM customers) + 2 * (SELECT count(*) FROM products)
              - (SELECT count(*) FROM events WHERE event_type IN
                 ('customer_registered', 'product_created', 'stock_received'))",
    ),
    (
        "orders come after their customer registered",
        "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id
          WHERE o.placed_at < c.created_at",
    ),
];

#[tokio::test]
async fn a_seeded_shop_holds_every_write_model_invariant() {
    let app = seeded(&small(3)).await;

    for (rule, sql) in BROKEN {
        assert_eq!(app.scalar(sql).await, 0, "{rule}");
    }
    let cancelled = app
        .scalar("SELECT count(*) FROM orders WHERE fulfilment_status = 'cancelled'")
        .await;
    assert!((4..=40).contains(&cancelled), "{cancelled} cancelled");
    assert!(
        app.scalar("SELECT count(*) FROM orders WHERE fulfilment_status = 'delivered'")
            .await
            > 300,
        "old orders are delivered"
    );
    // Money as a shop takes it: discounts and shipping charges; deposits then
    // the rest, by card and by bank transfer, placed orders with a deposit
    // only, cancelled ones refunded.
    for (what, sql) in [
        (
            "paid orders with a deposit and the rest",
            "SELECT count(*) FROM orders o WHERE o.payment_status = 'paid' AND o.payments_version >= 2",
        ),
        (
            "partly paid unfulfilled orders",
            "SELECT count(*) FROM orders WHERE fulfilment_status = 'unfulfilled' \
             AND payment_status = 'partly_paid'",
        ),
        (
            "orders with a line or order discount",
            "SELECT count(*) FROM orders WHERE discount_total_cents > 0",
        ),
        (
            "orders with a shipping charge",
            "SELECT count(*) FROM orders WHERE shipping_cents > 0",
        ),
        (
            "card payments",
            "SELECT count(*) FROM payments WHERE method = 'card'",
        ),
        (
            "bank transfers",
            "SELECT count(*) FROM payments WHERE method = 'bank_transfer'",
        ),
        (
            "refunds of cancelled orders",
            "SELECT count(*) FROM orders WHERE fulfilment_status = 'cancelled' \
             AND payment_status = 'refunded'",
        ),
    ] {
        assert!(app.scalar(sql).await > 0, "no {what}");
    }
}

#[tokio::test]
async fn commands_work_after_seeding_with_fresh_ids() {
    let app = seeded(&small(5)).await;
    let sku = {
        #[derive(QueryableByName)]
        struct S {
            #[diesel(sql_type = Text)]
            sku: String,
        }
        diesel::sql_query(
            "SELECT p.sku FROM products p JOIN inventory i ON i.product_id = p.id
              WHERE p.active AND i.on_hand - i.reserved > 0 ORDER BY p.id LIMIT 1",
        )
        .get_result::<S>(&mut *app.conn().await)
        .await
        .unwrap()
        .sku
    };

    let customer = app.customer("new@example.com").await;
    let product = app.product("NEW-1", "5.00", 3).await;
    let order = app
        .place(customer, &[(sku.as_str(), 1), ("NEW-1", 2)])
        .await
        .unwrap();

    assert_eq!(customer, 61);
    assert_eq!(product, 26);
    assert_eq!(order.id, 401);
    assert_eq!(app.stock(product).await, (3, 2));
}

#[tokio::test(flavor = "multi_thread")]
async fn after_seeding_and_catching_up_every_live_model_equals_its_definition() {
    let app = seeded(&small(7)).await;

    app.refresh().await;
    let models: Vec<_> = orderdesk::read_models::catalog::live().collect();
    let results = orderdesk::read_models::verify::verify(&mut *app.conn().await, &models, false)
        .await
        .unwrap();

    assert_eq!(results.len(), 13);
    for r in &results {
        assert!(r.ok(), "{} differs after seeding: {:?}", r.name, r.keys);
    }
    // The seeded shop's rates: Standard (the default), Reduced and Zero, each
    // on some products, shown on the product models.
    assert_eq!(
        app.scalar(
            "SELECT count(DISTINCT tax_rate_ppm) FROM read.inventory_status \
             WHERE tax_rate_ppm IN (200000, 50000, 0)"
        )
        .await,
        3
    );
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM read.shop_settings s JOIN read.tax_rates r \
             ON r.id = s.default_tax_rate_id WHERE r.name = 'Standard'"
        )
        .await,
        1
    );
    // The seeded ledger (receipts, reservations, shipments…) is on screen whole.
    let movements = app.scalar("SELECT count(*) FROM stock_movements").await;
    assert!(movements > 400, "{movements}");
    assert_eq!(
        app.scalar("SELECT count(*) FROM read.stock_ledger").await,
        movements
    );
    assert!(
        app.scalar("SELECT count(*) FROM read.order_summaries")
            .await
            >= 400
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn some_seeded_orders_were_edited_and_add_up_everywhere() {
    let app = seeded(&small(11)).await;

    // About one order in 33 without a deposit is edited: some raise or lower
    // a quantity, some add a product, some remove a line.
    let edited = app
        .scalar("SELECT count(DISTINCT order_id) FROM order_edits")
        .await;
    assert!((3..=40).contains(&edited), "{edited} edited orders");
    for (what, change) in [("changed lines", "changed"), ("added lines", "added")] {
        let n = app
            .scalar(&format!(
                "SELECT count(*) FROM events e, jsonb_array_elements(e.payload->'lines') l \
                 WHERE e.event_type = 'order_edited' AND l->>'change' = '{change}'"
            ))
            .await;
        assert!(n > 0, "no {what}");
    }
    // Their stored totals are the sums of their lines, as the edit left them.
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM orders o JOIN order_edits x ON x.order_id = o.id
             JOIN (SELECT order_id, sum(subtotal_cents) s, sum(total_cents) t, sum(tax_cents) tax
                   FROM order_lines GROUP BY 1) l ON l.order_id = o.id
             WHERE o.subtotal_cents <> l.s OR o.tax_total_cents <> l.tax + o.shipping_tax_cents
                OR o.grand_total_cents <> l.t + o.shipping_net_cents + o.shipping_tax_cents
                OR o.version <> x.version_after
                   + (o.shipped_at IS NOT NULL)::int + (o.delivered_at IS NOT NULL)::int
                   + (o.cancelled_at IS NOT NULL)::int"
        )
        .await,
        0
    );
    // Stock reserved is the sum of the lines still to ship, edited or not.
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM inventory i LEFT JOIN (SELECT l.product_id, sum(l.quantity) q
               FROM order_lines l JOIN orders o ON o.id = l.order_id
              WHERE o.fulfilment_status = 'unfulfilled' GROUP BY 1) r USING (product_id)
              WHERE i.reserved <> coalesce(r.q, 0)"
        )
        .await,
        0
    );
    // An edited order was paid (and invoiced) its edited total.
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM orders o JOIN order_edits x ON x.order_id = o.id
              WHERE o.paid_at IS NOT NULL AND o.fulfilment_status <> 'cancelled'
                AND (o.paid_cents <> o.grand_total_cents OR EXISTS (SELECT 1 FROM invoices i
                     WHERE i.order_id = o.id AND i.grand_total_cents <> o.grand_total_cents))"
        )
        .await,
        0
    );

    app.refresh().await;
    let models: Vec<_> = orderdesk::read_models::catalog::live().collect();
    let results = orderdesk::read_models::verify::verify(&mut *app.conn().await, &models, false)
        .await
        .unwrap();
    for r in &results {
        assert!(
            r.ok(),
            "{} differs after seeding edits: {:?}",
            r.name,
            r.keys
        );
    }
    // Each edit reads as a sentence with its lines and totals.
    let first = app.scalar("SELECT min(order_id) FROM order_edits").await;
    let entries = history::query(Aggregate::Order, first)
        .load::<HistoryEntry>(&mut *app.read_conn().await)
        .await
        .unwrap();
    let told: Vec<String> = history::in_words(entries)
        .into_iter()
        .map(|line| line.what.written(Currency::USD))
        .collect();
    let edit = told
        .iter()
        .find(|s| s.contains("edited the order"))
        .unwrap_or_else(|| panic!("no edit in {told:?}"));
    assert!(
        ["changed the quantity of ", "added ", "removed "]
            .iter()
            .any(|said| edit.contains(said)),
        "the edit names no line: {edit}"
    );
    assert!(edit.contains("; total $"), "{edit}");
    // And the order's page shows it in its history.
    let client = staff_client(&app).await;
    let (status, page) = get(&client, &format!("/orders/{first}")).await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("edited the order"), "{page}");
}

/// The payload `sql` selects.
async fn payload_of(app: &TestApp, sql: &str) -> serde_json::Value {
    #[derive(QueryableByName)]
    struct P {
        #[diesel(sql_type = diesel::sql_types::Jsonb)]
        payload: serde_json::Value,
    }
    diesel::sql_query(sql)
        .get_result::<P>(&mut *app.conn().await)
        .await
        .unwrap()
        .payload
}

/// The keys of a JSON object (empty for anything else).
fn keys_of(v: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = v
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

#[tokio::test]
async fn a_seeded_edit_has_the_payload_shape_edit_order_writes() {
    #[derive(QueryableByName)]
    struct L {
        #[diesel(sql_type = Text)]
        sku: String,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        quantity: i32,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        spare: bool,
    }
    let app = seeded(&small(11)).await;
    // A placed order the seeder did not edit, one of whose products has stock to spare.
    let order = app
        .scalar(
            "SELECT min(o.id) FROM orders o WHERE o.fulfilment_status = 'unfulfilled'
                AND o.paid_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM order_edits x WHERE x.order_id = o.id)
                AND EXISTS (SELECT 1 FROM order_lines l JOIN inventory i USING (product_id)
                            WHERE l.order_id = o.id AND i.on_hand > i.reserved)",
        )
        .await;
    let lines = diesel::sql_query(format!(
        "SELECT p.sku, l.quantity, i.on_hand > i.reserved AS spare FROM order_lines l
           JOIN products p ON p.id = l.product_id JOIN inventory i ON i.product_id = p.id
          WHERE l.order_id = {order} ORDER BY l.line_no"
    ))
    .load::<L>(&mut *app.conn().await)
    .await
    .unwrap();
    let mut raised = false;
    let asked: Vec<(&str, u32)> = lines
        .iter()
        .map(|l| {
            let more = l.spare && !std::mem::replace(&mut raised, l.spare);
            (l.sku.as_str(), l.quantity.unsigned_abs() + u32::from(more))
        })
        .collect();
    let version = i32::try_from(
        app.scalar(&format!("SELECT version FROM orders WHERE id = {order}"))
            .await,
    )
    .unwrap();

    orderdesk::commands::edit_order::edit_order(
        &mut *app.conn().await,
        inputs::edit(order, version, &asked),
        &ctx(),
    )
    .await
    .unwrap();

    let written = payload_of(&app, &format!(
        "SELECT payload FROM events WHERE event_type = 'order_edited' AND aggregate_id = {order}"
    ))
    .await;
    let seeded = payload_of(
        &app,
        "SELECT e.payload FROM events e JOIN order_edits x ON x.event_id = e.id
          ORDER BY e.id LIMIT 1",
    )
    .await;
    assert_eq!(keys_of(&seeded), keys_of(&written));
    assert_eq!(keys_of(&seeded["money"]), keys_of(&written["money"]));
    assert_eq!(keys_of(&seeded["lines"][0]), keys_of(&written["lines"][0]));
    assert_eq!(seeded["schema_version"], written["schema_version"]);
    assert_eq!(seeded["version"], 2);
}
