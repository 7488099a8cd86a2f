//! HTTP caching where it is safe: the dashboard's ETag and 304s.

use rocket::http::{Header, Status};
use rocket::local::asynchronous::Client;

use crate::helpers::TestApp;

async fn etag_of(client: &Client) -> String {
    let res = client.get("/").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(
        res.headers().get_one("Cache-Control"),
        Some("private, no-cache"),
        "kept by the browser only, revalidated on every use"
    );
    res.headers().get_one("ETag").expect("an ETag").to_owned()
}

async fn revalidate(client: &Client, etag: &str) -> (Status, String) {
    let res = client
        .get("/")
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
