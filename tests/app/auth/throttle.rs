//! Sign-in throttling: per-username exponential back-off (delays, not
//! lock-outs), a device's own count, per-address limits, counted atomically,
//! and every attempt stored with its outcome.

use orderdesk::config::Settings;
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;
use crate::support::http::{PASSWORD, csrf_in, form, sign_in};

/// Every attempt's outcome, oldest first.
async fn outcomes(app: &TestApp) -> Vec<String> {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use orderdesk::db::schema::login_attempts;
    login_attempts::table
        .order(login_attempts::id)
        .select(login_attempts::outcome)
        .load(&mut *app.conn().await)
        .await
        .unwrap()
}

async fn page_of(client: &Client, username: &str, password: &str) -> (Status, String) {
    let r = sign_in(client, username, password).await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

#[tokio::test]
async fn five_failures_are_free_then_the_next_attempt_waits_even_with_the_right_password() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    let client = app.client().await;
    for _ in 0..5 {
        assert_eq!(
            sign_in(&client, "ann", "guess-guess-guess").await.status(),
            Status::Unauthorized
        );
    }

    let (status, page) = page_of(&client, "ann", PASSWORD).await;

    assert_eq!(status, Status::TooManyRequests);
    assert!(page.contains("Too many failed sign-ins. Wait "), "{page}");
    assert_eq!(app.scalar("SELECT count(*) FROM sessions").await, 0);
    assert_eq!(
        outcomes(&app).await,
        [
            "failed",
            "failed",
            "failed",
            "failed",
            "failed",
            "throttled"
        ]
    );
    // A delay, not a lock-out: once it has passed, the user gets in.
    app.exec("UPDATE login_attempts SET at = at - interval '6 seconds'")
        .await;
    assert_eq!(
        sign_in(&client, "ann", PASSWORD).await.status(),
        Status::SeeOther
    );
}

#[tokio::test]
async fn each_failure_beyond_the_free_ones_doubles_the_wait() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    // Seven failures, the last 100 seconds ago: the wait is 5 s × 2² = 20 s,
    // long past; an eighth failure makes it 40 s.
    app.exec(
        "INSERT INTO login_attempts (username, ip, succeeded, at) \
         SELECT 'ann', '192.0.2.1', false, now() - interval '100 seconds' FROM generate_series(1, 7)",
    )
    .await;
    let client = app.client().await;

    let eighth = sign_in(&client, "ann", "guess-guess-guess").await.status();
    app.exec("UPDATE login_attempts SET at = at - interval '30 seconds' WHERE outcome = 'failed' AND at > now() - interval '1 minute'")
        .await;
    let (early, page) = page_of(&client, "ann", PASSWORD).await;
    app.exec("UPDATE login_attempts SET at = at - interval '11 seconds'")
        .await;
    let later = sign_in(&client, "ann", PASSWORD).await.status();

    assert_eq!(eighth, Status::Unauthorized);
    assert_eq!(early, Status::TooManyRequests);
    assert!(
        page.contains("Wait 10 seconds") || page.contains("Wait 9 seconds"),
        "{page}"
    );
    assert_eq!(later, Status::SeeOther);
}

#[tokio::test]
async fn concurrent_guesses_cannot_overshoot_the_free_failures() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    // Enough sign-in turns for all twelve at once (a quarter of the pool), and
    // twelve addresses, so the sign-in gate lets them all reach the throttle.
    let client = app
        .client_from(Settings::figment(), &[("pool_size", 48.into())])
        .await;
    let token = csrf_in(
        &client
            .get("/login")
            .dispatch()
            .await
            .into_string()
            .await
            .unwrap(),
    );
    let body = form(&[
        ("username", "ann"),
        ("password", "guess-guess-guess"),
        ("csrf_token", &token),
    ]);

    let statuses = futures_util::future::join_all((0..12_u8).map(|n| {
        client
            .post("/login")
            .remote(std::net::SocketAddr::from(([127, 0, 1, n + 1], 40_000)))
            .header(ContentType::Form)
            .body(&body)
            .dispatch()
    }))
    .await
    .into_iter()
    .map(|r| r.status())
    .collect::<Vec<_>>();

    let count = |s: Status| statuses.iter().filter(|x| **x == s).count();
    assert_eq!(
        (count(Status::Unauthorized), count(Status::TooManyRequests)),
        (5, 7)
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM login_attempts WHERE outcome = 'failed'")
            .await,
        5
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM login_attempts WHERE outcome = 'throttled'")
            .await,
        7
    );
}

#[tokio::test]
async fn guesses_from_elsewhere_never_delay_the_user_on_their_own_device() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    let own = app.client().await;
    assert_eq!(
        sign_in(&own, "ann", PASSWORD).await.status(),
        Status::SeeOther
    );
    let attacker = app.client().await;
    for _ in 0..5 {
        sign_in(&attacker, "ann", "guess-guess-guess").await;
    }

    let guess = sign_in(&attacker, "ann", PASSWORD).await.status();
    let owner = sign_in(&own, "ann", PASSWORD).await.status();

    assert_eq!(guess, Status::TooManyRequests);
    assert_eq!(owner, Status::SeeOther);
}

#[tokio::test]
async fn a_shared_address_where_the_user_signed_in_exempts_no_one() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    app.exec("INSERT INTO login_attempts (username, ip, succeeded, outcome, at) VALUES ('ann', '192.0.2.1', true, 'succeeded', now() - interval '1 day')").await;
    app.exec("INSERT INTO login_attempts (username, ip, succeeded) SELECT 'ann', '192.0.2.1', false FROM generate_series(1, 5)").await;
    let colleague = app.client().await;
    let token = csrf_in(
        &colleague
            .get("/login")
            .dispatch()
            .await
            .into_string()
            .await
            .unwrap(),
    );

    let response = colleague
        .post("/login")
        .remote("192.0.2.1:5000".parse().unwrap())
        .header(ContentType::Form)
        .body(form(&[
            ("username", "ann"),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ]))
        .dispatch()
        .await;

    assert_eq!(response.status(), Status::TooManyRequests);
}

#[tokio::test]
async fn a_sign_in_refused_for_its_csrf_token_is_stored_too() {
    let app = TestApp::spawn().await;
    let client = app.client().await;

    let response = client
        .post("/login")
        .header(ContentType::Form)
        .body(form(&[
            ("username", "ann"),
            ("password", "x"),
            ("csrf_token", "forged"),
        ]))
        .dispatch()
        .await;

    assert_eq!(response.status(), Status::Forbidden);
    assert_eq!(outcomes(&app).await, ["csrf_refused"]);
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
