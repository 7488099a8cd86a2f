//! The order form's type-ahead endpoint (`/orders/lookup/*`): role-checked,
//! bounded, escaped, and reading the read models.

use orderdesk::commands::create_product::{self};
use orderdesk::commands::receive_stock::{self};
use orderdesk::queries::MAX_SEARCH_CHARS as MAX_QUERY_CHARS;
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;

use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;

/// A product with a chosen name, price, stock and "for sale" flag.
pub async fn named_product(
    app: &TestApp,
    sku: &str,
    name: &str,
    price: &str,
    stock: i64,
    active: bool,
) -> i64 {
    let mut input = inputs::product(sku, name, price);
    input.details.active = active;
    let id = create_product::create_product(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap()
        .id;
    if stock > 0 {
        let quantity = u32::try_from(stock).expect("a test stock level");
        let receipt = inputs::receipt(id, quantity, "");
        receive_stock::receive_stock(&mut *app.conn().await, receipt, &ctx())
            .await
            .unwrap();
    }
    id
}

async fn get(client: &Client, uri: &str) -> (Status, Option<ContentType>, String) {
    let r = client.get(uri.to_owned()).dispatch().await;
    let ct = r.content_type();
    (r.status(), ct, r.into_string().await.unwrap_or_default())
}

#[tokio::test]
async fn products_come_back_as_json_with_price_stock_and_unavailable_ones_marked() {
    let app = TestApp::spawn().await;
    let mug = named_product(&app, "MUG-BLUE", "Blue mug", "7.50", 4, true).await;
    let gone = named_product(&app, "MUG-OLD", "Old mug", "5.00", 3, false).await;
    let out = named_product(&app, "MUGGY", "Mug warmer", "12.00", 0, true).await;
    named_product(&app, "TEE", "Tee shirt", "10.00", 9, true).await;
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;

    let (status, ct, body) = get(&client, "/orders/lookup/products?q=mug").await;

    assert_eq!(status, Status::Ok);
    assert_eq!(ct, Some(ContentType::JSON));
    let expected = format!(
        r#"[{{"id":{mug},"sku":"MUG-BLUE","name":"Blue mug","price_cents":750,"price":"$7.50","available":4,"active":true,"note":null}},{{"id":{out},"sku":"MUGGY","name":"Mug warmer","price_cents":1200,"price":"$12.00","available":0,"active":true,"note":"out of stock"}},{{"id":{gone},"sku":"MUG-OLD","name":"Old mug","price_cents":500,"price":"$5.00","available":3,"active":false,"note":"not for sale"}}]"#
    );
    assert_eq!(body, expected);
}

#[tokio::test]
async fn customers_are_found_by_name_email_or_number() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let bob = app.customer("bob@example.com").await;
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;

    let (_, _, by_email) = get(&client, "/orders/lookup/customers?q=BOB@").await;
    let (_, _, by_number) = get(&client, &format!("/orders/lookup/customers?q=%23{ada}")).await;
    let (_, _, by_name) = get(&client, "/orders/lookup/customers?q=customer").await;

    let one = |id: i64, who: &str| {
        format!(
            r#"{{"id":{id},"name":"Customer {who}@example.com","email":"{who}@example.com","addresses":[]}}"#
        )
    };
    assert_eq!(by_email, format!("[{}]", one(bob, "bob")));
    assert_eq!(by_number, format!("[{}]", one(ada, "ada")));
    assert_eq!(
        by_name,
        format!("[{},{}]", one(ada, "ada"), one(bob, "bob"))
    );
}

