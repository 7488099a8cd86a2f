//! Signing in and out, sessions and their expiry, fixation, throttling.

use rocket::http::{Cookie, Status};

use crate::support::helpers::TestApp;
use crate::support::http::{PASSWORD, location, post, session_csrf, sign_in};

const SESSION: &str = "orderdesk_session";

#[tokio::test]
async fn every_page_without_a_session_redirects_to_the_sign_in_form() {
    let app = TestApp::spawn().await;
    let client = app.client().await;

    for page in ["/", "/users"] {
        let response = client.get(page).dispatch().await;

        assert_eq!(response.status(), Status::SeeOther, "{page}");
        let to = location(&response);
        assert!(to.starts_with("/login?next="), "{page}");
        let form = client.get(to).dispatch().await.into_string().await.unwrap();
        assert!(
            form.contains(&format!(r#"name="next" value="{page}""#)),
            "{form}"
        );
    }
}

#[tokio::test]
async fn every_action_without_a_session_is_refused_with_401_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let target = app.user("target", "clerk").await;
    let client = app.client().await;
    let before = app.scalar("SELECT count(*) FROM events").await;

    for action in [
        "/users".to_owned(),
        format!("/users/{target}/role"),
        format!("/users/{target}/deactivate"),
        "/logout".to_owned(),
    ] {
        let response = post(
            &client,
            &action,
            &[("username", "x"), ("password", "y"), ("role", "admin")],
        )
        .await;

        assert_eq!(response.status(), Status::Unauthorized, "{action}");
    }
    assert_eq!(app.scalar("SELECT count(*) FROM events").await, before);
    assert_eq!(
        app.scalar("SELECT count(*) FROM staff_users WHERE role = 'clerk' AND active")
            .await,
        1
    );
}

#[tokio::test]
async fn health_and_the_sign_in_form_stay_public() {
    let app = TestApp::spawn().await;
    let client = app.client().await;

    assert_eq!(client.get("/healthz").dispatch().await.status(), Status::Ok);
    assert_eq!(client.get("/login").dispatch().await.status(), Status::Ok);
}

#[tokio::test]
async fn the_right_password_opens_a_session_and_returns_to_the_page_asked_for() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    let client = app.client().await;
    let login_page = client
        .get("/login?next=/users")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let token = crate::support::http::csrf_in(&login_page);

    let response = post(
        &client,
        "/login",
        &[
            ("username", "Ann"),
            ("password", PASSWORD),
            ("csrf_token", &token),
            ("next", "/users"),
        ],
    )
    .await;

    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(location(&response), "/users");
    let home = client.get("/").dispatch().await;
    assert_eq!(home.status(), Status::Ok);
    assert!(
        home.into_string()
            .await
            .unwrap()
            .contains("Signed in as ann (clerk)")
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM staff_users WHERE last_login_at IS NOT NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    let client = app.client().await;

    let wrong = sign_in(&client, "ann", "not-the-password-at-all").await;
    let (wrong_status, wrong_body) = (wrong.status(), wrong.into_string().await.unwrap());
    let unknown = sign_in(&client, "nobody", "not-the-password-at-all").await;
    let (unknown_status, unknown_body) = (unknown.status(), unknown.into_string().await.unwrap());

    assert_eq!(wrong_status, Status::Unauthorized);
    assert_eq!(unknown_status, wrong_status);
    let message = "The username or password is not right.";
    assert!(wrong_body.contains(message) && unknown_body.contains(message));
    assert_eq!(app.scalar("SELECT count(*) FROM sessions").await, 0);
    assert_eq!(
        app.scalar("SELECT count(*) FROM login_attempts WHERE NOT succeeded")
            .await,
        2
    );
}

#[tokio::test]
async fn a_session_id_planted_before_sign_in_is_worthless_after_it() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    let client = app.client().await;
    let planted = "a".repeat(64);
    client.cookies().add(Cookie::new(SESSION, planted.clone()));

    let response = sign_in(&client, "ann", PASSWORD).await;

    assert_eq!(response.status(), Status::SeeOther);
    let issued = client.cookies().get(SESSION).unwrap().value().to_owned();
    assert_ne!(issued, planted);
    let attacker = app.client().await;
    attacker.cookies().add(Cookie::new(SESSION, planted));
    assert_eq!(
        attacker.get("/").dispatch().await.status(),
        Status::SeeOther
    );
}

#[tokio::test]
async fn signing_in_again_ends_the_previous_session() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    let client = app.client().await;
    sign_in(&client, "ann", PASSWORD).await;
    let first = client.cookies().get(SESSION).unwrap().value().to_owned();

    sign_in(&client, "ann", PASSWORD).await;

    let second = client.cookies().get(SESSION).unwrap().value().to_owned();
    assert_ne!(first, second);
    let old = app.client().await;
    old.cookies().add(Cookie::new(SESSION, first));
    assert_eq!(old.get("/").dispatch().await.status(), Status::SeeOther);
    assert_eq!(app.scalar("SELECT count(*) FROM sessions").await, 1);
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in("clerk").await;
    let token = client.cookies().get(SESSION).unwrap().value().to_owned();
    let csrf = session_csrf(&client).await;

    let response = post(&client, "/logout", &[("csrf_token", &csrf)]).await;

    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(app.scalar("SELECT count(*) FROM sessions").await, 0);
    let replay = app.client().await;
    replay.cookies().add(Cookie::new(SESSION, token));
    assert_eq!(replay.get("/").dispatch().await.status(), Status::SeeOther);
}

#[tokio::test]
async fn the_cookie_stores_a_token_whose_hash_alone_is_kept() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in("clerk").await;
    let cookie = client.cookies().get(SESSION).unwrap().clone();

    let stored = app
        .scalar(&format!(
            "SELECT count(*) FROM sessions WHERE id = encode(sha256('{}'::bytea), 'hex')",
            cookie.value()
        ))
        .await;

    assert_eq!(stored, 1);
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM sessions WHERE id = '{}'",
            cookie.value()
        ))
        .await,
        0
    );
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.same_site(), Some(rocket::http::SameSite::Strict));
    assert_eq!(cookie.path(), Some("/"));
}

#[tokio::test]
async fn an_idle_session_and_one_past_its_absolute_expiry_no_longer_open_pages() {
    let app = TestApp::spawn().await;
    let (idle, _) = app.signed_in("clerk").await;
    let (old, viewer_id) = app.signed_in("viewer").await;

    app.exec("UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id <> 0 AND user_id IN (SELECT id FROM staff_users WHERE username = 'clerk')").await;
    app.exec(&format!(
        "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = {viewer_id}"
    ))
    .await;

    assert_eq!(idle.get("/").dispatch().await.status(), Status::SeeOther);
    assert_eq!(old.get("/").dispatch().await.status(), Status::SeeOther);
}

#[tokio::test]
async fn a_request_keeps_an_active_session_alive() {
    let app = TestApp::spawn().await;
    let (client, _) = app.signed_in("clerk").await;
    app.exec("UPDATE sessions SET last_seen_at = now() - interval '29 minutes'")
        .await;

    assert_eq!(client.get("/").dispatch().await.status(), Status::Ok);

    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM sessions WHERE last_seen_at > now() - interval '1 minute'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_deactivated_account_cannot_sign_in() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    app.exec("UPDATE staff_users SET active = false WHERE username = 'ann'")
        .await;
    let client = app.client().await;

    let response = sign_in(&client, "ann", PASSWORD).await;

    assert_eq!(response.status(), Status::Unauthorized);
}
