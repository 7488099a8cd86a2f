//! Login throttling: per username, per address, and no lock-out of the owner.

use rocket::http::{ContentType, Status};

use crate::helpers::TestApp;
use crate::http::{PASSWORD, csrf_in, form, sign_in};

#[tokio::test]
async fn ten_failures_for_a_username_refuse_even_the_right_password_for_a_while() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    let client = app.client().await;
    for _ in 0..10 {
        assert_eq!(
            sign_in(&client, "ann", "guess-guess-guess").await.status(),
            Status::Unauthorized
        );
    }

    let response = sign_in(&client, "ann", PASSWORD).await;

    assert_eq!(response.status(), Status::TooManyRequests);
    assert!(
        response
            .into_string()
            .await
            .unwrap()
            .contains("Too many failed sign-ins")
    );
    assert_eq!(app.scalar("SELECT count(*) FROM sessions").await, 0);
    // The lock is a sliding window: once the failures are older, the user gets in.
    app.exec("UPDATE login_attempts SET at = at - interval '4 minutes'")
        .await;
    assert_eq!(
        sign_in(&client, "ann", PASSWORD).await.status(),
        Status::SeeOther
    );
}

#[tokio::test]
async fn thirty_failures_from_one_address_refuse_that_address_only() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    app.exec(
        "INSERT INTO login_attempts (username, ip, succeeded) \
         SELECT 'user' || g, '203.0.113.9', false FROM generate_series(1, 30) g",
    )
    .await;
    let client = app.client().await;
    let page = client
        .get("/login")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let token = csrf_in(&page);
    let body = form(&[
        ("username", "ann"),
        ("password", PASSWORD),
        ("csrf_token", &token),
    ]);

    let blocked = client
        .post("/login")
        .remote("203.0.113.9:5000".parse().unwrap())
        .header(ContentType::Form)
        .body(&body)
        .dispatch()
        .await;
    let other = client
        .post("/login")
        .remote("198.51.100.7:5000".parse().unwrap())
        .header(ContentType::Form)
        .body(&body)
        .dispatch()
        .await;

    assert_eq!(blocked.status(), Status::TooManyRequests);
    assert_eq!(other.status(), Status::SeeOther);
}

#[tokio::test]
async fn a_user_who_signed_in_from_an_address_is_not_locked_out_there_by_others() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    app.exec("INSERT INTO login_attempts (username, ip, succeeded, at) VALUES ('ann', '192.0.2.1', true, now() - interval '1 day')").await;
    app.exec("INSERT INTO login_attempts (username, ip, succeeded) SELECT 'ann', '203.0.113.66', false FROM generate_series(1, 10)").await;
    let client = app.client().await;
    let page = client
        .get("/login")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let token = csrf_in(&page);
    let body = form(&[
        ("username", "ann"),
        ("password", PASSWORD),
        ("csrf_token", &token),
    ]);

    let attacker = client
        .post("/login")
        .remote("203.0.113.66:5000".parse().unwrap())
        .header(ContentType::Form)
        .body(&body)
        .dispatch()
        .await;
    let owner = client
        .post("/login")
        .remote("192.0.2.1:5000".parse().unwrap())
        .header(ContentType::Form)
        .body(&body)
        .dispatch()
        .await;

    assert_eq!(attacker.status(), Status::TooManyRequests);
    assert_eq!(owner.status(), Status::SeeOther);
}
