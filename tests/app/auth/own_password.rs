//! Any signed-in user changes their own password at `/account/password`
//! (it was CLI-only): the current password is required, the new one meets
//! the rules, and every session of the account ends, this one too.

use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::http::{PASSWORD, sign_in};
use crate::support::pages_http::{get, location, post};

const NEW: &str = "my-own-new-passphrase";

#[tokio::test]
async fn the_current_password_is_required_and_every_session_ends() {
    let app = TestApp::spawn().await;
    let (client, id) = app.signed_in("viewer").await;
    // The same account signed in in a second browser.
    let other_tab = app.client().await;
    assert_eq!(
        sign_in(&other_tab, "viewer", PASSWORD).await.status(),
        Status::SeeOther
    );
    let sessions = format!("SELECT count(*) FROM sessions WHERE user_id = {id}");
    let versions = "SELECT coalesce(sum(version), 0) FROM staff_users";

    let (status, page) = get(&client, "/account/password").await;
    assert_eq!(status, Status::Ok);
    assert!(
        page.contains(r#"name="current_password""#) && page.contains(r#"name="csrf_token""#),
        "{page}"
    );
    let before = app.scalar(versions).await;

    let wrong = post(
        &client,
        "/account/password",
        &[("current_password", "not-my-password"), ("password", NEW)],
    )
    .await;
    let wrong_status = wrong.status();
    let wrong_page = wrong.into_string().await.unwrap_or_default();
    let weak = post(
        &client,
        "/account/password",
        &[("current_password", PASSWORD), ("password", "short")],
    )
    .await;
    let weak_status = weak.status();
    let weak_page = weak.into_string().await.unwrap_or_default();
    assert_eq!(wrong_status, Status::UnprocessableEntity);
    assert!(
        wrong_page.contains("current password is not right"),
        "{wrong_page}"
    );
    assert_eq!(weak_status, Status::UnprocessableEntity);
    assert!(weak_page.contains("at least 12 characters"), "{weak_page}");
    assert_eq!(app.scalar(versions).await, before, "nothing changed");
    assert_eq!(app.scalar(&sessions).await, 2);

    let changed = post(
        &client,
        "/account/password",
        &[("current_password", PASSWORD), ("password", NEW)],
    )
    .await;
    assert_eq!(changed.status(), Status::SeeOther);
    assert_eq!(location(&changed), "/login");
    assert_eq!(app.scalar(&sessions).await, 0, "every session ended");
    for tab in [&client, &other_tab] {
        let ended = tab.get("/").dispatch().await;
        assert_ne!(ended.status(), Status::Ok);
    }
    let fresh = app.client().await;
    assert_eq!(
        sign_in(&fresh, "viewer", PASSWORD).await.status(),
        Status::Unauthorized
    );
    assert_eq!(
        sign_in(&fresh, "viewer", NEW).await.status(),
        Status::SeeOther
    );
}
