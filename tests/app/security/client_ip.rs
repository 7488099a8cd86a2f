//! The client address used for throttling and audit: the TCP peer unless a
//! proxy header is configured, whether or not Rocket.toml was found.

use orderdesk::config::Settings;
use rocket::figment::value::Value;
use rocket::http::{ContentType, Header};
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;
use crate::support::http::{csrf_in, form};

/// One failed sign-in from peer 198.51.100.7 claiming `X-Real-IP: 203.0.113.66`.
async fn failed_sign_in_with_forged_header(client: &Client) {
    let page = client.get("/login").dispatch().await;
    let token = csrf_in(&page.into_string().await.unwrap());
    client
        .post("/login")
        .remote("198.51.100.7:4000".parse().unwrap())
        .header(ContentType::Form)
        .header(Header::new("X-Real-IP", "203.0.113.66"))
        .body(form(&[
            ("username", "ann"),
            ("password", "not-the-password"),
            ("csrf_token", &token),
        ]))
        .dispatch()
        .await;
}

async fn recorded_ip(app: &TestApp) -> Vec<String> {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use orderdesk::db::schema::login_attempts;
    login_attempts::table
        .select(login_attempts::ip.assume_not_null())
        .load(&mut *app.conn().await)
        .await
        .unwrap()
}

#[tokio::test]
async fn without_rocket_toml_a_client_cannot_choose_its_address_with_x_real_ip() {
    let app = TestApp::spawn().await;
    let client = app.client_from(Settings::defaults(), &[]).await;

    failed_sign_in_with_forged_header(&client).await;

    assert_eq!(recorded_ip(&app).await, vec!["198.51.100.7".to_owned()]);
}

#[tokio::test]
async fn a_configured_proxy_header_is_trusted() {
    let app = TestApp::spawn().await;
    let client = app
        .client_from(
            Settings::defaults(),
            &[("ip_header", Value::from("X-Real-IP"))],
        )
        .await;

    failed_sign_in_with_forged_header(&client).await;

    assert_eq!(recorded_ip(&app).await, vec!["203.0.113.66".to_owned()]);
}
