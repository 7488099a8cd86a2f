//! An admin signs an account out everywhere from the staff page (a lost
//! phone, a shared PC left signed in): every session of it ends, its password
//! still works, the event records how many ended; only an admin may.

use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::http::{PASSWORD, sign_in};
use crate::support::pages_http::{get, location, post};

#[tokio::test]
async fn an_admin_signs_an_account_out_everywhere_and_its_password_still_works() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("admin").await;
    let (clerk, clerk_id) = app.signed_in("clerk").await;
    let second = app.client().await;
    assert_eq!(
        sign_in(&second, "clerk", PASSWORD).await.status(),
        Status::SeeOther
    );
    let (_, list) = get(&admin, "/users").await;
    assert!(
        list.contains(&format!(r#"action="/users/{clerk_id}/sessions/end""#)),
        "{list}"
    );

    let ended = post(&admin, &format!("/users/{clerk_id}/sessions/end"), &[]).await;

    assert_eq!(ended.status(), Status::SeeOther);
    assert_eq!(location(&ended), "/users");
    let (_, after) = get(&admin, "/users").await;
    assert!(after.contains("Signed out everywhere"), "{after}");
    for browser in [&clerk, &second] {
        let page = browser.get("/").dispatch().await;
        assert_eq!(page.status(), Status::SeeOther, "sent to sign in");
    }
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM sessions WHERE user_id = {clerk_id}"
        ))
        .await,
        0
    );
    assert_eq!(
        app.scalar(
            "SELECT (payload->>'sessions_ended')::bigint FROM events \
             WHERE event_type = 'user_sessions_ended'"
        )
        .await,
        2
    );
    // The admin's own session is untouched, and the clerk may sign in again.
    assert_eq!(get(&admin, "/users").await.0, Status::Ok);
    let fresh = app.client().await;
    assert_eq!(
        sign_in(&fresh, "clerk", PASSWORD).await.status(),
        Status::SeeOther
    );
}

#[tokio::test]
async fn signing_out_an_unknown_account_is_a_404_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("admin").await;
    let events = app.scalar("SELECT count(*) FROM events").await;

    let response = post(&admin, "/users/999999/sessions/end", &[]).await;

    assert_eq!(response.status(), Status::NotFound);
    assert_eq!(app.scalar("SELECT count(*) FROM events").await, events);
}
