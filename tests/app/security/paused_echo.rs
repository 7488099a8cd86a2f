//! The paused-503 page shows back what the user typed, so it must show only
//! the user's own form: the post must carry the session's CSRF token (a
//! cross-site post, or one without the token, has nothing echoed and no
//! "Try again"), and only the fields of the form at that path are echoed,
//! never a password whatever its case.

use std::sync::Arc;

use orderdesk::db::health::DbHealth;
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;
use crate::support::http::{form, session_csrf};

/// Marks the app's primary as away, as a failed probe would.
fn primary_away(client: &Client) {
    client
        .rocket()
        .state::<Arc<DbHealth>>()
        .expect("the app tracks database health")
        .primary_unreachable("test: primary away");
}

async fn post_raw(client: &Client, uri: &str, pairs: &[(&str, &str)]) -> (Status, String) {
    let response = client
        .post(uri.to_owned())
        .header(ContentType::Form)
        .body(form(pairs))
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

#[tokio::test]
async fn the_paused_page_echoes_only_the_forms_fields_and_only_with_the_sessions_token() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in("admin").await;
    let token = session_csrf(&client).await;
    let before = app.snapshot().await;
    primary_away(&client);

    let (status, own) = post_raw(
        &client,
        "/users",
        &[
            ("username", "new-clerk"),
            ("password", "secret-one-1"),
            ("Password", "secret-two-2"),
            ("new_PASSWORD", "secret-three-3"),
            ("role", "clerk"),
            ("note", "smuggled-field-value"),
            ("csrf_token", &token),
        ],
    )
    .await;
    assert_eq!(status, Status::ServiceUnavailable, "{own}");
    assert!(own.contains("Changes are paused"), "{own}");
    assert!(
        own.contains("<dt>username</dt><dd>new-clerk</dd>")
            && own.contains("<dt>role</dt><dd>clerk</dd>")
            && own.contains("Try again"),
        "the user's own form is kept: {own}"
    );
    for hidden in [
        "secret-",
        "smuggled-field-value",
        "<dt>password</dt>",
        "<dt>Password</dt>",
        "<dt>new_PASSWORD</dt>",
        "<dt>note</dt>",
    ] {
        assert!(!own.contains(hidden), "{hidden} is not echoed: {own}");
    }
    assert!(
        own.contains(&format!(r#"name="csrf_token" value="{token}""#)),
        "Try again sends the session's token: {own}"
    );

    let markup = "<b>INJECTED-NAME</b>";
    let forged = "f".repeat(token.len());
    for body in [
        vec![
            ("name", markup),
            ("sku", "X-1"),
            ("csrf_token", forged.as_str()),
        ],
        vec![("name", markup), ("sku", "X-1")],
    ] {
        let (status, page) = post_raw(&client, "/products", &body).await;
        assert_eq!(status, Status::ServiceUnavailable, "{page}");
        assert!(page.contains("Changes are paused"), "{page}");
        assert!(
            !page.contains("INJECTED-NAME") && !page.contains("X-1") && !page.contains("Try again"),
            "nothing is echoed without the session's token: {page}"
        );
    }
    assert_eq!(app.snapshot().await, before, "nothing was written");
}
