//! CSRF: a missing or wrong token is refused with 403 and nothing changes.

use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::http::{PASSWORD, form, post, session_csrf};

#[tokio::test]
async fn creating_a_user_without_the_token_or_with_a_wrong_one_is_refused() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in("admin").await;
    let wrong = "0".repeat(64);
    let before = app.scalar("SELECT count(*) FROM staff_users").await;
    let events = app.scalar("SELECT count(*) FROM events").await;

    let missing = post(
        &client,
        "/users",
        &[
            ("username", "mallory"),
            ("password", PASSWORD),
            ("role", "admin"),
        ],
    )
    .await;
    let (missing_status, missing_body) = (missing.status(), missing.into_string().await.unwrap());
    let forged = post(
        &client,
        "/users",
        &[
            ("username", "mallory"),
            ("password", PASSWORD),
            ("role", "admin"),
            ("csrf_token", &wrong),
        ],
    )
    .await;

    assert_eq!(missing_status, Status::Forbidden);
    assert!(
        missing_body.contains("did not come from OrderDesk"),
        "{missing_body}"
    );
    assert_eq!(forged.status(), Status::Forbidden);
    assert_eq!(app.scalar("SELECT count(*) FROM staff_users").await, before);
    assert_eq!(app.scalar("SELECT count(*) FROM events").await, events);
}

#[tokio::test]
async fn another_sessions_token_is_not_accepted() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("admin").await;
    let (other, _) = app.signed_in("viewer").await;
    let target = app.user("target", "viewer").await;
    let foreign = session_csrf(&other).await;

    let response = post(
        &admin,
        &format!("/users/{target}/deactivate"),
        &[("csrf_token", &foreign)],
    )
    .await;

    assert_eq!(response.status(), Status::Forbidden);
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM staff_users WHERE id = {target} AND active"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn signing_out_without_the_token_is_refused_and_the_session_lives_on() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in("clerk").await;

    let response = post(&client, "/logout", &[]).await;

    assert_eq!(response.status(), Status::Forbidden);
    assert_eq!(app.scalar("SELECT count(*) FROM sessions").await, 1);
    assert_eq!(client.get("/").dispatch().await.status(), Status::Ok);
}

#[tokio::test]
async fn the_sign_in_form_without_its_token_is_refused() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    let client = app.client().await;
    client.get("/login").dispatch().await;

    let response = client
        .post("/login")
        .header(rocket::http::ContentType::Form)
        .body(form(&[
            ("username", "ann"),
            ("password", PASSWORD),
            ("csrf_token", "forged"),
        ]))
        .dispatch()
        .await;

    assert_eq!(response.status(), Status::Forbidden);
    assert_eq!(app.scalar("SELECT count(*) FROM sessions").await, 0);
}

#[tokio::test]
async fn every_form_on_the_staff_page_carries_the_sessions_token() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in("admin").await;
    app.user("target", "viewer").await;
    let token = session_csrf(&client).await;

    let page = client
        .get("/users")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();

    let forms = page.matches("<form").count();
    let tokens = page
        .matches(&format!(r#"name="csrf_token" value="{token}""#))
        .count();
    assert!(forms >= 4, "{page}");
    assert_eq!(forms, tokens);
}
