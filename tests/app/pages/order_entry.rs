//! Order entry without codes, no JavaScript: found products get "Add"
//! buttons that fill the next free line, found customers are picked with a
//! radio button, and every typed value survives each round trip.

use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::http::{post, session_csrf};

#[tokio::test]
async fn add_puts_the_found_product_on_the_next_free_line_and_keeps_the_rest() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await.to_string();
    app.product("TEE", "10.00", 5).await;
    app.product("MUG", "7.50", 2).await;
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    let fields = |add: &'static str, mug_qty: &'static str| {
        vec![
            ("csrf_token", csrf.clone()),
            ("idempotency_key", "entry-key-0001".to_owned()),
            ("customer_id", customer.clone()),
            ("customer_q", "ada".to_owned()),
            ("product_q", "mug".to_owned()),
            ("shipping.name", "Ada Tester".to_owned()),
            ("shipping.line1", "1 High Street".to_owned()),
            ("shipping.city", "Town".to_owned()),
            ("shipping.country", "GB".to_owned()),
            ("lines[0].sku", "TEE".to_owned()),
            ("lines[0].quantity", "2".to_owned()),
            (
                "lines[1].sku",
                if mug_qty.is_empty() { "" } else { "MUG" }.to_owned(),
            ),
            ("lines[1].quantity", mug_qty.to_owned()),
            ("add_sku", add.to_owned()),
        ]
    };
    let send = |pairs: Vec<(&'static str, String)>| {
        let client = &client;
        async move {
            let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = post(client, "/orders", &borrowed).await;
            (r.status(), r.into_string().await.unwrap())
        }
    };

    let (status, first) = send(fields("mug", "")).await;
    let (_, again) = send(fields("MUG", "1")).await;

    assert_eq!(status, Status::Ok);
    assert!(
        first.contains(r#"<p class="flash" role="status">Added MUG to line 2.</p>"#),
        "{first}"
    );
    assert!(first.contains(r#"name="lines[1].sku" value="MUG""#));
    assert!(
        first.contains(
            r#"name="lines[1].quantity" value="1" inputmode="numeric" size="5" autofocus>"#
        )
    );
    assert!(
        first.contains(r#"name="lines[0].sku" value="TEE""#)
            && first.contains(r#"name="lines[0].quantity" value="2""#)
    );
    assert!(first.contains(r#"<button type="submit" name="add_sku" value="MUG" class="secondary" aria-label="Add Product MUG (MUG)">Add</button>"#));
    assert!(first.contains(r#"id="customer_q" name="customer_q" type="search" value="ada""#));
    assert!(first.contains(r#"id="product_q" name="product_q" type="search" value="mug""#));
    assert!(first.contains(r#"<td class="num" id="grand-total">$27.50</td>"#));
    assert!(
        again.contains(
            r#"name="lines[1].quantity" value="2" inputmode="numeric" size="5" autofocus>"#
        ),
        "{again}"
    );
    assert_eq!(app.scalar("SELECT count(*) FROM orders").await, 0);
}

#[tokio::test]
async fn a_customer_picked_from_the_search_results_is_selected() {
    let app = TestApp::spawn().await;
    let id = app.customer("ada@example.com").await;
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    let found = post(
        &client,
        "/orders",
        &[
            ("csrf_token", &csrf),
            ("action", "find_customer"),
            ("customer_q", "ada"),
            ("idempotency_key", "entry-key-0002"),
        ],
    )
    .await
    .into_string()
    .await
    .unwrap();
    assert!(found.contains(&format!(
        r#"<input type="radio" id="pick-{id}" name="customer_pick" value="{id}">"#
    )));

    let picked = post(
        &client,
        "/orders",
        &[
            ("csrf_token", &csrf),
            ("action", "preview"),
            ("customer_id", ""),
            ("customer_pick", &id.to_string()),
            ("idempotency_key", "entry-key-0002"),
        ],
    )
    .await
    .into_string()
    .await
    .unwrap();

    assert!(picked.contains(&format!(
        r#"<p id="customer-chosen" role="status">Ordering for <strong>Customer ada@example.com</strong> &lt;ada@example.com&gt; (#{id})</p>"#
    )), "{picked}");
    assert!(picked.contains(&format!(
        r#"name="customer_id" inputmode="numeric" value="{id}""#
    )));
}

#[tokio::test]
async fn a_huge_quantity_in_the_preview_is_refused_beside_its_line_and_never_overflows() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await.to_string();
    app.product("TEE", "10.00", 5).await;
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;

    let response = post(
        &client,
        "/orders",
        &[
            ("csrf_token", &csrf),
            ("action", "preview"),
            ("idempotency_key", "entry-key-0002"),
            ("customer_id", &customer),
            ("shipping.name", "Ada Tester"),
            ("shipping.line1", "1 High Street"),
            ("shipping.city", "Town"),
            ("shipping.country", "GB"),
            ("lines[0].sku", "TEE"),
            ("lines[0].quantity", "9223372036854775807"),
            ("lines[1].sku", "TEE"),
            ("lines[1].quantity", "3"),
        ],
    )
    .await;

    assert_eq!(response.status(), Status::Ok);
    let body = response.into_string().await.unwrap();
    assert!(body.contains("quantity must be at most 10000"), "{body}");
    // Only the valid line counts; no negative or wrapped figure anywhere.
    assert!(
        body.contains(r#"<td class="num" id="grand-total">$30.00</td>"#),
        "{body}"
    );
    assert!(!body.contains("-$"), "{body}");
    assert_eq!(app.scalar("SELECT count(*) FROM orders").await, 0);
}
