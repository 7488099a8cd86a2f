//! The browser test of editing an order: with JavaScript on, a clerk types a
//! new quantity and adds a product picked from the type-ahead by keyboard,
//! the live totals showing the new total (the old one beside it) before
//! "Save changes"; with JavaScript off, finds a product and presses its
//! "Add", removes a line with quantity 0 and presses "Update totals" before
//! saving. Each save is checked on the order's page (once the read side shows
//! it) and in the database; axe and the 390 px check run on the edit form in
//! both states.

use std::panic::AssertUnwindSafe;

use fantoccini::Client;
use futures_util::FutureExt;
use serde_json::json;

use crate::e2e::checks::{check_page, check_page_without_script};
use crate::e2e::journey::{named_customer, sign_in, type_and_pick};
use crate::read_side::lookup::named_product;
use crate::support::e2e_support::{
    Driver, Server, browser, field, fill, press, profile_dir, wait_for,
};
use crate::support::helpers::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_clerk_edits_orders_by_typing_and_picking_with_and_without_javascript() {
    let app = TestApp::spawn().await;
    app.user("clara", "clerk").await;
    let alan = named_customer(&app, "Alan Turing", "alan@example.com").await;
    named_product(&app, "TEE", "Tee shirt", "19.90", 20, true).await;
    named_product(&app, "MUG", "Coffee mug", "7.50", 20, true).await;
    named_product(&app, "CAP", "Cap", "12.00", 20, true).await;
    // $19.90 + 2 × $7.50 = $34.90, and 2 × $19.90 + $7.50 = $47.30.
    let typed = app.place(alan, &[("TEE", 1), ("MUG", 2)]).await.unwrap().id;
    let found = app.place(alan, &[("TEE", 2), ("MUG", 1)]).await.unwrap().id;
    app.refresh().await;

    let server = Server::start(&app).await;
    let driver = Driver::start().await;
    let js = browser(&driver, "edit-js", true).await;
    let no_js = browser(&driver, "edit-nojs", false).await;
    let outcome = AssertUnwindSafe(scenario(&app, &js, &no_js, &server.base, typed, found))
        .catch_unwind()
        .await;

    let _ = js.close().await;
    let _ = no_js.close().await;
    server.stop().await;
    drop(driver);
    for name in ["edit-js", "edit-nojs"] {
        let _ = std::fs::remove_dir_all(profile_dir(name));
    }
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn scenario(app: &TestApp, js: &Client, no_js: &Client, base: &str, typed: i64, found: i64) {
    sign_in(js, base).await;
    let mut problems = edit_by_typing(js, base, typed).await;
    // MUG 2 → 3 typed, CAP × 2 picked: $19.90 + $22.50 + $24.00.
    let lines = [
        ("TEE", "1", "$19.90"),
        ("MUG", "3", "$22.50"),
        ("CAP", "2", "$24.00"),
    ];
    order_page_shows(js, typed, &lines, "$66.40").await;
    saved(
        app,
        typed,
        &[("CAP", 2), ("MUG", 3), ("TEE", 1)],
        (3490, 6640),
    )
    .await;

    sign_in(no_js, base).await;
    problems.extend(edit_without_javascript(no_js, base, found).await);
    // MUG removed, CAP added and raised to 2: $39.80 + $24.00.
    order_page_shows(
        no_js,
        found,
        &[("TEE", "2", "$39.80"), ("CAP", "2", "$24.00")],
        "$63.80",
    )
    .await;
    saved(app, found, &[("CAP", 2), ("TEE", 2)], (4730, 6380)).await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Opens order `id`'s edit form and waits until it shows the order's grand total `now`
/// (beside the new one, which starts the same).
async fn open_edit_form(c: &Client, base: &str, id: i64, now: &str) {
    c.goto(&format!("{base}/orders/{id}/edit")).await.unwrap();
    wait_for(
        c,
        &format!("//h1[normalize-space()='Edit order #{id}']"),
        "the edit form",
    )
    .await;
    old_total_is(c, now).await;
    new_total_is(c, now).await;
}

/// The edit form's "Before this edit" shows the order's grand total as it stands.
async fn old_total_is(c: &Client, total: &str) {
    let xpath = format!(
        "//section[@id='totals-before']//dt[normalize-space()='Grand total now']\
         /following-sibling::dd[1][normalize-space()='{total}']"
    );
    wait_for(c, &xpath, &format!("the total before the edit, {total}")).await;
}

/// The edit form's totals panel (the new totals) shows `total`.
async fn new_total_is(c: &Client, total: &str) {
    let xpath = format!("//td[@id='grand-total' and normalize-space()='{total}']");
    wait_for(c, &xpath, &format!("the new grand total {total}")).await;
}

/// With JavaScript: MUG's quantity typed from 2 to 3, CAP picked from the
/// type-ahead on the first free line by keyboard, 2 of them; the live
/// preview shows the new total without the page reloading; then saved.
async fn edit_by_typing(c: &Client, base: &str, id: i64) -> Vec<String> {
    open_edit_form(c, base, id, "$34.90").await;
    wait_for(
        c,
        "//button[normalize-space()='Add a line']",
        "the script's Add a line",
    )
    .await;
    // Gone if the page reloads: the totals below must come from the live preview.
    c.execute("window.stillTheSamePage = true;", vec![])
        .await
        .unwrap();

    field(c, "Line 3 product").await.click().await.unwrap();
    type_and_pick(c, "cap", "Cap").await;
    // Picking fills the SKU and moves to the quantity, "1" selected: typing replaces it.
    let quantity = c.active_element().await.unwrap();
    assert_eq!(
        quantity.attr("name").await.unwrap().as_deref(),
        Some("lines[2].quantity")
    );
    quantity.send_keys("2").await.unwrap();
    let sku = field(c, "Line 3 product")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(sku.as_deref(), Some("CAP"), "the pick fills line 3's SKU");
    fill(c, "Line 2 quantity", "3").await;

    let cap_line = "//tr[td/input[@name='lines[2].sku']]\
                    /td[contains(@class, 'line-total') and normalize-space()='$24.00']";
    wait_for(c, cap_line, "CAP's line total, priced live").await;
    new_total_is(c, "$66.40").await;
    old_total_is(c, "$34.90").await;
    let same = c
        .execute("return window.stillTheSamePage === true;", vec![])
        .await
        .unwrap();
    assert_eq!(
        same,
        json!(true),
        "the new total shows without a round trip"
    );

    let problems = check_page(c, "order-edit-typed").await;
    press(c, "Save changes").await;
    problems
}

/// Without JavaScript: "Find products" for "cap", its "Add" (CAP × 1 on line
/// 3), CAP raised to 2 and MUG set to 0, "Update totals" for the new total,
/// then saved.
async fn edit_without_javascript(c: &Client, base: &str, id: i64) -> Vec<String> {
    open_edit_form(c, base, id, "$47.30").await;
    let more = wait_for(c, "//button[@value='more_lines']", "More lines").await;
    assert!(
        more.is_displayed().await.unwrap(),
        "'More lines' shows without script"
    );

    fill(c, "Find a product", "cap").await;
    press(c, "Find products").await;
    let add = "//button[@name='add_sku' and @value='CAP' and normalize-space()='Add']";
    wait_for(c, add, "the Add button of CAP")
        .await
        .click()
        .await
        .unwrap();
    wait_for(
        c,
        "//input[@name='lines[2].sku' and @value='CAP']",
        "CAP on line 3",
    )
    .await;
    wait_for(
        c,
        "//p[contains(@class, 'flash') and normalize-space()='Added CAP to line 3.']",
        "the added line's notice",
    )
    .await;
    // $39.80 + $7.50 + $12.00, re-priced by the server with the line added.
    new_total_is(c, "$59.30").await;
    let problems = check_page_without_script(c, "order-edit-no-js").await;

    fill(c, "Line 3 quantity", "2").await;
    fill(c, "Line 2 quantity", "0").await;
    press(c, "Update totals").await;
    new_total_is(c, "$63.80").await;
    old_total_is(c, "$47.30").await;
    press(c, "Save changes").await;
    problems
}

/// The order's page, once the read side shows the edit: exactly `lines`
/// (SKU, quantity, amount) and the grand total `total`.
async fn order_page_shows(c: &Client, id: i64, lines: &[(&str, &str, &str)], total: &str) {
    let table = "//table[@class='order-lines']";
    for (sku, quantity, amount) in lines {
        let row = format!(
            "{table}/tbody/tr[td[2][normalize-space()='{sku}'] \
             and td[4][normalize-space()='{quantity}'] and td[6][normalize-space()='{amount}']]"
        );
        wait_for(c, &row, &format!("order #{id}'s {sku} × {quantity}")).await;
    }
    let count = format!("{table}[count(tbody/tr) = {}]", lines.len());
    wait_for(
        c,
        &count,
        &format!("order #{id}'s {} lines, no more", lines.len()),
    )
    .await;
    let grand = format!("{table}/tfoot//strong[normalize-space()='{total}']");
    wait_for(c, &grand, &format!("order #{id}'s grand total {total}")).await;
    let path = c.current_url().await.unwrap().path().to_owned();
    assert_eq!(path, format!("/orders/{id}"), "saving returns to the order");
}

/// The database after the save: the order's lines (SKU, quantity, by SKU),
/// its grand total, and one `order_edited` event from the old total to the new.
async fn saved(app: &TestApp, id: i64, lines: &[(&str, i64)], (old, new): (i64, i64)) {
    let stored = app
        .json(&format!(
            "SELECT jsonb_agg(jsonb_build_array(p.sku, l.quantity) ORDER BY p.sku) \
             FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = {id}"
        ))
        .await;
    assert_eq!(stored, json!(lines), "order #{id}'s lines");
    let total = app
        .scalar(&format!(
            "SELECT grand_total_cents FROM orders WHERE id = {id}"
        ))
        .await;
    assert_eq!(total, new, "order #{id}'s grand total");
    let edits = app
        .json(&format!(
            "SELECT jsonb_agg(jsonb_build_array(payload->'old_total_cents', \
             payload->'new_total_cents') ORDER BY id) \
             FROM events WHERE aggregate_id = {id} AND event_type = 'order_edited'"
        ))
        .await;
    assert_eq!(
        edits,
        json!([[old, new]]),
        "order #{id}'s order_edited events"
    );
}
