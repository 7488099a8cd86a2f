//! "Processing…": a page the user's change has not reached yet reloads
//! itself a bounded number of times (`attempt=`, at most
//! `await_change::MAX_ATTEMPTS`), then stops and offers a plain reload link.

use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::pages_http::{get, location, post, staff_client};

/// The URL a `<meta http-equiv="refresh">` sends the browser to, if the page has one.
fn meta_refresh(page: &str) -> Option<String> {
    let meta = page.split(r#"<meta http-equiv="refresh""#).nth(1)?;
    let url = meta.split("url=").nth(1)?.split('"').next()?;
    Some(unescape(url))
}

/// The `href` of the "Reload" link, if the page has one.
fn reload_link(page: &str) -> Option<String> {
    let before = page
        .split(">Reload</a>")
        .next()
        .filter(|b| b.len() < page.len())?;
    let href = before.rsplit(r#"<a href=""#).next()?.split('"').next()?;
    Some(unescape(href))
}

fn unescape(url: &str) -> String {
    url.replace("&#38;", "&").replace("&amp;", "&")
}

#[tokio::test]
async fn processing_reloads_a_bounded_number_of_times_then_offers_a_reload_link() {
    let app = TestApp::spawn().await;
    // The pages' client runs no maintainer: the change never reaches the
    // read model until the test refreshes it.
    let client = staff_client(&app).await;
    let created = post(
        &client,
        "/products",
        &[
            ("sku", "TEE-1"),
            ("name", "Blue Tee"),
            ("description", ""),
            ("price", "19.99"),
            ("active", "true"),
        ],
    )
    .await;
    assert_eq!(created.status(), Status::SeeOther);
    let mut url = location(&created);
    let path = url.split('?').next().unwrap_or_default().to_owned();

    let mut reloads = 0;
    let last = loop {
        let (status, page) = get(&client, &url).await;
        assert_eq!(status, Status::Ok, "{url}");
        assert!(page.contains("Processing…"), "{url}: {page}");
        match meta_refresh(&page) {
            Some(next) => {
                reloads += 1;
                assert!(
                    next.starts_with(&format!("{path}?after="))
                        && next.ends_with(&format!("&attempt={reloads}")),
                    "reload {reloads} goes to {next}"
                );
                assert!(
                    reload_link(&page).is_none(),
                    "no link while it reloads itself"
                );
                assert!(reloads <= 50, "the page never stops reloading");
                url = next;
            }
            None => break page,
        }
    };

    assert_eq!(reloads, 20, "MAX_ATTEMPTS reloads, then it stops");
    let link = reload_link(&last).expect("a plain Reload link once it stops");
    assert!(
        link.starts_with(&format!("{path}?after=")) && link.ends_with("&attempt=21"),
        "{link}"
    );
    assert!(last.contains("taking longer than usual"), "{last}");

    // A hand-made attempt beyond the bound stops at once; and once the read
    // model catches up the link shows the product.
    let beyond = url.replace("&attempt=20", "&attempt=500");
    let (_, page) = get(&client, &beyond).await;
    assert!(
        meta_refresh(&page).is_none() && reload_link(&page).is_some(),
        "{page}"
    );
    app.refresh().await;
    let (status, shown) = get(&client, &link).await;
    assert_eq!(status, Status::Ok);
    assert!(!shown.contains("Processing"), "{shown}");
    assert!(shown.contains("<dt>Price</dt><dd>$19.99</dd>"), "{shown}");
}

/// Only the user's own change is waited for: the redirect signs its event id
/// with the session. An id typed by hand (`?after=999999999`), a forged or
/// another session's signature renders the page at once, with the read model
/// behind and no maintainer: no "Processing…", no reload, no held connection.
#[tokio::test]
async fn an_unsigned_or_forged_after_renders_at_once_and_the_signed_one_waits() {
    let app = TestApp::spawn().await;
    let id = app.product("TEE-1", "19.99", 0).await;
    app.refresh().await;
    let client = staff_client(&app).await;
    let (other, _) = app.signed_in("admin").await;
    let path = format!("/products/{id}");

    // The read model is now behind this receipt (no maintainer runs).
    let received = post(
        &client,
        &format!("{path}/stock/receive"),
        &[("quantity", "5"), ("note", "")],
    )
    .await;
    assert_eq!(received.status(), Status::SeeOther);
    let signed = location(&received);
    let event_id = signed
        .split("after=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap_or_default()
        .to_owned();
    assert!(signed.contains("&sig="), "the redirect is signed: {signed}");
    let query = signed.split('?').nth(1).unwrap_or_default();

    let (_, own) = get(&client, &signed).await;
    assert!(
        own.contains("Processing…"),
        "the user's own change is awaited: {own}"
    );

    let tampered = signed.replace("&sig=", "&sig=0");
    let zeros = format!("{path}?after={event_id}&sig={}", "0".repeat(32));
    for url in [
        format!("{path}?after=999999999"),
        format!("{path}?after={event_id}"),
        format!("{path}?after={event_id}&attempt=3"),
        zeros,
        tampered,
        format!(
            "{path}?after=999999999&sig={}",
            signed.rsplit("sig=").next().unwrap_or("")
        ),
    ] {
        let (status, page) = get(&client, &url).await;
        assert_eq!(status, Status::Ok, "{url}");
        assert!(
            page.contains("<dt>Price</dt><dd>$19.99</dd>")
                && !page.contains("Processing")
                && !page.contains(r#"http-equiv="refresh""#),
            "{url} renders at once: {page}"
        );
    }

    // Another session's browser given this user's link waits for nothing.
    let (status, page) = get(&other, &format!("{path}?{query}")).await;
    assert_eq!(status, Status::Ok);
    assert!(!page.contains("Processing"), "{page}");
}
