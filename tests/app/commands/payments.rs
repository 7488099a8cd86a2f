//! RecordPayment, RefundPayment, VoidPayment and MarkPaid's payment of the
//! balance: the running sums, the payment state, the events, every refusal
//! writing nothing, idempotency, and the append-only table.

use orderdesk::commands::cancel_order::cancel_order;
use orderdesk::commands::mark_paid::{mark_paid, mark_paid_by};
use orderdesk::commands::record_payment::{OVER_BALANCE, RecordPayment, record_payment};
use orderdesk::commands::refund_payment::{RefundPayment, refund_payment};
use orderdesk::commands::void_payment::{VoidPayment, void_payment};
use orderdesk::commands::{Ack, CommandError};
use orderdesk::domain::{IdempotencyKey, Money, OrderId, PaymentMethod};

use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;

pub(crate) fn payment(order: i64, cents: i64, confirmed: bool) -> RecordPayment {
    RecordPayment {
        order_id: OrderId(order),
        key: IdempotencyKey::generate(),
        amount: Money::from_minor(cents).unwrap(),
        method: PaymentMethod::Card,
        reference: None,
        received_on: None,
        overpayment_confirmed: confirmed,
    }
}

fn refund(order: i64, cents: i64) -> RefundPayment {
    RefundPayment {
        order_id: OrderId(order),
        key: IdempotencyKey::generate(),
        amount: Money::from_minor(cents).unwrap(),
        method: PaymentMethod::BankTransfer,
        reference: None,
        received_on: None,
    }
}

fn void(order: i64, payment_id: i64) -> VoidPayment {
    VoidPayment {
        order_id: OrderId(order),
        payment_id,
        key: IdempotencyKey::generate(),
        reason: None,
    }
}

/// A placed order of 20.00 (two TEE at 10.00, rate 0).
async fn placed_order(app: &TestApp) -> i64 {
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 10).await;
    app.place(customer, &[("TEE", 2)]).await.unwrap().id
}

/// `(paid, refunded, payment_status, fulfilment_status, version)` of the order.
async fn money(app: &TestApp, order: i64) -> (i64, i64, String, String, i64) {
    let row = app
        .json(&format!(
            "SELECT to_jsonb(o) FROM (SELECT paid_cents, refunded_cents, payment_status, \
             fulfilment_status, version FROM orders WHERE id = {order}) o"
        ))
        .await;
    (
        row["paid_cents"].as_i64().unwrap(),
        row["refunded_cents"].as_i64().unwrap(),
        row["payment_status"].as_str().unwrap().to_owned(),
        row["fulfilment_status"].as_str().unwrap().to_owned(),
        row["version"].as_i64().unwrap(),
    )
}

async fn pay(app: &TestApp, order: i64, cents: i64) -> Result<Ack, CommandError> {
    record_payment(&mut *app.conn().await, payment(order, cents, false), &ctx()).await
}

fn field_error(err: &CommandError, field: &str) -> String {
    match err {
        CommandError::Invalid(errors) => errors.get(field).unwrap_or_default().to_owned(),
        other => panic!("expected a field error on {field}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_deposit_then_the_rest_makes_the_order_paid_without_touching_its_version() {
    let app = TestApp::spawn().await;
    let order = placed_order(&app).await;

    pay(&app, order, 500).await.unwrap();
    assert_eq!(
        money(&app, order).await,
        (500, 0, "partly_paid".into(), "unfulfilled".into(), 1),
        "a payment never bumps the order's version"
    );
    let ack = pay(&app, order, 1500).await.unwrap();

    assert_eq!(
        money(&app, order).await,
        (2000, 0, "paid".into(), "unfulfilled".into(), 1),
        "the payment that completes it moves the payment state only"
    );
    assert_eq!(ack.version, None);
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM orders WHERE id = {order} AND paid_at IS NOT NULL"
        ))
        .await,
        1,
        "paid_at: the moment it became paid"
    );
    let events = app
        .json(&format!(
            "SELECT jsonb_agg(event_type ORDER BY id) FROM events \
             WHERE aggregate_type = 'order' AND aggregate_id = {order}"
        ))
        .await;
    assert_eq!(
        events,
        serde_json::json!(["order_placed", "payment_recorded", "payment_recorded"])
    );
    let last = app
        .json(&format!(
            "SELECT payload FROM events WHERE event_type = 'payment_recorded' \
             AND aggregate_id = {order} ORDER BY id DESC LIMIT 1"
        ))
        .await;
    assert_eq!(last["schema_version"], 1);
    assert_eq!(last["amount_cents"], 1500);
    assert_eq!(last["paid_cents"], 2000);
    assert_eq!(last["payment_status"], "paid");
    assert_eq!(last["method"], "card");
}

