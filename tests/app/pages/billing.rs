//! Whom an order bills, over HTTP: order entry preselects the customer's
//! default billing address (or "the shipping address"), the order keeps its
//! own copy and the invoice prints it apart from where the parcel goes; a
//! choice that is not the customer's is refused beside `bill_to`; the edit
//! form keeps the order's billing address or bills a book address.

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::pages::order_edit::form_fields;
use crate::support::helpers::TestApp;
use crate::support::http::{post, session_csrf};
use crate::support::pages_http::get;

/// Ada with Home (her default for billing) and Work (for shipping), a product.
async fn shop(app: &TestApp) -> (i64, i64, i64) {
    let ada = app.customer("ada@example.com").await;
    let home = app.address(ada, "Home", "1 Home Road").await;
    let work = app.address(ada, "Work", "2 Work Road").await;
    app.exec(&format!(
        "UPDATE customers SET default_shipping_address_id = {work},
                default_billing_address_id = {home} WHERE id = {ada}"
    ))
    .await;
    app.product("TEE", "10.00", 5).await;
    app.refresh().await;
    (ada, home, work)
}

async fn clerk(app: &TestApp) -> (Client, String) {
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    (client, csrf)
}

/// Posts order entry's "Place order" for Ada, shipping to `ship_to`.
async fn place(
    client: &Client,
    csrf: &str,
    ada: i64,
    ship_to: i64,
    bill_to: &str,
) -> (Status, String) {
    let (ada, ship_to) = (ada.to_string(), ship_to.to_string());
    let r = post(
        client,
        "/orders",
        &[
            ("csrf_token", csrf),
            ("action", "place"),
            ("idempotency_key", "bill-key-0001"),
            ("customer_id", &ada),
            ("ship_to", &ship_to),
            ("bill_to", bill_to),
            ("lines[0].sku", "TEE"),
            ("lines[0].quantity", "1"),
        ],
    )
    .await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

async fn billed_line1(app: &TestApp, order: i64, line1: &str) -> i64 {
    app.scalar(&format!(
        "SELECT count(*) FROM order_addresses
         WHERE order_id = {order} AND role = 'billing' AND line1 = '{line1}'"
    ))
    .await
}

#[tokio::test]
async fn order_entry_preselects_the_default_billing_address_and_the_invoice_prints_both() {
    let app = TestApp::spawn().await;
    let (ada, home, work) = shop(&app).await;
    let (client, csrf) = clerk(&app).await;

    // Before a customer is chosen there is nothing to choose: the hidden
    // choice is blank (not "same"), so the customer picked next gets her default.
    let (_, blank) = get(&client, "/orders/new").await;
    assert!(
        blank.contains(r#"<option value="" selected>The shipping address</option>"#),
        "{blank}"
    );
    // The no-JS pick of the customer draws her book with the defaults chosen.
    let ada_s = ada.to_string();
    let chosen = post(
        &client,
        "/orders",
        &[
            ("csrf_token", &csrf),
            ("action", "preview"),
            ("customer_pick", &ada_s),
            ("bill_to", ""),
        ],
    )
    .await;
    let page = chosen.into_string().await.unwrap();
    assert!(
        page.contains(&format!(r#"<option value="{home}" selected>"#)),
        "the default billing address is preselected: {page}"
    );
    assert!(page.contains("(default for billing)"), "{page}");
    assert!(
        page.contains(r#"<option value="same">The shipping address</option>"#),
        "{page}"
    );

    let (status, _) = place(&client, &csrf, ada, work, &home.to_string()).await;
    assert_eq!(status, Status::SeeOther);
    let order = app.scalar("SELECT max(id) FROM orders").await;
    assert_eq!(billed_line1(&app, order, "1 Home Road").await, 1);
    let placed = app
        .json(&format!(
            "SELECT payload FROM events
             WHERE event_type = 'order_placed' AND aggregate_id = {order}"
        ))
        .await;
    assert_eq!(
        placed["billing_address"]["line1"], "1 Home Road",
        "{placed}"
    );
    app.refresh().await;

    let (_, show) = get(&client, &format!("/orders/{order}")).await;
    let bill = show.split("<dt>Bill to</dt>").nth(1).expect("a Bill to");
    assert!(bill.contains("1 Home Road"), "{show}");
    let (_, invoice) = get(&client, &format!("/orders/{order}/invoice")).await;
    let (bill_to, ship_to) = invoice
        .split_once("<h3>Ship to</h3>")
        .expect("the draft says where it ships too");
    assert!(
        bill_to.contains("1 Home Road") && !bill_to.contains("2 Work Road"),
        "{invoice}"
    );
    assert!(ship_to.contains("2 Work Road"), "{invoice}");
}

#[tokio::test]
async fn billing_the_shipping_address_keeps_no_billing_copy() {
    let app = TestApp::spawn().await;
    let (ada, _, work) = shop(&app).await;
    let (client, csrf) = clerk(&app).await;

    let (status, _) = place(&client, &csrf, ada, work, "same").await;

    assert_eq!(status, Status::SeeOther);
    let order = app.scalar("SELECT max(id) FROM orders").await;
    let billing = app
        .scalar(&format!(
            "SELECT count(*) FROM order_addresses WHERE order_id = {order} AND role = 'billing'"
        ))
        .await;
    assert_eq!(billing, 0);
    app.refresh().await;
    let (_, invoice) = get(&client, &format!("/orders/{order}/invoice")).await;
    assert!(
        invoice.contains("2 Work Road"),
        "billed to the shipping address: {invoice}"
    );
}

#[tokio::test]
async fn a_bill_to_that_is_not_the_customers_is_422_beside_it_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let (ada, _, work) = shop(&app).await;
    let bo = app.customer("bo@example.com").await;
    let bos = app.address(bo, "Bo's", "3 Other Road").await;
    app.refresh().await;
    let (client, csrf) = clerk(&app).await;
    let before = app.snapshot().await;

    let not_hers = "that address is not in this customer&#39;s address book";
    let not_an_address = "choose one of the customer&#39;s addresses or the shipping address";
    for (bad, says) in [
        (bos.to_string(), not_hers),
        ("home".to_owned(), not_an_address),
        ("-4".to_owned(), not_an_address),
    ] {
        let (status, page) = place(&client, &csrf, ada, work, &bad).await;
        assert_eq!(status, Status::UnprocessableEntity, "{bad}: {page}");
        let error = page
            .split(r#"id="bill_to-error">"#)
            .nth(1)
            .unwrap_or_else(|| panic!("{bad}: no error beside bill_to: {page}"));
        assert!(error.starts_with(says), "{bad}: {error}");
        assert_eq!(app.snapshot().await, before, "{bad}");
    }
}

#[tokio::test]
async fn the_edit_form_keeps_the_orders_billing_address_or_bills_a_book_address() {
    let app = TestApp::spawn().await;
    let (ada, home, work) = shop(&app).await;
    let (client, csrf) = clerk(&app).await;
    let (status, _) = place(&client, &csrf, ada, work, "same").await;
    assert_eq!(status, Status::SeeOther);
    let order = app.scalar("SELECT max(id) FROM orders").await;
    app.refresh().await;

    let (status, page) = get(&client, &format!("/orders/{order}/edit")).await;
    assert_eq!(status, Status::Ok, "{page}");
    assert!(
        page.contains(
            r#"<option value="same" selected>As the order has it: the shipping address</option>"#
        ),
        "{page}"
    );
    let home_s = home.to_string();
    let fields = form_fields(
        &client,
        order,
        &[("bill_to", &home_s), ("csrf_token", &csrf)],
    )
    .await;
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = post(&client, &format!("/orders/{order}/edit"), &pairs).await;

    assert_eq!(saved.status(), Status::SeeOther);
    assert_eq!(billed_line1(&app, order, "1 Home Road").await, 1);
    let edited = app
        .json(&format!(
            "SELECT payload FROM events
             WHERE event_type = 'order_edited' AND aggregate_id = {order}"
        ))
        .await;
    assert_eq!(edited["billing_address_changed"], true, "{edited}");
    app.refresh().await;
    let (_, again) = get(&client, &format!("/orders/{order}/edit")).await;
    assert!(
        again.contains("As the order has it: Ada Tester, 1 Home Road"),
        "the form names the order's own billing address now: {again}"
    );
}
