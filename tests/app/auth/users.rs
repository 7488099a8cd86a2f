//! Staff accounts: password storage, the staff page's forms, deactivation,
//! the command line's helpers, and no password in any log line.

use rocket::http::{Cookie, Status};

use crate::support::helpers::TestApp;
use crate::support::http::{PASSWORD, post, session_csrf, sign_in};
use crate::support::log_capture::Sink;

#[tokio::test]
async fn the_stored_hash_is_argon2id_with_owasp_parameters() {
    let app = TestApp::spawn().await;

    app.user("ann", "clerk").await;

    let ok = app.scalar("SELECT count(*) FROM staff_users WHERE password_hash LIKE '$argon2id$v=19$m=19456,t=2,p=1$%'").await;
    assert_eq!(ok, 1);
    assert_eq!(app.scalar(&format!("SELECT count(*) FROM events WHERE payload::text LIKE '%{PASSWORD}%' OR payload::text LIKE '%argon2%'")).await, 0);
}

#[tokio::test]
async fn a_refused_new_user_form_comes_back_with_its_messages_and_values() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in("admin").await;
    let csrf = session_csrf(&client).await;

    let response = post(
        &client,
        "/users",
        &[
            ("username", "newbie"),
            ("password", "short"),
            ("role", "clerk"),
            ("csrf_token", &csrf),
        ],
    )
    .await;

    assert_eq!(response.status(), Status::UnprocessableEntity);
    let body = response.into_string().await.unwrap();
    assert!(
        body.contains("at least 12 characters") && body.contains(r#"value="newbie""#),
        "{body}"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM staff_users WHERE username = 'newbie'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_taken_username_is_a_field_error() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in("admin").await;
    let csrf = session_csrf(&client).await;

    let response = post(
        &client,
        "/users",
        &[
            ("username", "ADMIN"),
            ("password", PASSWORD),
            ("role", "clerk"),
            ("csrf_token", &csrf),
        ],
    )
    .await;

    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(
        response
            .into_string()
            .await
            .unwrap()
            .contains("already taken")
    );
}

#[tokio::test]
async fn deactivating_a_user_ends_their_sessions_at_once() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("admin").await;
    let (clerk, clerk_id) = app.signed_in("clerk").await;
    let csrf = session_csrf(&admin).await;

    let response = post(
        &admin,
        &format!("/users/{clerk_id}/deactivate"),
        &[("csrf_token", &csrf)],
    )
    .await;

    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM sessions WHERE user_id = {clerk_id}"
        ))
        .await,
        0
    );
    assert_eq!(clerk.get("/").dispatch().await.status(), Status::SeeOther);
}

#[tokio::test]
async fn a_new_password_ends_every_session_and_the_old_password_stops_working() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in("clerk").await;

    orderdesk::cli::set_password(&app.db.url, "clerk", "a-brand-new-passphrase")
        .await
        .unwrap();

    assert_eq!(client.get("/").dispatch().await.status(), Status::SeeOther);
    let fresh = app.client().await;
    assert_eq!(
        sign_in(&fresh, "clerk", PASSWORD).await.status(),
        Status::Unauthorized
    );
    assert_eq!(
        sign_in(&fresh, "clerk", "a-brand-new-passphrase")
            .await
            .status(),
        Status::SeeOther
    );
}

#[tokio::test]
async fn ensure_admin_creates_the_first_admin_once() {
    let app = TestApp::spawn().await;

    let first = orderdesk::cli::ensure_admin(&app.db.url).await.unwrap();
    let second = orderdesk::cli::ensure_admin(&app.db.url).await.unwrap();

    let password = first.expect("a password for the new admin");
    assert!(second.is_none());
    assert_eq!(
        app.scalar("SELECT count(*) FROM staff_users WHERE username = 'admin' AND role = 'admin'")
            .await,
        1
    );
    let client = app.client().await;
    assert_eq!(
        sign_in(&client, "admin", &password).await.status(),
        Status::SeeOther
    );
    let listed = orderdesk::cli::list_users(&app.db.url).await.unwrap();
    assert_eq!(
        listed[0].split_whitespace().take(3).collect::<Vec<_>>(),
        ["admin", "admin", "active"],
        "{listed:?}"
    );
}

#[tokio::test]
async fn the_command_line_refuses_weak_passwords() {
    let app = TestApp::spawn().await;

    let short = orderdesk::cli::add_user(&app.db.url, "ann", "clerk", "short").await;
    let same =
        orderdesk::cli::add_user(&app.db.url, "annabelle-xyz", "clerk", "annabelle-xyz").await;

    for (got, says) in [
        (short, "password must be at least"),
        (same, "password must not be the username"),
    ] {
        assert!(
            matches!(&got, Err(orderdesk::cli::CliError::Invalid(m)) if m.contains(says)),
            "{got:?}"
        );
    }
    assert_eq!(app.scalar("SELECT count(*) FROM staff_users").await, 0);
}

#[tokio::test]
async fn no_password_or_hash_ever_reaches_the_logs() {
    let app = TestApp::spawn().await;
    let sink = Sink::default();
    let _guard = sink.install(tracing::Level::TRACE);
    let (client, _) = app.signed_in("admin").await;
    let csrf = session_csrf(&client).await;

    sign_in(&app.client().await, "admin", "wrong-password-guess").await;
    post(
        &client,
        "/users",
        &[
            ("username", "newbie"),
            ("password", "newbie-secret-passphrase"),
            ("role", "clerk"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    client
        .cookies()
        .add(Cookie::new("orderdesk_session", "f".repeat(64)));
    client.get("/").dispatch().await;

    let logs = sink.text();
    assert!(
        logs.contains("login attempt"),
        "the sink captured nothing: {logs}"
    );
    assert!(
        logs.contains("POST /users") && logs.contains("Matched"),
        "the sink sees Rocket's own lines (through `log`) too: {logs}"
    );
    for secret in [
        PASSWORD,
        "wrong-password-guess",
        "newbie-secret-passphrase",
        "$argon2id$",
    ] {
        let line = logs.lines().find(|l| l.contains(secret));
        assert!(line.is_none(), "{secret} was logged: {line:?}");
    }
}
