//! Order entry's money: a line discount, an order discount and a shipping
//! charge typed into the form, the totals panel priced by the same function
//! as the command ("Update totals" without JavaScript, `/orders/preview`
//! with it), errors beside their fields, and the order page and invoice
//! showing what the order stored.

use std::num::NonZeroU32;

use orderdesk::commands::create_product::create_product;
use orderdesk::commands::create_tax_rate::{TaxRateDetails, create_tax_rate};
use orderdesk::commands::receive_stock::receive_stock;
use orderdesk::domain::totals::{Amount, Basket, Discount, Line, Pricing, Shipping};
use orderdesk::domain::{Percent, TaxRateId, TaxRateName};
use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::{TestApp, ctx};
use crate::support::html::row_with;
use crate::support::http::{location, post, session_csrf};
use crate::support::inputs;

/// A shop with a Standard (20 %) rate and TEE at 10.00 on it; a clerk.
async fn shop(app: &TestApp) -> (Client, String, String, TaxRateId) {
    let details = TaxRateDetails {
        name: TaxRateName::parse("Standard").unwrap(),
        rate: Percent::whole(20).unwrap(),
    };
    let standard = TaxRateId(
        create_tax_rate(&mut *app.conn().await, details, &ctx())
            .await
            .unwrap()
            .id,
    );
    let mut tee = inputs::product("TEE", "Tee", "10.00");
    tee.details.tax_rate = Some(standard);
    let id = create_product(&mut *app.conn().await, tee, &ctx())
        .await
        .unwrap()
        .id;
    receive_stock(&mut *app.conn().await, inputs::receipt(id, 50, ""), &ctx())
        .await
        .unwrap();
    let customer = app.customer("ada@example.com").await.to_string();
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    (client, csrf, customer, standard)
}

/// 2 TEE with `discount` off, 1.00 off the order, 4.99 shipping at `rate`.
fn fields(
    csrf: &str,
    customer: &str,
    rate: TaxRateId,
    discount: &str,
    action: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("csrf_token", csrf.to_owned()),
        ("idempotency_key", "money-key-000001".to_owned()),
        ("customer_id", customer.to_owned()),
        ("shipping.name", "Ada Tester".to_owned()),
        ("shipping.line1", "1 High Street".to_owned()),
        ("shipping.city", "Town".to_owned()),
        ("shipping.country", "GB".to_owned()),
        ("lines[0].sku", "TEE".to_owned()),
        ("lines[0].quantity", "2".to_owned()),
        ("lines[0].discount", discount.to_owned()),
        ("order_discount", "1.00".to_owned()),
        ("shipping_charge", "4.99".to_owned()),
        ("shipping_tax_rate", rate.get().to_string()),
        ("action", action.to_owned()),
    ]
}

