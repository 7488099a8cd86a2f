//! HTTP helpers for the page tests: a client of the whole app on the test's
//! database (read models refreshed only when a test says so), form posts and
//! redirects. When sign-in lands, `staff_client` is where the session starts.

use rocket::http::{ContentType, RawStr, Status};
use rocket::local::asynchronous::{Client, LocalResponse};

use crate::support::helpers::TestApp;

/// A client acting as staff, with the background refresher off so a test
/// decides when the read models catch up (`app.refresh()`).
pub async fn staff_client(app: &TestApp) -> Client {
    app.signed_in("clerk").await.0
}

/// GETs a page: its status and body.
pub async fn get(client: &Client, uri: &str) -> (Status, String) {
    let response = client.get(uri.to_owned()).dispatch().await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

/// POSTs a form (values are percent-encoded) with an empty CSRF token.
pub async fn post<'c>(client: &'c Client, uri: &str, pairs: &[(&str, &str)]) -> LocalResponse<'c> {
    let token = crate::support::http::session_csrf(client).await;
    let body = pairs
        .iter()
        .chain(&[("csrf_token", token.as_str())])
        .map(|(k, v)| format!("{k}={}", RawStr::new(v).percent_encode()))
        .collect::<Vec<_>>()
        .join("&");
    client
        .post(uri.to_owned())
        .header(ContentType::Form)
        .body(body)
        .dispatch()
        .await
}

/// The `Location` of a redirect.
pub fn location(response: &LocalResponse<'_>) -> String {
    response
        .headers()
        .get_one("Location")
        .unwrap_or_default()
        .to_owned()
}

/// The value attribute of the input named `name` in `html` (first match).
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker)? + marker.len();
    Some(html[start..start + html[start..].find('"')?].to_owned())
}
