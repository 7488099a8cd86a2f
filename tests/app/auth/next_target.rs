//! The `next` target after sign-in is a local path, and one that is no valid
//! URI at all (crafted: a browser percent-encodes what it sends) sends the
//! user home rather than answering 500 "nothing was saved" to a sign-in that
//! did start a session (review of issue 22).

use rocket::http::{ContentType, Status};

use crate::support::helpers::TestApp;
use crate::support::http::{PASSWORD, form, login_token};
use crate::support::pages_http::location;

#[tokio::test]
async fn a_next_target_that_is_no_uri_goes_home() {
    let app = TestApp::spawn().await;
    app.user("clerk", "clerk").await;
    let browser = app.client().await;
    let token = login_token(&browser).await;

    let answer = browser
        .post("/login")
        .header(ContentType::Form)
        .body(form(&[
            ("username", "clerk"),
            ("password", PASSWORD),
            ("csrf_token", &token),
            ("next", "/orders/\"><img src=x>"),
        ]))
        .dispatch()
        .await;

    assert_eq!(answer.status(), Status::SeeOther);
    assert_eq!(location(&answer), "/");
}
