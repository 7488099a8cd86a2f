//! The HTTP skeleton: health, error pages, 503 when the database is away.

use orderdesk::config::Settings;
use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::helpers::TestApp;

async fn client(database_url: &str) -> Client {
    let figment = Settings::figment()
        .merge(("database_url", database_url))
        .merge(("read_database_url", database_url))
        .merge(("pool_timeout_ms", 500));
    Client::tracked(orderdesk::build_rocket(figment).unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn healthz_answers_ok_when_the_database_answers() {
    let app = TestApp::spawn().await;
    let client = client(&app.db.url).await;

    let response = client.get("/healthz").dispatch().await;

    assert_eq!(response.status(), Status::Ok);
    assert!(
        response
            .into_string()
            .await
            .unwrap()
            .contains(r#""database":"ok""#)
    );
}

#[tokio::test]
async fn healthz_is_503_not_a_hang_when_the_database_is_unreachable() {
    let client = client("postgres://postgres@127.0.0.1:1/nowhere").await;

    let response = client.get("/healthz").dispatch().await;

    assert_eq!(response.status(), Status::ServiceUnavailable);
}

#[tokio::test]
async fn unknown_pages_get_the_404_page_in_the_layout() {
    let app = TestApp::spawn().await;
    let client = client(&app.db.url).await;

    let response = client.get("/no/such/page").dispatch().await;

    assert_eq!(response.status(), Status::NotFound);
    let body = response.into_string().await.unwrap();
    assert!(
        body.contains("404 · Not Found") && body.contains("/static/app.css"),
        "{body}"
    );
}
