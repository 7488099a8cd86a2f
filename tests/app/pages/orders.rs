//! The orders pages through real HTTP: list, CSV, order entry, detail, actions,
//! and the read-model status page.

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;
use crate::support::html::row_with;
use crate::support::http::{location, post, session_csrf};

async fn body(client: &Client, uri: &str) -> (Status, String) {
    let r = client.get(uri.to_owned()).dispatch().await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

/// A shop with one customer and two products; a signed-in clerk and its CSRF token.
async fn shop(app: &TestApp) -> (Client, String, i64) {
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 5).await;
    app.product("MUG", "7.50", 2).await;
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;
    let csrf = session_csrf(&client).await;
    (client, csrf, customer)
}

fn order_fields<'a>(csrf: &'a str, customer: &'a str, key: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("action", "place"),
        ("idempotency_key", key),
        ("customer_id", customer),
        ("shipping.name", "Ada Tester"),
        ("shipping.line1", "1 High Street"),
        ("shipping.city", "Town"),
        ("shipping.country", "GB"),
        ("lines[0].sku", "tee"),
        ("lines[0].quantity", "2"),
        ("lines[1].sku", "MUG"),
        ("lines[1].quantity", "1"),
        ("lines[2].sku", ""),
        ("lines[2].quantity", ""),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_maintainer_running_a_placed_order_shows_at_once_without_processing() {
    let app = TestApp::spawn().await;
    let (_, _, customer) = shop(&app).await;
    let client = app.client_with_maintainer().await;
    app.user("clerk2", "clerk").await;
    let signed_in =
        crate::support::http::sign_in(&client, "clerk2", crate::support::http::PASSWORD).await;
    assert_eq!(signed_in.status(), Status::SeeOther);
    let csrf = session_csrf(&client).await;

    let customer = customer.to_string();
    let response = post(
        &client,
        "/orders",
        &order_fields(&csrf, &customer, "key-0000000077"),
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther);
    let to = location(&response);
    let (status, page) = body(&client, &to).await;

    let id = app.scalar("SELECT max(id) FROM orders").await;
    assert_eq!(status, Status::Ok);
    assert!(
        !page.contains("Processing") && !page.contains(r#"http-equiv="refresh""#),
        "{page}"
    );
    assert!(page.contains(&format!("Order #{id} placed")), "{page}");
    let total = row_with(&page, ">Grand total</th>").unwrap();
    assert_eq!(
        total.last().map(String::as_str),
        Some("$27.50"),
        "{total:?}"
    );
}

#[tokio::test]
async fn placing_an_order_redirects_to_it_shows_processing_then_the_order() {
    let app = TestApp::spawn().await;
    let (client, csrf, customer) = shop(&app).await;
    let (status, form) = body(&client, "/orders/new").await;
    assert_eq!(status, Status::Ok);
    assert!(form.contains(r#"<label for="shipping-line1">"#) && form.contains("idempotency_key"));

    let customer = customer.to_string();
    let response = post(
        &client,
        "/orders",
        &order_fields(&csrf, &customer, "key-0000000001"),
    )
    .await;

    assert_eq!(response.status(), Status::SeeOther);
    let to = location(&response);
    let id = app.scalar("SELECT max(id) FROM orders").await;
    assert!(to.starts_with(&format!("/orders/{id}?after=")), "{to}");
    let (_, processing) = body(&client, &to).await;
    assert!(
        processing.contains("Processing") && processing.contains(r#"http-equiv="refresh""#),
        "{processing}"
    );
    assert!(
        processing.contains(&format!("Order #{id} placed")),
        "the flash is shown"
    );
    app.refresh().await;
    let (_, done) = body(&client, &to).await;
    assert!(!done.contains("Processing") && !done.contains(r#"http-equiv="refresh""#));
    let total = row_with(&done, ">Grand total</th>").unwrap();
    assert_eq!(
        total.last().map(String::as_str),
        Some("$27.50"),
        "{total:?}"
    );
    let placed = row_with(&done, "placed the order").unwrap();
    assert_eq!(placed[1], "clerk", "who placed it: {placed:?}");
    assert!(
        placed[2].starts_with("clerk placed the order: ") && placed[2].contains("; total $27.50"),
        "what: {placed:?}"
    );
    assert!(!done.contains("order_placed"), "no raw event name");
}

#[tokio::test]
async fn a_resubmitted_order_form_never_makes_a_second_order() {
    let app = TestApp::spawn().await;
    let (client, csrf, customer) = shop(&app).await;
    let customer = customer.to_string();
    let fields = order_fields(&csrf, &customer, "key-0000000002");

    let first = post(&client, "/orders", &fields).await;
    let first_location = location(&first);
    let again = post(&client, "/orders", &fields).await;

    assert_eq!(again.status(), Status::SeeOther);
    assert_eq!(
        location(&again).split('?').next(),
        first_location.split('?').next()
    );
    assert_eq!(app.scalar("SELECT count(*) FROM orders").await, 1);
    let (_, page) = body(&client, &location(&again)).await;
    assert!(page.contains("already placed"), "{page}");
}

#[tokio::test]
async fn a_bad_order_form_is_422_with_values_kept_errors_beside_fields_and_nothing_written() {
    let app = TestApp::spawn().await;
    let (client, csrf, customer) = shop(&app).await;
    let before = app.snapshot().await;
    let customer = customer.to_string();
    let mut fields = order_fields(&csrf, &customer, "key-0000000003");
    fields[5] = ("shipping.line1", "   ");
    fields[9] = ("lines[0].quantity", "zero");

    let response = post(&client, "/orders", &fields).await;

    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = response.into_string().await.unwrap();
    assert!(page.contains("address line 1 is required"), "{page}");
    assert!(
        page.contains("enter a whole number") && page.contains(r#"value="zero""#),
        "{page}"
    );
    assert!(
        page.contains(r#"value="key-0000000003""#),
        "the key survives the re-render"
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn ordering_more_than_is_available_says_how_many_are_left_beside_the_line() {
    let app = TestApp::spawn().await;
    let (client, csrf, customer) = shop(&app).await;
    let before = app.snapshot().await;
    let customer = customer.to_string();
    let mut fields = order_fields(&csrf, &customer, "key-0000000004");
    fields[11] = ("lines[1].quantity", "3");

    let response = post(&client, "/orders", &fields).await;

    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(
        response
            .into_string()
            .await
            .unwrap()
            .contains("only 2 of MUG available (3 requested)")
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn customers_can_be_found_and_registered_inside_the_order_form() {
    let app = TestApp::spawn().await;
    let (client, csrf, _) = shop(&app).await;
    let find = post(
        &client,
        "/orders",
        &[
            ("csrf_token", &csrf),
            ("action", "find_customer"),
            ("customer_q", "ADA@"),
            ("idempotency_key", "key-0000000005"),
        ],
    )
    .await;
    assert_eq!(find.status(), Status::Ok);
    assert!(
        find.into_string()
            .await
            .unwrap()
            .contains("ada@example.com")
    );

    let register = post(
        &client,
        "/orders",
        &[
            ("csrf_token", &csrf),
            ("action", "register_customer"),
            ("new_customer_name", "Bob Bee"),
            ("new_customer_email", "bob@example.com"),
            ("idempotency_key", "key-0000000005"),
        ],
    )
    .await;

    assert_eq!(register.status(), Status::Ok);
    let page = register.into_string().await.unwrap();
    let id = app
        .scalar("SELECT id FROM customers WHERE email = 'bob@example.com'")
        .await;
    assert!(
        page.contains(&format!(
            r#"name="customer_id" inputmode="numeric" value="{id}""#
        )),
        "{page}"
    );
    assert!(page.contains("Bob Bee registered and selected"));
}

#[tokio::test]
async fn status_actions_redirect_with_a_flash_and_a_stale_click_changes_nothing() {
    let app = TestApp::spawn().await;
    let (client, csrf, customer) = shop(&app).await;
    let id = app.place(customer, &[("TEE", 1)]).await.unwrap().id;
    app.refresh().await;

    let paid = post(
        &client,
        &format!("/orders/{id}/pay"),
        &[("csrf_token", &csrf)],
    )
    .await;
    let again = post(
        &client,
        &format!("/orders/{id}/pay"),
        &[("csrf_token", &csrf)],
    )
    .await;
    let no_reason = post(
        &client,
        &format!("/orders/{id}/cancel"),
        &[("csrf_token", &csrf), ("reason", " ")],
    )
    .await;

    assert_eq!(paid.status(), Status::SeeOther);
    assert!(location(&paid).starts_with(&format!("/orders/{id}?after=")));
    assert_eq!(again.status(), Status::SeeOther);
    assert_eq!(location(&again), format!("/orders/{id}"));
    let (_, page) = body(&client, &location(&no_reason)).await;
    assert!(page.contains("reason is required"), "{page}");
    assert_eq!(app.order_status(id).await, "unfulfilled/paid");
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE event_type = 'payment_recorded'")
            .await,
        1,
        "the second click found nothing due"
    );
}

#[tokio::test]
async fn mark_paid_records_the_balance_by_the_method_chosen_on_the_form() {
    let app = TestApp::spawn().await;
    let (client, csrf, customer) = shop(&app).await;
    let id = app.place(customer, &[("TEE", 2)]).await.unwrap().id;
    app.refresh().await;

    let paid = post(
        &client,
        &format!("/orders/{id}/pay"),
        &[("csrf_token", &csrf), ("method", "cash")],
    )
    .await;

    assert_eq!(paid.status(), Status::SeeOther);
    let payment = app
        .json(&format!(
            "SELECT jsonb_agg(jsonb_build_array(kind, method, amount_cents)) FROM payments \
             WHERE order_id = {id}"
        ))
        .await;
    assert_eq!(payment, serde_json::json!([["payment", "cash", 2000]]));
    assert_eq!(app.order_status(id).await, "unfulfilled/paid");
}

#[tokio::test]
async fn viewers_see_orders_but_not_order_entry_or_actions() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    let id = app.place(customer, &[("TEE", 1)]).await.unwrap().id;
    app.refresh().await;
    let (client, _) = app.signed_in("viewer").await;
    let csrf = session_csrf(&client).await;

    let (list, list_page) = body(&client, "/orders").await;
    let (detail, detail_page) = body(&client, &format!("/orders/{id}")).await;
    let (entry, _) = body(&client, "/orders/new").await;
    let pay = post(
        &client,
        &format!("/orders/{id}/pay"),
        &[("csrf_token", &csrf)],
    )
    .await;

    assert_eq!(
        (list, detail, entry, pay.status()),
        (Status::Ok, Status::Ok, Status::Forbidden, Status::Forbidden)
    );
    assert_eq!(
        row_with(&list_page, &format!(r#"href="/orders/{id}""#)).map(|r| r[0].clone()),
        Some(format!("#{id}")),
        "{list_page}"
    );
    assert!(!detail_page.contains("Mark paid"));
    assert_eq!(app.order_status(id).await, "unfulfilled/unpaid");
}

#[tokio::test]
async fn unknown_or_malformed_order_ids_are_404() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in("viewer").await;
    for uri in [
        "/orders/999999",
        "/orders/-3",
        "/orders/0",
        "/orders/abc",
        "/orders/99999999999999999999999",
    ] {
        assert_eq!(body(&client, uri).await.0, Status::NotFound, "{uri}");
    }
}

#[tokio::test]
async fn the_list_filters_and_the_csv_holds_exactly_the_filtered_rows() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let bob = app.customer("bob@example.com").await;
    app.product("TEE", "10", 50).await;
    let a = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    let b = app.place(bob, &[("TEE", 2)]).await.unwrap().id;
    app.mark_paid(b).await;
    app.refresh().await;
    let (client, _) = app.signed_in("viewer").await;

    let (_, paid) = body(
        &client,
        "/orders?fulfilment=unfulfilled&payment=paid&size=25",
    )
    .await;
    let (_, bad) = body(&client, "/orders?fulfilment=paid&from=yesterday").await;
    let csv = client
        .get("/orders/export.csv?fulfilment=unfulfilled&payment=paid")
        .dispatch()
        .await;

    let order_row = |page: &str, id: i64| row_with(page, &format!(r#"href="/orders/{id}""#));
    assert_eq!(
        order_row(&paid, b).map(|r| (r[3].clone(), r[4].clone())),
        Some(("Unfulfilled".to_owned(), "Paid".to_owned())),
        "the two states side by side: {paid}"
    );
    assert_eq!(order_row(&paid, a), None, "{paid}");
    assert!(bad.contains("Ignored"), "{bad}");
    assert!(
        order_row(&bad, a).is_some() && order_row(&bad, b).is_some(),
        "an ignored filter lists every order: {bad}"
    );
    assert_eq!(csv.status(), Status::Ok);
    assert!(
        csv.headers()
            .get_one("Content-Disposition")
            .unwrap()
            .contains("orders-as-of-")
    );
    assert!(csv.headers().get_one("X-Data-As-Of").is_some());
    let text = csv.into_string().await.unwrap();
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0]
            .starts_with("order,placed_at_utc,customer,email,fulfilment_status,payment_status,")
            && lines[1].starts_with(&format!("{b},"))
            && lines[1].contains(",unfulfilled,paid,2,")
            && lines[1].contains(",20.00,Ada Tester,,1 High Street,,Town,,,GB,"),
        "the total, then the order's own address in parts: {text}"
    );
}

#[tokio::test]
async fn the_read_model_page_lists_every_view_and_only_admins_refresh() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("admin").await;
    let (clerk, _) = app.signed_in("clerk").await;
    let admin_csrf = session_csrf(&admin).await;
    let clerk_csrf = session_csrf(&clerk).await;

    let (status, page) = body(&admin, "/read-models").await;
    let refused = post(
        &clerk,
        "/read-models/refresh",
        &[("csrf_token", &clerk_csrf)],
    )
    .await;
    let caught_up = post(
        &admin,
        "/read-models/refresh",
        &[("csrf_token", &admin_csrf)],
    )
    .await;
    let (_, after_catch_up) = body(&admin, "/read-models").await;
    let refreshed = post(
        &admin,
        "/read-models/refresh",
        &[("csrf_token", &admin_csrf), ("view", "monthly_sales")],
    )
    .await;
    let (_, after) = body(&admin, "/read-models").await;

    assert_eq!(status, Status::Ok);
    assert!(
        orderdesk::read_models::READ_MODELS
            .iter()
            .all(|m| page.contains(&format!("read.{}", m.name)))
    );
    assert_eq!(refused.status(), Status::Forbidden);
    assert_eq!(caught_up.status(), Status::SeeOther);
    assert!(
        after_catch_up.contains("Live models caught up: "),
        "{after_catch_up}"
    );
    assert_eq!(refreshed.status(), Status::SeeOther);
    assert!(after.contains("monthly_sales: 0 rows"), "{after}");
    assert_eq!(
        app.scalar("SELECT count(*) FROM read_model_refreshes WHERE trigger = 'manual' AND view_name = 'monthly_sales'")
            .await,
        3,
        "the two migrations' builds (000003, 000120) and this refresh"
    );
}
