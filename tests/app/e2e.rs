//! The browser end-to-end test: a clerk drives headless Chromium through the
//! real server (read-model maintainer on) from sign-in to a shipped order, the
//! dashboard, the orders list and its CSV export. Screenshots land in
//! `target/e2e/`.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use fantoccini::{Client, Locator};
use futures_util::FutureExt;

use crate::e2e_support::{
    Driver, Server, browser, fetch_text, fill, follow, press, profile_dir, screenshot, wait_for,
};
use crate::helpers::TestApp;
use crate::http::PASSWORD;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_clerk_places_pays_ships_and_exports_an_order_in_a_browser() {
    let started = Instant::now();
    let app = TestApp::spawn().await;
    app.user("clara", "clerk").await;
    app.product("TEE", "19.90", 20).await;
    app.product("MUG", "7.50", 10).await;
    app.product("CAP", "12.00", 5).await;
    app.refresh().await;

    let server = Server::start(&app).await;
    let driver = Driver::start().await;
    let client = browser(&driver).await;

    let outcome = AssertUnwindSafe(scenario(&client, &server.base))
        .catch_unwind()
        .await;

    // Clean up whatever happened: the session, the server, then chromedriver (on drop).
    let _ = client.close().await;
    server.stop().await;
    drop(driver);
    let _ = std::fs::remove_dir_all(profile_dir());
    match outcome {
        Ok(id) => eprintln!(
            "e2e: order #{id} placed, paid, shipped and exported in {:.1} s",
            started.elapsed().as_secs_f64()
        ),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// The clerk's visit; returns the order's id.
async fn scenario(c: &Client, base: &str) -> i64 {
    sign_in(c, base).await;
    enter_order(c).await;
    let id = place_order(c).await;
    pay_and_ship(c).await;
    dashboard(c, id).await;
    list_and_export(c, id).await;
    id
}

async fn sign_in(c: &Client, base: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "Username", "clara").await;
    fill(c, "Password", PASSWORD).await;
    press(c, "Sign in").await;
    wait_for(
        c,
        "//*[contains(normalize-space(), 'Signed in as clara')]",
        "the signed-in header",
    )
    .await;
}

/// New order: register the customer inline, fill two lines and the address.
async fn enter_order(c: &Client) {
    follow(c, "New order").await;
    wait_for(c, "//h1[normalize-space()='New order']", "the order form").await;
    c.find(Locator::XPath(
        "//summary[normalize-space()='Register a new customer']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    fill(c, "Name", "Grace Hopper").await;
    fill(c, "Email", "grace@example.com").await;
    press(c, "Register and select").await;
    wait_for(
        c,
        "//p[contains(normalize-space(), 'Ordering for') and strong[normalize-space()='Grace Hopper']]",
        "the registered customer selected",
    )
    .await;

    // Two lines and the address; update the totals to see what will be placed.
    fill(c, "Line 1 SKU", "TEE").await;
    fill(c, "Line 1 quantity", "2").await;
    fill(c, "Line 2 SKU", "mug").await;
    fill(c, "Line 2 quantity", "3").await;
    fill(c, "Shipping address", "1 Navy Way\nArlington").await;
    press(c, "Update totals").await;
    // 2 × 19.90 + 3 × 7.50
    wait_for(
        c,
        "//td[@id='order-total' and normalize-space()='62.30']",
        "the order total",
    )
    .await;
    screenshot(c, "order-form.png").await;
}

/// Place it: the page it lands on already shows the order (the server waits,
/// bounded, for the maintainer to apply the user's own change), never
/// "Processing…"; returns its id.
async fn place_order(c: &Client) -> i64 {
    press(c, "Place order").await;
    let landed = wait_for(
        c,
        "//h2[normalize-space()='Processing…' or normalize-space()='Lines']",
        "the processing note or the order's lines",
    )
    .await;
    let shown = landed.text().await.unwrap();
    assert_eq!(
        shown, "Lines",
        "the placed order shows at once, without Processing…"
    );
    let url = c.current_url().await.unwrap();
    let id: i64 = url
        .path()
        .strip_prefix("/orders/")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("placing redirects to the order page, not {url}"));
    for (sku, quantity, total) in [("TEE", "2", "39.80"), ("MUG", "3", "22.50")] {
        let row = format!(
            "//tr[td[normalize-space()='{sku}'] and td[normalize-space()='{quantity}'] \
             and td[normalize-space()='{total}']]"
        );
        wait_for(c, &row, &format!("the {sku} line")).await;
    }
    wait_for(
        c,
        "//tfoot//strong[normalize-space()='62.30']",
        "the order total",
    )
    .await;
    status_is(c, "placed").await;
    id
}

/// Pay, then ship (each button appears once the read model shows the step before).
async fn pay_and_ship(c: &Client) {
    press(c, "Mark paid").await;
    wait_for(c, "//button[normalize-space()='Ship']", "the Ship button").await;
    status_is(c, "paid").await;
    press(c, "Ship").await;
    status_is(c, "shipped").await;
}

/// The dashboard's recent orders.
async fn dashboard(c: &Client, id: i64) {
    follow(c, "Dashboard").await;
    let recent = format!(
        "//section[h2[normalize-space()='Recent orders']]//tr[td/a[normalize-space()='#{id}'] \
         and td/span[normalize-space()='shipped']]"
    );
    wait_for(c, &recent, "the order among recent orders").await;
    screenshot(c, "dashboard.png").await;
}

/// The orders list and its CSV export, fetched with the session.
async fn list_and_export(c: &Client, id: i64) {
    follow(c, "Orders").await;
    wait_for(
        c,
        &format!("//table[@class='orders']//a[normalize-space()='#{id}']"),
        "the order in the list",
    )
    .await;
    let href = c
        .find(Locator::LinkText("Export CSV"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .expect("the export link has an href");
    let csv = fetch_text(c, &href).await;
    assert!(csv.starts_with("order,placed_at_utc,"), "{csv}");
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("{id},")))
        .unwrap_or_else(|| panic!("order {id} in the CSV: {csv}"));
    assert!(
        line.contains("Grace Hopper")
            && line.contains("grace@example.com")
            && line.ends_with(",shipped,5,62.30"),
        "{line}"
    );
}

/// Waits until the order page shows `status`.
async fn status_is(c: &Client, status: &str) {
    let xpath = format!("//dd/span[contains(@class, 'status') and normalize-space()='{status}']");
    wait_for(c, &xpath, &format!("status {status}")).await;
}
