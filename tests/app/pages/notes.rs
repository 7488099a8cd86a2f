//! Notes over HTTP: the form on the order and customer pages (a round trip,
//! 422 with the error beside the text and nothing written), the Remove
//! button for the author and admins only, the timeline, and the lists'
//! search finding a record by its notes.

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;
use crate::support::http::{PASSWORD, location, post, session_csrf, sign_in};

async fn page(client: &Client, uri: &str) -> (Status, String) {
    let r = client.get(uri.to_owned()).dispatch().await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

async fn signed_in(app: &TestApp, role: &str) -> (Client, String) {
    let (client, _) = app.signed_in(role).await;
    let csrf = session_csrf(&client).await;
    (client, csrf)
}

/// The note form's idempotency key on `html`.
fn form_key(html: &str) -> String {
    let at = html
        .find("name=\"idempotency_key\" value=\"")
        .expect("the note form's key");
    let rest = &html[at + "name=\"idempotency_key\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// A redirect to a page's notes (`…#notes`), as a browser requests it:
/// without the fragment.
fn at_notes(location: &str) -> String {
    let (page, fragment) = location.split_once('#').unwrap_or((location, ""));
    assert_eq!(fragment, "notes", "back at the notes: {location}");
    page.to_owned()
}

/// The page without its History card (which keeps a removed note's words).
fn without_history(html: &str) -> &str {
    html.split("<h2>History</h2>").next().unwrap_or(html)
}

/// A customer with one placed order: `(customer, order)`.
async fn shop(app: &TestApp) -> (i64, i64) {
    let ada = app.customer("ada@example.com").await;
    app.product("MUG-1", "9.50", 10).await;
    let order = app.place(ada, &[("MUG-1", 1)]).await.unwrap().id;
    app.refresh().await;
    (ada, order)
}

#[tokio::test]
async fn a_note_written_on_the_order_page_shows_there_in_the_timeline_and_in_the_search() {
    let app = TestApp::spawn().await;
    let (_, order) = shop(&app).await;
    let (client, csrf) = signed_in(&app, "clerk").await;
    let (_, html) = page(&client, &format!("/orders/{order}")).await;
    let key = form_key(&html);

    let response = post(
        &client,
        &format!("/orders/{order}/notes"),
        &[
            ("csrf_token", &csrf),
            ("idempotency_key", &key),
            ("body", "Customer called: <leave> at the back door"),
        ],
    )
    .await;

    assert_eq!(response.status(), Status::SeeOther);
    let to = at_notes(&location(&response));
    assert!(to.starts_with(&format!("/orders/{order}?after=")), "{to}");
    app.refresh().await;
    let (_, html) = page(&client, &to).await;
    assert!(
        html.contains("Customer called: &#60;leave&#62; at the back door")
            && !html.contains("<leave>"),
        "escaped text on the page: {html}"
    );
    assert!(
        html.contains("wrote a note: “Customer called: &#60;leave&#62; at the back door”"),
        "in the timeline: {html}"
    );
    assert!(html.contains("/remove\""), "the author's Remove button");
    // The orders list finds it by a word of the note, and not by another.
    let (_, list) = page(&client, "/orders?q=back+door").await;
    assert!(list.contains(&format!("/orders/{order}\"")), "{list}");
    let (_, list) = page(&client, "/orders?q=front+gate").await;
    assert!(!list.contains(&format!("/orders/{order}\"")), "{list}");
}

#[tokio::test]
async fn an_empty_or_too_long_note_is_422_beside_the_text_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let (ada, order) = shop(&app).await;
    let (client, csrf) = signed_in(&app, "clerk").await;
    let before = app.snapshot().await;
    let long = "y".repeat(2001);

    for (uri, body) in [
        (format!("/orders/{order}/notes"), "   "),
        (format!("/customers/{ada}/notes"), long.as_str()),
    ] {
        let response = post(
            &client,
            &uri,
            &[
                ("csrf_token", &csrf),
                ("idempotency_key", "key-0000000001"),
                ("body", body),
            ],
        )
        .await;
        assert_eq!(response.status(), Status::UnprocessableEntity, "{uri}");
        let html = response.into_string().await.unwrap();
        assert!(html.contains("id=\"body-error\""), "{html}");
        assert!(html.contains("aria-invalid=\"true\""), "{html}");
        assert!(
            html.contains("it is empty") || html.contains("at most 2000 characters"),
            "{html}"
        );
        // The text typed is kept in the form.
        if body.len() > 100 {
            assert!(html.contains(&long), "kept as typed");
        }
    }
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_customer_note_shows_on_their_page_and_finds_them_in_the_list() {
    let app = TestApp::spawn().await;
    let (ada, _) = shop(&app).await;
    let (client, csrf) = signed_in(&app, "clerk").await;
    let (_, html) = page(&client, &format!("/customers/{ada}")).await;
    let key = form_key(&html);

    let response = post(
        &client,
        &format!("/customers/{ada}/notes"),
        &[
            ("csrf_token", &csrf),
            ("idempotency_key", &key),
            ("body", "Wholesale account, net 30"),
        ],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther);
    app.refresh().await;
    let (_, html) = page(&client, &at_notes(&location(&response))).await;
    assert!(html.contains("Wholesale account, net 30"), "{html}");
    assert!(
        html.contains("wrote a note: “Wholesale account, net 30”"),
        "{html}"
    );
    let (_, list) = page(&client, "/customers?q=wholesale").await;
    assert!(list.contains(&format!("/customers/{ada}\"")), "{list}");
}

#[tokio::test]
async fn only_the_author_and_admins_see_remove_and_a_removal_leaves_the_page_and_the_search() {
    let app = TestApp::spawn().await;
    let (_, order) = shop(&app).await;
    let (ann, ann_csrf) = signed_in(&app, "clerk").await;
    let (_, html) = page(&ann, &format!("/orders/{order}")).await;
    let key = form_key(&html);
    post(
        &ann,
        &format!("/orders/{order}/notes"),
        &[
            ("csrf_token", &ann_csrf),
            ("idempotency_key", &key),
            ("body", "Fragile parcel"),
        ],
    )
    .await;
    app.refresh().await;
    let note = app.scalar("SELECT max(id) FROM notes").await;
    let remove = format!("/orders/{order}/notes/{note}/remove");

    // Another clerk sees the note without its button, and a forged post is a 403.
    let (bo, bo_csrf) = {
        app.user("bob", "clerk").await;
        let client = app.client().await;
        assert_eq!(
            sign_in(&client, "bob", PASSWORD).await.status(),
            Status::SeeOther
        );
        let csrf = session_csrf(&client).await;
        (client, csrf)
    };
    let (_, html) = page(&bo, &format!("/orders/{order}")).await;
    assert!(
        html.contains("Fragile parcel") && !html.contains(&remove),
        "{html}"
    );
    let forged = post(&bo, &remove, &[("csrf_token", &bo_csrf)]).await;
    assert_eq!(forged.status(), Status::Forbidden);

    // An admin sees it and removes it.
    let (root, root_csrf) = signed_in(&app, "admin").await;
    let (_, html) = page(&root, &format!("/orders/{order}")).await;
    assert!(html.contains(&remove), "{html}");
    let response = post(&root, &remove, &[("csrf_token", &root_csrf)]).await;
    assert_eq!(response.status(), Status::SeeOther);
    app.refresh().await;
    let (_, html) = page(&root, &at_notes(&location(&response))).await;
    assert!(!without_history(&html).contains("Fragile parcel"), "{html}");
    assert!(
        html.contains("removed a note by clerk: “Fragile parcel”"),
        "the removal in the timeline: {html}"
    );
    let (_, list) = page(&root, "/orders?q=fragile").await;
    assert!(!list.contains(&format!("/orders/{order}\"")), "{list}");

    // The author's late click: told who removed it, nothing written.
    let response = post(&ann, &remove, &[("csrf_token", &ann_csrf)]).await;
    assert_eq!(response.status(), Status::SeeOther);
    let (_, html) = page(&ann, &at_notes(&location(&response))).await;
    assert!(html.contains("already removed by admin"), "{html}");
}
