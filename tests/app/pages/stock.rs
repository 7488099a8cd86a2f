//! Receiving and adjusting stock from the product page over HTTP.

use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::html::row_with;
use crate::support::pages_http::{get, location, post, staff_client};

#[tokio::test]
async fn receiving_stock_redirects_with_a_flash_and_changes_on_hand() {
    let app = TestApp::spawn().await;
    let id = app.product("TEE-1", "19.99", 0).await;
    let client = staff_client(&app).await;

    let response = post(
        &client,
        &format!("/products/{id}/stock/receive"),
        &[("quantity", "5"), ("note", "PO 7")],
    )
    .await;
    let status = response.status();
    let to = location(&response);
    app.refresh().await;
    let (_, page) = get(&client, &to).await;

    assert_eq!(status, Status::SeeOther);
    assert_eq!(app.stock(id).await, (5, 0));
    assert!(
        page.contains("Received 5 units") && row_with(&page, "received 5 units of ").is_some(),
        "{page}"
    );
}

#[tokio::test]
async fn a_bad_receipt_is_422_with_the_error_beside_the_quantity_and_nothing_written() {
    let app = TestApp::spawn().await;
    let id = app.product("TEE-1", "19.99", 0).await;
    app.refresh().await;
    let client = staff_client(&app).await;
    let before = app.snapshot().await;

    let response = post(
        &client,
        &format!("/products/{id}/stock/receive"),
        &[("quantity", "0"), ("note", "PO 7")],
    )
    .await;
    let status = response.status();
    let body = response.into_string().await.unwrap();

    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        body.contains(r#"id="receive-quantity" name="quantity" value="0""#),
        "{body}"
    );
    assert!(body.contains(r#"id="quantity-error">quantity must be at least 1"#));
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn an_adjustment_below_what_is_reserved_is_422_and_nothing_written() {
    let app = TestApp::spawn().await;
    let id = app.product("TEE-1", "19.99", 5).await;
    let customer = app.customer("ada@example.com").await;
    app.place(customer, &[("TEE-1", 4)]).await.unwrap();
    app.refresh().await;
    let client = staff_client(&app).await;
    let before = app.snapshot().await;

    let response = post(
        &client,
        &format!("/products/{id}/stock/adjust"),
        &[("quantity", "-3"), ("reason", "count")],
    )
    .await;
    let status = response.status();
    let body = response.into_string().await.unwrap();

    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("4 are reserved for open orders"), "{body}");
    assert!(body.contains(r#"id="adjust-reason" name="reason" value="count""#));
    assert_eq!(app.snapshot().await, before);
}