async fn send(client: &Client, uri: &str, pairs: &[(&'static str, String)]) -> (Status, String) {
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = post(client, uri, &borrowed).await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

/// The grand total the pricing function gives the order `fields` enters
/// with 10 % off the line.
fn expected_grand_total() -> i64 {
    Basket {
        pricing: Pricing::TaxExclusive,
        lines: vec![Line {
            unit_price: Amount::new(1000).unwrap(),
            quantity: NonZeroU32::new(2).unwrap(),
            tax_rate: Percent::whole(20).unwrap(),
            discount: Some(Discount::Percent(Percent::whole(10).unwrap())),
        }],
        order_discount: Amount::new(100).map(Discount::Amount),
        shipping: Some(Shipping {
            charge: Amount::new(499).unwrap(),
            tax_rate: Percent::whole(20).unwrap(),
            free_from: None,
        }),
    }
    .totals()
    .unwrap()
    .grand_total
}

#[tokio::test]
async fn update_totals_without_javascript_shows_what_the_command_then_stores() {
    let app = TestApp::spawn().await;
    let (client, csrf, customer, standard) = shop(&app).await;
    // 20.00 − 2.00 − 1.00 = 17.00, + 4.99 shipping; 20 % of 21.99 = 4.40.
    assert_eq!(expected_grand_total(), 2639);

    let (status, page) = send(
        &client,
        "/orders",
        &fields(&csrf, &customer, standard, "10%", "preview"),
    )
    .await;

    assert_eq!(status, Status::Ok);
    assert!(page.contains(r#"id="grand-total">$26.39</td>"#), "{page}");
    let tax = row_with(&page, "Tax at 20%").unwrap();
    assert_eq!(tax.last().map(String::as_str), Some("$4.40"), "{tax:?}");
    let line = row_with(&page, r#"name="lines[0].sku""#).unwrap();
    assert_eq!(line.last().map(String::as_str), Some("$17.00"), "{line:?}");
    assert!(page.contains(r#"name="lines[0].discount" value="10%""#));
    assert_eq!(app.scalar("SELECT count(*) FROM orders").await, 0);

    let placed = post(
        &client,
        "/orders",
        &fields(&csrf, &customer, standard, "10%", "place")
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(placed.status(), Status::SeeOther);
    let to = location(&placed);
    assert_eq!(
        app.scalar("SELECT grand_total_cents FROM orders").await,
        2639
    );

    app.refresh().await;
    let r = client.get(to).dispatch().await;
    let order = r.into_string().await.unwrap();
    let grand = row_with(&order, ">Grand total</th>").unwrap();
    assert_eq!(
        grand.last().map(String::as_str),
        Some("$26.39"),
        "{grand:?}"
    );
    let shipping = row_with(&order, ">Shipping <small>").unwrap();
    assert_eq!(shipping.last().map(String::as_str), Some("$4.99"));
    let id = app.scalar("SELECT id FROM orders").await;
    let invoice = client
        .get(format!("/orders/{id}/invoice"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let tax = row_with(&invoice, "Tax at 20%").unwrap();
    assert_eq!(tax.last().map(String::as_str), Some("$4.40"), "{tax:?}");
}

#[tokio::test]
async fn the_live_preview_answers_the_same_figures_as_json_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let (client, csrf, customer, standard) = shop(&app).await;
    let before = app.snapshot().await;

    let (status, body) = send(
        &client,
        "/orders/preview",
        &fields(&csrf, &customer, standard, "10%", ""),
    )
    .await;

    assert_eq!(status, Status::Ok);
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["lines"]["TEE"], "$17.00", "{body}");
    let panel = answer["panel"].as_str().unwrap();
    assert!(panel.contains(r#"id="grand-total">$26.39</td>"#), "{panel}");
    assert!(!body.contains('<'), "markup is escaped in the JSON: {body}");
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_discount_above_its_line_or_a_bad_one_is_refused_beside_it_and_nothing_is_placed() {
    let app = TestApp::spawn().await;
    let (client, csrf, customer, standard) = shop(&app).await;

    // 25.00 off a 20.00 line: the preview says so beside the line.
    let (status, page) = send(
        &client,
        "/orders",
        &fields(&csrf, &customer, standard, "25.00", "preview"),
    )
    .await;
    assert_eq!(status, Status::Ok);
    assert!(
        page.contains(r#"id="lines-0-discount-error">the discount is more than the line"#),
        "{page}"
    );
    assert!(!page.contains(r#"id="grand-total""#), "{page}");

    // Placing it is refused (422), the message beside the line, nothing written.
    let (status, page) = send(
        &client,
        "/orders",
        &fields(&csrf, &customer, standard, "25.00", "place"),
    )
    .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("lines-0-discount-error"), "{page}");
    assert_eq!(app.scalar("SELECT count(*) FROM orders").await, 0);

    // A discount that is not an amount or a percentage, and a charge without a rate.
    let mut bad = fields(&csrf, &customer, standard, "ten", "place");
    bad.retain(|(k, _)| *k != "shipping_tax_rate");
    let (status, page) = send(&client, "/orders", &bad).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        page.contains(r#"id="lines-0-discount-error">enter the amount in digits"#),
        "{page}"
    );
    assert!(
        page.contains(r#"id="shipping_tax_rate-error">choose the tax rate"#),
        "{page}"
    );
    assert_eq!(app.scalar("SELECT count(*) FROM orders").await, 0);
}
