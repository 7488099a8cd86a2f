//! Bulk actions on the orders list: each order through its own command,
//! refusals listed with their reason, a resubmission doing nothing twice.

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;
use crate::support::http::{location, post, session_csrf};

/// Five orders of one TEE each: #1–#3 unfulfilled and unpaid, #4 unfulfilled
/// and paid, #5 cancelled.
async fn five_orders(app: &TestApp) -> Vec<i64> {
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(app.place(customer, &[("TEE", 1)]).await.unwrap().id);
    }
    let ctx = crate::support::helpers::ctx();
    app.mark_paid(ids[3]).await;
    let cancel = crate::support::inputs::cancel(ids[4], "changed mind");
    orderdesk::commands::cancel_order::cancel_order(&mut *app.conn().await, cancel, &ctx)
        .await
        .unwrap();
    app.refresh().await;
    ids
}

async fn submit(
    client: &Client,
    csrf: &str,
    action: &str,
    key: &str,
    ids: &[i64],
) -> (Status, String) {
    let id_strings: Vec<String> = ids.iter().map(i64::to_string).collect();
    let mut fields = vec![
        ("csrf_token", csrf),
        ("action", action),
        ("idempotency_key", key),
    ];
    fields.extend(id_strings.iter().map(|id| ("ids", id.as_str())));
    let r = post(client, "/orders/bulk", &fields).await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

async fn bulk_rows(app: &TestApp) -> i64 {
    app.scalar("SELECT count(*) FROM bulk_submissions").await
}

#[tokio::test]
async fn mark_paid_does_what_each_order_allows_and_lists_each_refusal() {
    let app = TestApp::spawn().await;
    let ids = five_orders(&app).await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    let events = app.scalar("SELECT count(*) FROM events").await;

    let (status, page) = submit(&client, &csrf, "pay", "bulk-key-0001", &ids).await;

    assert_eq!(status, Status::Ok);
    assert!(
        page.contains(r#"<h2 id="done-heading">3 of 5 orders marked paid</h2>"#),
        "{page}"
    );
    for id in &ids[..3] {
        assert_eq!(app.order_status(*id).await, "unfulfilled/paid");
        assert!(page.contains(&format!(r#"<li><a href="/orders/{id}">#{id}</a></li>"#)));
    }
    assert!(page.contains(r#"<h2 id="refused-heading">2 refused</h2>"#));
    assert!(
        page.contains(&format!(
            r#"<td><a href="/orders/{0}">#{0}</a></td><td>nothing is due: the order is paid already</td>"#,
            ids[3]
        )),
        "{page}"
    );
    assert!(page.contains(&format!(
        r#"<td><a href="/orders/{0}">#{0}</a></td><td>the order is cancelled: no payment can be recorded on it (a refund can)</td>"#,
        ids[4]
    )));
    assert_eq!(app.order_status(ids[4]).await, "cancelled/unpaid");
    // Each order paid: a payment of its balance (card, the form's default),
    // and nothing else: the fulfilment state does not move.
    assert_eq!(app.scalar("SELECT count(*) FROM events").await, events + 3);
    assert_eq!(
        app.scalar("SELECT count(*) FROM payments WHERE method = 'card'")
            .await,
        3 + 1,
        "three by the bulk action, one by the fixture's order paid before"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM bulk_submissions WHERE idempotency_key = 'bulk-key-0001' \
             AND done_ids = ARRAY[{},{},{}]::bigint[] AND jsonb_array_length(refusals) = 2",
            ids[0], ids[1], ids[2]
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn mark_paid_records_each_balance_by_the_method_chosen_on_the_form() {
    let app = TestApp::spawn().await;
    let ids = five_orders(&app).await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    let (a, b) = (ids[0].to_string(), ids[1].to_string());

    let r = post(
        &client,
        "/orders/bulk",
        &[
            ("csrf_token", &csrf),
            ("action", "pay"),
            ("method", "bank_transfer"),
            ("idempotency_key", "bulk-key-0009"),
            ("ids", &a),
            ("ids", &b),
        ],
    )
    .await;

    assert_eq!(r.status(), Status::Ok);
    assert!(
        r.into_string()
            .await
            .unwrap()
            .contains("2 of 2 orders marked paid")
    );
    let methods = app
        .json(&format!(
            "SELECT jsonb_agg(jsonb_build_array(order_id, method, amount_cents) ORDER BY order_id) \
             FROM payments WHERE order_id IN ({a}, {b})"
        ))
        .await;
    assert_eq!(
        methods,
        serde_json::json!([
            [ids[0], "bank_transfer", 1000],
            [ids[1], "bank_transfer", 1000]
        ])
    );
    assert_eq!(app.order_status(ids[2]).await, "unfulfilled/unpaid");
}

#[tokio::test]
async fn the_same_form_submitted_again_does_nothing_twice() {
    let app = TestApp::spawn().await;
    let ids = five_orders(&app).await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    submit(&client, &csrf, "ship", "bulk-key-0002", &[ids[3]]).await;
    let before = (app.snapshot().await, bulk_rows(&app).await);

    let (status, page) = submit(&client, &csrf, "ship", "bulk-key-0002", &[ids[3]]).await;

    assert_eq!(status, Status::Ok);
    assert!(page.contains("This form had already been submitted, so nothing was done again."));
    assert!(
        page.contains(r#"<h2 id="done-heading">1 of 1 order shipped</h2>"#),
        "{page}"
    );
    assert_eq!((app.snapshot().await, bulk_rows(&app).await), before);
    assert_eq!(app.order_status(ids[3]).await, "shipped/paid");
}

#[tokio::test]
async fn a_reused_key_with_another_selection_is_a_conflict_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let ids = five_orders(&app).await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    submit(&client, &csrf, "pay", "bulk-key-0003", &[ids[0]]).await;
    let before = (app.snapshot().await, bulk_rows(&app).await);

    let (status, page) = submit(&client, &csrf, "pay", "bulk-key-0003", &[ids[1]]).await;

    assert_eq!(status, Status::Conflict);
    assert!(page.contains("This form was already submitted with another selection or action"));
    assert_eq!((app.snapshot().await, bulk_rows(&app).await), before);
    assert_eq!(app.order_status(ids[1]).await, "unfulfilled/unpaid");
}

#[tokio::test]
async fn bad_selections_are_refused_with_the_reason_and_write_nothing() {
    let app = TestApp::spawn().await;
    let ids = five_orders(&app).await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    let before = (app.snapshot().await, bulk_rows(&app).await);

    let (none, none_page) = submit(&client, &csrf, "pay", "bulk-key-0004", &[]).await;
    let garbage = post(
        &client,
        "/orders/bulk",
        &[
            ("csrf_token", &csrf),
            ("action", "pay"),
            ("idempotency_key", "bulk-key-0005"),
            ("ids", "abc"),
        ],
    )
    .await;
    let (bad_key, _) = submit(&client, &csrf, "pay", "no", &ids).await;
    let (unknown, unknown_page) = submit(&client, &csrf, "delete", "bulk-key-0006", &ids).await;

    assert_eq!(none, Status::UnprocessableEntity);
    assert!(
        none_page.contains("Nothing was done: select at least one order."),
        "{none_page}"
    );
    assert_eq!(garbage.status(), Status::UnprocessableEntity);
    assert!(
        garbage
            .into_string()
            .await
            .unwrap()
            .contains("&#34;abc&#34; is not an order number")
    );
    assert_eq!(bad_key, Status::UnprocessableEntity);
    assert_eq!(unknown, Status::UnprocessableEntity);
    assert!(unknown_page.contains("&#34;delete&#34; is not a bulk action; nothing was done."));
    assert_eq!((app.snapshot().await, bulk_rows(&app).await), before);
}

#[tokio::test]
async fn all_on_this_page_acts_on_every_order_the_page_listed() {
    let app = TestApp::spawn().await;
    let ids = five_orders(&app).await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    let list = client
        .get("/orders?fulfilment=unfulfilled&payment=unpaid")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    for id in &ids[..3] {
        assert!(list.contains(&format!(
            r#"<input type="hidden" name="page_ids" value="{id}">"#
        )));
    }
    let (a, b, c) = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string());

    let r = post(
        &client,
        "/orders/bulk",
        &[
            ("csrf_token", &csrf),
            ("action", "pay"),
            ("idempotency_key", "bulk-key-0007"),
            ("all_on_page", "true"),
            ("page_ids", &a),
            ("page_ids", &b),
            ("page_ids", &c),
        ],
    )
    .await;

    assert_eq!(r.status(), Status::Ok);
    assert!(
        r.into_string()
            .await
            .unwrap()
            .contains("3 of 3 orders marked paid")
    );
    for id in &ids[..3] {
        assert_eq!(app.order_status(*id).await, "unfulfilled/paid");
    }
}

#[tokio::test]
async fn print_packing_slips_goes_to_the_slips_of_the_checked_orders() {
    let app = TestApp::spawn().await;
    let ids = five_orders(&app).await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    let before = app.snapshot().await;

    let r = post(
        &client,
        "/orders/bulk",
        &[
            ("csrf_token", &csrf),
            ("action", "slips"),
            ("ids", &ids[2].to_string()),
            ("ids", &ids[0].to_string()),
        ],
    )
    .await;

    assert_eq!(r.status(), Status::SeeOther);
    assert_eq!(
        location(&r),
        format!("/orders/slips?ids={},{}", ids[2], ids[0])
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn viewers_cannot_run_bulk_actions() {
    let app = TestApp::spawn().await;
    let ids = five_orders(&app).await;
    let (client, _) = app.signed_in("viewer").await;
    let csrf = session_csrf(&client).await;
    let before = (app.snapshot().await, bulk_rows(&app).await);

    let (status, _) = submit(&client, &csrf, "pay", "bulk-key-0008", &ids).await;
    let list = client
        .get("/orders")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();

    assert_eq!(status, Status::Forbidden);
    assert_eq!((app.snapshot().await, bulk_rows(&app).await), before);
    assert!(!list.contains(r#"action="/orders/bulk""#));
}