#[tokio::test]
async fn answers_are_bounded_in_rows_and_in_search_text() {
    let app = TestApp::spawn().await;
    for i in 0..12 {
        named_product(
            &app,
            &format!("CUP-{i:02}"),
            &format!("Cup {i}"),
            "1.00",
            1,
            true,
        )
        .await;
    }
    // A name as long as names go (200 characters), longer than the bound: a
    // search that starts with the name's first MAX_QUERY_CHARS characters
    // finds it only if the text beyond the bound is dropped, and one that
    // differs just inside the bound never does.
    let long_name = format!("Long mug {}", "a".repeat(191));
    named_product(&app, "LONG-1", &long_name, "1.00", 1, true).await;
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;

    let (_, _, default) = get(&client, "/orders/lookup/products?q=cup").await;
    let (_, _, asked_many) = get(&client, "/orders/lookup/products?q=cup&limit=5000").await;
    let (_, _, asked_two) = get(&client, "/orders/lookup/products?q=cup&limit=2").await;
    let (status, _, long) = get(
        &client,
        &format!("/orders/lookup/products?q={}", "c".repeat(5000)),
    )
    .await;
    let search = |head: usize| {
        let text: String = long_name.chars().take(head).collect();
        format!(
            "/orders/lookup/products?q={}",
            format!("{text}{}", "z".repeat(5000 - head)).replace(' ', "%20")
        )
    };
    let (_, _, long_tail) = get(&client, &search(MAX_QUERY_CHARS)).await;
    let (_, _, differs_inside) = get(&client, &search(MAX_QUERY_CHARS - 1)).await;
    let (_, _, empty) = get(&client, "/orders/lookup/products?q=%20").await;

    assert_eq!(default.matches(r#""sku":"CUP-"#).count(), 10);
    assert_eq!(asked_many.matches(r#""sku":"CUP-"#).count(), 10);
    assert_eq!(asked_two.matches(r#""sku":"CUP-"#).count(), 2);
    assert!(
        asked_two.starts_with(r#"[{"id":"#)
            && asked_two.contains(r#""sku":"CUP-00""#)
            && asked_two.contains(r#""sku":"CUP-01""#)
    );
    assert_eq!((status, long.as_str()), (Status::Ok, "[]"));
    assert_eq!(
        long_tail.matches(r#""sku":""#).count(),
        1,
        "the first characters of a 5,000-character search are used: {long_tail}"
    );
    assert!(long_tail.contains(r#""sku":"LONG-1""#), "{long_tail}");
    assert_eq!(differs_inside, "[]", "the bound is no shorter than it says");
    assert_eq!(empty, "[]");
}

#[tokio::test]
async fn markup_in_names_comes_back_escaped() {
    let app = TestApp::spawn().await;
    let id = named_product(
        &app,
        "XSS-1",
        r#"</script><img src=x onerror="alert(1)"> & co"#,
        "2.00",
        1,
        true,
    )
    .await;
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;

    let (_, _, body) = get(&client, "/orders/lookup/products?q=xss").await;

    assert_eq!(
        body,
        format!(
            r#"[{{"id":{id},"sku":"XSS-1","name":"\u003c/script\u003e\u003cimg src=x onerror=\"alert(1)\"\u003e \u0026 co","price_cents":200,"price":"$2.00","available":1,"active":true,"note":null}}]"#
        )
    );
    let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        parsed[0]["name"],
        r#"</script><img src=x onerror="alert(1)"> & co"#
    );
}

#[tokio::test]
async fn only_staff_who_enter_orders_may_look_up() {
    let app = TestApp::spawn().await;
    named_product(&app, "MUG", "Mug", "7.50", 4, true).await;
    app.refresh().await;
    let (viewer, _) = app.signed_in("viewer").await;
    let anonymous = app.client().await;

    let (viewer_status, _, viewer_body) = get(&viewer, "/orders/lookup/products?q=mug").await;
    let customers = viewer
        .get("/orders/lookup/customers?q=a")
        .dispatch()
        .await
        .status();
    let anon = anonymous
        .get("/orders/lookup/products?q=mug")
        .dispatch()
        .await;

    assert_eq!(viewer_status, Status::Forbidden);
    assert!(!viewer_body.contains("MUG"), "{viewer_body}");
    assert_eq!(customers, Status::Forbidden);
    assert_eq!(anon.status(), Status::SeeOther);
    assert_eq!(
        anon.headers().get_one("Location"),
        Some("/login?next=%2Forders%2Flookup%2Fproducts%3Fq%3Dmug")
    );
}
