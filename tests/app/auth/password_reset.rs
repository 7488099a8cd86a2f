//! An admin sets a new password for an account from the staff page (it was
//! CLI-only): the account's sessions end, the old password stops working,
//! the new one works; a weak password is refused, and only an admin may.

use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::http::{PASSWORD, sign_in};
use crate::support::pages_http::{get, location, post};

const NEW: &str = "a-brand-new-passphrase";

#[tokio::test]
async fn an_admin_sets_a_new_password_and_the_accounts_sessions_end() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("admin").await;
    let (clerk, clerk_id) = app.signed_in("clerk").await;
    let (list_status, list) = get(&admin, "/users").await;
    assert_eq!(list_status, Status::Ok);
    assert!(
        list.contains(&format!(r#"action="/users/{clerk_id}/password""#)),
        "{list}"
    );

    let reset = post(
        &admin,
        &format!("/users/{clerk_id}/password"),
        &[("password", NEW)],
    )
    .await;
    assert_eq!(reset.status(), Status::SeeOther);
    assert_eq!(location(&reset), "/users");
    let (_, after) = get(&admin, "/users").await;
    assert!(after.contains("New password set for clerk"), "{after}");

    let ended = clerk.get("/").dispatch().await;
    assert_ne!(ended.status(), Status::Ok, "the clerk's session has ended");
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM sessions WHERE user_id = {clerk_id}"
        ))
        .await,
        0
    );
    let fresh = app.client().await;
    assert_eq!(
        sign_in(&fresh, "clerk", PASSWORD).await.status(),
        Status::Unauthorized
    );
    assert_eq!(
        sign_in(&fresh, "clerk", NEW).await.status(),
        Status::SeeOther
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE event_type = 'user_password_changed'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_weak_password_is_refused_and_only_an_admin_may_set_one() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("admin").await;
    let (clerk, clerk_id) = app.signed_in("clerk").await;
    let before = app
        .scalar("SELECT coalesce(sum(version), 0) FROM staff_users")
        .await;

    let weak = post(
        &admin,
        &format!("/users/{clerk_id}/password"),
        &[("password", "short")],
    )
    .await;
    assert_eq!(weak.status(), Status::SeeOther);
    let (_, page) = get(&admin, "/users").await;
    assert!(page.contains("at least 12 characters"), "{page}");

    let by_clerk = post(
        &clerk,
        &format!("/users/{clerk_id}/password"),
        &[("password", NEW)],
    )
    .await;
    assert_eq!(by_clerk.status(), Status::Forbidden);
    let missing = post(&admin, "/users/999999/password", &[("password", NEW)]).await;
    assert_eq!(missing.status(), Status::NotFound);

    assert_eq!(
        app.scalar("SELECT coalesce(sum(version), 0) FROM staff_users")
            .await,
        before,
        "nothing changed"
    );
    assert_eq!(
        sign_in(&app.client().await, "clerk", PASSWORD)
            .await
            .status(),
        Status::SeeOther
    );
}
