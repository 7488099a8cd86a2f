//! The edit form over HTTP: pre-filled from the order, saved with a 303 to
//! the order, bad input refused beside its field (422) writing nothing, a
//! stale form answered with the conflict (409) and its version moved, and the
//! order page's "Edit order" and "To refund".

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::{TestApp, ctx};
use crate::support::html::definition;
use crate::support::inputs;
use crate::support::pages_http::{get, input_value, location, post, staff_client};

/// An order of TEE × 2 (10.00) and MUG × 1 (5.00), the read models caught up.
async fn order(app: &TestApp) -> i64 {
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    app.product("MUG", "5.00", 10).await;
    let id = app.place(ada, &[("TEE", 2), ("MUG", 1)]).await.unwrap().id;
    app.refresh().await;
    id
}

/// The edit form's fields as drawn, then `changes` over them.
pub(super) async fn form_fields(
    client: &Client,
    id: i64,
    changes: &[(&str, &str)],
) -> Vec<(String, String)> {
    let (status, page) = get(client, &format!("/orders/{id}/edit")).await;
    assert_eq!(status, Status::Ok, "{page}");
    let mut fields: Vec<(String, String)> = [
        "idempotency_key",
        "expected_version",
        "order_id",
        "customer_id",
        "shipping.name",
        "shipping.line1",
        "shipping.city",
        "shipping.country",
        "lines[0].sku",
        "lines[0].quantity",
        "lines[1].sku",
        "lines[1].quantity",
    ]
    .iter()
    .map(|name| {
        let value = input_value(&page, name).unwrap_or_else(|| panic!("no {name}"));
        ((*name).to_owned(), value)
    })
    .collect();
    fields.push(("ship_to".into(), "new".into()));
    fields.push(("action".into(), "save".into()));
    // In place: a line's fields must stay together (Rocket starts a new
    // element of a list when its index changes).
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => (*value).clone_into(&mut field.1),
            None => fields.push(((*name).to_owned(), (*value).to_owned())),
        }
    }
    fields
}

async fn send(client: &Client, id: i64, fields: &[(String, String)]) -> (Status, String, String) {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = post(client, &format!("/orders/{id}/edit"), &pairs).await;
    let (status, to) = (r.status(), location(&r));
    (status, to, r.into_string().await.unwrap_or_default())
}

