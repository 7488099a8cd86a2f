//! `order_edited` on the read side: an edit changes exactly the order's
//! rows, its status count, its day's and its products' sales (removed lines
//! included), their stock and ledger, and the dashboard, every model exact;
//! and a storm of 50 parallel edits and placements over scarce stock never
//! oversells, never deadlocks, names the product in every refusal and leaves
//! `verify` exact.

use std::sync::Arc;
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use orderdesk::commands::edit_order::edit_order;
use orderdesk::commands::place_order::place_order;
use orderdesk::commands::{Ack, CommandError};
use orderdesk::read_models::{catalog, verify};

use super::maintainer::{id, keys, movements, step, text, today};
use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_changes_its_order_day_and_products_by_the_difference_and_nothing_else() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10.00", 10).await;
    let mug = app.product("MUG", "5.00", 10).await;
    let cap = app.product("CAP", "7.00", 10).await;
    let a = app.place(ada, &[("TEE", 2), ("MUG", 1)]).await.unwrap().id;
    app.catch_up().await;
    let day = today(&app).await;
    let product_day = |p: i64| format!("{{\"day\": \"{day}\", \"product_id\": {p}}}");
    let before_movements = app.scalar("SELECT max(id) FROM stock_movements").await;

    let changes = step(&app, "an edit", async {
        let input = inputs::edit(a, 1, &[("TEE", 3), ("MUG", 0), ("CAP", 1)]);
        edit_order(&mut *app.conn().await, input, &ctx())
            .await
            .unwrap();
    })
    .await;

    let products = [
        id("product_id", tee),
        id("product_id", mug),
        id("product_id", cap),
    ];
    assert_eq!(
        changes,
        keys(&[
            ("order_summaries", &[id("id", a)]),
            // The balance due moved with the total.
            (
                "order_status_counts",
                &[text("fulfilment_status", "unfulfilled")]
            ),
            ("daily_sales", &[text("day", &day)]),
            (
                "product_sales_daily",
                &[product_day(tee), product_day(mug), product_day(cap)]
            ),
            ("inventory_status", &products),
            (
                "stock_ledger",
                &movements(&app, &format!("id > {before_movements}")).await
            ),
            ("product_sales_30d", &products),
            ("dashboard", &[text("day", &day)]),
        ])
    );
    // Exactly the difference: 30.00 + 7.00 of sales, MUG's day gone, its
    // reservation released.
    assert_eq!(
        app.scalar("SELECT revenue_cents FROM read.daily_sales")
            .await,
        3700
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM read.product_sales_daily WHERE product_id = {mug}"
        ))
        .await,
        0
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT reserved FROM read.inventory_status WHERE product_id = {mug}"
        ))
        .await,
        0
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT units_sold FROM read.inventory_status WHERE product_id = {tee}"
        ))
        .await,
        3
    );
    assert_eq!(
        app.scalar("SELECT orders FROM read.daily_sales").await,
        1,
        "the same sale, on the same day"
    );
}

/// Edits against placements in the storm: 30 editors (three per order, so
/// some are stale) and 20 placers, each on its own connection.
const EDITORS: usize = 30;
const PLACERS: usize = 20;
const ROUNDS: usize = 3;

/// One storm task's command: an edit of an order (its version read just
/// before), or a placement; over products of `skus`, crossing them in both
/// directions so stock is locked in every order of SKUs asked.
async fn storm_command(
    app: &TestApp,
    conn: &mut AsyncPgConnection,
    (task, round): (usize, usize),
    orders: &[i64],
    customer: i64,
) -> Result<Ack, CommandError> {
    let (a, b) = (SKUS[(task + round) % 3], SKUS[(task + round + 2) % 3]);
    let qty = u32::try_from(1 + (task + round) % 4).unwrap();
    if task < EDITORS {
        let order = orders[task % orders.len()];
        let version = app
            .scalar(&format!("SELECT version FROM orders WHERE id = {order}"))
            .await;
        let input = inputs::edit(order, i32::try_from(version).unwrap(), &[(a, qty), (b, 1)]);
        edit_order(conn, input, &ctx()).await
    } else {
        place_order(conn, inputs::order(customer, &[(b, qty), (a, 1)]), &ctx()).await
    }
}

const SKUS: [&str; 3] = ["P1", "P2", "P3"];

