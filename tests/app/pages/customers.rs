//! The customers pages over HTTP: list, register, detail with orders and
//! history, edit with its version check, and 404s for ids that name nothing.

use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::html::{definition, row_with};
use crate::support::pages_http::{get, input_value, location, post, staff_client};

#[tokio::test]
async fn the_list_shows_order_statistics_and_searches() {
    let app = TestApp::spawn().await;
    app.product("TEE-1", "10.00", 10).await;
    let ada = app.customer("ada@example.com").await;
    app.customer("bob@example.com").await;
    let paid = app.place(ada, &[("TEE-1", 3)]).await.unwrap().id;
    app.mark_paid(paid).await;
    app.refresh().await;
    let client = staff_client(&app).await;

    let (status, all) = get(&client, "/customers").await;
    let (_, found) = get(&client, "/customers?q=ADA").await;

    assert_eq!(status, Status::Ok);
    let row = row_with(&all, &format!(r#"href="/customers/{ada}""#)).unwrap();
    // Orders and lifetime value (what was paid): one paid order of three tees at 10.00.
    assert_eq!(
        (row[2].as_str(), row[3].as_str()),
        ("1", "$30.00"),
        "{row:?}"
    );
    assert!(all.contains("href=\"/customers/new\"") && all.contains("as of"));
    assert!(found.contains("ada@example.com") && !found.contains("bob@example.com"));
}

#[tokio::test]
async fn the_list_pages_by_name_with_a_next_link() {
    let app = TestApp::spawn().await;
    for n in 0..26 {
        app.customer(&format!("c{n:02}@example.com")).await;
    }
    app.refresh().await;
    let client = staff_client(&app).await;

    let (_, first) = get(&client, "/customers?size=25").await;
    let next = first
        .split(r#"<a href=""#)
        .filter_map(|s| s.split('"').next())
        .find(|href| href.contains("after_id="))
        .expect("a Next link")
        .replace("&#38;", "&");
    let (_, second) = get(&client, &next).await;

    assert!(first.contains("c24@example.com") && !first.contains("c25@example.com"));
    assert!(
        second.contains("c25@example.com") && !second.contains("c24@example.com"),
        "{second}"
    );
}

#[tokio::test]
async fn registering_a_customer_redirects_with_a_flash_and_shows_processing_until_the_refresh() {
    let app = TestApp::spawn().await;
    let client = staff_client(&app).await;
    let (new_status, form) = get(&client, "/customers/new").await;

    let response = post(
        &client,
        "/customers",
        &[
            ("name", "Ada Lovelace"),
            ("email", "ada@example.com"),
            ("phone", ""),
        ],
    )
    .await;
    let status = response.status();
    let to = location(&response);
    let (_, waiting) = get(&client, &to).await;
    app.refresh().await;
    let (_, shown) = get(&client, &to).await;

    assert_eq!(new_status, Status::Ok);
    assert!(form.contains(r#"<label for="email">"#) && form.contains(r#"name="csrf_token""#));
    assert_eq!(status, Status::SeeOther);
    assert!(
        to.starts_with("/customers/") && to.contains("?after="),
        "{to}"
    );
    assert!(waiting.contains("Processing") && waiting.contains("Customer Ada Lovelace registered"));
    assert!(
        shown.contains("<dt>Email</dt><dd>ada@example.com</dd>"),
        "{shown}"
    );
    assert!(
        row_with(
            &shown,
            "registered the customer Ada Lovelace (ada@example.com"
        )
        .is_some(),
        "{shown}"
    );
    assert!(!shown.contains("Processing"), "{shown}");
}

#[tokio::test]
async fn an_invalid_customer_is_422_with_values_kept_and_nothing_written() {
    let app = TestApp::spawn().await;
    app.customer("ada@example.com").await;
    let client = staff_client(&app).await;
    let before = app.snapshot().await;

    let bad = post(
        &client,
        "/customers",
        &[("name", ""), ("email", "not-an-email"), ("phone", "")],
    )
    .await;
    let bad_status = bad.status();
    let bad_body = bad.into_string().await.unwrap();
    let taken = post(
        &client,
        "/customers",
        &[
            ("name", "Ada Again"),
            ("email", "ada@example.com"),
            ("phone", ""),
        ],
    )
    .await;
    let taken_status = taken.status();
    let taken_body = taken.into_string().await.unwrap();

    assert_eq!(bad_status, Status::UnprocessableEntity);
    assert_eq!(
        input_value(&bad_body, "email").as_deref(),
        Some("not-an-email")
    );
    assert!(bad_body.contains(r#"id="name-error""#) && bad_body.contains(r#"id="email-error""#));
    assert_eq!(taken_status, Status::UnprocessableEntity);
    assert_eq!(
        input_value(&taken_body, "name").as_deref(),
        Some("Ada Again")
    );
    assert!(
        taken_body.contains(r#"id="email-error">a customer with this email is already registered"#)
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn the_customer_page_lists_their_orders_and_statistics() {
    let app = TestApp::spawn().await;
    app.product("TEE-1", "10.00", 10).await;
    let ada = app.customer("ada@example.com").await;
    let order = app.place(ada, &[("TEE-1", 2)]).await.unwrap().id;
    let other = app.place(ada, &[("TEE-1", 1)]).await.unwrap().id;
    // Both paid: the lifetime value is what was paid.
    app.mark_paid(order).await;
    app.mark_paid(other).await;
    app.refresh().await;
    let client = staff_client(&app).await;

    let (status, body) = get(&client, &format!("/customers/{ada}")).await;

    assert_eq!(status, Status::Ok);
    assert!(
        body.contains(&format!(r#"href="/orders/{order}">#{order}"#)),
        "{body}"
    );
    let row = row_with(&body, &format!(r#"href="/orders/{order}""#)).unwrap();
    assert!(
        row.iter().any(|cell| cell == "$20.00"),
        "the order's total: {row:?}"
    );
    // The statistics: two orders, $20.00 and $10.00.
    let figure = |term| definition(&body, term).unwrap_or_default();
    assert_eq!(
        (
            figure("Orders"),
            figure("Lifetime value"),
            figure("Average order")
        ),
        ("2".into(), "$30.00".into(), "$15.00".into())
    );
}

#[tokio::test]
async fn a_stale_customer_edit_is_409_with_what_changed() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.refresh().await;
    let client = staff_client(&app).await;
    let path = format!("/customers/{ada}");
    let (_, form) = get(&client, &path).await;
    let version = input_value(&form, "version").unwrap();
    let first = [
        ("name", "Ada King"),
        ("email", "ada@example.com"),
        ("phone", ""),
        ("version", version.as_str()),
    ];
    assert_eq!(
        post(&client, &path, &first).await.status(),
        Status::SeeOther
    );
    let before = app.snapshot().await;

    let stale = [
        ("name", "Ada Lovelace"),
        ("email", "ada@example.com"),
        ("phone", ""),
        ("version", version.as_str()),
    ];
    let response = post(&client, &path, &stale).await;
    let status = response.status();
    let body = response.into_string().await.unwrap();

    assert_eq!(status, Status::Conflict);
    assert!(
        body.contains("<th scope=\"row\">name</th><td>Ada King</td>"),
        "{body}"
    );
    assert_eq!(input_value(&body, "name").as_deref(), Some("Ada Lovelace"));
    assert_eq!(input_value(&body, "version").as_deref(), Some("2"));
    assert!(body.contains("Save again"));
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn ids_that_name_no_customer_are_404() {
    let app = TestApp::spawn().await;
    let client = staff_client(&app).await;

    for uri in [
        "/customers/999",
        "/customers/0",
        "/customers/-1",
        "/customers/x",
        "/customers/99999999999999999999",
    ] {
        assert_eq!(get(&client, uri).await.0, Status::NotFound, "{uri}");
    }
    let edit = post(
        &client,
        "/customers/999",
        &[
            ("name", "A"),
            ("email", "a@example.com"),
            ("phone", ""),
            ("version", "1"),
        ],
    )
    .await;

    assert_eq!(edit.status(), Status::NotFound);
}
