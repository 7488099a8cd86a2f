//! Security headers on every response, and output escaping.

use orderdesk::web::error_page::ErrorPage;
use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::http::sign_in;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let (signed_in, _) = app.signed_in("viewer").await;
    let anonymous = app.client().await;

    let responses = vec![
        ("home", signed_in.get("/").dispatch().await),
        ("forbidden", signed_in.get("/users").dispatch().await),
        ("not found", anonymous.get("/no/such/page").dispatch().await),
        ("static", anonymous.get("/static/app.css").dispatch().await),
        ("redirect", anonymous.get("/").dispatch().await),
        ("login", anonymous.get("/login").dispatch().await),
        ("health", anonymous.get("/healthz").dispatch().await),
        ("unauthorized", anonymous.post("/logout").dispatch().await),
    ];

    for (what, response) in &responses {
        let h = response.headers();
        assert_eq!(
            h.get_one("Content-Security-Policy"),
            Some(
                "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
            ),
            "{what}"
        );
        assert_eq!(h.get_one("X-Frame-Options"), Some("DENY"), "{what}");
        assert_eq!(
            h.get_one("X-Content-Type-Options"),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(h.get_one("Referrer-Policy"), Some("same-origin"), "{what}");
    }
    assert_eq!(responses[2].1.status(), Status::NotFound);
    assert_eq!(responses[3].1.status(), Status::Ok);
}

#[tokio::test]
async fn markup_typed_into_the_sign_in_form_comes_back_escaped() {
    let app = TestApp::spawn().await;
    let client = app.client().await;

    let response = sign_in(&client, "<script>alert(1)</script>", "whatever-it-is-wrong").await;

    let body = response.into_string().await.unwrap();
    assert!(!body.contains("<script>alert(1)</script>"), "{body}");
    assert!(
        body.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || body.contains("&lt;script&gt;"),
        "{body}"
    );
}

#[test]
fn a_message_with_markup_is_escaped_on_the_error_page() {
    let page = ErrorPage::new(Status::NotFound, "<script>alert(1)</script>").html();

    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(page.contains("alert(1)"));
}
