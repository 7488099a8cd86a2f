//! Refreshing the read models: exactness, isolation, single flight, the NOTIFY path.

use std::sync::Arc;
use std::time::Duration;

use diesel_async::RunQueryDsl;
use orderdesk::queries::freshness;
use orderdesk::read_models::catalog::find;
use orderdesk::read_models::refresh::refresh;
use orderdesk::read_models::verify::{self, Check};
use orderdesk::read_models::{RefreshOutcome, Trigger, listener};

use crate::helpers::TestApp;

/// A small shop: two customers, two products, three orders in various states.
async fn small_shop(app: &TestApp) -> Vec<i64> {
    let ada = app.customer("ada@example.com").await;
    let bob = app.customer("bob@example.com").await;
    app.product("TEE", "10.00", 20).await;
    app.product("MUG", "7.50", 5).await;
    let a = app.place(ada, &[("TEE", 2), ("MUG", 1)]).await.unwrap().id;
    let b = app.place(bob, &[("MUG", 2)]).await.unwrap().id;
    let c = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    let conn = &mut app.conn().await;
    let ctx = crate::helpers::ctx();
    orderdesk::commands::mark_paid::mark_paid(conn, a, &ctx)
        .await
        .unwrap();
    orderdesk::commands::ship_order::ship_order(conn, a, &ctx)
        .await
        .unwrap();
    let cancel = orderdesk::commands::cancel_order::CancelOrder::parse(
        b,
        &orderdesk::commands::cancel_order::CancelForm {
            reason: "out of budget".into(),
        },
    )
    .unwrap();
    orderdesk::commands::cancel_order::cancel_order(conn, cancel, &ctx)
        .await
        .unwrap();
    vec![a, b, c]
}

