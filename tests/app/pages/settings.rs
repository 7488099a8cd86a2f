//! The Settings page over HTTP: the shop's settings and its tax rates
//! (create, edit, archive) with their refusals beside the field (422), the
//! conflict on a stale version (409), who may change them, and a product's
//! rate on its form, page and list.

use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::html::{definition, row_with};
use crate::support::pages_http::{get, input_value, location, post};

async fn admin(app: &TestApp) -> rocket::local::asynchronous::Client {
    app.signed_in("admin").await.0
}

/// The `id` of the rate called `name`.
async fn rate_id(app: &TestApp, name: &str) -> i64 {
    app.scalar(&format!("SELECT id FROM tax_rates WHERE name = '{name}'"))
        .await
}

#[tokio::test]
async fn an_admin_creates_a_rate_and_everyone_reads_it() {
    let app = TestApp::spawn().await;
    let client = admin(&app).await;

    let response = post(
        &client,
        "/tax-rates",
        &[("name", "Standard"), ("rate", "20")],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert!(location(&response).starts_with("/settings?after="));
    app.refresh().await;

    let (status, page) = get(&client, "/settings").await;
    assert_eq!(status, Status::Ok);
    let id = rate_id(&app, "Standard").await;
    let row = row_with(&page, &format!(r#"id="rate-{id}""#)).expect("the rate's row");
    assert_eq!(
        (row[0].as_str(), row[1].as_str()),
        ("Standard", "Standard (20%)")
    );
    assert!(row[2].starts_with("active"), "{row:?}");
    // A viewer reads the rates and settings, without forms.
    let (viewer, _) = app.signed_in("viewer").await;
    let (status, page) = get(&viewer, "/settings").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("Standard (20%)"));
    assert!(!page.contains(r#"action="/tax-rates""#), "{page}");
    assert_eq!(
        definition(&page, "Prices include tax").as_deref(),
        Some("no")
    );
}

#[tokio::test]
async fn a_bad_rate_or_a_taken_name_answers_422_beside_its_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let client = admin(&app).await;
    app.refresh().await;
    let before = app.snapshot().await;

    for (name, rate, field, message) in [
        ("Luxury", "100.5", "rate", "between 0 and 100"),
        ("Luxury", "-3", "rate", "in digits"),
        ("", "10", "name", "name is required"),
        ("zero", "0", "name", "already exists"),
    ] {
        let response = post(&client, "/tax-rates", &[("name", name), ("rate", rate)]).await;
        assert_eq!(
            response.status(),
            Status::UnprocessableEntity,
            "{name} {rate}"
        );
        let page = response.into_string().await.unwrap();
        let error = page
            .split(&format!(r#"id="{field}-error">"#))
            .nth(1)
            .and_then(|s| s.split("</p>").next())
            .unwrap_or_else(|| panic!("no {field} error: {page}"));
        assert!(error.contains(message), "{error}");
        // The typed values are kept.
        let kept = format!(r#"id="new-rate-rate" name="rate" value="{rate}""#);
        assert!(page.contains(&kept), "{page}");
    }
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_stale_rate_edit_answers_409_with_the_new_version() {
    let app = TestApp::spawn().await;
    let client = admin(&app).await;
    let zero = rate_id(&app, "Zero").await;
    let url = format!("/tax-rates/{zero}");
    let saved = post(
        &client,
        &url,
        &[("name", "Zero rated"), ("rate", "0"), ("version", "1")],
    )
    .await;
    assert_eq!(saved.status(), Status::SeeOther);
    app.refresh().await;

    let stale = post(
        &client,
        &url,
        &[("name", "Nil"), ("rate", "0"), ("version", "1")],
    )
    .await;

    assert_eq!(stale.status(), Status::Conflict);
    let page = stale.into_string().await.unwrap();
    assert!(page.contains("someone else changed this first"), "{page}");
    let diff = row_with(&page, r#"<th scope="row">name</th>"#).expect("the diff");
    assert_eq!(diff[1], "Zero rated");
    assert!(page.contains(r#"name="version" value="2""#), "{page}");
    assert!(
        page.contains(r#"value="Nil""#),
        "the user's value is kept: {page}"
    );
}

#[tokio::test]
async fn settings_round_trip_and_a_stale_save_conflicts() {
    let app = TestApp::spawn().await;
    let client = admin(&app).await;
    app.refresh().await;
    let zero = rate_id(&app, "Zero").await.to_string();

    let response = post(
        &client,
        "/settings",
        &[
            ("prices_include_tax", "true"),
            ("tax_id", "GB 123 4567 89"),
            ("invoice_on_payment", "true"),
            ("default_tax_rate", &zero),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther);
    app.refresh().await;
    let (_, page) = get(&client, "/settings").await;
    let checked = |name: &str| {
        page.contains(&format!(
            r#"id="{name}" name="{name}" type="checkbox" value="true" checked"#
        ))
    };
    assert!(checked("prices_include_tax"), "{page}");
    assert!(checked("invoice_on_payment") && !checked("ship_on_account"));
    assert_eq!(
        input_value(&page, "tax_id").as_deref(),
        Some("GB 123 4567 89")
    );
    assert!(page.contains(r#"name="version" value="2""#));

    let before = app.snapshot().await;
    let stale = post(
        &client,
        "/settings",
        &[("default_tax_rate", &zero), ("version", "1")],
    )
    .await;
    assert_eq!(stale.status(), Status::Conflict);
    let page = stale.into_string().await.unwrap();
    let changed = row_with(&page, "<th scope=\"row\">prices_include_tax</th>").expect("the diff");
    assert_eq!(changed[1], "true");
    assert_eq!(app.snapshot().await, before);

    let long = "x".repeat(51);
    let bad = post(
        &client,
        "/settings",
        &[
            ("tax_id", &long),
            ("default_tax_rate", &zero),
            ("version", "2"),
        ],
    )
    .await;
    assert_eq!(bad.status(), Status::UnprocessableEntity);
    assert!(
        bad.into_string()
            .await
            .unwrap()
            .contains(r#"id="tax_id-error""#)
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_clerk_may_read_but_not_change_the_settings() {
    let app = TestApp::spawn().await;
    let (clerk, _) = app.signed_in("clerk").await;
    let before = app.snapshot().await;
    let response = post(
        &clerk,
        "/tax-rates",
        &[("name", "Standard"), ("rate", "20")],
    )
    .await;
    assert_eq!(response.status(), Status::Forbidden);
    let page = response.into_string().await.unwrap();
    assert!(page.contains("may not change the shop"), "{page}");
    assert_eq!(app.snapshot().await, before);
    let (status, _) = get(&clerk, "/settings").await;
    assert_eq!(status, Status::Ok);
}

#[tokio::test]
async fn a_product_is_created_with_a_chosen_rate_shown_on_its_page_and_the_list() {
    let app = TestApp::spawn().await;
    let client = admin(&app).await;
    post(&client, "/tax-rates", &[("name", "Reduced"), ("rate", "5")]).await;
    app.refresh().await;
    let reduced = rate_id(&app, "Reduced").await.to_string();
    let (_, form) = get(&client, "/products/new").await;
    assert!(
        form.contains(&format!(r#"<option value="{reduced}">Reduced (5%)"#)),
        "{form}"
    );

    let response = post(
        &client,
        "/products",
        &[
            ("sku", "TEA-1"),
            ("name", "Tea"),
            ("description", ""),
            ("price", "3.99"),
            ("active", "true"),
            ("tax_rate", &reduced),
        ],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther);
    app.refresh().await;
    let id = app
        .scalar("SELECT id FROM products WHERE sku = 'TEA-1'")
        .await;

    let (_, page) = get(&client, &format!("/products/{id}")).await;
    assert_eq!(
        definition(&page, "Tax rate").as_deref(),
        Some("Reduced (5%)")
    );
    assert!(
        page.contains(&format!(r#"<option value="{reduced}" selected>"#)),
        "{page}"
    );
    let (_, list) = get(&client, "/products").await;
    let row = row_with(&list, &format!(r#"href="/products/{id}""#)).unwrap();
    assert_eq!(row.last().map(String::as_str), Some("Reduced (5%)"));

    // An unknown rate is refused beside its field.
    let before = app.snapshot().await;
    let bad = post(
        &client,
        &format!("/products/{id}"),
        &[
            ("name", "Tea"),
            ("description", ""),
            ("price", "3.99"),
            ("active", "true"),
            ("low_stock_threshold", "10"),
            ("tax_rate", "9999"),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(bad.status(), Status::UnprocessableEntity);
    let page = bad.into_string().await.unwrap();
    assert!(page.contains(r#"id="tax_rate-error""#), "{page}");
    assert_eq!(app.snapshot().await, before);
}
