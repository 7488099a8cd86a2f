//! HTTP caching where it is safe: the ETags and 304s of the dashboard, the
//! lists and the detail pages; a new tag whenever what a page shows may
//! have changed, a repair and a rebuild included.

use orderdesk::read_models::{catalog, rebuild, verify};
use rocket::http::{Header, Status};
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;

async fn etag_of(client: &Client) -> String {
    etag_at(client, "/").await
}

async fn etag_at(client: &Client, path: &str) -> String {
    let res = client.get(path.to_owned()).dispatch().await;
    assert_eq!(res.status(), Status::Ok, "{path}");
    assert_eq!(
        res.headers().get_one("Cache-Control"),
        Some("private, no-cache"),
        "kept by the browser only, revalidated on every use"
    );
    res.headers().get_one("ETag").expect("an ETag").to_owned()
}

async fn revalidate(client: &Client, etag: &str) -> (Status, String) {
    revalidate_at(client, "/", etag).await
}

async fn revalidate_at(client: &Client, path: &str, etag: &str) -> (Status, String) {
    let res = client
        .get(path.to_owned())
        .header(Header::new("If-None-Match", etag.to_owned()))
        .dispatch()
        .await;
    (res.status(), res.into_string().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_answers_304_until_its_data_changes() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 50).await;
    app.refresh().await;
    let (clerk, _) = app.signed_in("clerk").await;
    let (admin, _) = app.signed_in("admin").await;

    let tag = etag_of(&clerk).await;
    assert_eq!(etag_of(&clerk).await, tag, "the same data, the same tag");
    let (status, body) = revalidate(&clerk, &tag).await;
    assert_eq!((status, body.as_str()), (Status::NotModified, ""));
    assert_eq!(revalidate(&clerk, "\"something-else\"").await.0, Status::Ok);

    // Another user (and session) never gets this user's copy.
    let other = etag_of(&admin).await;
    assert_ne!(other, tag);
    assert_eq!(revalidate(&admin, &tag).await.0, Status::Ok);

    // A committed change that is not yet in the models shows as pending: new page.
    app.place(ada, &[("TEE", 1)]).await.unwrap();
    let (status, body) = revalidate(&clerk, &tag).await;
    assert_eq!(status, Status::Ok);
    assert!(body.contains("1 change pending"), "{body}");
    let pending = etag_of(&clerk).await;
    // Once the models have it, the page changes again.
    app.refresh().await;
    let (status, body) = revalidate(&clerk, &pending).await;
    assert_eq!(status, Status::Ok);
    assert!(body.contains("/orders/1\""), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_and_detail_pages_answer_304_until_their_data_changes() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10.00", 50).await;
    let order = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    app.refresh().await;
    // Over HTTPS: pages with customers' data are kept only there (see
    // personal_pages_are_not_stored_over_plain_http).
    let https = [("secure_cookies", true)];
    let (clerk, _) = app.signed_in_with("clerk", &https).await;
    let (admin, _) = app.signed_in_with("admin", &https).await;
    let paths = [
        "/products".to_owned(),
        "/customers".to_owned(),
        format!("/products/{tee}"),
        format!("/customers/{ada}"),
        format!("/orders/{order}"),
    ];

    let mut tags = Vec::new();
    for path in &paths {
        let tag = etag_at(&clerk, path).await;
        assert_eq!(
            etag_at(&clerk, path).await,
            tag,
            "{path}: same data, same tag"
        );
        let (status, body) = revalidate_at(&clerk, path, &tag).await;
        assert_eq!((status, body.as_str()), (Status::NotModified, ""), "{path}");
        assert_eq!(
            revalidate_at(&admin, path, &tag).await.0,
            Status::Ok,
            "{path}: another user"
        );
        tags.push(tag);
    }

    // Ada's second order: stock, her figures and the order model all move.
    app.place(ada, &[("TEE", 2)]).await.unwrap();
    for (path, tag) in paths.iter().zip(&tags) {
        let (status, body) = revalidate_at(&clerk, path, tag).await;
        assert_eq!(status, Status::Ok, "{path}: a change is pending");
        assert!(
            body.contains("change pending") || body.contains("changes pending"),
            "{path}: {body}"
        );
    }
    app.refresh().await;
    for (path, tag) in paths.iter().zip(&tags) {
        assert_eq!(
            revalidate_at(&clerk, path, tag).await.0,
            Status::Ok,
            "{path}: caught up"
        );
    }
    let (_, product) = revalidate_at(&clerk, &paths[2], &tags[2]).await;
    assert!(product.contains("up to date"), "{product}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_orders_list_is_never_kept_as_its_bulk_form_key_is_used_once() {
    let app = TestApp::spawn().await;
    app.refresh().await;
    let (clerk, _) = app.signed_in("clerk").await;
    let res = clerk.get("/orders").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.headers().get_one("ETag"), None);
    assert_eq!(res.headers().get_one("Cache-Control"), Some("no-store"));
}

/// The generation pages' ETags hold, as `read.page_freshness` answers it.
async fn generation(app: &TestApp, model: &str) -> i64 {
    app.scalar(&format!(
        "SELECT generation FROM read.page_freshness('{model}', '{{}}'::text[])"
    ))
    .await
}

/// A repair or a rebuild rewrites a live model without a maintainer batch:
/// its generation moves all the same, so a page kept from before (here one
/// showing the drifted figure) is never answered 304.
#[tokio::test(flavor = "multi_thread")]
async fn a_repair_or_a_rebuild_gives_the_models_pages_a_new_tag() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10.00", 50).await;
    app.refresh().await;
    let (clerk, _) = app.signed_in("clerk").await;
    let model = catalog::find("inventory_status").unwrap();
    let path = format!("/products/{tee}");
    let drift = "UPDATE read.inventory_status SET on_hand = 7777 WHERE sku = 'TEE'";

    app.exec(drift).await;
    let shown = clerk.get(path.clone()).dispatch().await.into_string().await;
    assert!(
        shown.unwrap_or_default().contains("7777"),
        "the drifted figure shows"
    );
    let (before, unrelated) = (
        generation(&app, "inventory_status").await,
        generation(&app, "customer_stats").await,
    );
    let drifted = etag_at(&clerk, &path).await;
    let repaired = verify::verify(&mut *app.conn().await, &[model], true)
        .await
        .unwrap();
    assert!(repaired.iter().any(|d| d.repaired), "{repaired:?}");
    assert_eq!(generation(&app, "inventory_status").await, before + 1);
    assert_eq!(
        generation(&app, "customer_stats").await,
        unrelated,
        "not repaired, not moved"
    );
    let (status, body) = revalidate_at(&clerk, &path, &drifted).await;
    assert_eq!(status, Status::Ok);
    assert!(!body.contains("7777") && !body.contains("7,777"), "{body}");

    app.exec(drift).await;
    let drifted = etag_at(&clerk, &path).await;
    rebuild::rebuild(&mut *app.conn().await, &[model], &mut |_| {})
        .await
        .unwrap();
    assert_eq!(generation(&app, "inventory_status").await, before + 2);
    let (status, body) = revalidate_at(&clerk, &path, &drifted).await;
    assert_eq!(status, Status::Ok);
    assert!(!body.contains("7777") && !body.contains("7,777"), "{body}");

    // A batch moves the generation of the models whose rows it changed.
    app.place(ada, &[("TEE", 1)]).await.unwrap();
    app.catch_up().await;
    assert_eq!(generation(&app, "inventory_status").await, before + 3);
    assert_eq!(generation(&app, "customer_stats").await, unrelated + 1);
}

