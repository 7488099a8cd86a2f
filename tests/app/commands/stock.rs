//! ReceiveStock and AdjustStock.

use orderdesk::commands::CommandError;
use orderdesk::commands::adjust_stock::adjust_stock;
use orderdesk::commands::receive_stock::receive_stock;
use orderdesk::domain::{Note, Quantity, Reason, StockDelta};

use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs::{adjustment, receipt};

#[tokio::test]
async fn receiving_stock_adds_to_on_hand_with_a_ledger_entry_and_event() {
    let app = TestApp::spawn().await;
    let id = app.product("TEE", "10", 0).await;
    let input = receipt(id, 25, "PO-17");

    receive_stock(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap();

    assert_eq!(app.stock(id).await, (25, 0));
    assert_eq!(app.scalar(&format!("SELECT count(*) FROM stock_movements WHERE product_id = {id} AND kind = 'receipt' AND quantity = 25 AND reason = 'PO-17'")).await, 1);
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE event_type = 'stock_received'")
            .await,
        1
    );
}

#[tokio::test]
async fn bad_receipts_are_rejected_before_the_database() {
    for q in ["0", "-5", "", "ten", "10001", "1.5"] {
        assert!(Quantity::parse(q).is_err(), "{q:?} accepted");
    }
    assert!(Quantity::parse("10000").is_ok());
    assert!(Note::parse(&"n".repeat(501)).is_err());
    assert!(Note::parse(&"n".repeat(500)).is_ok());
}

#[tokio::test]
async fn receiving_for_an_unknown_product_is_not_found_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let before = app.snapshot().await;
    let input = receipt(777, 1, "");
    let err = receive_stock(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CommandError::NotFound {
                what: "product",
                id: 777
            }
        ),
        "{err:?}"
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn adjusting_stock_applies_a_signed_change_with_its_reason() {
    let app = TestApp::spawn().await;
    let id = app.product("TEE", "10", 10).await;

    adjust_stock(
        &mut *app.conn().await,
        adjustment(id, "-3", "damaged in store"),
        &ctx(),
    )
    .await
    .unwrap();
    adjust_stock(
        &mut *app.conn().await,
        adjustment(id, "+1", "found in count"),
        &ctx(),
    )
    .await
    .unwrap();

    assert_eq!(app.stock(id).await, (8, 0));
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM stock_movements WHERE product_id = {id} AND kind = 'adjustment'"
        ))
        .await,
        2
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE event_type = 'stock_adjusted'")
            .await,
        2
    );
}

#[tokio::test]
async fn an_adjustment_may_not_take_stock_below_what_is_reserved() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    let id = app.product("TEE", "10", 10).await;
    app.place(customer, &[("TEE", 6)]).await.unwrap();
    let before = app.snapshot().await;

    let err = adjust_stock(
        &mut *app.conn().await,
        adjustment(id, "-5", "count"),
        &ctx(),
    )
    .await
    .unwrap_err();

    match err {
        CommandError::Invalid(e) => {
            assert!(e.get("quantity").unwrap().contains("6 are reserved"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(app.snapshot().await, before);
    adjust_stock(
        &mut *app.conn().await,
        adjustment(id, "-4", "count"),
        &ctx(),
    )
    .await
    .unwrap();
    assert_eq!(app.stock(id).await, (6, 6));
}

#[tokio::test]
async fn an_adjustment_needs_a_reason_and_a_non_zero_quantity() {
    assert!(StockDelta::parse("0").is_err());
    assert!(StockDelta::parse("-1").is_ok());
    assert!(Reason::parse(" ").is_err());
}