#[tokio::test]
async fn a_payment_on_a_cancelled_order_is_refused_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let order = placed_order(&app).await;
    cancel_order(
        &mut *app.conn().await,
        inputs::cancel(order, "customer changed their mind"),
        &ctx(),
    )
    .await
    .unwrap();
    let before = app.snapshot().await;

    let err = pay(&app, order, 500).await.unwrap_err();

    assert!(field_error(&err, "amount").contains("cancelled"), "{err:?}");
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn more_than_the_balance_is_refused_unless_confirmed_as_an_overpayment() {
    let app = TestApp::spawn().await;
    let order = placed_order(&app).await;
    pay(&app, order, 1500).await.unwrap();
    let before = app.snapshot().await;

    let err = pay(&app, order, 501).await.unwrap_err();
    assert_eq!(field_error(&err, "amount"), OVER_BALANCE);
    assert_eq!(app.snapshot().await, before, "nothing written");

    record_payment(&mut *app.conn().await, payment(order, 800, true), &ctx())
        .await
        .unwrap();
    assert_eq!(
        money(&app, order).await,
        (2300, 0, "overpaid".into(), "unfulfilled".into(), 1)
    );
    // The extra goes back as a refund: the order is paid exactly.
    refund_payment(&mut *app.conn().await, refund(order, 300), &ctx())
        .await
        .unwrap();
    assert_eq!(
        money(&app, order).await,
        (2300, 300, "paid".into(), "unfulfilled".into(), 1)
    );
}

#[tokio::test]
async fn a_refund_above_paid_less_refunded_is_refused_and_one_within_it_recorded() {
    let app = TestApp::spawn().await;
    let order = placed_order(&app).await;
    let before = app.snapshot().await;
    let err = refund_payment(&mut *app.conn().await, refund(order, 1), &ctx())
        .await
        .unwrap_err();
    assert!(
        field_error(&err, "amount").contains("nothing is left"),
        "{err:?}"
    );
    assert_eq!(app.snapshot().await, before);

    pay(&app, order, 2000).await.unwrap();
    refund_payment(&mut *app.conn().await, refund(order, 700), &ctx())
        .await
        .unwrap();
    let before = app.snapshot().await;
    let err = refund_payment(&mut *app.conn().await, refund(order, 1301), &ctx())
        .await
        .unwrap_err();
    assert!(field_error(&err, "amount").contains("at most"), "{err:?}");
    assert_eq!(app.snapshot().await, before);

    refund_payment(&mut *app.conn().await, refund(order, 1300), &ctx())
        .await
        .unwrap();
    assert_eq!(
        money(&app, order).await,
        (2000, 2000, "refunded".into(), "unfulfilled".into(), 1)
    );
}

#[tokio::test]
async fn a_cancelled_paid_order_can_be_refunded() {
    let app = TestApp::spawn().await;
    let order = placed_order(&app).await;
    pay(&app, order, 2000).await.unwrap();
    cancel_order(
        &mut *app.conn().await,
        inputs::cancel(order, "out of stock after all"),
        &ctx(),
    )
    .await
    .unwrap();

    refund_payment(&mut *app.conn().await, refund(order, 500), &ctx())
        .await
        .unwrap();

    let (paid, refunded, state, status, _) = money(&app, order).await;
    assert_eq!(
        (paid, refunded, state.as_str(), status.as_str()),
        (2000, 500, "partly_refunded", "cancelled")
    );
}

