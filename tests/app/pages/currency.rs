//! Money in the shop's currency (the `currency` setting): pages, the CSV's
//! header and cells, the chart's axis; a zero-decimal currency (JPY) too.

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;

async fn page(client: &Client, uri: &str) -> String {
    let r = client.get(uri.to_owned()).dispatch().await;
    assert_eq!(r.status(), Status::Ok, "{uri}");
    r.into_string().await.unwrap()
}

/// One customer with one paid order of 2 × TEE at 1234.50 (123450 minor units).
async fn one_order(app: &TestApp) -> i64 {
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "1234.50", 5).await;
    let id = app.place(customer, &[("TEE", 2)]).await.unwrap().id;
    app.mark_paid(id).await;
    app.refresh().await;
    id
}

#[tokio::test]
async fn dollars_show_with_symbol_and_cents_everywhere() {
    let app = TestApp::spawn().await;
    let id = one_order(&app).await;
    let (client, _) = app.signed_in_with("clerk", &[("currency", "USD")]).await;

    let detail = page(&client, &format!("/orders/{id}")).await;
    let list = page(&client, "/orders").await;
    let product = page(&client, "/products").await;
    let dashboard = page(&client, "/").await;
    let csv = page(&client, "/orders/export.csv").await;

    assert!(
        detail.contains(r#"<td class="num">$1,234.50</td><td class="num">$2,469.00</td>"#),
        "{detail}"
    );
    assert!(list.contains(r#"<td class="num">$2,469.00</td>"#));
    assert!(product.contains(r#"<td class="num">$1,234.50</td>"#));
    assert!(dashboard.contains("<title>Daily revenue (USD)</title>"));
    assert!(
        dashboard.contains(r#"text-anchor="end">$2,469.00</text>"#),
        "{dashboard}"
    );
    let (header, row) = first_csv_row(&csv);
    assert_eq!(
        header[..8],
        [
            "order",
            "placed_at_utc",
            "customer",
            "email",
            "fulfilment_status",
            "payment_status",
            "items",
            "total_USD"
        ]
    );
    assert_eq!(row[4..8], ["unfulfilled", "paid", "2", "2469.00"], "{csv}");
}

#[tokio::test]
async fn yen_have_no_minor_unit_on_pages_in_the_csv_and_on_the_axis() {
    let app = TestApp::spawn().await;
    let id = one_order(&app).await;
    let (client, _) = app.signed_in_with("clerk", &[("currency", "JPY")]).await;

    let detail = page(&client, &format!("/orders/{id}")).await;
    let dashboard = page(&client, "/").await;
    let invoice = page(&client, &format!("/orders/{id}/invoice")).await;
    let csv = page(&client, "/orders/export.csv").await;

    // The stored integers are yen: 123450 per TEE.
    assert!(
        detail.contains(r#"<td class="num">¥123,450</td><td class="num">¥246,900</td>"#),
        "{detail}"
    );
    assert!(dashboard.contains("<title>Daily revenue (JPY)</title>"));
    assert!(dashboard.contains(r#"text-anchor="end">¥246,900</text>"#));
    assert!(invoice.contains(r#"<th scope="row" colspan="7">Grand total</th><td class="num"><strong>¥246,900</strong></td>"#));
    let (header, row) = first_csv_row(&csv);
    assert_eq!(
        header[..8],
        [
            "order",
            "placed_at_utc",
            "customer",
            "email",
            "fulfilment_status",
            "payment_status",
            "items",
            "total_JPY"
        ]
    );
    assert_eq!(row[4..8], ["unfulfilled", "paid", "2", "246900"], "{csv}");
}

#[tokio::test]
async fn euros_use_their_symbol_and_separators_and_the_form_knows_them() {
    let app = TestApp::spawn().await;
    one_order(&app).await;
    let (client, _) = app.signed_in_with("clerk", &[("currency", "eur")]).await;

    let list = page(&client, "/orders").await;
    let entry = page(&client, "/orders/new").await;

    assert!(list.contains(r#"<td class="num">€2.469,00</td>"#), "{list}");
    assert!(entry.contains(r#"data-currency="EUR" data-symbol="€" data-symbol-first="true""#));
    assert!(entry.contains(r#"data-exponent="2" data-group="." data-decimal=",""#));
}

#[test]
fn an_unknown_currency_stops_the_app_from_starting_with_the_reason() {
    let figment = orderdesk::config::Settings::figment().merge(("currency", "XYZ"));

    let error = orderdesk::build_rocket(figment).expect_err("an error");

    let orderdesk::web::StartError::Config(config) = &error else {
        panic!("not a configuration error: {error:?}");
    };
    let cause = std::error::Error::source(config).map(ToString::to_string);
    assert!(
        cause
            .as_deref()
            .is_some_and(|c| c.contains(r#""XYZ" is not an ISO 4217 currency code"#)),
        "{cause:?}"
    );
}

#[tokio::test]
async fn a_yen_shop_enters_whole_yen_and_is_told_so_when_it_types_decimals() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in_with("clerk", &[("currency", "JPY")]).await;
    let csrf = crate::support::http::session_csrf(&client).await;
    let form = page(&client, "/products/new").await;
    assert!(form.contains(r#"<label for="price">Price (JPY)</label>"#));
    let before = app.snapshot().await;

    let decimals = crate::support::http::post(
        &client,
        "/products",
        &[
            ("csrf_token", &csrf),
            ("sku", "BOWL"),
            ("name", "Bowl"),
            ("description", ""),
            ("price", "15.00"),
            ("active", "true"),
        ],
    )
    .await;
    assert_eq!(decimals.status(), Status::UnprocessableEntity);
    assert!(
        decimals
            .into_string()
            .await
            .unwrap()
            .contains("enter a whole amount without decimals, e.g. 1500")
    );
    assert_eq!(app.snapshot().await, before);

    let created = crate::support::http::post(
        &client,
        "/products",
        &[
            ("csrf_token", &csrf),
            ("sku", "BOWL"),
            ("name", "Bowl"),
            ("description", ""),
            ("price", "1500"),
            ("active", "true"),
        ],
    )
    .await;
    assert_eq!(created.status(), Status::SeeOther);
    assert_eq!(
        app.scalar("SELECT price_cents FROM products WHERE sku = 'BOWL'")
            .await,
        1500
    );
    app.refresh().await;
    let id = app
        .scalar("SELECT id FROM products WHERE sku = 'BOWL'")
        .await;
    let detail = page(&client, &format!("/products/{id}")).await;
    assert!(detail.contains("<dt>Price</dt><dd>¥1,500</dd>"), "{detail}");
    assert!(detail.contains(r#"<input id="price" name="price" value="1500""#));
}

/// The header and first row of a CSV, cell by cell.
fn first_csv_row(csv: &str) -> (Vec<String>, Vec<String>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    let mut rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>());
    (rows.next().unwrap(), rows.next().unwrap())
}
