//! Read models: live models exact after commands, the maintainer loop in the
//! server (woken by commands, polling for other processes, stopped cleanly), a failed batch
//! kept harmless; report views refreshed whole without blocking readers.

use std::sync::Arc;
use std::time::Duration;

use diesel_async::RunQueryDsl;
use orderdesk::queries::freshness;
use orderdesk::read_models::catalog::{self, find};
use orderdesk::read_models::maintainer::run::{self, Options, Signal};
use orderdesk::read_models::maintainer::{self, BatchOutcome};
use orderdesk::read_models::refresh::refresh;
use orderdesk::read_models::{ReadModelName, RefreshOutcome, Trigger, verify};

use crate::support::helpers::TestApp;

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
    let ctx = crate::support::helpers::ctx();
    orderdesk::commands::mark_paid::mark_paid(conn, orderdesk::domain::OrderId(a), &ctx)
        .await
        .unwrap();
    orderdesk::commands::ship_order::ship_order(conn, orderdesk::domain::OrderId(a), &ctx)
        .await
        .unwrap();
    let cancel = crate::support::inputs::cancel(b, "out of budget");
    orderdesk::commands::cancel_order::cancel_order(conn, cancel, &ctx)
        .await
        .unwrap();
    vec![a, b, c]
}

#[tokio::test(flavor = "multi_thread")]
async fn after_commands_and_a_catch_up_every_live_model_equals_its_definition() {
    let app = TestApp::spawn().await;
    small_shop(&app).await;

    app.refresh().await;
    let models: Vec<_> = catalog::live().collect();
    let drifts = verify::verify(&mut *app.conn().await, &models, false)
        .await
        .unwrap();

    assert_eq!(drifts.len(), 13);
    for d in &drifts {
        assert!(d.ok(), "{} differs at {:?}", d.name, d.keys);
    }
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
    assert_eq!(
        app.scalar("SELECT revenue_cents FROM read.monthly_sales")
            .await,
        3750
    );
    assert_eq!(
        app.scalar("SELECT cancellations FROM read.monthly_sales")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_report_view_refreshes_concurrently_while_a_reader_holds_a_transaction_open_on_it() {
    let app = TestApp::spawn().await;
    small_shop(&app).await;
    app.refresh().await;
    let mut reader = app.read_conn().await;
    diesel::sql_query("BEGIN ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut *reader)
        .await
        .unwrap();
    let before = diesel::sql_query("SELECT * FROM monthly_sales")
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
            find("monthly_sales").unwrap(),
            Trigger::Manual,
        ),
    )
    .await
    .expect("the refresh was blocked by the reader");
    let during = diesel::sql_query("SELECT * FROM monthly_sales")
        .execute(&mut *reader)
        .await
        .unwrap();
    diesel::sql_query("COMMIT")
        .execute(&mut *reader)
        .await
        .unwrap();

    assert!(
        matches!(outcome, RefreshOutcome::Refreshed { rows: 1, .. }),
        "{outcome:?}"
    );
    assert_eq!(
        (before, during),
        (1, 1),
        "the reader kept its view of the rows"
    );
    assert_eq!(app.scalar("SELECT orders FROM read.monthly_sales").await, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_refresher_of_the_same_report_skips_and_says_so() {
    let app = TestApp::spawn().await;
    let mut holder = app.conn().await;
    diesel::sql_query("SELECT pg_advisory_lock(hashtext('orderdesk:refresh:monthly_sales'))")
        .execute(&mut *holder)
        .await
        .unwrap();

    let busy = refresh(
        &mut *app.conn().await,
        find("monthly_sales").unwrap(),
        Trigger::Cron,
    )
    .await;
    let other = refresh(
        &mut *app.conn().await,
        find("customer_cohorts").unwrap(),
        Trigger::Cron,
    )
    .await;
    diesel::sql_query("SELECT pg_advisory_unlock_all()")
        .execute(&mut *holder)
        .await
        .unwrap();
    let after = refresh(
        &mut *app.conn().await,
        find("monthly_sales").unwrap(),
        Trigger::Cron,
    )
    .await;

    assert_eq!(busy, RefreshOutcome::Skipped);
    assert!(matches!(other, RefreshOutcome::Refreshed { .. }));
    assert!(matches!(after, RefreshOutcome::Refreshed { .. }));
    assert_eq!(
        app.scalar("SELECT count(*) FROM read_model_refreshes WHERE view_name = 'monthly_sales' AND outcome = 'skipped' AND trigger = 'cron'").await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_model_is_never_refreshed_whole() {
    let app = TestApp::spawn().await;

    let outcome = refresh(
        &mut *app.conn().await,
        find("order_summaries").unwrap(),
        Trigger::Manual,
    )
    .await;

    assert!(
        matches!(&outcome, RefreshOutcome::Failed(e) if e.contains("live model")),
        "{outcome:?}"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM read_model_refreshes WHERE view_name = 'order_summaries'")
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_report_refresh_keeps_the_last_good_data_and_is_recorded() {
    let app = TestApp::spawn().await;
    small_shop(&app).await;
    app.refresh().await;
    app.exec("DROP INDEX read.monthly_sales_month").await; // CONCURRENTLY needs it
    app.place(app.customer("cy@example.com").await, &[("TEE", 1)])
        .await
        .unwrap();

    let outcome = refresh(
        &mut *app.conn().await,
        find("monthly_sales").unwrap(),
        Trigger::Manual,
    )
    .await;

    assert!(
        matches!(&outcome, RefreshOutcome::Failed(e) if e.contains("concurrently")),
        "{outcome:?}"
    );
    assert_eq!(
        app.scalar("SELECT orders FROM read.monthly_sales").await,
        2,
        "last good data is served"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM read_model_refreshes WHERE view_name = 'monthly_sales' AND outcome = 'failed' AND error <> ''").await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_batch_keeps_the_last_good_rows_is_recorded_and_the_next_batch_applies_it() {
    let app = TestApp::spawn().await;
    small_shop(&app).await;
    app.catch_up().await;
    app.exec(
        "ALTER TABLE read.order_summaries ADD CONSTRAINT no_big_orders CHECK (item_count < 5)",
    )
    .await;
    let big = app
        .place(app.customer("cy@example.com").await, &[("TEE", 5)])
        .await
        .unwrap();

    let failed = maintainer::batch(&mut *app.conn().await, Trigger::Manual, 100).await;
    let rows_after_failure = app
        .scalar("SELECT count(*) FROM read.order_summaries")
        .await;
    let customers_after_failure = app.scalar("SELECT count(*) FROM read.customer_stats").await;
    app.exec("ALTER TABLE read.order_summaries DROP CONSTRAINT no_big_orders")
        .await;
    let applied = app.catch_up().await;

    assert!(
        matches!(&failed, BatchOutcome::Failed(e) if e.contains("no_big_orders")),
        "{failed:?}"
    );
    assert_eq!(
        (rows_after_failure, customers_after_failure),
        (3, 2),
        "nothing of the failed batch"
    );
    assert_eq!(app.scalar("SELECT count(*) FROM read_model_batches WHERE outcome = 'failed' AND error LIKE '%no_big_orders%'").await, 1);
    assert_eq!(applied.events, 2);
    assert_eq!(
        app.scalar(&format!(
            "SELECT item_count FROM read.order_summaries WHERE id = {}",
            big.id
        ))
        .await,
        5
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM read_model_live WHERE last_error IS NOT NULL")
            .await,
        0
    );
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
        &[
            ReadModelName::OrderSummaries,
            ReadModelName::CustomerStats,
            ReadModelName::InventoryStatus,
        ],
    )
    .await
    .unwrap();
    let caught_up_before =
        freshness::has_caught_up(&mut read, ReadModelName::OrderSummaries, first.event_id)
            .await
            .unwrap();
    app.refresh().await;
    let after = freshness::of(
        &mut read,
        &[
            ReadModelName::OrderSummaries,
            ReadModelName::CustomerStats,
            ReadModelName::InventoryStatus,
        ],
    )
    .await
    .unwrap();
    let caught_up_after =
        freshness::has_caught_up(&mut read, ReadModelName::OrderSummaries, first.event_id)
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

async fn wait_until_seen(app: &TestApp, view: ReadModelName, event_id: i64) -> bool {
    let mut read = app.read_conn().await;
    for _ in 0..400 {
        if freshness::has_caught_up(&mut read, view, event_id)
            .await
            .unwrap()
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

fn options(app: &TestApp, poll: Duration) -> Options {
    Options {
        url: app.db.url.clone(),
        poll,
        max_keys: 100,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_loop_applies_a_command_when_woken_without_notify_or_poll() {
    let app = TestApp::spawn().await;
    let signal = Arc::new(Signal::default());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let mut batches = signal.subscribe();
    let loop_task = tokio::spawn(run::run(
        Arc::clone(&signal),
        options(&app, Duration::from_secs(3600)),
        async {
            let _ = stop_rx.await;
        },
    ));
    // The start-up batch commits before anything is written, so only the
    // wake can bring the order in (the poll is an hour away).
    tokio::time::timeout(Duration::from_secs(10), batches.changed())
        .await
        .expect("the start-up batch commits")
        .unwrap();
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 10).await;
    let ack = app.place(customer, &[("TEE", 3)]).await.unwrap();
    signal.wake();

    let seen = wait_until_seen(&app, ReadModelName::OrderSummaries, ack.event_id).await;
    let _ = stop_tx.send(());
    loop_task.await.unwrap();

    assert!(seen, "the order never reached read.order_summaries");
    assert_eq!(
        app.scalar(&format!(
            "SELECT item_count FROM read.order_summaries WHERE id = {}",
            ack.id
        ))
        .await,
        3
    );
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM read_model_batches WHERE trigger = 'wake' AND outcome = 'ok' AND orders > 0"
        )
        .await,
        1,
        "the batch that applied the order is recorded as woken by the server"
    );
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM read_model_batches WHERE trigger <> 'wake' AND orders > 0"
        )
        .await,
        0,
        "no other batch saw the order"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_loop_polls_for_other_processes_writes_and_stops_cleanly() {
    let app = TestApp::spawn().await;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let signal = Arc::new(Signal::default());
    let mut batches = signal.subscribe();
    let loop_task = tokio::spawn(run::run(
        Arc::clone(&signal),
        options(&app, Duration::from_millis(50)),
        async {
            let _ = stop_rx.await;
        },
    ));
    tokio::time::timeout(Duration::from_secs(10), batches.changed())
        .await
        .expect("the start-up batch commits")
        .unwrap();
    // Written as another process would: nobody wakes the loop.
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 10).await;
    let ack = app.place(customer, &[("TEE", 1)]).await.unwrap();

    let seen = wait_until_seen(&app, ReadModelName::OrderSummaries, ack.event_id).await;
    let maintainer = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND application_name = 'orderdesk-maintainer'",
        app.db.name
    );
    assert!(seen, "the poll never picked the order up");
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM read_model_batches WHERE trigger <> 'poll' AND orders > 0"
        )
        .await,
        0,
        "only polled batches saw the order"
    );
    assert_eq!(
        app.scalar(&maintainer).await,
        1,
        "the maintainer holds one connection"
    );
    let _ = stop_tx.send(());
    tokio::time::timeout(Duration::from_secs(10), loop_task)
        .await
        .expect("the maintainer stops")
        .unwrap();

    let mut closed = false;
    for _ in 0..50 {
        if app.scalar(&maintainer).await == 0 {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(closed, "the maintainer's connection was closed");
    let open_tx = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND state LIKE 'idle in transaction%'",
        app.db.name
    );
    assert_eq!(app.scalar(&open_tx).await, 0);
    assert_eq!(
        app.scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
            .await,
        0
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM pg_trigger WHERE tgname = 'events_notify'")
            .await,
        0
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
    assert!(
        insert
            .unwrap_err()
            .to_string()
            .contains("read-only transaction")
    );
    assert!(create.unwrap_err().to_string().contains("read-only"));
    allowed.expect("the reader may read a read model unqualified");
    assert_eq!(app.scalar("SELECT count(*) FROM customers").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_refresh_log_keeps_each_views_last_500_runs() {
    let app = TestApp::spawn().await;
    app.exec(
        "INSERT INTO read_model_refreshes (view_name, trigger, started_at, duration_ms, outcome)
         SELECT v, 'cron', now(), 1, 'ok' FROM generate_series(1, 600), unnest(ARRAY['monthly_sales', 'customer_cohorts']) v",
    )
    .await;
    let others = app
        .scalar("SELECT count(*) FROM read_model_refreshes WHERE view_name = 'customer_cohorts'")
        .await;
    // The 499th newest of the old runs: the oldest the log should keep.
    let oldest_kept = app
        .scalar("SELECT id FROM read_model_refreshes WHERE view_name = 'monthly_sales' ORDER BY id DESC OFFSET 498 LIMIT 1")
        .await;

    let outcome = refresh(
        &mut *app.conn().await,
        find("monthly_sales").unwrap(),
        Trigger::Manual,
    )
    .await;

    assert!(matches!(outcome, RefreshOutcome::Refreshed { .. }));
    let count = |view: &str| {
        format!("SELECT count(*) FROM read_model_refreshes WHERE view_name = '{view}'")
    };
    assert_eq!(app.scalar(&count("monthly_sales")).await, 500);
    // The newest runs are the ones kept: this one and the 499 before it.
    assert_eq!(
        app.scalar("SELECT min(id) FROM read_model_refreshes WHERE view_name = 'monthly_sales'")
            .await,
        oldest_kept
    );
    assert_eq!(
        app.scalar(&count("customer_cohorts")).await,
        others,
        "another view's runs stay"
    );
}
