//! `order_edited` on the read side: an edit changes exactly the order's
//! rows, its status count, its day's and its products' sales (removed lines
//! included), their stock and ledger, and the dashboard, every model exact;
//! and a storm of concurrent edits and placements over scarce stock never
//! oversells, never deadlocks and leaves `verify` exact.

use std::sync::Arc;

use orderdesk::commands::CommandError;
use orderdesk::commands::edit_order::edit_order;
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

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_edits_and_placements_over_scarce_stock_never_oversell_and_verify_exact() {
    let app = Arc::new(TestApp::spawn().await);
    let ada = app.customer("ada@example.com").await;
    let skus = ["P1", "P2", "P3"];
    for s in skus {
        app.product(s, "4.00", 12).await;
    }
    let mut orders = Vec::new();
    for i in 0..4 {
        let lines = [(skus[i % 3], 1), (skus[(i + 1) % 3], 1)];
        orders.push(app.place(ada, &lines).await.unwrap().id);
    }
    app.catch_up().await;

    // 8 tasks edit the 4 orders (two each, crossing products in both
    // directions) while 4 others place orders, 6 rounds each.
    let mut tasks = Vec::new();
    for t in 0..12_usize {
        let (app, orders) = (app.clone(), orders.clone());
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for round in 0..6_usize {
                let (a, b) = (skus[(t + round) % 3], skus[(t + round + 2) % 3]);
                let qty = u32::try_from(1 + (t + round) % 4).unwrap();
                let result = if t < 8 {
                    let order = orders[t % 4];
                    let version = i32::try_from(
                        app.scalar(&format!("SELECT version FROM orders WHERE id = {order}"))
                            .await,
                    )
                    .unwrap();
                    let input = inputs::edit(order, version, &[(a, qty), (b, 1)]);
                    edit_order(&mut *app.conn().await, input, &ctx()).await
                } else {
                    app.place(ada, &[(b, qty), (a, 1)]).await
                };
                outcomes.push(result);
            }
            outcomes
        }));
    }
    let mut applied = 0;
    for t in tasks {
        for outcome in t.await.unwrap() {
            match outcome {
                Ok(_) => applied += 1,
                Err(CommandError::InsufficientStock(s)) => {
                    assert!(s.iter().all(|s| skus.contains(&s.sku.as_str())), "{s:?}");
                }
                // Two clerks on one order: the later one's version is stale.
                Err(CommandError::Conflict(_)) => {}
                Err(e) => panic!("neither applied nor refused for stock or a stale version: {e}"),
            }
        }
    }
    assert!(applied > 0);

    // No oversell, and stock is exactly what the ledger and the lines say.
    for s in skus {
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
