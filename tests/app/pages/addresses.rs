//! Address books over HTTP: the customer page's forms (add, bad input, a
//! stale edit, removing a default), order entry offering the book (default
//! preselected, with and without the type-ahead), and orders printing their
//! own copy, a migrated free-text address exactly as before.

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;
use crate::support::http::{location, post, session_csrf};

async fn body(client: &Client, uri: &str) -> (Status, String) {
    let r = client.get(uri.to_owned()).dispatch().await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

async fn clerk(app: &TestApp) -> (Client, String) {
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    (client, csrf)
}

#[tokio::test]
async fn adding_an_address_on_the_customer_page_lists_it_as_both_defaults() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let (client, csrf) = clerk(&app).await;

    let response = post(
        &client,
        &format!("/customers/{ada}/addresses"),
        &[
            ("csrf_token", &csrf),
            ("label", "Home"),
            ("address.name", "Ada Lovelace"),
            ("address.line1", "12 St James's Square"),
            ("address.city", "London"),
            ("address.postal_code", "SW1Y 4JH"),
            ("address.country", "united kingdom"),
        ],
    )
    .await;

    assert_eq!(response.status(), Status::SeeOther);
    let to = location(&response);
    assert!(to.starts_with(&format!("/customers/{ada}?after=")), "{to}");
    app.refresh().await;
    let (_, page) = body(&client, &to).await;
    assert!(
        page.contains(
            "Ada Lovelace<br>12 St James&#x27;s Square<br>London<br>SW1Y 4JH<br>United Kingdom"
        ) || page.contains(
            "Ada Lovelace<br>12 St James&#39;s Square<br>London<br>SW1Y 4JH<br>United Kingdom"
        ),
        "{page}"
    );
    assert!(
        page.contains("Default shipping") && page.contains("Default billing"),
        "{page}"
    );
}

