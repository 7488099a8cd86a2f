//! PlaceOrder and the order lifecycle: MarkPaid, ShipOrder, MarkDelivered, CancelOrder.

use orderdesk::commands::cancel_order::{CancelOrder, cancel_order};
use orderdesk::commands::mark_delivered::mark_delivered;
use orderdesk::commands::mark_paid::mark_paid;
use orderdesk::commands::place_order::place_order;
use orderdesk::commands::ship_order::ship_order;
use orderdesk::commands::{CommandError, Shortage};
use orderdesk::domain::{FulfilmentStatus, Quantity, Reason, Sku};

use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;

fn cancel(order_id: i64) -> CancelOrder {
    inputs::cancel(order_id, "customer changed their mind")
}

#[tokio::test]
async fn placing_an_order_reserves_stock_and_captures_prices() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10.00", 5).await;
    let mug = app.product("MUG", "7.50", 3).await;

    let ack = app
        .place(customer, &[("TEE", 2), ("mug", 1), ("TEE", 1)])
        .await
        .unwrap();

    assert_eq!(app.order_status(ack.id).await, "unfulfilled/unpaid");
    assert_eq!(
        app.stock(tee).await,
        (5, 3),
        "the two TEE lines merge into one of 3"
    );
    assert_eq!(app.stock(mug).await, (3, 1));
    assert_eq!(
        app.scalar(&format!(
            "SELECT sum(quantity * unit_price_cents) FROM order_lines WHERE order_id = {}",
            ack.id
        ))
        .await,
        3750
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM stock_movements WHERE kind = 'reservation'")
            .await,
        2
    );
    assert_eq!(
        app.scalar(&format!("SELECT (payload->>'total_cents')::bigint FROM events WHERE id = {} AND event_type = 'order_placed'", ack.event_id)).await,
        3750
    );
}

#[tokio::test]
async fn unknown_customer_unknown_and_inactive_products_are_refused_and_write_nothing() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    let old = app.product("OLD", "10", 5).await;
    app.exec(&format!(
        "UPDATE products SET active = false WHERE id = {old}"
    ))
    .await;
    let before = app.snapshot().await;

    let err = app.place(424_242, &[("TEE", 1)]).await.unwrap_err();
    assert!(
        matches!(&err, CommandError::Invalid(e) if e.get("customer_id").is_some()),
        "{err:?}"
    );
    let err = app
        .place(customer, &[("TEE", 1), ("NOPE", 1), ("OLD", 1)])
        .await
        .unwrap_err();
    let CommandError::Invalid(e) = err else {
        panic!("{err:?}")
    };
    let messages: Vec<_> = e.iter().map(|(_, m)| m.to_owned()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("no product has SKU NOPE")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("OLD") && m.contains("not for sale")),
        "{messages:?}"
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn insufficient_stock_rejects_the_whole_order_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    app.product("MUG", "5", 1).await;
    let before = app.snapshot().await;

    let err = app
        .place(customer, &[("TEE", 2), ("MUG", 3)])
        .await
        .unwrap_err();

    let CommandError::InsufficientStock(shortages) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        shortages,
        vec![Shortage {
            sku: "MUG".into(),
            requested: 3,
            available: 1
        }]
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn the_same_key_and_content_returns_the_first_order_without_a_second_event() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    let input = inputs::order(customer, &[("TEE", 2)]);

    let first = place_order(&mut *app.conn().await, input.clone(), &ctx())
        .await
        .unwrap();
    let events = app.scalar("SELECT count(*) FROM events").await;
    let again = place_order(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap();

    assert!(!first.replayed);
    assert!(again.replayed);
    assert_eq!((again.id, again.event_id), (first.id, first.event_id));
    assert_eq!(app.scalar("SELECT count(*) FROM orders").await, 1);
    assert_eq!(app.scalar("SELECT count(*) FROM events").await, events);
    assert_eq!(app.scalar("SELECT reserved FROM inventory").await, 2);
}

