//! The fulfilment state apart from the payment state (migration 000140):
//! each moves alone, the list filters by each, the dashboard's "to ship"
//! follows both (and the shop's "Ship on account"), and the database refuses
//! a fulfilment timestamp without its state, and an unpaid order shipped
//! unless it left on account.

use orderdesk::commands::change_shop_settings::{
    ChangeShopSettings, change_shop_settings, current,
};
use orderdesk::commands::ship_order::ship_order;
use orderdesk::domain::{FulfilmentStatus, OrderId, PaymentStatus};
use orderdesk::queries::dashboard;
use orderdesk::queries::orders::{self, OrderFilter};
use orderdesk::read_models::{catalog, verify};

use crate::support::helpers::{TestApp, ctx};

/// Turns the shop's "Ship on account" on or off, through its command.
async fn ship_on_account(app: &TestApp, on: bool) {
    let conn = &mut *app.conn().await;
    let (mut settings, version) = current(conn).await.unwrap();
    settings.ship_on_account = on;
    let input = ChangeShopSettings {
        expected_version: version,
        settings,
    };
    change_shop_settings(conn, input, &ctx()).await.unwrap();
}

/// Runs `sql` past the commands and asserts the database refuses it by the
/// constraint `constraint`.
async fn refused_by(app: &TestApp, sql: String, constraint: &str) {
    use diesel_async::RunQueryDsl;
    let err = diesel::sql_query(&sql)
        .execute(&mut *app.conn().await)
        .await
        .unwrap_err();
    assert!(err.to_string().contains(constraint), "{sql}: {err}");
}

/// The ids of the orders list under `filter` (newest first).
async fn listed(app: &TestApp, filter: OrderFilter) -> Vec<i64> {
    let filter = OrderFilter {
        page_size: 50,
        ..filter
    };
    let page = orders::list(&mut *app.read_conn().await, &filter)
        .await
        .unwrap();
    page.rows.iter().map(|r| r.id).collect()
}

/// `(to ship, awaiting payment orders)` on the dashboard, caught up.
async fn dashboard_tiles(app: &TestApp) -> (i64, i64) {
    app.catch_up().await;
    let d = dashboard::load(&mut *app.read_conn().await)
        .await
        .unwrap()
        .data;
    (d.to_ship, d.awaiting_payment.orders)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_paid_unshipped_order_is_unfulfilled_and_paid_and_the_list_filters_by_each_state() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 50).await;
    let unpaid = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    let paid = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    let shipped = app.place(ada, &[("TEE", 3)]).await.unwrap().id;
    app.mark_paid(paid).await;
    app.mark_paid(shipped).await;
    ship_order(&mut *app.conn().await, OrderId(shipped), &ctx())
        .await
        .unwrap();
    app.refresh().await;

    assert_eq!(app.order_status(unpaid).await, "unfulfilled/unpaid");
    assert_eq!(app.order_status(paid).await, "unfulfilled/paid");
    assert_eq!(app.order_status(shipped).await, "shipped/paid");
    let by_fulfilment = |s| OrderFilter {
        fulfilment_status: Some(s),
        ..OrderFilter::default()
    };
    let by_payment = |p| OrderFilter {
        payment_status: Some(p),
        ..OrderFilter::default()
    };
    assert_eq!(
        listed(&app, by_fulfilment(FulfilmentStatus::Unfulfilled)).await,
        [paid, unpaid]
    );
    assert_eq!(
        listed(&app, by_fulfilment(FulfilmentStatus::Shipped)).await,
        [shipped]
    );
    assert_eq!(
        listed(&app, by_payment(PaymentStatus::Paid)).await,
        [shipped, paid]
    );
    assert_eq!(
        listed(&app, by_payment(PaymentStatus::Unpaid)).await,
        [unpaid]
    );
    let ready = OrderFilter {
        fulfilment_status: Some(FulfilmentStatus::Unfulfilled),
        nothing_due: true,
        ..OrderFilter::default()
    };
    assert_eq!(listed(&app, ready).await, [paid], "the to-ship filter");
    // The page's query string says the same.
    let (client, _) = app.signed_in("clerk").await;
    let page = client
        .get("/orders?fulfilment=unfulfilled&payment=paid")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains(&format!("href=\"/orders/{paid}\"")), "{page}");
    for other in [unpaid, shipped] {
        assert!(!page.contains(&format!("href=\"/orders/{other}\"")));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn to_ship_counts_unfulfilled_orders_with_nothing_due_or_all_of_them_on_account() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 50).await;
    let unpaid = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    let paid = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    let cancelled = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    app.mark_paid(paid).await;
    let cancel = crate::support::inputs::cancel(cancelled, "changed mind");
    orderdesk::commands::cancel_order::cancel_order(&mut *app.conn().await, cancel, &ctx())
        .await
        .unwrap();

    assert_eq!(
        dashboard_tiles(&app).await,
        (1, 1),
        "the paid one; the unpaid one is due"
    );
    ship_on_account(&app, true).await;
    assert_eq!(
        dashboard_tiles(&app).await,
        (2, 1),
        "on account the unpaid one ships too; a cancelled one never"
    );
    ship_order(&mut *app.conn().await, OrderId(unpaid), &ctx())
        .await
        .unwrap();
    assert_eq!(
        dashboard_tiles(&app).await,
        (1, 1),
        "shipped on account: no longer to ship, still awaiting payment"
    );
    ship_on_account(&app, false).await;
    assert_eq!(dashboard_tiles(&app).await, (1, 1));
    let (client, _) = app.signed_in("clerk").await;
    let page = client
        .get("/")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        page.contains("href=\"/orders?fulfilment=unfulfilled&amp;payment=settled\""),
        "{page}"
    );
    let models: Vec<_> = catalog::live().collect();
    let drift = verify::verify(&mut *app.conn().await, &models, false)
        .await
        .unwrap();
    assert!(drift.iter().all(verify::Drift::ok), "{drift:?}");
}