#[tokio::test]
async fn the_form_is_prefilled_and_saving_changes_the_order_and_returns_to_it() {
    let app = TestApp::spawn().await;
    let id = order(&app).await;
    let client = staff_client(&app).await;

    let (_, page) = get(&client, &format!("/orders/{id}/edit")).await;
    assert_eq!(input_value(&page, "lines[0].sku").as_deref(), Some("TEE"));
    assert_eq!(
        input_value(&page, "lines[0].quantity").as_deref(),
        Some("2")
    );
    assert_eq!(input_value(&page, "lines[1].sku").as_deref(), Some("MUG"));
    assert_eq!(input_value(&page, "expected_version").as_deref(), Some("1"));
    assert_eq!(
        input_value(&page, "shipping.line1").as_deref(),
        Some("1 High Street")
    );
    assert_eq!(
        definition(&page, "Grand total now").as_deref(),
        Some("$25.00")
    );
    assert!(
        page.contains("set a quantity to 0 to remove its line"),
        "{page}"
    );
    assert!(page.contains(r#"<td class="num" id="grand-total">$25.00</td>"#));

    let fields = form_fields(
        &client,
        id,
        &[("lines[0].quantity", "3"), ("lines[1].quantity", "0")],
    )
    .await;
    let (status, to, _) = send(&client, id, &fields).await;

    assert_eq!(status, Status::SeeOther);
    assert!(to.starts_with(&format!("/orders/{id}?after=")), "{to}");
    assert_eq!(
        app.scalar(&format!(
            "SELECT grand_total_cents FROM orders WHERE id = {id}"
        ))
        .await,
        3000
    );
    // Sent twice (a double click): applied once.
    let (again, _, _) = send(&client, id, &fields).await;
    assert_eq!(again, Status::SeeOther);
    assert_eq!(app.scalar("SELECT count(*) FROM order_edits").await, 1);
}

#[tokio::test]
async fn bad_input_is_refused_beside_its_field_with_422_and_nothing_written() {
    let app = TestApp::spawn().await;
    let id = order(&app).await;
    let client = staff_client(&app).await;
    let before = app.snapshot().await;

    let fields = form_fields(&client, id, &[("lines[0].quantity", "lots")]).await;
    let (status, _, page) = send(&client, id, &fields).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("enter a whole number"), "{page}");
    assert_eq!(
        input_value(&page, "lines[0].quantity").as_deref(),
        Some("lots")
    );

    let fields = form_fields(
        &client,
        id,
        &[("lines[0].quantity", "0"), ("lines[1].quantity", "0")],
    )
    .await;
    let (status, _, page) = send(&client, id, &fields).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("cancel the order instead"), "{page}");

    let fields = form_fields(&client, id, &[("shipping.city", "")]).await;
    let (status, _, page) = send(&client, id, &fields).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains(r#"id="shipping-city-error""#), "{page}");
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_stale_form_gets_the_conflict_page_with_the_version_to_save_again() {
    let app = TestApp::spawn().await;
    let id = order(&app).await;
    let client = staff_client(&app).await;
    let fields = form_fields(&client, id, &[("lines[0].quantity", "3")]).await;
    // A colleague saves first.
    orderdesk::commands::edit_order::edit_order(
        &mut *app.conn().await,
        inputs::edit(id, 1, &[("TEE", 4), ("MUG", 1)]),
        &ctx(),
    )
    .await
    .unwrap();
    app.refresh().await;

    let (status, _, page) = send(&client, id, &fields).await;

    assert_eq!(status, Status::Conflict);
    assert!(
        page.contains("Not saved: someone else changed this first"),
        "{page}"
    );
    assert!(
        page.contains("TEE × 4, MUG × 1") || page.contains("MUG × 1, TEE × 4"),
        "{page}"
    );
    assert_eq!(input_value(&page, "expected_version").as_deref(), Some("2"));
    assert_eq!(
        input_value(&page, "lines[0].quantity").as_deref(),
        Some("3")
    );
    assert!(page.contains(">Save again</button>"));
    assert_eq!(
        app.scalar(&format!(
            "SELECT sum(quantity) FROM order_lines WHERE order_id = {id}"
        ))
        .await,
        5
    );
}

#[tokio::test]
async fn the_order_page_offers_edit_until_shipped_and_shows_an_amount_to_refund() {
    let app = TestApp::spawn().await;
    let id = order(&app).await;
    app.mark_paid(id).await;
    orderdesk::commands::edit_order::edit_order(
        &mut *app.conn().await,
        inputs::edit(id, 1, &[("TEE", 1)]),
        &ctx(),
    )
    .await
    .unwrap();
    app.refresh().await;
    let client = staff_client(&app).await;

    let (_, page) = get(&client, &format!("/orders/{id}")).await;
    assert!(page.contains(&format!(r#"href="/orders/{id}/edit">Edit order</a>"#)));
    assert_eq!(
        definition(&page, "To refund").map(|d| d.starts_with("$15.00")),
        Some(true),
        "{page}"
    );

    orderdesk::commands::ship_order::ship_order(
        &mut *app.conn().await,
        orderdesk::domain::OrderId(id),
        &ctx(),
    )
    .await
    .unwrap();
    app.refresh().await;
    let (_, page) = get(&client, &format!("/orders/{id}")).await;
    assert!(!page.contains("Edit order"));
    let (_, form) = get(&client, &format!("/orders/{id}/edit")).await;
    assert!(
        form.contains("shipped lines cannot be edited, that is a return"),
        "{form}"
    );
}

#[tokio::test]
async fn an_order_keeps_its_archived_shipping_rate_through_the_edit_form() {
    use orderdesk::commands::archive_tax_rate::{ArchiveTaxRate, archive_tax_rate};
    use orderdesk::commands::create_tax_rate::{TaxRateDetails, create_tax_rate};
    use orderdesk::domain::{Percent, TaxRateId, TaxRateName};

    let app = TestApp::spawn().await;
    let details = TaxRateDetails {
        name: TaxRateName::parse("Old shipping 17.5").unwrap(),
        rate: Percent::parse("17.5").unwrap(),
    };
    let rate = create_tax_rate(&mut *app.conn().await, details, &ctx())
        .await
        .unwrap()
        .id;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 10).await;
    app.refresh().await;
    let client = staff_client(&app).await;
    let (_, entry) = get(&client, "/orders/new").await;
    let csrf = input_value(&entry, "csrf_token").expect("a CSRF field");
    let ada = ada.to_string();
    let rate_text = rate.to_string();
    let placed = post(
        &client,
        "/orders",
        &[
            ("csrf_token", csrf.as_str()),
            ("idempotency_key", "edit-rate-key-0001"),
            ("customer_id", ada.as_str()),
            ("shipping.name", "Ada Tester"),
            ("shipping.line1", "1 High Street"),
            ("shipping.city", "Town"),
            ("shipping.country", "GB"),
            ("lines[0].sku", "TEE"),
            ("lines[0].quantity", "1"),
            ("shipping_charge", "4.00"),
            ("shipping_tax_rate", rate_text.as_str()),
            ("action", "place"),
        ],
    )
    .await;
    assert_eq!(placed.status(), Status::SeeOther);
    let id = app.scalar("SELECT max(id) FROM orders").await;
    archive_tax_rate(
        &mut *app.conn().await,
        ArchiveTaxRate {
            tax_rate_id: TaxRateId(rate),
            expected_version: 1,
        },
        &ctx(),
    )
    .await
    .unwrap();
    app.refresh().await;

    let (_, page) = get(&client, &format!("/orders/{id}/edit")).await;
    assert!(
        page.contains(&format!(r#"<option value="{rate}" selected>"#)),
        "the archived rate is offered and chosen: {page}"
    );
    let drawn = |name: &str| input_value(&page, name).unwrap_or_else(|| panic!("no {name}"));
    let fields: Vec<(String, String)> = [
        ("idempotency_key", drawn("idempotency_key")),
        ("expected_version", drawn("expected_version")),
        ("order_id", id.to_string()),
        ("customer_id", ada.clone()),
        ("ship_to", "new".to_owned()),
        ("shipping.name", drawn("shipping.name")),
        ("shipping.line1", drawn("shipping.line1")),
        ("shipping.city", drawn("shipping.city")),
        ("shipping.country", drawn("shipping.country")),
        ("lines[0].sku", "TEE".to_owned()),
        ("lines[0].quantity", "2".to_owned()),
        ("shipping_charge", drawn("shipping_charge")),
        ("shipping_tax_rate", rate.to_string()),
        ("action", "save".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let (status, _, body) = send(&client, id, &fields).await;

    assert_eq!(status, Status::SeeOther, "{body}");
    let kept = app
        .scalar(&format!(
            "SELECT count(*) FROM orders WHERE id = {id} AND shipping_tax_rate_id = {rate} \
             AND shipping_tax_rate_ppm = 175000 AND shipping_cents = 400"
        ))
        .await;
    assert_eq!(kept, 1, "the edit kept the order's archived shipping rate");
}
