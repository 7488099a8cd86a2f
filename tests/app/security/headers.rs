//! HSTS over HTTPS, and a sign-out cookie that the browser actually accepts.

use orderdesk::config::Settings;
use rocket::figment::value::Value;
use rocket::http::{ContentType, Status};

use crate::support::helpers::TestApp;
use crate::support::http::{PASSWORD, form, session_csrf, sign_in};

#[tokio::test]
async fn hsts_is_sent_exactly_when_cookies_are_secure() {
    let app = TestApp::spawn().await;
    let https = app
        .client_from(
            Settings::figment(),
            &[("secure_cookies", Value::from(true))],
        )
        .await;
    let http = app.client().await;

    let on = https.get("/healthz").dispatch().await;
    let off = http.get("/healthz").dispatch().await;

    assert_eq!(
        on.headers().get_one("Strict-Transport-Security"),
        Some("max-age=31536000")
    );
    assert_eq!(off.headers().get_one("Strict-Transport-Security"), None);
}

#[tokio::test]
async fn the_sign_out_cookie_has_the_attributes_of_the_session_cookie() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    let client = app
        .client_from(
            Settings::figment(),
            &[("secure_cookies", Value::from(true))],
        )
        .await;
    let signed_in = sign_in(&client, "ann", PASSWORD).await;
    let set: Vec<String> = signed_in
        .headers()
        .get("Set-Cookie")
        .filter(|c| c.starts_with("__Host-orderdesk_session="))
        .map(attributes)
        .collect();
    let csrf = session_csrf(&client).await;

    let out = client
        .post("/logout")
        .header(ContentType::Form)
        .body(form(&[("csrf_token", &csrf)]))
        .dispatch()
        .await;

    assert_eq!(out.status(), Status::SeeOther);
    let removed: Vec<String> = out
        .headers()
        .get("Set-Cookie")
        .filter(|c| c.starts_with("__Host-orderdesk_session="))
        .map(attributes)
        .collect();
    assert_eq!(set, vec!["HttpOnly; SameSite=Strict; Secure; Path=/"]);
    assert_eq!(
        removed,
        vec!["HttpOnly; SameSite=Strict; Secure; Path=/; Max-Age=0"]
    );
    assert_eq!(app.scalar("SELECT count(*) FROM sessions").await, 0);
}

/// A Set-Cookie header without its value and its `Expires` date.
fn attributes(header: &str) -> String {
    header
        .split("; ")
        .skip(1)
        .filter(|a| !a.starts_with("Expires="))
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn over_https_the_sign_in_forms_cookie_is_a_host_cookie() {
    let app = TestApp::spawn().await;
    let https = app
        .client_from(
            Settings::figment(),
            &[("secure_cookies", Value::from(true))],
        )
        .await;
    let http = app.client().await;

    let secure = https.get("/login").dispatch().await;
    let plain = http.get("/login").dispatch().await;

    let set: Vec<String> = secure
        .headers()
        .get("Set-Cookie")
        .map(str::to_owned)
        .collect();
    assert!(
        set.iter()
            .any(|c| c.starts_with("__Host-orderdesk_login_csrf=")
                && c.contains("Secure")
                && c.contains("Path=/")
                && !c.contains("Domain")),
        "{set:?}"
    );
    let plain: Vec<&str> = plain.headers().get("Set-Cookie").collect();
    assert!(
        plain.iter().any(|c| c.starts_with("orderdesk_login_csrf=")),
        "{plain:?}"
    );
    // And signing in over HTTPS works with it.
    app.user("ann", "clerk").await;
    assert_eq!(
        sign_in(&https, "ann", PASSWORD).await.status(),
        Status::SeeOther
    );
}