#[tokio::test]
async fn personal_pages_are_not_stored_over_plain_http() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10.00", 50).await;
    let order = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    app.refresh().await;
    let (clerk, _) = app.signed_in("clerk").await;

    for path in [
        "/customers".to_owned(),
        format!("/customers/{ada}"),
        format!("/orders/{order}"),
    ] {
        let res = clerk.get(path.clone()).dispatch().await;
        assert_eq!(res.status(), Status::Ok, "{path}");
        assert_eq!(
            res.headers().get_one("Cache-Control"),
            Some("no-store"),
            "{path}"
        );
        assert_eq!(res.headers().get_one("ETag"), None, "{path}");
    }
    // Products and the dashboard show no customer's data: kept, revalidated.
    for path in [
        "/".to_owned(),
        "/products".to_owned(),
        format!("/products/{tee}"),
    ] {
        etag_at(&clerk, &path).await;
    }
}

#[tokio::test]
async fn over_https_the_end_of_a_session_clears_the_browsers_cache() {
    let app = TestApp::spawn().await;
    let https = [("secure_cookies", true)];
    let (clerk, _) = app.signed_in_with("clerk", &https).await;
    let (other, _) = app.signed_in_with("admin", &https).await;
    let csrf = crate::support::http::session_csrf(&clerk).await;
    let open = clerk.get("/products").dispatch().await;
    assert_eq!(
        open.headers().get_one("Clear-Site-Data"),
        None,
        "a live session"
    );
    drop(open);

    let out = crate::support::http::post(&clerk, "/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(out.status(), Status::SeeOther);
    assert_eq!(out.headers().get_one("Clear-Site-Data"), Some("\"cache\""));
    drop(out);

    // A session ended elsewhere (deleted, as a deactivation does): the next
    // request from its browser says so too.
    app.exec("DELETE FROM sessions").await;
    let after = other.get("/products").dispatch().await;
    assert_eq!(after.status(), Status::SeeOther, "sent to sign in");
    assert_eq!(
        after.headers().get_one("Clear-Site-Data"),
        Some("\"cache\"")
    );
}