#[tokio::test]
async fn the_same_key_with_other_content_is_a_conflict() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    let input = inputs::order(customer, &[("TEE", 2)]);
    place_order(&mut *app.conn().await, input.clone(), &ctx())
        .await
        .unwrap();
    let before = app.snapshot().await;

    let mut changed = input;
    changed
        .lines
        .insert(Sku::parse("TEE").unwrap(), Quantity::new(3).unwrap());
    let err = place_order(&mut *app.conn().await, changed, &ctx())
        .await
        .unwrap_err();

    assert!(
        matches!(&err, CommandError::Conflict(c) if c.message.contains("already submitted")),
        "{err:?}"
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn an_order_is_paid_then_shipped_and_delivered_and_stock_leaves_on_shipping() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10", 5).await;
    let order = app.place(customer, &[("TEE", 2)]).await.unwrap().id;
    let conn = &mut *app.conn().await;

    let paid = mark_paid(conn, orderdesk::domain::OrderId(order), &ctx())
        .await
        .unwrap();
    // A payment moves the payment state only: no version, no fulfilment move.
    assert_eq!(paid.version, None);
    assert_eq!(app.order_status(order).await, "unfulfilled/paid");
    assert_eq!(app.stock(tee).await, (5, 2));
    ship_order(conn, orderdesk::domain::OrderId(order), &ctx())
        .await
        .unwrap();
    assert_eq!(app.stock(tee).await, (3, 0));
    let delivered = mark_delivered(conn, orderdesk::domain::OrderId(order), &ctx())
        .await
        .unwrap();

    assert_eq!(delivered.version, Some(3));
    assert_eq!(app.order_status(order).await, "delivered/paid");
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM stock_movements WHERE kind = 'shipment' AND quantity = -2"
        )
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!("SELECT count(*) FROM events WHERE aggregate_id = {order} AND event_type IN ('payment_recorded', 'order_shipped', 'order_delivered')")).await,
        3
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE event_type = 'order_paid'")
            .await,
        0,
        "no order_paid since the split"
    );
    assert_eq!(
        app.scalar(&format!("SELECT count(*) FROM orders WHERE id = {order} AND paid_at <= shipped_at AND shipped_at <= delivered_at")).await,
        1
    );
}

#[tokio::test]
async fn status_moves_out_of_order_are_refused_and_write_nothing() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    let order = app.place(customer, &[("TEE", 1)]).await.unwrap().id;
    let conn = &mut *app.conn().await;
    let before = app.snapshot().await;

    // Unpaid and the shop does not ship on account: said beside the status.
    let err = ship_order(conn, orderdesk::domain::OrderId(order), &ctx())
        .await
        .unwrap_err();
    match &err {
        CommandError::Invalid(errors) => assert!(
            errors
                .get("status")
                .is_some_and(|m| m.contains("unpaid") && m.contains("Ship on account")),
            "{errors:?}"
        ),
        other => panic!("expected a refusal beside status, got {other:?}"),
    }
    let err = mark_delivered(conn, orderdesk::domain::OrderId(order), &ctx())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CommandError::InvalidTransition {
                from: FulfilmentStatus::Unfulfilled,
                to: FulfilmentStatus::Delivered,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(app.snapshot().await, before);

    mark_paid(conn, orderdesk::domain::OrderId(order), &ctx())
        .await
        .unwrap();
    // Nothing due: refused beside status, nothing recorded twice.
    let err = mark_paid(conn, orderdesk::domain::OrderId(order), &ctx())
        .await
        .unwrap_err();
    let nothing_due = |e: &orderdesk::domain::FieldErrors| {
        e.get("status")
            .is_some_and(|m| m.contains("nothing is due"))
    };
    assert!(
        matches!(&err, CommandError::Invalid(e) if nothing_due(e)),
        "{err:?}"
    );
    assert_eq!(app.order_status(order).await, "unfulfilled/paid");

    let err = mark_paid(conn, orderdesk::domain::OrderId(999_999), &ctx())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CommandError::NotFound {
                what: "order",
                id: 999_999
            }
        ),
        "{err:?}"
    );
}

/// Turns the shop's "Ship on account" setting on, through its command.
async fn ship_on_account(app: &TestApp) {
    use orderdesk::commands::change_shop_settings::{
        ChangeShopSettings, change_shop_settings, current,
    };
    let conn = &mut *app.conn().await;
    let (mut settings, version) = current(conn).await.unwrap();
    settings.ship_on_account = true;
    let input = ChangeShopSettings {
        expected_version: version,
        settings,
    };
    change_shop_settings(conn, input, &ctx()).await.unwrap();
}