#[tokio::test]
async fn a_void_reverses_an_entry_once_and_never_edits_it() {
    let app = TestApp::spawn().await;
    let order = placed_order(&app).await;
    let deposit = pay(&app, order, 500).await.unwrap().id;

    let voided = void_payment(&mut *app.conn().await, void(order, deposit), &ctx())
        .await
        .unwrap();
    assert_eq!(
        money(&app, order).await,
        (0, 0, "unpaid".into(), "unfulfilled".into(), 1)
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT amount_cents FROM payments WHERE id = {deposit} AND kind = 'payment'"
        ))
        .await,
        500,
        "the voided entry is still there, unchanged"
    );

    let before = app.snapshot().await;
    let twice = void_payment(&mut *app.conn().await, void(order, deposit), &ctx())
        .await
        .unwrap_err();
    assert_eq!(
        field_error(&twice, "payment_id"),
        "this entry was already voided"
    );
    let of_a_void = void_payment(&mut *app.conn().await, void(order, voided.id), &ctx())
        .await
        .unwrap_err();
    assert!(field_error(&of_a_void, "payment_id").contains("cannot be voided"));
    let elsewhere = void_payment(&mut *app.conn().await, void(order + 1, deposit), &ctx())
        .await
        .unwrap_err();
    assert!(
        matches!(elsewhere, CommandError::NotFound { .. }),
        "{elsewhere:?}"
    );
    assert_eq!(app.snapshot().await, before);
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE event_type = 'payment_voided'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_payment_whose_refund_stands_cannot_be_voided_before_the_refund() {
    let app = TestApp::spawn().await;
    let order = placed_order(&app).await;
    let paid = pay(&app, order, 2000).await.unwrap().id;
    let refunded = refund_payment(&mut *app.conn().await, refund(order, 500), &ctx())
        .await
        .unwrap()
        .id;
    let before = app.snapshot().await;

    let err = void_payment(&mut *app.conn().await, void(order, paid), &ctx())
        .await
        .unwrap_err();
    assert!(field_error(&err, "payment_id").contains("void the refund first"));
    assert_eq!(app.snapshot().await, before);

    void_payment(&mut *app.conn().await, void(order, refunded), &ctx())
        .await
        .unwrap();
    void_payment(&mut *app.conn().await, void(order, paid), &ctx())
        .await
        .unwrap();
    let (paid, refunded, state, status, _) = money(&app, order).await;
    assert_eq!(
        (paid, refunded, state.as_str(), status.as_str()),
        (0, 0, "unpaid", "unfulfilled"),
        "the money says unpaid; the fulfilment state never moved"
    );
}

#[tokio::test]
async fn the_same_form_sent_twice_records_once_and_a_reused_key_conflicts() {
    let app = TestApp::spawn().await;
    let order = placed_order(&app).await;
    let input = payment(order, 700, false);

    let first = record_payment(&mut *app.conn().await, input.clone(), &ctx())
        .await
        .unwrap();
    let again = record_payment(&mut *app.conn().await, input.clone(), &ctx())
        .await
        .unwrap();

    assert!(!first.replayed);
    assert!(again.replayed);
    assert_eq!(again.id, first.id);
    assert_eq!(app.scalar("SELECT count(*) FROM payments").await, 1);
    assert_eq!(money(&app, order).await.0, 700);
    let other = RecordPayment {
        amount: Money::from_minor(800).unwrap(),
        ..input
    };
    let err = record_payment(&mut *app.conn().await, other, &ctx())
        .await
        .unwrap_err();
    assert!(matches!(err, CommandError::Conflict(_)), "{err:?}");
}

#[tokio::test]
async fn payments_are_append_only_in_the_database() {
    use diesel_async::RunQueryDsl;
    let app = TestApp::spawn().await;
    let order = placed_order(&app).await;
    pay(&app, order, 500).await.unwrap();
    let conn = &mut *app.conn().await;
    for sql in [
        "UPDATE payments SET amount_cents = 1",
        "DELETE FROM payments",
    ] {
        let err = diesel::sql_query(sql).execute(conn).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(
        app.scalar("SELECT sum(amount_cents) FROM payments").await,
        500
    );
}

#[tokio::test]
async fn mark_paid_records_the_balance_due_with_the_chosen_method() {
    let app = TestApp::spawn().await;
    let order = placed_order(&app).await;
    pay(&app, order, 500).await.unwrap();

    let ack = mark_paid_by(
        &mut *app.conn().await,
        OrderId(order),
        PaymentMethod::Cash,
        &ctx(),
    )
    .await
    .unwrap();

    assert_eq!(ack.id, order);
    assert_eq!(
        money(&app, order).await,
        (2000, 0, "paid".into(), "unfulfilled".into(), 1)
    );
    assert_eq!(
        app.scalar("SELECT amount_cents FROM payments WHERE method = 'cash'")
            .await,
        1500
    );
    // Marked paid again: nothing is due, nothing recorded.
    let before = app.snapshot().await;
    let err = mark_paid(&mut *app.conn().await, OrderId(order), &ctx())
        .await
        .unwrap_err();
    assert!(
        field_error(&err, "status").contains("nothing is due"),
        "{err:?}"
    );
    assert_eq!(app.snapshot().await, before);
}
