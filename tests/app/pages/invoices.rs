//! Invoices and credit notes over HTTP: the draft marked not yet issued, the
//! order page's documents and its "Issue invoice" button, the issued copy
//! with its number (frozen: later renames do not show), and unknown
//! documents answered 404.

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::{TestApp, ctx};
use crate::support::http::{location, post, session_csrf};

const SHOP: &[(&str, &str)] = &[
    ("shop_name", "Bits & Bobs"),
    ("shop_address", "3 Mill Lane\nLeeds LS1 4AB"),
];

async fn get(client: &Client, uri: &str) -> (Status, String) {
    let r = client.get(uri.to_owned()).dispatch().await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

/// A placed order of 2 TEE at 10.00, in the read model.
async fn order(app: &TestApp) -> i64 {
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 20).await;
    let id = app.place(customer, &[("TEE", 2)]).await.unwrap().id;
    app.catch_up().await;
    id
}

async fn year(app: &TestApp) -> i64 {
    app.scalar("SELECT extract(year FROM shop_today())").await
}

#[tokio::test]
async fn before_an_invoice_is_issued_the_printable_is_a_draft_without_a_number() {
    let app = TestApp::spawn().await;
    let id = order(&app).await;
    let (client, _) = app.signed_in_with("clerk", SHOP).await;

    let (status, draft) = get(&client, &format!("/orders/{id}/invoice")).await;

    assert_eq!(status, Status::Ok);
    assert!(draft.contains("Not yet issued — no number"), "{draft}");
    assert!(
        draft.contains(r#"<p class="shop-name">Bits &#38; Bobs</p>"#),
        "{draft}"
    );
    let year = year(&app).await;
    assert!(
        !draft.contains(&format!("{year}-0")),
        "a draft shows no number"
    );
    app.catch_up().await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM invoices").await,
        0,
        "printing never issues"
    );
    let (page_status, page) = get(&client, &format!("/orders/{id}")).await;
    assert_eq!(page_status, Status::Ok);
    assert!(page.contains("No invoice issued yet"), "{page}");
    assert!(page.contains(&format!(r#"action="/orders/{id}/invoice""#)));
}

#[tokio::test]
async fn issue_invoice_numbers_it_and_the_order_page_and_printable_show_the_number() {
    let app = TestApp::spawn().await;
    let id = order(&app).await;
    let (client, _) = app.signed_in_with("clerk", SHOP).await;
    let csrf = session_csrf(&client).await;

    let response = post(
        &client,
        &format!("/orders/{id}/invoice"),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert!(location(&response).starts_with(&format!("/orders/{id}")));
    app.catch_up().await;
    let number = format!("{}-000001", year(&app).await);

    let (_, page) = get(&client, &format!("/orders/{id}")).await;
    assert!(
        page.contains(&format!(
            r#"<a href="/orders/{id}/documents/{number}">{number}</a>"#
        )),
        "{page}"
    );
    assert!(page.contains("Invoice (standing)"), "{page}");
    assert!(
        !page.contains(&format!(r#"action="/orders/{id}/invoice""#)),
        "one stands"
    );

    let (status, invoice) = get(&client, &format!("/orders/{id}/invoice")).await;
    assert_eq!(status, Status::Ok);
    assert!(invoice.contains(&format!("Invoice {number}")), "{invoice}");
    assert!(!invoice.contains("Not yet issued"));
    assert!(invoice.contains(r#"<p class="shop-name">Bits &#38; Bobs</p>"#));
    assert!(invoice.contains(r#"Grand total</th><td class="num"><strong>$20.00</strong>"#));

    // Frozen: a rename after issuing does not reach the issued copy.
    app.exec("UPDATE products SET name = 'Renamed tee' WHERE sku = 'TEE'")
        .await;
    app.exec(&format!(
        "UPDATE read.order_summaries SET customer_name = 'X' WHERE id = {id}"
    ))
    .await;
    app.catch_up().await;
    let (status, by_number) = get(&client, &format!("/orders/{id}/documents/{number}")).await;
    assert_eq!(status, Status::Ok);
    assert!(by_number.contains("<td>Product TEE</td>"), "{by_number}");
    assert!(!by_number.contains("Renamed tee"));

    // A second issue is refused with a flash, nothing written.
    let again = post(
        &client,
        &format!("/orders/{id}/invoice"),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(again.status(), Status::SeeOther);
    assert_eq!(app.scalar("SELECT count(*) FROM invoices").await, 1);
}

#[tokio::test]
async fn a_cancelled_invoiced_order_lists_its_credit_note_and_prints_it() {
    let app = TestApp::spawn().await;
    let id = order(&app).await;
    let input = orderdesk::commands::issue_invoice::IssueInvoice {
        order_id: orderdesk::domain::OrderId(id),
    };
    orderdesk::commands::issue_invoice::issue_invoice(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap();
    orderdesk::commands::cancel_order::cancel_order(
        &mut *app.conn().await,
        crate::support::inputs::cancel(id, "changed mind"),
        &ctx(),
    )
    .await
    .unwrap();
    app.catch_up().await;
    let (client, _) = app.signed_in("viewer").await;
    let year = year(&app).await;

    let (_, page) = get(&client, &format!("/orders/{id}")).await;
    assert!(
        page.contains(&format!("(credited by CN-{year}-000001)")),
        "{page}"
    );
    assert!(page.contains(&format!("(credits {year}-000001)")), "{page}");
    let credit_id = app
        .scalar("SELECT id FROM invoices WHERE kind = 'credit_note'")
        .await;
    let (status, credit) = get(&client, &format!("/orders/{id}/documents/{credit_id}")).await;
    assert_eq!(status, Status::Ok);
    assert!(
        credit.contains(&format!("Credit note CN-{year}-000001")),
        "{credit}"
    );
    assert!(credit.contains(&format!("Credits invoice {year}-000001 in full")));
    let (_, draft) = get(&client, &format!("/orders/{id}/invoice")).await;
    assert!(
        draft.contains("The order is cancelled: no invoice can be issued"),
        "{draft}"
    );
}

#[tokio::test]
async fn unknown_documents_and_bad_paths_are_404() {
    let app = TestApp::spawn().await;
    let id = order(&app).await;
    let (client, _) = app.signed_in("viewer").await;
    for path in [
        format!("/orders/{id}/documents/2026-999999"),
        format!("/orders/{id}/documents/123456"),
        format!("/orders/{id}/documents/0"),
        format!("/orders/{id}/documents/99999999999999999999999"),
        format!("/orders/{id}/documents/%3Cscript%3E"),
        "/orders/abc/documents/1".to_owned(),
        "/orders/999999/invoice".to_owned(),
    ] {
        let (status, _) = get(&client, &path).await;
        assert_eq!(status, Status::NotFound, "{path}");
    }
}

#[tokio::test]
async fn a_viewer_or_a_post_without_the_sessions_token_issues_nothing() {
    let app = TestApp::spawn().await;
    let id = order(&app).await;
    let (viewer, _) = app.signed_in("viewer").await;
    let viewer_csrf = session_csrf(&viewer).await;
    let (clerk, _) = app.signed_in("clerk").await;
    let uri = format!("/orders/{id}/invoice");

    let (_, page) = get(&viewer, &format!("/orders/{id}")).await;
    assert!(
        !page.contains(&format!(r#"action="{uri}""#)),
        "no button for a viewer"
    );
    let refused = post(&viewer, &uri, &[("csrf_token", &viewer_csrf)]).await;
    assert_eq!(refused.status(), Status::Forbidden);
    let forged = post(&clerk, &uri, &[("csrf_token", "not-the-token")]).await;
    assert_eq!(forged.status(), Status::Forbidden);
    assert_eq!(app.scalar("SELECT count(*) FROM invoices").await, 0);
}
