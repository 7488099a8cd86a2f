//! The products pages over HTTP: list, create, detail, edit with its version
//! check, and 404s for ids that name nothing (stock forms: stock.rs).

use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::html::row_with;
use crate::support::pages_http::{get, input_value, location, post, staff_client};

fn product_fields<'a>(sku: &'a str, name: &'a str, price: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("sku", sku),
        ("name", name),
        ("description", "Soft cotton"),
        ("price", price),
        ("active", "true"),
    ]
}

/// Borrowed pairs of owned values, for `post`.
fn pairs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, s)| (*k, s.as_str())).collect()
}

#[tokio::test]
async fn the_list_shows_stock_and_sales_and_flags_low_stock() {
    let app = TestApp::spawn().await;
    let plenty = app.product("MUG-1", "4.50", 100).await;
    let scarce = app.product("TEE-1", "19.99", 3).await;
    let customer = app.customer("ada@example.com").await;
    app.place(customer, &[("MUG-1", 2)]).await.unwrap();
    app.refresh().await;
    let client = staff_client(&app).await;

    let (status, all) = get(&client, "/products").await;
    let (_, low) = get(&client, "/products?low=true").await;

    assert_eq!(status, Status::Ok);
    assert!(
        all.contains(&format!(r#"href="/products/{plenty}">MUG-1"#)),
        "{all}"
    );
    assert!(
        all.contains("<td class=\"num\">98</td>"),
        "available after the reservation: {all}"
    );
    let mug = row_with(&all, &format!(r#"href="/products/{plenty}""#)).unwrap();
    // Revenue 30 d and revenue all time: two mugs at 4.50.
    assert_eq!(
        (mug[8].as_str(), mug[10].as_str()),
        ("$9.00", "$9.00"),
        "{mug:?}"
    );
    // Available: the scarce tee is flagged low, the mugs are not.
    let tee = row_with(&all, &format!(r#"href="/products/{scarce}""#)).unwrap();
    assert_eq!(
        (tee[6].as_str(), mug[6].as_str()),
        ("3 low", "98"),
        "{tee:?}"
    );
    assert!(all.contains("href=\"/products/new\""));
    assert!(low.contains("TEE-1") && !low.contains("MUG-1"), "{low}");
    assert!(all.contains("as of"), "freshness note: {all}");
}

#[tokio::test]
async fn the_list_searches_and_pages_by_sku_with_a_next_link() {
    let app = TestApp::spawn().await;
    for n in 0..26 {
        app.product(&format!("SKU-{n:02}"), "1.00", 0).await;
    }
    app.refresh().await;
    let client = staff_client(&app).await;

    let (_, first) = get(&client, "/products?size=25").await;
    let next = first
        .split(r#"<a href=""#)
        .filter_map(|s| s.split('"').next())
        .find(|href| href.contains("after="))
        .expect("a Next link")
        .replace("&#38;", "&");
    let (_, second) = get(&client, &next).await;
    let (_, found) = get(&client, "/products?q=sku-07").await;

    assert!(first.contains("SKU-24") && !first.contains("SKU-25"));
    assert!(
        second.contains("SKU-25") && !second.contains("SKU-24"),
        "{second}"
    );
    assert!(found.contains("SKU-07") && !found.contains("SKU-08"));
}

#[tokio::test]
async fn the_new_product_form_labels_every_field() {
    let app = TestApp::spawn().await;
    let client = staff_client(&app).await;

    let (status, body) = get(&client, "/products/new").await;

    assert_eq!(status, Status::Ok);
    for field in ["sku", "name", "description", "price", "active"] {
        assert!(
            body.contains(&format!(r#"<label for="{field}">"#)),
            "{field}"
        );
    }
    assert!(body.contains(r#"name="csrf_token""#));
}

#[tokio::test]
async fn creating_a_product_redirects_to_it_and_it_shows_processing_until_the_refresh() {
    let app = TestApp::spawn().await;
    let client = staff_client(&app).await;

    let response = post(
        &client,
        "/products",
        &product_fields("TEE-1", "Blue Tee", "19.99"),
    )
    .await;
    let status = response.status();
    let to = location(&response);
    let (_, waiting) = get(&client, &to).await;
    app.refresh().await;
    let (after_status, shown) = get(&client, &to).await;

    assert_eq!(status, Status::SeeOther);
    assert!(
        to.starts_with("/products/") && to.contains("?after="),
        "{to}"
    );
    assert!(waiting.contains("Processing") && waiting.contains("Product TEE-1 created"));
    assert!(waiting.contains(r#"http-equiv="refresh""#), "{waiting}");
    assert_eq!(after_status, Status::Ok);
    assert!(
        shown.contains("<h1>TEE-1 · Blue Tee</h1>")
            && shown.contains("<dt>Price</dt><dd>$19.99</dd>"),
        "{shown}"
    );
    assert!(!shown.contains("Processing"), "{shown}");
    assert!(
        row_with(&shown, "created the product TEE-1 Blue Tee at $19.99").is_some(),
        "{shown}"
    );
}

#[tokio::test]
async fn an_invalid_product_is_422_with_values_kept_errors_beside_fields_and_nothing_written() {
    let app = TestApp::spawn().await;
    let client = staff_client(&app).await;
    let before = app.snapshot().await;

    let response = post(
        &client,
        "/products",
        &product_fields("bad sku", "Blue Tee", "abc"),
    )
    .await;
    let status = response.status();
    let body = response.into_string().await.unwrap();

    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(input_value(&body, "sku").as_deref(), Some("bad sku"));
    assert_eq!(input_value(&body, "name").as_deref(), Some("Blue Tee"));
    assert_eq!(input_value(&body, "price").as_deref(), Some("abc"));
    assert!(body.contains(r#"id="sku-error""#) && body.contains(r#"id="price-error""#));
    assert!(!body.contains(r#"id="name-error""#));
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_duplicate_sku_is_422_with_the_message_beside_the_sku() {
    let app = TestApp::spawn().await;
    app.product("TEE-1", "19.99", 0).await;
    let client = staff_client(&app).await;
    let before = app.snapshot().await;

    let response = post(&client, "/products", &product_fields("TEE-1", "Other", "5")).await;
    let status = response.status();
    let body = response.into_string().await.unwrap();

    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        body.contains(r#"<p class="error" id="sku-error">a product with this SKU already exists"#)
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_stale_edit_is_409_with_what_changed_and_saving_again_succeeds() {
    let app = TestApp::spawn().await;
    let id = app.product("TEE-1", "19.99", 0).await;
    app.refresh().await;
    let client = staff_client(&app).await;
    let path = format!("/products/{id}");
    let (_, form) = get(&client, &path).await;
    let version = input_value(&form, "version").unwrap();
    let edit = |name: &'static str, price: &'static str, version: String| {
        vec![
            ("name", name),
            ("description", ""),
            ("price", price),
            ("active", "true"),
            ("low_stock_threshold", "10"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .chain([("version", version)])
        .collect::<Vec<_>>()
    };
    let first = edit("Blue Tee", "25.00", version.clone());
    assert_eq!(
        post(&client, &path, &pairs(&first)).await.status(),
        Status::SeeOther
    );

    let stale = edit("Red Tee", "19.99", version);
    let response = post(&client, &path, &pairs(&stale)).await;
    let status = response.status();
    let body = response.into_string().await.unwrap();
    let retry = edit("Red Tee", "19.99", input_value(&body, "version").unwrap());
    let saved = post(&client, &path, &pairs(&retry)).await.status();

    assert_eq!(status, Status::Conflict);
    assert!(body.contains(r#"class="conflict""#) && body.contains("Save again"));
    assert!(
        body.contains("<th scope=\"row\">price</th><td>25.00</td>"),
        "{body}"
    );
    assert_eq!(input_value(&body, "name").as_deref(), Some("Red Tee"));
    assert_eq!(input_value(&body, "version").as_deref(), Some("2"));
    assert_eq!(saved, Status::SeeOther);
    assert_eq!(
        app.scalar(&format!("SELECT price_cents FROM products WHERE id = {id}"))
            .await,
        1999
    );
}

#[tokio::test]
async fn ids_that_name_no_product_are_404() {
    let app = TestApp::spawn().await;
    let client = staff_client(&app).await;
    let before = app.snapshot().await;

    for uri in [
        "/products/999",
        "/products/0",
        "/products/-5",
        "/products/abc",
        "/products/99999999999999999999",
    ] {
        assert_eq!(get(&client, uri).await.0, Status::NotFound, "{uri}");
    }
    let receipt = post(
        &client,
        "/products/999/stock/receive",
        &[("quantity", "1"), ("note", "")],
    )
    .await;
    let edit = post(
        &client,
        "/products/0",
        &[
            ("name", "x"),
            ("price", "1"),
            ("description", ""),
            ("low_stock_threshold", "10"),
            ("version", "1"),
        ],
    )
    .await;

    assert_eq!(receipt.status(), Status::NotFound);
    assert_eq!(edit.status(), Status::NotFound);
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_malformed_after_parameter_does_not_break_the_page() {
    let app = TestApp::spawn().await;
    let id = app.product("TEE-1", "19.99", 0).await;
    app.refresh().await;
    let client = staff_client(&app).await;

    let (status, body) = get(&client, &format!("/products/{id}?after=abc&attempt=-1")).await;

    assert_eq!(status, Status::Ok);
    assert!(body.contains("<dt>Price</dt><dd>$19.99</dd>"), "{body}");
    assert!(!body.contains("Processing"), "{body}");
}
