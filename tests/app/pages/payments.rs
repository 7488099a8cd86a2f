//! The order page's Payments panel over HTTP: the entries and figures, the
//! record / refund / void forms (the date received as typed), each refusal a
//! 422 beside its field with nothing written, and the confirm-overpayment
//! checkbox after that refusal.

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;
use crate::support::html::{definition, row_with};
use crate::support::pages_http::{get, input_value, location, post};

/// A placed order of 20.00 and a signed-in clerk.
async fn order(app: &TestApp) -> (Client, i64) {
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 5).await;
    let id = app.place(customer, &[("TEE", 2)]).await.unwrap().id;
    app.refresh().await;
    (app.signed_in("clerk").await.0, id)
}

async fn record<'c>(
    client: &'c Client,
    id: i64,
    key: &str,
    amount: &str,
    method: &str,
    extra: &[(&str, &str)],
) -> rocket::local::asynchronous::LocalResponse<'c> {
    let mut fields = vec![
        ("idempotency_key", key),
        ("amount", amount),
        ("method", method),
        ("reference", "slip 42"),
        ("received_on", ""),
    ];
    fields.extend_from_slice(extra);
    post(client, &format!("/orders/{id}/payments"), &fields).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deposit_recorded_on_the_order_page_shows_with_the_balance_due() {
    let app = TestApp::spawn().await;
    let (client, id) = order(&app).await;
    let (status, page) = get(&client, &format!("/orders/{id}")).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(
        input_value(&page, "amount").as_deref(),
        Some("20.00"),
        "the amount defaults to the balance due"
    );
    assert_eq!(
        definition(&page, "Payment status").as_deref(),
        Some("Unpaid")
    );

    let response = record(&client, id, "pay-key-00000001", "5.00", "cash", &[]).await;
    assert_eq!(response.status(), Status::SeeOther);
    assert!(location(&response).starts_with(&format!("/orders/{id}")));
    app.refresh().await;
    let (_, page) = get(&client, &format!("/orders/{id}")).await;

    assert_eq!(definition(&page, "Paid so far").as_deref(), Some("$5.00"));
    assert_eq!(definition(&page, "Balance due").as_deref(), Some("$15.00"));
    assert_eq!(
        definition(&page, "Payment status").as_deref(),
        Some("Partly paid")
    );
    let entry = row_with(&page, "slip 42").expect("the entry is listed");
    assert_eq!(entry[1], "payment");
    assert_eq!(entry[2], "Cash");
    assert_eq!(entry[4], "$5.00");
    assert_eq!(entry[5], "clerk", "{entry:?}");
    assert_eq!(input_value(&page, "amount").as_deref(), Some("15.00"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_payments_answer_422_beside_their_field_and_write_nothing() {
    let app = TestApp::spawn().await;
    let (client, id) = order(&app).await;
    let before = app.snapshot().await;

    for (amount, method, field_error) in [
        ("-5", "card", "enter the amount in digits"),
        ("0", "card", "amount must be greater than zero"),
        ("5", "cheque", "choose cash, card, bank transfer or other"),
        ("20.01", "card", "more than the balance due"),
    ] {
        let response = record(&client, id, "pay-key-00000002", amount, method, &[]).await;
        assert_eq!(
            response.status(),
            Status::UnprocessableEntity,
            "{amount} {method}"
        );
        let page = response.into_string().await.unwrap();
        assert!(page.contains(field_error), "{amount} {method}: {page}");
        assert!(page.contains(r#"class="error""#));
    }
    assert_eq!(app.snapshot().await, before);
}

/// The record-payment form's fields with `received_on` as typed.
fn dated<'a>(key: &'a str, received_on: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("idempotency_key", key),
        ("amount", "5.00"),
        ("method", "bank_transfer"),
        ("reference", "slip 43"),
        ("received_on", received_on),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn the_date_received_typed_by_staff_is_stored_and_a_malformed_one_is_refused_beside_it() {
    let app = TestApp::spawn().await;
    let (client, id) = order(&app).await;
    let uri = format!("/orders/{id}/payments");
    let before = app.snapshot().await;

    for bad in ["15/01/2026", "2026-02-30", "yesterday"] {
        let refused = post(&client, &uri, &dated("pay-key-00000020", bad)).await;
        assert_eq!(refused.status(), Status::UnprocessableEntity, "{bad}");
        let page = refused.into_string().await.unwrap();
        assert!(
            page.contains(
                r#"<p class="error" id="received_on-error">enter the date as YYYY-MM-DD"#
            ),
            "{bad}: {page}"
        );
        assert!(
            page.contains(&format!(r#"name="received_on" type="date" value="{bad}""#)),
            "the typed value is kept: {page}"
        );
    }
    assert_eq!(app.snapshot().await, before);

    let taken = post(&client, &uri, &dated("pay-key-00000021", "2026-01-15")).await;

    assert_eq!(taken.status(), Status::SeeOther);
    let stored = app
        .json(&format!(
            "SELECT jsonb_agg(jsonb_build_array(received_on, method, amount_cents)) \
             FROM payments WHERE order_id = {id}"
        ))
        .await;
    assert_eq!(
        stored,
        serde_json::json!([["2026-01-15", "bank_transfer", 500]])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_overpayment_is_taken_only_once_confirmed_with_the_checkbox_that_appears() {
    let app = TestApp::spawn().await;
    let (client, id) = order(&app).await;
    let (_, page) = get(&client, &format!("/orders/{id}")).await;
    assert!(!page.contains("confirm_overpayment"));

    let refused = record(&client, id, "pay-key-00000003", "25.00", "card", &[]).await;
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    let page = refused.into_string().await.unwrap();
    assert!(page.contains(r#"name="confirm_overpayment""#), "{page}");
    assert_eq!(app.scalar("SELECT count(*) FROM payments").await, 0);

    let confirmed = record(
        &client,
        id,
        "pay-key-00000003",
        "25.00",
        "card",
        &[("confirm_overpayment", "true")],
    )
    .await;
    assert_eq!(confirmed.status(), Status::SeeOther);
    app.refresh().await;
    let (_, page) = get(&client, &format!("/orders/{id}")).await;
    assert_eq!(
        definition(&page, "Payment status").as_deref(),
        Some("Overpaid")
    );
    assert_eq!(app.order_status(id).await, "unfulfilled/overpaid");
}

#[tokio::test(flavor = "multi_thread")]
async fn refunds_and_voids_from_the_page_and_their_refusals() {
    let app = TestApp::spawn().await;
    let (client, id) = order(&app).await;
    record(&client, id, "pay-key-00000004", "20.00", "card", &[]).await;

    let too_much = post(
        &client,
        &format!("/orders/{id}/refunds"),
        &[
            ("idempotency_key", "refund-key-0001"),
            ("amount", "20.01"),
            ("method", "card"),
        ],
    )
    .await;
    assert_eq!(too_much.status(), Status::UnprocessableEntity);
    assert!(too_much.into_string().await.unwrap().contains("at most"));
    let refunded = post(
        &client,
        &format!("/orders/{id}/refunds"),
        &[
            ("idempotency_key", "refund-key-0002"),
            ("amount", "4.00"),
            ("method", "bank_transfer"),
        ],
    )
    .await;
    assert_eq!(refunded.status(), Status::SeeOther);
    let refund = app.scalar("SELECT max(id) FROM payments").await;

    let void_url = format!("/orders/{id}/payments/{refund}/void");
    let voided = post(
        &client,
        &void_url,
        &[
            ("idempotency_key", "void-key-00001"),
            ("reason", "wrong order"),
        ],
    )
    .await;
    assert_eq!(voided.status(), Status::SeeOther);
    let twice = post(&client, &void_url, &[("idempotency_key", "void-key-00002")]).await;
    assert_eq!(twice.status(), Status::UnprocessableEntity);
    assert!(
        twice
            .into_string()
            .await
            .unwrap()
            .contains("already voided")
    );
    let missing = post(
        &client,
        &format!("/orders/{id}/payments/{}/void", refund + 100),
        &[("idempotency_key", "void-key-00003")],
    )
    .await;
    assert_eq!(missing.status(), Status::NotFound);

    app.refresh().await;
    let (_, page) = get(&client, &format!("/orders/{id}")).await;
    let row = row_with(&page, "wrong order").expect("the void is listed");
    assert!(
        row[1].contains(&format!("void of entry {refund}")),
        "{row:?}"
    );
    assert!(
        row_with(&page, "(voided)").is_some(),
        "the refund is marked voided"
    );
    assert_eq!(definition(&page, "Refunded").as_deref(), Some("$0.00"));
    assert_eq!(app.scalar("SELECT paid_cents FROM orders").await, 2000);
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_a_paid_order_offers_the_refund_of_what_was_paid_and_gives_it_once() {
    let app = TestApp::spawn().await;
    let (client, id) = order(&app).await;
    let (_, unpaid) = get(&client, &format!("/orders/{id}")).await;
    record(&client, id, "pay-key-00000009", "15.00", "cash", &[]).await;
    app.refresh().await;
    let (_, paid) = get(&client, &format!("/orders/{id}")).await;
    let cancel_form = &paid[paid.find("/cancel\"").expect("a cancel form")..];
    let key = input_value(cancel_form, "idempotency_key").expect("the refund's key");
    let shown = input_value(cancel_form, "refund_cents").expect("the amount shown");
    let cancel = [
        ("reason", "customer called"),
        ("refund", "true"),
        ("refund_method", "cash"),
        ("refund_cents", shown.as_str()),
        ("idempotency_key", key.as_str()),
    ];

    let bad_method = [
        ("reason", "customer called"),
        ("refund", "true"),
        ("refund_method", "barter"),
        ("refund_cents", shown.as_str()),
        ("idempotency_key", key.as_str()),
    ];
    let refused = post(&client, &format!("/orders/{id}/cancel"), &bad_method).await;
    let untouched = app
        .scalar(&format!(
            "SELECT count(*) FROM orders WHERE id = {id} AND fulfilment_status = 'unfulfilled'"
        ))
        .await;
    let first = post(&client, &format!("/orders/{id}/cancel"), &cancel).await;
    let second = post(&client, &format!("/orders/{id}/cancel"), &cancel).await;

    assert!(
        !unpaid.contains("id=\"cancel-refund\""),
        "nothing paid, nothing offered"
    );
    assert!(paid.contains("Refund the $15.00 paid"), "{paid}");
    assert_eq!(shown, "1500");
    assert_eq!(refused.status(), Status::SeeOther);
    assert_eq!(untouched, 1, "a bad refund method cancels nothing");
    assert_eq!(first.status(), Status::SeeOther);
    assert_eq!(
        second.status(),
        Status::SeeOther,
        "the second is an error flash"
    );
    let figures = app
        .json(&format!(
            "SELECT jsonb_build_array(fulfilment_status, paid_cents, refunded_cents, payment_status) \
             FROM orders WHERE id = {id}"
        ))
        .await;
    assert_eq!(
        figures,
        serde_json::json!(["cancelled", 1500, 1500, "refunded"])
    );
    let refunds = app
        .scalar(&format!(
            "SELECT count(*) FROM payments WHERE order_id = {id} AND kind = 'refund' \
             AND method = 'cash' AND amount_cents = 1500"
        ))
        .await;
    assert_eq!(refunds, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_payment_recorded_after_the_cancel_form_was_shown_stops_the_refund_and_the_cancel() {
    let app = TestApp::spawn().await;
    let (client, id) = order(&app).await;
    record(&client, id, "pay-key-00000011", "5.00", "cash", &[]).await;
    app.refresh().await;
    let (_, page) = get(&client, &format!("/orders/{id}")).await;
    let cancel_form = &page[page.find("/cancel\"").expect("a cancel form")..];
    let key = input_value(cancel_form, "idempotency_key").expect("the refund's key");
    let shown = input_value(cancel_form, "refund_cents").expect("the amount shown");
    // Another clerk records a second payment while this form is open.
    record(&client, id, "pay-key-00000012", "4.00", "card", &[]).await;

    let answer = post(
        &client,
        &format!("/orders/{id}/cancel"),
        &[
            ("reason", "customer called"),
            ("refund", "true"),
            ("refund_method", "cash"),
            ("refund_cents", shown.as_str()),
            ("idempotency_key", key.as_str()),
        ],
    )
    .await;

    assert_eq!(shown, "500");
    assert_eq!(answer.status(), Status::SeeOther);
    let (_, after) = get(&client, &format!("/orders/{id}")).await;
    assert!(
        after.contains("$9.00 can be refunded now, not $5.00")
            || after.contains("9.00 can be refunded now, not 5.00"),
        "the flash says what changed: {after}"
    );
    let figures = app
        .json(&format!(
            "SELECT jsonb_build_array(fulfilment_status, paid_cents, refunded_cents) \
             FROM orders WHERE id = {id}"
        ))
        .await;
    assert_eq!(
        figures,
        serde_json::json!(["unfulfilled", 900, 0]),
        "neither the cancellation nor a refund was written"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancel_with_a_refund_but_no_amount_shown_is_refused_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let (client, id) = order(&app).await;
    record(&client, id, "pay-key-00000013", "5.00", "cash", &[]).await;
    app.refresh().await;
    let (_, page) = get(&client, &format!("/orders/{id}")).await;
    let cancel_form = &page[page.find("/cancel\"").expect("a cancel form")..];
    let key = input_value(cancel_form, "idempotency_key").expect("the refund's key");

    for amount in ["", "five", "-"] {
        let answer = post(
            &client,
            &format!("/orders/{id}/cancel"),
            &[
                ("reason", "customer called"),
                ("refund", "true"),
                ("refund_method", "cash"),
                ("refund_cents", amount),
                ("idempotency_key", key.as_str()),
            ],
        )
        .await;
        assert_eq!(answer.status(), Status::SeeOther, "{amount:?}");
    }

    let (_, after) = get(&client, &format!("/orders/{id}")).await;
    assert!(
        after.contains("the form did not say what to refund"),
        "the flash says why: {after}"
    );
    let figures = app
        .json(&format!(
            "SELECT jsonb_build_array(fulfilment_status, paid_cents, refunded_cents) \
             FROM orders WHERE id = {id}"
        ))
        .await;
    assert_eq!(figures, serde_json::json!(["unfulfilled", 500, 0]));
}