#[tokio::test(flavor = "multi_thread")]
async fn fifty_parallel_edits_and_placements_over_scarce_stock_never_oversell_and_name_the_product()
{
    let app = Arc::new(TestApp::spawn().await);
    let ada = app.customer("ada@example.com").await;
    for s in SKUS {
        app.product(s, "4.00", 12).await;
    }
    // Ten orders of two units: 20 of the 36 reserved before the storm.
    let mut orders = Vec::new();
    for i in 0..10 {
        let lines = [(SKUS[i % 3], 1), (SKUS[(i + 1) % 3], 1)];
        orders.push(app.place(ada, &lines).await.unwrap().id);
    }
    app.catch_up().await;

    // 50 tasks, each on a connection of its own (not the test pool's 20, so
    // all 50 commands really run at once), start together, three rounds each.
    let start = Arc::new(tokio::sync::Barrier::new(EDITORS + PLACERS));
    let mut tasks = Vec::new();
    for task in 0..EDITORS + PLACERS {
        let (app, orders, start) = (app.clone(), orders.clone(), start.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = AsyncPgConnection::establish(&app.db.url).await.unwrap();
            start.wait().await;
            let mut outcomes = Vec::new();
            for round in 0..ROUNDS {
                let outcome = storm_command(&app, &mut conn, (task, round), &orders, ada).await;
                outcomes.push((task < EDITORS, outcome));
            }
            outcomes
        }));
    }
    // A deadlock PostgreSQL does not break (a lock wait without end) fails here.
    let outcomes = tokio::time::timeout(Duration::from_secs(60), async {
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all
    })
    .await
    .expect("the storm finished within a minute (no lock waits without end)");
    let (mut applied, mut refused) = ([0; 2], 0);
    for (edit, outcome) in outcomes {
        let Err(e) = outcome else {
            applied[usize::from(edit)] += 1;
            continue;
        };
        let message = e.to_string();
        match &e {
            CommandError::InsufficientStock(short) => {
                refused += 1;
                assert!(!short.is_empty(), "{message}");
                for s in short {
                    assert!(SKUS.contains(&s.sku.as_str()), "{s:?}");
                    // Read under the row's lock: a refusal is real.
                    assert!(s.requested > s.available, "{s:?}");
                    assert!(message.contains(&s.sku), "{message} names {}", s.sku);
                }
            }
            // Three clerks on one order: the later ones' version is stale.
            CommandError::Conflict(_) if edit => {}
            // A deadlock PostgreSQL detected and broke lands here too.
            _ => panic!("neither applied nor refused for stock or a stale version: {message}"),
        }
    }
    assert!(
        applied[0] > 0 && applied[1] > 0,
        "placed, edited: {applied:?}"
    );
    assert!(refused > 0, "the stock was scarce enough to refuse");

    // No oversell, and stock is exactly what the ledger and the lines say.
    for s in SKUS {
        let (on_hand, reserved) = (
            app.scalar(&format!(
                "SELECT on_hand FROM inventory i JOIN products p ON p.id = i.product_id \
                 WHERE p.sku = '{s}'"
            ))
            .await,
            app.scalar(&format!(
                "SELECT reserved FROM inventory i JOIN products p ON p.id = i.product_id \
                 WHERE p.sku = '{s}'"
            ))
            .await,
        );
        assert!(reserved <= on_hand, "{s}: {reserved} reserved of {on_hand}");
        let ledger = app
            .scalar(&format!(
                "SELECT coalesce(sum(m.quantity), 0) FROM stock_movements m \
                 JOIN products p ON p.id = m.product_id \
                 WHERE p.sku = '{s}' AND m.kind IN ('reservation', 'release')"
            ))
            .await;
        let lines = app
            .scalar(&format!(
                "SELECT coalesce(sum(l.quantity), 0) FROM order_lines l \
                 JOIN products p ON p.id = l.product_id WHERE p.sku = '{s}'"
            ))
            .await;
        assert_eq!((ledger, lines), (reserved, reserved), "{s}");
    }
    app.catch_up().await;
    let models: Vec<_> = catalog::live().collect();
    let drifts = verify::verify(&mut *app.conn().await, &models, false)
        .await
        .unwrap();
    for d in drifts {
        assert!(d.ok(), "{} differs at {:?}", d.name, d.keys);
    }
}
