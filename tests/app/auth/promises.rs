//! Promises of docs/SECURITY.md checked end to end: the throttle's rules (a
//! success resets the count, day-old failures are ignored, an unknown name is
//! throttled like a known one), no account enumeration through a deactivated
//! account, a role refusal that names its reason, and names with markup
//! escaped on the dashboard, whose figures are inserted `|safe`.

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::{TestApp, ctx};
use crate::support::http::{PASSWORD, sign_in};
use crate::support::inputs;

async fn page_of(client: &Client, username: &str, password: &str) -> (Status, String) {
    let r = sign_in(client, username, password).await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

/// The sign-in page's error message (its `role="alert"` paragraph).
fn alert(page: &str) -> String {
    page.split(r#"role="alert">"#)
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_default()
        .to_owned()
}

/// `page` without what differs between two renders of the same page: the
/// CSRF token's value and `username`.
fn normalised(page: &str, username: &str) -> String {
    let mut out = String::new();
    let mut rest = page;
    let marker = r#"name="csrf_token" value=""#;
    while let Some(at) = rest.find(marker) {
        out.push_str(&rest[..at + marker.len()]);
        rest = &rest[at + marker.len()..];
        rest = &rest[rest.find('"').unwrap_or(0)..];
    }
    out.push_str(rest);
    out.replace(username, "USER")
}

#[tokio::test]
async fn a_success_resets_the_failure_count() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    // One browser (its device cookie set by a first sign-in, so all of these
    // attempts are in its own count): three failures, a success, three more
    // failures, all free again, and the right password gets in. Without the
    // reset the sixth consecutive failure would already have to wait. (Nine
    // attempts: the sign-in gate's bucket of ten per address stays out of it.)
    let client = app.client().await;
    assert_eq!(
        sign_in(&client, "ann", PASSWORD).await.status(),
        Status::SeeOther
    );
    for round in ["before", "after"] {
        for n in 1..=3 {
            let status = sign_in(&client, "ann", "guess-guess-guess").await.status();
            assert_eq!(
                status,
                Status::Unauthorized,
                "failure {n} {round} the success"
            );
        }
        let (status, page) = page_of(&client, "ann", PASSWORD).await;
        assert_eq!(status, Status::SeeOther, "{round}: {}", alert(&page));
    }
}

#[tokio::test]
async fn failures_older_than_a_day_no_longer_count() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    app.user("bob", "clerk").await;
    // Each has a failure a second ago after nineteen older ones: bob's a day
    // and an hour old (ignored: one failure, free), ann's 23 hours old
    // (twenty consecutive failures: a wait of many minutes).
    for (name, age) in [("bob", "25 hours"), ("ann", "23 hours")] {
        app.exec(&format!(
            "INSERT INTO login_attempts (username, ip, succeeded, at) \
             SELECT '{name}', '192.0.2.1', false, now() - interval '{age}' \
             FROM generate_series(1, 19) \
             UNION ALL SELECT '{name}', '192.0.2.1', false, now() - interval '1 second'"
        ))
        .await;
    }

    let (old, old_page) = page_of(&app.client().await, "bob", PASSWORD).await;
    let (recent, recent_page) = page_of(&app.client().await, "ann", PASSWORD).await;

    assert_eq!(
        old,
        Status::SeeOther,
        "day-old failures are ignored: {old_page}"
    );
    assert_eq!(
        recent,
        Status::TooManyRequests,
        "within the day they count: {recent_page}"
    );
}

#[tokio::test]
async fn an_unknown_username_is_throttled_like_a_known_one() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    let mut seen = Vec::new();
    for name in ["ann", "ghost"] {
        let client = app.client().await;
        let mut statuses = Vec::new();
        for _ in 0..5 {
            statuses.push(sign_in(&client, name, "guess-guess-guess").await.status());
        }
        let (status, page) = page_of(&client, name, "guess-guess-guess").await;
        statuses.push(status);
        seen.push((statuses, alert(&page), normalised(&page, name)));
    }

    let (known, unknown) = (&seen[0], &seen[1]);
    assert_eq!(
        known.0,
        [
            Status::Unauthorized,
            Status::Unauthorized,
            Status::Unauthorized,
            Status::Unauthorized,
            Status::Unauthorized,
            Status::TooManyRequests
        ]
    );
    assert_eq!(unknown.0, known.0, "the same statuses for an unknown name");
    assert!(known.1.contains("Too many failed sign-ins"), "{}", known.1);
    assert_eq!(unknown.1, known.1, "the same message");
    assert_eq!(unknown.2, known.2, "the same page");
}

#[tokio::test]
async fn a_deactivated_account_gets_the_wrong_password_page() {
    let app = TestApp::spawn().await;
    app.user("ann", "clerk").await;
    app.user("bob", "clerk").await;
    app.exec("UPDATE staff_users SET active = false WHERE username = 'ann'")
        .await;

    let (deactivated, gone) = page_of(&app.client().await, "ann", PASSWORD).await;
    let (wrong, mistyped) = page_of(&app.client().await, "bob", "guess-guess-guess").await;

    assert_eq!(deactivated, Status::Unauthorized);
    assert_eq!(wrong, Status::Unauthorized);
    assert!(!alert(&gone).is_empty(), "{gone}");
    assert_eq!(alert(&gone), alert(&mistyped), "the same message");
    assert_eq!(
        normalised(&gone, "ann"),
        normalised(&mistyped, "bob"),
        "the same page"
    );
    assert!(!gone.to_lowercase().contains("deactivated"), "{gone}");
}

#[tokio::test]
async fn a_role_refusal_names_the_reason() {
    let app = TestApp::spawn().await;
    let (clerk, _) = app.signed_in("clerk").await;
    let (viewer, _) = app.signed_in("viewer").await;

    let users = clerk.get("/users").dispatch().await;
    let users_status = users.status();
    let users_page = users.into_string().await.unwrap_or_default();
    let entry = viewer.get("/orders/new").dispatch().await;
    let entry_status = entry.status();
    let entry_page = entry.into_string().await.unwrap_or_default();

    assert_eq!(users_status, Status::Forbidden);
    assert!(
        users_page.contains("Your role (clerk) may not manage staff accounts"),
        "{users_page}"
    );
    assert_eq!(entry_status, Status::Forbidden);
    assert!(
        entry_page
            .contains("Your role (viewer) may not change orders, customers, products or stock"),
        "{entry_page}"
    );
}

#[tokio::test]
async fn markup_in_names_comes_back_escaped_on_the_dashboard() {
    use orderdesk::commands::{create_product::create_product, register_customer};
    let app = TestApp::spawn().await;
    create_product(
        &mut *app.conn().await,
        inputs::product("XSS-1", "<script>alert('product')</script>", "5.00"),
        &ctx(),
    )
    .await
    .expect("a product");
    let customer = register_customer::register_customer(
        &mut *app.conn().await,
        inputs::customer("x@example.com", "<img src=x onerror=alert('customer')>", ""),
        &ctx(),
    )
    .await
    .expect("a customer")
    .id;
    // The product (no stock) is on the low-stock table; the customer's order
    // is among the recent ones.
    app.product("TEE-1", "1.00", 5).await;
    app.place(customer, &[("TEE-1", 1)])
        .await
        .expect("an order");
    app.refresh().await;
    let (client, _) = app.signed_in("clerk").await;

    let page = client
        .get("/")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap_or_default();

    eprintln!(
        "{}",
        page.lines()
            .filter(|l| l.contains("alert"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<img src=x"), "{page}");
}