#[tokio::test]
async fn the_database_refuses_a_fulfilment_timestamp_without_its_state() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    let order = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    let refused = |sql: String| refused_by(&app, sql, "orders_fulfilment");

    // A shipped time on an unfulfilled order, a shipped order without one,
    // a cancellation without its reason, a state the column does not know.
    refused(format!(
        "UPDATE orders SET shipped_at = now() WHERE id = {order}"
    ))
    .await;
    refused(format!(
        "UPDATE orders SET fulfilment_status = 'shipped' WHERE id = {order}"
    ))
    .await;
    refused(format!(
        "UPDATE orders SET fulfilment_status = 'cancelled', cancelled_at = now() WHERE id = {order}"
    ))
    .await;
    refused(format!(
        "UPDATE orders SET fulfilment_status = 'paid' WHERE id = {order}"
    ))
    .await;
    refused(format!(
        "UPDATE orders SET fulfilment_status = 'delivered', shipped_at = now() WHERE id = {order}"
    ))
    .await;
    assert_eq!(app.order_status(order).await, "unfulfilled/unpaid");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_database_refuses_an_unpaid_order_shipped_unless_it_left_on_account() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    let unpaid = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    let paid = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    app.mark_paid(paid).await;
    let refused = |sql: String| refused_by(&app, sql, "orders_shipped_paid_or_on_account");

    // Past the ship command: an unpaid order shipped without the mark, and
    // the mark on an order that has not left.
    refused(format!(
        "UPDATE orders SET fulfilment_status = 'shipped', shipped_at = now() WHERE id = {unpaid}"
    ))
    .await;
    refused(format!(
        "UPDATE orders SET shipped_on_account = true WHERE id = {unpaid}"
    ))
    .await;
    assert_eq!(app.order_status(unpaid).await, "unfulfilled/unpaid");

    // Through it: the paid order leaves unmarked, the unpaid one (on account) marked.
    ship_order(&mut *app.conn().await, OrderId(paid), &ctx())
        .await
        .unwrap();
    ship_on_account(&app, true).await;
    ship_order(&mut *app.conn().await, OrderId(unpaid), &ctx())
        .await
        .unwrap();
    let marked = app
        .scalar(&format!(
            "SELECT count(*) FROM orders WHERE shipped_on_account AND id IN ({paid}, {unpaid})"
        ))
        .await;
    assert_eq!(marked, 1);
    let unpaid_marked = app
        .scalar(&format!(
            "SELECT count(*) FROM orders WHERE shipped_on_account AND id = {unpaid}"
        ))
        .await;
    assert_eq!(unpaid_marked, 1);
}
