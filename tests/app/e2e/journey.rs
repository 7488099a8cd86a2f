//! The browser end-to-end test: a clerk drives headless Chromium through the
//! real server (read-model maintainer on): registers a customer from the order
//! form, enters an order only by typing names and picking from the
//! type-ahead, pays and ships it, finds it on the dashboard,
//! in the list and the CSV; bulk-marks three orders paid and ships two; prints
//! a pick list; then enters an order again with JavaScript off. Every page is
//! checked with axe-core and for sideways scroll at 1280 and 390 px
//! (`checks.rs`). Screenshots land in `target/e2e/`.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use futures_util::FutureExt;
use orderdesk::commands::register_customer::{self};

use crate::e2e::checks::{check_page, phone_menu_opens};
use crate::e2e::flows::{Shop, bulk_pay_and_ship, enter_order_without_javascript, pick_list};
use crate::support::e2e_support::{
    Driver, Server, browser, fetch_text, field, fill, follow, press, profile_dir, screenshot,
    wait_for,
};
use crate::support::helpers::{TestApp, ctx};
use crate::support::http::PASSWORD;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_clerk_enters_ships_bulk_processes_and_prints_orders_in_a_browser() {
    let started = Instant::now();
    let app = TestApp::spawn().await;
    let shop = Shop::arrange(&app).await;

    let server = Server::start(&app).await;
    let driver = Driver::start().await;
    let client = browser(&driver, "js", true).await;
    let no_js = browser(&driver, "nojs", false).await;

    let outcome = AssertUnwindSafe(scenario(&client, &no_js, &server.base, &shop))
        .catch_unwind()
        .await;

    // Clean up whatever happened: the sessions, the server, then chromedriver (on drop).
    let _ = client.close().await;
    let _ = no_js.close().await;
    server.stop().await;
    drop(driver);
    for name in ["js", "nojs"] {
        let _ = std::fs::remove_dir_all(profile_dir(name));
    }
    match outcome {
        Ok(id) => eprintln!(
            "e2e: order #{id} entered by type-ahead, shipped and exported; bulk, pick list, \
             no-JS entry and axe on every page in {:.1} s",
            started.elapsed().as_secs_f64()
        ),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// A customer registered through the real command, with a name to type.
pub async fn named_customer(app: &TestApp, name: &str, email: &str) -> i64 {
    let input = crate::support::inputs::customer(email, name, "");
    register_customer::register_customer(&mut *app.conn().await, input, &ctx())
        .await
        .unwrap()
        .id
}

/// The clerk's visit; returns the order's id.
async fn scenario(c: &Client, no_js: &Client, base: &str, shop: &Shop) -> i64 {
    let mut problems = Vec::new();
    c.goto(&format!("{base}/login")).await.unwrap();
    problems.extend(check_page(c, "login").await);
    sign_in(c, base).await;
    phone_menu_opens(c).await;
    let grace = enter_order_by_typing(c).await;
    problems.extend(check_page(c, "order-form").await);
    let id = place_order(c).await;
    pay_and_ship(c).await;
    dashboard(c, id).await;
    list_and_export(c, id).await;
    problems.extend(bulk_pay_and_ship(c, base, shop).await);
    problems.extend(pick_list(c, base).await);
    for (name, path) in shop.pages(id, grace) {
        c.goto(&format!("{base}{path}")).await.unwrap();
        problems.extend(check_page(c, &name).await);
    }
    sign_in(no_js, base).await;
    enter_order_without_javascript(no_js).await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    id
}

pub async fn sign_in(c: &Client, base: &str) {
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

/// Types into the focused control, then waits for the type-ahead's option containing `pick`.
pub async fn type_and_pick(c: &Client, text: &str, pick: &str) {
    c.active_element()
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
    let option = format!(
        "//ul[@id='lookup-list']/li[@role='option' and contains(normalize-space(), '{pick}')]"
    );
    wait_for(c, &option, &format!("the suggestion {pick:?}")).await;
    screenshot(c, &format!("type-ahead-{text}.png")).await;
    let active = c.active_element().await.unwrap();
    // The first suggestion is the one: Enter picks it (arrow keys choose others).
    active.send_keys(&Key::Down.to_string()).await.unwrap();
    active.send_keys(&Key::Enter.to_string()).await.unwrap();
}

/// New order: a new customer registered from the form itself, then by
/// keyboard only, customer and products by name from the type-ahead;
/// returns the new customer's id.
async fn enter_order_by_typing(c: &Client) -> i64 {
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
        "//*[contains(normalize-space(), 'Grace Hopper registered and selected')]",
        "the inline registration",
    )
    .await;
    let grace = field(c, "Customer number")
        .await
        .prop("value")
        .await
        .unwrap()
        .and_then(|v| v.parse::<i64>().ok())
        .expect("the registered customer is selected by number");
    let more = c
        .find(Locator::XPath("//button[@value='more_lines']"))
        .await
        .unwrap();
    assert!(
        !more.is_displayed().await.unwrap(),
        "'More lines' hides when the script adds lines"
    );
    wait_for(
        c,
        "//button[normalize-space()='Add a line']",
        "the script's Add a line",
    )
    .await;
    field(c, "Find by name, email or number")
        .await
        .click()
        .await
        .unwrap();
    type_and_pick(c, "grace", "Grace Hopper").await;
    wait_for(
        c,
        "//p[@id='customer-chosen' and contains(normalize-space(), 'Ordering for') and strong[normalize-space()='Grace Hopper']]",
        "the picked customer",
    )
    .await;

    field(c, "Line 1 product").await.click().await.unwrap();
    type_and_pick(c, "shirt", "Tee shirt").await;
    // Picking moves to the quantity, "1" selected: typing replaces it; Enter goes to the next line.
    let quantity = c.active_element().await.unwrap();
    assert_eq!(
        quantity.attr("name").await.unwrap().as_deref(),
        Some("lines[0].quantity")
    );
    quantity
        .send_keys(&format!("2{}", Key::Enter))
        .await
        .unwrap();
    type_and_pick(c, "mug", "Coffee mug").await;
    c.active_element()
        .await
        .unwrap()
        .send_keys(&format!("3{}", Key::Enter))
        .await
        .unwrap();
    let next = c.active_element().await.unwrap();
    assert_eq!(
        next.attr("name").await.unwrap().as_deref(),
        Some("lines[2].sku")
    );
    fill(c, "Recipient", "Grace Hopper").await;
    fill(c, "Address line 1", "1 Navy Way").await;
    fill(c, "Town or city", "Arlington").await;
    fill(c, "Region, state or county (optional)", "VA").await;
    fill(c, "Postal code (optional)", "22202").await;
    fill(c, "Country (code or name)", "US").await;
    // A new customer's first address, kept in their book for next time.
    field(c, "Save this address in the customer’s address book")
        .await
        .click()
        .await
        .unwrap();
    // 2 × 19.90 + 3 × 7.50, computed in the page as typed.
    wait_for(
        c,
        "//td[@id='grand-total' and normalize-space()='$62.30']",
        "the order total",
    )
    .await;
    screenshot(c, "order-form.png").await;
    grace
}

/// Place it: the page it lands on already shows the order (the server waits,
/// bounded, for the maintainer to apply the user's own change), never
/// "Processing…"; returns its id.
async fn place_order(c: &Client) -> i64 {
    press(c, "Place order").await;
    // The order form has a "Lines" heading too: wait until the browser is on
    // the order's own page before looking at what it shows.
    let mut id = None;
    for _ in 0..150 {
        let url = c.current_url().await.unwrap();
        id = url
            .path()
            .strip_prefix("/orders/")
            .and_then(|s| s.parse::<i64>().ok());
        if id.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let id = id.expect("placing redirects to the order page");
    wait_for(c, "//h2[normalize-space()='Lines']", "the order's lines").await;
    // A "Processing…" page never has the Lines heading, but reloads itself
    // (`attempt=1`, 2, …) until the order shows: reaching the lines on the
    // redirect's own URL is what proves the order showed at once.
    let url = c.current_url().await.unwrap();
    assert!(
        url.query().is_some_and(|q| q.contains("after=")) && !url.as_str().contains("attempt="),
        "the placed order shows at once, without Processing…: {url}"
    );
    for (sku, quantity, total) in [("TEE", "2", "$39.80"), ("MUG", "3", "$22.50")] {
        let row = format!(
            "//tr[td[normalize-space()='{sku}'] and td[normalize-space()='{quantity}'] \
             and td[normalize-space()='{total}']]"
        );
        wait_for(c, &row, &format!("the {sku} line")).await;
    }
    wait_for(
        c,
        "//tfoot//strong[normalize-space()='$62.30']",
        "the order total",
    )
    .await;
    status_is(c, "Unfulfilled").await;
    id
}

/// Pay, then ship (each button appears once the read model shows the step before).
async fn pay_and_ship(c: &Client) {
    press(c, "Mark paid").await;
    wait_for(c, "//button[normalize-space()='Ship']", "the Ship button").await;
    // Paid and still unfulfilled: the two states apart.
    status_is(c, "Paid").await;
    status_is(c, "Unfulfilled").await;
    press(c, "Ship").await;
    status_is(c, "Shipped").await;
}

/// The dashboard's recent orders.
async fn dashboard(c: &Client, id: i64) {
    follow(c, "Dashboard").await;
    let recent = format!(
        "//section[h2[normalize-space()='Recent orders']]//tr[td/a[normalize-space()='#{id}'] \
         and td/span[normalize-space()='Shipped'] and td/span[normalize-space()='Paid']]"
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
    assert!(
        csv.starts_with(
            "order,placed_at_utc,customer,email,fulfilment_status,payment_status,items,total_USD,\
             ship_name,ship_company,\
             ship_line1,ship_line2,ship_city,ship_region,ship_postal_code,ship_country,ship_phone,\
             net_sales_USD,tax_USD,shipping_USD,discounts_USD\n"
        ),
        "{csv}"
    );
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("{id},")))
        .unwrap_or_else(|| panic!("order {id} in the CSV: {csv}"));
    assert!(
        line.contains("Grace Hopper")
            && line.contains("grace@example.com")
            && line.ends_with(
                ",shipped,paid,5,62.30,Grace Hopper,,1 Navy Way,,Arlington,VA,22202,US,,62.30,0.00,0.00,0.00"
            ),
        "{line}"
    );
}

/// Waits until the order page shows `status` (a fulfilment or payment state's label).
pub async fn status_is(c: &Client, status: &str) {
    let xpath = format!("//dd/span[contains(@class, 'status') and normalize-space()='{status}']");
    wait_for(c, &xpath, &format!("status {status}")).await;
}
