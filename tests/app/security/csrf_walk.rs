//! Every POST route, walked: without the session's CSRF token or with a wrong
//! one it is refused (403) and writes nothing; a viewer with the right token
//! is refused too, with the reason; and no GET route changes anything, even
//! for an admin. The routes come from the app itself, so a new route is
//! walked the day it is mounted.

use rocket::http::{ContentType, Method, Status};
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;
use crate::support::http::{form, session_csrf};

/// Every write table this walk could touch: counts and version sums.
async fn fingerprint(app: &TestApp) -> Vec<i64> {
    let mut out = app.snapshot().await;
    for sql in [
        "SELECT count(*) FROM staff_users",
        "SELECT coalesce(sum(version), 0) FROM staff_users",
        "SELECT count(*) FROM sessions",
        "SELECT count(*) FROM bulk_submissions",
        "SELECT count(*) FROM read_model_batches",
    ] {
        out.push(app.scalar(sql).await);
    }
    out
}

/// The app's routes with `method`, made concrete with real ids: the order,
/// product and customer `ids` name, the `user` for `/users/<id>…`.
fn routes(client: &Client, method: Method, ids: [i64; 4]) -> Vec<String> {
    let [order, product, customer, user] = ids;
    let mut paths: Vec<String> = client
        .rocket()
        .routes()
        .filter(|r| r.method == method)
        .filter(|r| !r.name.as_deref().is_some_and(|n| n.starts_with("paused_")))
        .map(|r| r.uri.path().to_string())
        .filter(|p| !p.starts_with("/static/") && !p.contains(".."))
        .map(|path| {
            let id = match path.split('/').nth(1) {
                Some("orders") => order,
                Some("products") => product,
                Some("customers") => customer,
                _ => user,
            };
            path.replace("<id>", &id.to_string())
                .replace("<step>", "pay")
                .split('/')
                .map(|s| if s.starts_with('<') { "1" } else { s })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

async fn post(client: &Client, path: &str, token: Option<&str>) -> (Status, String) {
    let mut pairs = vec![("quantity", "1"), ("reason", "walk"), ("role", "admin")];
    if let Some(token) = token {
        pairs.push(("csrf_token", token));
    }
    let response = client
        .post(path.to_owned())
        .header(ContentType::Form)
        .body(form(&pairs))
        .dispatch()
        .await;
    (
        response.status(),
        response.into_string().await.unwrap_or_default(),
    )
}

async fn shop(app: &TestApp) -> [i64; 4] {
    let customer = app.customer("ada@example.com").await;
    let product = app.product("TEE", "10.00", 5).await;
    let order = app.place(customer, &[("TEE", 1)]).await.unwrap().id;
    let user = app.user("someone", "clerk").await;
    app.refresh().await;
    [order, product, customer, user]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_post_route_refuses_a_missing_or_wrong_token_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let ids = shop(&app).await;
    let (admin, _) = app.signed_in("admin").await;
    let wrong = "0".repeat(64);
    let before = fingerprint(&app).await;
    let posts = routes(&admin, Method::Post, ids);
    assert!(posts.len() >= 15, "{posts:?}");

    for path in posts.iter().filter(|p| *p != "/login") {
        for token in [None, Some(wrong.as_str())] {
            let (status, body) = post(&admin, path, token).await;
            assert_eq!(status, Status::Forbidden, "{path} with {token:?}: {body}");
            assert!(
                body.contains("did not come from OrderDesk"),
                "{path}: {body}"
            );
            assert_eq!(fingerprint(&app).await, before, "{path} with {token:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_viewer_with_the_right_token_is_refused_every_post_with_the_reason() {
    let app = TestApp::spawn().await;
    let ids = shop(&app).await;
    let (viewer, _) = app.signed_in("viewer").await;
    let csrf = session_csrf(&viewer).await;
    let before = fingerprint(&app).await;

    // Sign-in, sign-out and changing one's own password (tested in
    // auth::own_password: it needs the current password) are everyone's; the
    // rest is for clerks or admins.
    for path in routes(&viewer, Method::Post, ids)
        .iter()
        .filter(|p| !["/login", "/logout", "/account/password"].contains(&p.as_str()))
    {
        let (status, body) = post(&viewer, path, Some(&csrf)).await;
        assert_eq!(status, Status::Forbidden, "{path}: {body}");
        assert!(
            body.contains("Your role (viewer) may not"),
            "{path}: {body}"
        );
        assert_eq!(fingerprint(&app).await, before, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_get_route_changes_anything_even_for_an_admin() {
    let app = TestApp::spawn().await;
    let ids = shop(&app).await;
    let (admin, _) = app.signed_in("admin").await;
    let before = fingerprint(&app).await;

    for path in routes(&admin, Method::Get, ids) {
        let status = admin.get(path.clone()).dispatch().await.status();
        assert_ne!(status, Status::InternalServerError, "{path}");
        assert_eq!(fingerprint(&app).await, before, "{path}");
    }
}
