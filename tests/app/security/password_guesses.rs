//! The own-password form checks the current password, so it is a password
//! oracle for whoever holds an open tab: its guesses go through the sign-in
//! throttle and the sign-in gate (review of issue 22), not around them. A
//! guess costs an argon2 check like a sign-in, with no connection held while
//! it runs, so a viewer's flood of guesses cannot starve a clerk's command of
//! the write pool. How long the clerk waits is for `script/bench`, not here.

use futures_util::future::join_all;
use rocket::http::{ContentType, Status};

use crate::support::helpers::TestApp;
use crate::support::http::{PASSWORD, form, post, session_csrf};
use crate::support::pages_http::post as post_with_token;

const NEW: &str = "my-own-new-passphrase";

#[tokio::test]
async fn guesses_at_the_current_password_are_throttled_like_sign_ins() {
    let app = TestApp::spawn().await;
    let (tab, id) = app.signed_in("viewer").await;
    let versions = format!("SELECT version FROM staff_users WHERE id = {id}");
    let before = app.scalar(&versions).await;

    let mut statuses = Vec::new();
    for n in 0..5 {
        let guess = format!("guess-number-{n}-wrong");
        let answer = post_with_token(
            &tab,
            "/account/password",
            &[("current_password", &guess), ("password", NEW)],
        )
        .await;
        statuses.push(answer.status());
    }
    // The sixth try carries the right password, but the back-off owed after
    // five wrong ones applies first, as it does at the sign-in form.
    let right = post_with_token(
        &tab,
        "/account/password",
        &[("current_password", PASSWORD), ("password", NEW)],
    )
    .await;
    let right_status = right.status();
    let right_page = right.into_string().await.unwrap_or_default();

    assert_eq!(statuses, [Status::UnprocessableEntity; 5]);
    assert_eq!(right_status, Status::TooManyRequests, "{right_page}");
    assert!(right_page.contains("Wait"), "{right_page}");
    assert_eq!(app.scalar(&versions).await, before, "nothing changed");
    let recorded = "SELECT count(*) FROM login_attempts \
                    WHERE username = 'viewer' AND outcome IN ('failed', 'throttled')";
    assert_eq!(
        app.scalar(recorded).await,
        6,
        "each guess is a stored attempt"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewers_flood_of_password_guesses_leaves_the_clerk_the_write_pool() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 5).await;
    let order = app.place(customer, &[("TEE", 1)]).await.unwrap().id;
    let (clerk, _) = app.signed_in("clerk").await;
    let clerk_csrf = session_csrf(&clerk).await;
    let (viewer, _) = app.signed_in("viewer").await;
    let viewer_csrf = session_csrf(&viewer).await;
    let guesses = (0..100).map(|n| {
        let body = form(&[
            ("current_password", &format!("guess-number-{n}-wrong")),
            ("password", NEW),
            ("csrf_token", &viewer_csrf),
        ]);
        let viewer = &viewer;
        async move {
            viewer
                .post("/account/password")
                .header(ContentType::Form)
                .body(body)
                .dispatch()
                .await
                .status()
        }
    });
    let pay = async {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        post(
            &clerk,
            &format!("/orders/{order}/pay"),
            &[("csrf_token", &clerk_csrf)],
        )
        .await
        .status()
    };

    let (statuses, paid) = tokio::join!(join_all(guesses), pay);

    assert_eq!(paid, Status::SeeOther, "the clerk's command went through");
    assert_eq!(app.order_status(order).await, "unfulfilled/paid");
    assert!(
        statuses.iter().all(|s| [
            Status::UnprocessableEntity,
            Status::TooManyRequests,
            Status::ServiceUnavailable
        ]
        .contains(s)),
        "every guess was refused, none changed anything: {statuses:?}"
    );
}

#[tokio::test]
async fn changing_ones_own_password_signs_this_browser_out_and_clears_its_cache() {
    let app = TestApp::spawn().await;
    let (tab, _) = app
        .signed_in_with("viewer", &[("secure_cookies", true)])
        .await;

    let changed = post_with_token(
        &tab,
        "/account/password",
        &[("current_password", PASSWORD), ("password", NEW)],
    )
    .await;

    assert_eq!(changed.status(), Status::SeeOther);
    // Every session ended, this one too: this is a sign-out, and over HTTPS
    // the browser drops the pages it kept of it, as at `POST /logout`.
    assert_eq!(
        changed.headers().get_one("Clear-Site-Data"),
        Some("\"cache\"")
    );
    let removal = changed
        .headers()
        .get("Set-Cookie")
        .find(|c| c.starts_with("__Host-orderdesk_session="))
        .map(str::to_owned);
    drop(changed);
    let removal = removal.expect("the session cookie is removed");
    assert!(
        removal.starts_with("__Host-orderdesk_session=;") && removal.contains("Secure"),
        "{removal}"
    );
}