#[tokio::test]
async fn a_bad_address_is_422_with_each_error_beside_its_field_and_nothing_written() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.refresh().await;
    let (client, csrf) = clerk(&app).await;
    let before = app.snapshot().await;

    let response = post(
        &client,
        &format!("/customers/{ada}/addresses"),
        &[
            ("csrf_token", &csrf),
            ("label", "Home"),
            ("address.name", "Ada"),
            ("address.line1", ""),
            ("address.city", "London"),
            ("address.country", "Atlantis"),
            ("address.phone", "ring twice"),
        ],
    )
    .await;

    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = response.into_string().await.unwrap();
    for (id, message) in [
        ("new-address-line1", "address line 1 is required"),
        ("new-address-country", "two-letter code"),
        ("new-address-phone", "enter a phone number"),
    ] {
        let beside = format!(r#"<p class="error" id="{id}-error">"#);
        let at = page.find(&beside).unwrap_or_else(|| panic!("{id}: {page}"));
        assert!(page[at..].contains(message), "{id}: {message}");
    }
    assert!(page.contains(r#"value="Atlantis""#), "values are kept");
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_stale_address_edit_is_409_and_removing_a_default_is_refused_beside_it() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let home = app.address(ada, "Home", "1 Home Road").await;
    app.address(ada, "Work", "2 Work Road").await;
    app.refresh().await;
    let (client, csrf) = clerk(&app).await;
    let edit = |line1: &'static str| {
        vec![
            ("csrf_token", csrf.clone()),
            ("version", "1".to_owned()),
            ("label", "Home".to_owned()),
            ("address.name", "Ada Tester".to_owned()),
            ("address.line1", line1.to_owned()),
            ("address.city", "Town".to_owned()),
            ("address.country", "GB".to_owned()),
        ]
    };
    let pairs = |v: &[(&'static str, String)]| -> Vec<(&'static str, String)> { v.to_vec() };
    let first = pairs(&edit("3 New Road"));
    let first: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = post(
        &client,
        &format!("/customers/{ada}/addresses/{home}"),
        &first,
    )
    .await;
    assert_eq!(saved.status(), Status::SeeOther);
    let before = app.snapshot().await;

    let second = pairs(&edit("4 Other Road"));
    let second: Vec<(&str, &str)> = second.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let stale = post(
        &client,
        &format!("/customers/{ada}/addresses/{home}"),
        &second,
    )
    .await;
    assert_eq!(stale.status(), Status::Conflict);
    let page = stale.into_string().await.unwrap();
    assert!(
        page.contains("someone else changed this first") && page.contains("3 New Road"),
        "{page}"
    );
    assert!(
        page.contains(r#"value="4 Other Road""#),
        "the user's values are kept"
    );

    let remove = post(
        &client,
        &format!("/customers/{ada}/addresses/{home}/remove"),
        &[("csrf_token", &csrf), ("version", "2")],
    )
    .await;
    assert_eq!(remove.status(), Status::UnprocessableEntity);
    let page = remove.into_string().await.unwrap();
    assert!(
        page.contains("make another address the default first"),
        "{page}"
    );
    assert_eq!(app.snapshot().await, before);
}

/// The shop for order entry: Ada with two addresses (Work her default), a product.
async fn entry_shop(app: &TestApp) -> (i64, i64, i64) {
    let ada = app.customer("ada@example.com").await;
    let home = app.address(ada, "Home", "1 Home Road").await;
    let work = app.address(ada, "Work", "2 Work Road").await;
    app.exec(&format!(
        "UPDATE customers SET default_shipping_address_id = {work} WHERE id = {ada}"
    ))
    .await;
    app.product("TEE", "10.00", 5).await;
    app.refresh().await;
    (ada, home, work)
}

#[tokio::test]
async fn order_entry_offers_the_chosen_customers_book_with_the_default_checked_without_js() {
    let app = TestApp::spawn().await;
    let (ada, home, work) = entry_shop(&app).await;
    let (client, csrf) = clerk(&app).await;
    let ada_s = ada.to_string();

    // The no-JS Find flow: find, pick, "Use this customer".
    let found = post(
        &client,
        "/orders",
        &[
            ("csrf_token", &csrf),
            ("action", "find_customer"),
            ("customer_q", "ada"),
        ],
    )
    .await;
    let found = found.into_string().await.unwrap();
    assert!(
        found.contains(&format!(r#"name="customer_pick" value="{ada}""#)),
        "{found}"
    );
    let chosen = post(
        &client,
        "/orders",
        &[
            ("csrf_token", &csrf),
            ("action", "preview"),
            ("customer_pick", &ada_s),
        ],
    )
    .await;
    let page = chosen.into_string().await.unwrap();

    assert!(
        page.contains(&format!(r#"name="ship_to" value="{work}" checked"#)),
        "the default is preselected: {page}"
    );
    assert!(
        page.contains(&format!(r#"name="ship_to" value="{home}">"#)),
        "{page}"
    );
    assert!(
        page.contains("Home: Ada Tester, 1 Home Road, Town, United Kingdom"),
        "{page}"
    );
}

#[tokio::test]
async fn the_type_ahead_lists_a_customers_addresses_with_the_default_marked() {
    let app = TestApp::spawn().await;
    let (_, _, work) = entry_shop(&app).await;
    let (client, _) = clerk(&app).await;

    let (status, json) = body(&client, "/orders/lookup/customers?q=ada").await;

    assert_eq!(status, Status::Ok);
    let hits: serde_json::Value = serde_json::from_str(&json).unwrap();
    let addresses = hits[0]["addresses"].as_array().unwrap();
    assert_eq!(addresses.len(), 2);
    let default: Vec<_> = addresses
        .iter()
        .filter(|a| a["default_shipping"] == true)
        .collect();
    assert_eq!(default.len(), 1);
    assert_eq!(default[0]["id"], work);
}

#[tokio::test]
async fn a_book_address_placed_prints_on_the_slip_invoice_and_csv_and_survives_book_edits() {
    let app = TestApp::spawn().await;
    let (ada, home, _) = entry_shop(&app).await;
    let (client, csrf) = clerk(&app).await;
    let (ada_s, home_s) = (ada.to_string(), home.to_string());

    let placed = post(
        &client,
        "/orders",
        &[
            ("csrf_token", &csrf),
            ("action", "place"),
            ("idempotency_key", "addr-key-0001"),
            ("customer_id", &ada_s),
            ("ship_to", &home_s),
            ("lines[0].sku", "TEE"),
            ("lines[0].quantity", "1"),
        ],
    )
    .await;
    assert_eq!(placed.status(), Status::SeeOther);
    let order = app.scalar("SELECT max(id) FROM orders").await;
    app.exec(&format!(
        "UPDATE customer_addresses SET line1 = '99 Changed Road', version = 2 WHERE id = {home}"
    ))
    .await;
    app.refresh().await;

    let (_, show) = body(&client, &format!("/orders/{order}")).await;
    assert!(
        show.contains("Ada Tester<br>1 Home Road<br>Town<br>United Kingdom"),
        "{show}"
    );
    assert!(!show.contains("99 Changed Road"));
    let (_, slip) = body(&client, &format!("/orders/{order}/slip")).await;
    assert!(
        slip.contains("1 Home Road") && !slip.contains("99 Changed Road"),
        "{slip}"
    );
    let (_, csv) = body(&client, "/orders/export.csv").await;
    assert!(
        csv.contains("Ada Tester,,1 Home Road,,Town,,,GB,"),
        "the CSV has the address's parts: {csv}"
    );
    let (status, invoice) = body(&client, &format!("/orders/{order}/invoice")).await;
    assert_eq!(status, Status::Ok);
    assert!(
        invoice.contains("Ada Tester<br>1 Home Road<br>Town<br>United Kingdom")
            && !invoice.contains("99 Changed Road"),
        "{invoice}"
    );
}

#[tokio::test]
async fn a_new_address_typed_at_entry_is_saved_to_the_book_when_asked() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 5).await;
    app.refresh().await;
    let (client, csrf) = clerk(&app).await;
    let ada_s = ada.to_string();

    let placed = post(
        &client,
        "/orders",
        &[
            ("csrf_token", &csrf),
            ("action", "place"),
            ("idempotency_key", "addr-key-0002"),
            ("customer_id", &ada_s),
            ("ship_to", "new"),
            ("shipping.name", "Ada Tester"),
            ("shipping.line1", "5 Fresh Road"),
            ("shipping.city", "Leeds"),
            ("shipping.country", "GB"),
            ("save_address", "true"),
            ("lines[0].sku", "TEE"),
            ("lines[0].quantity", "1"),
        ],
    )
    .await;

    assert_eq!(placed.status(), Status::SeeOther);
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM customer_addresses WHERE customer_id = {ada} \
             AND line1 = '5 Fresh Road' AND city = 'Leeds'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn a_migrated_free_text_address_prints_as_before() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 5).await;
    let order = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    // What the migration leaves for an order placed before structured
    // addresses: its text in line1, line breaks kept, marked unstructured.
    app.exec(&format!(
        "UPDATE order_addresses SET structured = false, line1 = E'1 High Street\\nTown', \
         name = '', city = '', country = '' WHERE order_id = {order}"
    ))
    .await;
    app.refresh().await;
    let (client, _) = clerk(&app).await;

    let (_, show) = body(&client, &format!("/orders/{order}")).await;
    assert!(
        show.contains(
            "<dt>Ship to</dt><dd style=\"white-space:pre-line\">1 High Street\nTown</dd>"
        ),
        "{show}"
    );
    let (_, slip) = body(&client, &format!("/orders/{order}/slip")).await;
    assert!(
        slip.contains("<p><strong>Customer ada@example.com</strong></p>")
            && slip.contains("<p class=\"address\">1 High Street\nTown</p>"),
        "{slip}"
    );
    let (_, csv) = body(&client, "/orders/export.csv").await;
    assert!(csv.contains("\"1 High Street\nTown\""), "{csv}");
}