#[tokio::test]
async fn on_account_an_unpaid_order_ships_stays_unpaid_and_can_be_paid_later() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10", 5).await;
    let order = app.place(customer, &[("TEE", 2)]).await.unwrap().id;
    ship_on_account(&app).await;
    let conn = &mut *app.conn().await;

    ship_order(conn, orderdesk::domain::OrderId(order), &ctx())
        .await
        .unwrap();

    assert_eq!(app.order_status(order).await, "shipped/unpaid");
    assert_eq!(app.stock(tee).await, (3, 0));
    let unpaid = format!(
        "SELECT count(*) FROM orders WHERE id = {order} \
         AND payment_status = 'unpaid' AND paid_at IS NULL AND shipped_at IS NOT NULL"
    );
    assert_eq!(app.scalar(&unpaid).await, 1);
    mark_delivered(conn, orderdesk::domain::OrderId(order), &ctx())
        .await
        .unwrap();
    assert_eq!(app.order_status(order).await, "delivered/unpaid");
    // Paid later: the payment state moves, the fulfilment state stays.
    mark_paid(conn, orderdesk::domain::OrderId(order), &ctx())
        .await
        .unwrap();
    assert_eq!(app.order_status(order).await, "delivered/paid");
    let paid_at =
        format!("SELECT count(*) FROM orders WHERE id = {order} AND paid_at >= shipped_at");
    assert_eq!(
        app.scalar(&paid_at).await,
        1,
        "paid_at: when it became paid"
    );
}

#[tokio::test]
async fn the_order_page_offers_ship_for_an_unpaid_order_only_on_account() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    let order = app.place(customer, &[("TEE", 1)]).await.unwrap().id;
    app.catch_up().await;
    let (client, _) = app.signed_in("clerk").await;
    let ship_button = format!("action=\"/orders/{order}/ship\"");

    let before = client.get(format!("/orders/{order}")).dispatch().await;
    let before = before.into_string().await.unwrap();
    ship_on_account(&app).await;
    app.catch_up().await;
    let after = client.get(format!("/orders/{order}")).dispatch().await;
    let after = after.into_string().await.unwrap();

    assert!(!before.contains(&ship_button), "{before}");
    assert!(after.contains(&ship_button), "{after}");
}

#[tokio::test]
async fn cancelling_releases_reserved_stock_with_the_reason() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10", 5).await;
    let placed = app.place(customer, &[("TEE", 2)]).await.unwrap().id;
    let paid = app.place(customer, &[("TEE", 3)]).await.unwrap().id;
    let conn = &mut *app.conn().await;
    mark_paid(conn, orderdesk::domain::OrderId(paid), &ctx())
        .await
        .unwrap();
    assert_eq!(app.stock(tee).await, (5, 5));

    cancel_order(conn, cancel(placed), &ctx()).await.unwrap();
    cancel_order(conn, cancel(paid), &ctx()).await.unwrap();

    assert_eq!(app.stock(tee).await, (5, 0));
    assert_eq!(app.scalar("SELECT count(*) FROM orders WHERE fulfilment_status = 'cancelled' AND cancellation_reason = 'customer changed their mind'").await, 2);
    assert_eq!(
        app.scalar("SELECT count(*) FROM stock_movements WHERE kind = 'release'")
            .await,
        2
    );
}

#[tokio::test]
async fn a_shipped_order_cannot_be_cancelled_and_a_reason_is_required() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    let order = app.place(customer, &[("TEE", 1)]).await.unwrap().id;
    let conn = &mut *app.conn().await;
    mark_paid(conn, orderdesk::domain::OrderId(order), &ctx())
        .await
        .unwrap();
    ship_order(conn, orderdesk::domain::OrderId(order), &ctx())
        .await
        .unwrap();
    let before = app.snapshot().await;

    let err = cancel_order(conn, cancel(order), &ctx()).await.unwrap_err();

    assert!(
        matches!(
            err,
            CommandError::InvalidTransition {
                from: FulfilmentStatus::Shipped,
                to: FulfilmentStatus::Cancelled,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(app.snapshot().await, before);
    assert!(Reason::parse("   ").is_err());
}