#[tokio::test(flavor = "multi_thread")]
async fn after_commands_and_a_refresh_every_view_matches_the_write_tables() {
    let app = TestApp::spawn().await;
    small_shop(&app).await;

    app.refresh().await;
    let results = verify::verify(&mut *app.conn().await, &verify::checks())
        .await
        .unwrap();

    for r in &results {
        assert!(r.ok(), "{} differs: {:?}", r.name, r.samples);
    }
    assert_eq!(results.len(), verify::checks().len());
    assert_eq!(
        app.scalar("SELECT revenue_cents FROM read.daily_sales")
            .await,
        3750
    );
    assert_eq!(
        app.scalar("SELECT cancellations FROM read.daily_sales")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_reports_drift_and_a_corrupted_expectation() {
    let app = TestApp::spawn().await;
    small_shop(&app).await;
    app.refresh().await;

    // A change the view has not seen yet is drift.
    app.place(app.customer("cy@example.com").await, &[("TEE", 1)])
        .await
        .unwrap();
    let drift = verify::verify(&mut *app.conn().await, &verify::checks())
        .await
        .unwrap();
    let failing: Vec<_> = drift.iter().filter(|r| !r.ok()).map(|r| r.name).collect();
    assert!(
        failing.contains(&"order_summaries") && failing.contains(&"daily_sales"),
        "{failing:?}"
    );

    // A wrong expectation is caught even on fresh data.
    app.refresh().await;
    let corrupted = Check {
        name: "daily_sales",
        expected:
            "SELECT day, orders + 1, revenue_cents, units, cancellations FROM read.daily_sales"
                .into(),
        actual: "SELECT day, orders, revenue_cents, units, cancellations FROM read.daily_sales"
            .into(),
    };
    let result = verify::verify(&mut *app.conn().await, &[corrupted])
        .await
        .unwrap();
    assert_eq!(result[0].differences, 2);
    assert!(result[0].samples.iter().any(|(side, _)| side == "missing"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reader_in_a_long_transaction_neither_blocks_nor_is_blocked_by_a_refresh() {
    let app = TestApp::spawn().await;
    small_shop(&app).await;
    app.refresh().await;
    let mut reader = app.read_conn().await;
    diesel::sql_query("BEGIN")
        .execute(&mut *reader)
        .await
        .unwrap();
    diesel::sql_query("SELECT count(*) FROM order_summaries")
        .execute(&mut *reader)
        .await
        .unwrap();

    app.place(app.customer("cy@example.com").await, &[("TEE", 1)])
        .await
        .unwrap();
    let outcome = tokio::time::timeout(
        Duration::from_secs(30),
        refresh(
            &mut *app.conn().await,
            find("order_summaries").unwrap(),
            Trigger::Manual,
        ),
    )
    .await
    .expect("the refresh was blocked by the reader");

    assert!(
        matches!(outcome, RefreshOutcome::Refreshed { rows: 4, .. }),
        "{outcome:?}"
    );
    diesel::sql_query("SELECT count(*) FROM order_summaries")
        .execute(&mut *reader)
        .await
        .unwrap();
    diesel::sql_query("COMMIT")
        .execute(&mut *reader)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_refresher_of_the_same_view_skips_and_says_so() {
    let app = TestApp::spawn().await;
    let mut holder = app.conn().await;
    diesel::sql_query("SELECT pg_advisory_lock(hashtext('orderdesk:refresh:daily_sales'))")
        .execute(&mut *holder)
        .await
        .unwrap();

    let busy = refresh(
        &mut *app.conn().await,
        find("daily_sales").unwrap(),
        Trigger::Cron,
    )
    .await;
    let other = refresh(
        &mut *app.conn().await,
        find("customer_stats").unwrap(),
        Trigger::Cron,
    )
    .await;
    diesel::sql_query("SELECT pg_advisory_unlock_all()")
        .execute(&mut *holder)
        .await
        .unwrap();
    let after = refresh(
        &mut *app.conn().await,
        find("daily_sales").unwrap(),
        Trigger::Cron,
    )
    .await;

    assert_eq!(busy, RefreshOutcome::Skipped);
    assert!(matches!(other, RefreshOutcome::Refreshed { .. }));
    assert!(matches!(after, RefreshOutcome::Refreshed { .. }));
    assert_eq!(
        app.scalar("SELECT count(*) FROM read_model_refreshes WHERE view_name = 'daily_sales' AND outcome = 'skipped' AND trigger = 'cron'").await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_refreshes_started_together_never_both_refresh_at_once() {
    let app = Arc::new(TestApp::spawn().await);
    small_shop(&app).await;
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let app = Arc::clone(&app);
            tokio::spawn(async move {
                refresh(
                    &mut *app.conn().await,
                    find("order_summaries").unwrap(),
                    Trigger::Manual,
                )
                .await
            })
        })
        .collect();
    let outcomes: Vec<_> = futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(
        outcomes.iter().all(|o| matches!(
            o,
            RefreshOutcome::Refreshed { .. } | RefreshOutcome::Skipped
        )),
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .any(|o| matches!(o, RefreshOutcome::Refreshed { .. }))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_refresh_keeps_the_last_good_data_is_recorded_and_does_not_affect_writes() {
    let app = TestApp::spawn().await;
    let ids = small_shop(&app).await;
    app.refresh().await;
    app.exec("DROP INDEX read.daily_sales_day").await; // CONCURRENTLY needs it

    let outcome = refresh(
        &mut *app.conn().await,
        find("daily_sales").unwrap(),
        Trigger::Manual,
    )
    .await;
    let customer = app.customer("cy@example.com").await;
    let placed = app.place(customer, &[("TEE", 1)]).await;

    assert!(
        matches!(&outcome, RefreshOutcome::Failed(e) if e.contains("concurrently")),
        "{outcome:?}"
    );
    assert_eq!(
        app.scalar("SELECT sum(orders) FROM read.daily_sales").await,
        2,
        "last good data is served"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM read_model_refreshes WHERE view_name = 'daily_sales' AND outcome = 'failed' AND error <> ''").await,
        1
    );
    assert!(placed.is_ok() && ids.len() == 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn pending_changes_are_counted_exactly_per_view_and_cleared_by_a_refresh() {
    let app = TestApp::spawn().await;
    app.refresh().await;
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 10).await;
    let first = app.place(customer, &[("TEE", 1)]).await.unwrap();
    app.place(customer, &[("TEE", 2)]).await.unwrap();
    let mut read = app.read_conn().await;

    let before = freshness::of(
        &mut read,
        &["order_summaries", "customer_stats", "inventory_status"],
    )
    .await
    .unwrap();
    let caught_up_before = freshness::has_caught_up(&mut read, "order_summaries", first.event_id)
        .await
        .unwrap();
    app.refresh().await;
    let after = freshness::of(
        &mut read,
        &["order_summaries", "customer_stats", "inventory_status"],
    )
    .await
    .unwrap();
    let caught_up_after = freshness::has_caught_up(&mut read, "order_summaries", first.event_id)
        .await
        .unwrap();

    // order_summaries: 2 order_placed; customer_stats: 1 registration + 2 orders;
    // inventory_status: product_created + stock_received + 2 orders.
    assert_eq!(
        before.iter().map(|f| f.pending).collect::<Vec<_>>(),
        [2, 3, 4]
    );
    assert!(
        after.iter().all(|f| f.pending == 0 && f.as_of.is_some()),
        "{after:?}"
    );
    assert!(!caught_up_before && caught_up_after);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_command_reaches_the_read_model_through_notify_without_an_explicit_refresh() {
    let app = TestApp::spawn().await;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let refresher = tokio::spawn(listener::run(
        app.db.url.clone(),
        app.pools.write.clone(),
        Duration::from_millis(100),
        async {
            let _ = stop_rx.await;
        },
    ));
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 10).await;

    let ack = app.place(customer, &[("TEE", 3)]).await.unwrap();
    let mut read = app.read_conn().await;
    let mut seen = false;
    for _ in 0..300 {
        if freshness::has_caught_up(&mut read, "order_summaries", ack.event_id)
            .await
            .unwrap()
        {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = stop_tx.send(());
    refresher.await.unwrap();

    assert!(seen, "the order never reached read.order_summaries");
    assert_eq!(
        app.scalar(&format!(
            "SELECT item_count FROM read.order_summaries WHERE id = {}",
            ack.id
        ))
        .await,
        3
    );
    assert!(
        app.scalar(
            "SELECT count(*) FROM read_model_refreshes WHERE trigger = 'notify' AND outcome = 'ok'"
        )
        .await
            > 0
    );
}

#[tokio::test]
async fn a_read_pool_connection_cannot_write_or_see_write_tables() {
    let app = TestApp::spawn().await;
    app.customer("ada@example.com").await;
    let mut read = app.read_conn().await;

    let unqualified = diesel::sql_query("SELECT * FROM customers")
        .execute(&mut *read)
        .await;
    let qualified = diesel::sql_query("SELECT * FROM public.customers")
        .execute(&mut *read)
        .await;
    let insert =
        diesel::sql_query("INSERT INTO public.customers (email, name) VALUES ('x@y.zz', 'X')")
            .execute(&mut *read)
            .await;
    let create = diesel::sql_query("CREATE TABLE read.sneaky (id int)")
        .execute(&mut *read)
        .await;
    let allowed = diesel::sql_query("SELECT * FROM customer_stats")
        .execute(&mut *read)
        .await;

    assert!(
        unqualified
            .unwrap_err()
            .to_string()
            .contains("does not exist")
    );
    assert!(
        qualified
            .unwrap_err()
            .to_string()
            .contains("permission denied")
    );
    assert!(insert.is_err());
    assert!(create.unwrap_err().to_string().contains("read-only"));
    assert!(allowed.is_ok());
    assert_eq!(app.scalar("SELECT count(*) FROM customers").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn shutting_the_refresher_down_closes_its_listen_connection_and_leaves_no_open_transaction() {
    let app = TestApp::spawn().await;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let refresher = tokio::spawn(listener::run(
        app.db.url.clone(),
        app.pools.write.clone(),
        Duration::from_millis(50),
        async {
            let _ = stop_rx.await;
        },
    ));
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 10).await;
    let ack = app.place(customer, &[("TEE", 1)]).await.unwrap();
    let mut read = app.read_conn().await;
    for _ in 0..300 {
        if freshness::has_caught_up(&mut read, "order_summaries", ack.event_id)
            .await
            .unwrap()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let listening = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND query ILIKE 'LISTEN%'",
        app.db.name
    );
    assert_eq!(
        app.scalar(&listening).await,
        1,
        "the listener holds one connection"
    );

    let _ = stop_tx.send(());
    tokio::time::timeout(Duration::from_secs(10), refresher)
        .await
        .expect("the refresher stops")
        .unwrap();

    let mut closed = false;
    for _ in 0..50 {
        if app.scalar(&listening).await == 0 {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(closed, "the LISTEN connection was closed");
    let open_tx = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND state LIKE 'idle in transaction%'",
        app.db.name
    );
    assert_eq!(app.scalar(&open_tx).await, 0);
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM read_model_refreshes WHERE outcome = 'ok' AND snapshot IS NULL"
        )
        .await,
        0
    );
}
