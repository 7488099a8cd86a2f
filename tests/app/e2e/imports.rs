//! The browser test of a CSV import: an admin uploads a small products file,
//! reads the preview (a create, an update with its old → new price), presses
//! Import, waits until it is done and finds the products on the list; axe and
//! the 390 px check run on `/imports`, the preview and a product page with its
//! stock ledger.

use std::panic::AssertUnwindSafe;

use fantoccini::{Client, Locator};
use futures_util::FutureExt;

use crate::e2e::checks::check_page;
use crate::support::e2e_support::{
    Driver, Server, browser, field, fill, goto_until, press, profile_dir, wait_for,
};
use crate::support::helpers::TestApp;
use crate::support::http::PASSWORD;
use crate::support::imports::CsvFile;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_admin_previews_and_imports_products_in_a_browser() {
    let app = TestApp::spawn().await;
    app.user("ivy", "admin").await;
    let tee = app.product("TEE", "10.00", 8).await;
    let alan = app.customer("alan@example.com").await;
    app.place(alan, &[("TEE", 3)]).await.unwrap();
    app.refresh().await;
    let file = CsvFile::new(b"sku,name,price\nTEE,Tee shirt,12.50\nMUG,Coffee mug,7.50\n");

    let server = Server::start(&app).await;
    let driver = Driver::start().await;
    let client = browser(&driver, "imports", true).await;
    let outcome = AssertUnwindSafe(scenario(&client, &server.base, &file, tee))
        .catch_unwind()
        .await;
    let _ = client.close().await;
    server.stop().await;
    drop(driver);
    let _ = std::fs::remove_dir_all(profile_dir("imports"));
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn scenario(c: &Client, base: &str, file: &CsvFile, tee: i64) {
    let mut problems = Vec::new();
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "Username", "ivy").await;
    fill(c, "Password", PASSWORD).await;
    press(c, "Sign in").await;
    wait_for(
        c,
        "//*[contains(normalize-space(), 'Signed in as ivy')]",
        "the signed-in header",
    )
    .await;

    c.goto(&format!("{base}/imports")).await.unwrap();
    problems.extend(check_page(c, "imports").await);
    field(c, "CSV file of products")
        .await
        .send_keys(&file.0.display().to_string())
        .await
        .unwrap();
    c.find(Locator::XPath(
        "//form[.//input[@id='file-products']]//button[normalize-space()='Preview']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    // The page reloads itself while the worker checks the rows.
    wait_for(
        c,
        "//dd[@id='state'][normalize-space()='preview ready']",
        "the preview",
    )
    .await;
    let update = row_text(c, "TEE").await;
    assert!(update.contains("update"), "{update}");
    assert!(update.contains("price: 10.00 → 12.50"), "{update}");
    assert!(update.contains("name: Product TEE → Tee shirt"), "{update}");
    let create = row_text(c, "MUG").await;
    assert!(create.contains("create"), "{create}");
    assert!(create.contains("Coffee mug"), "{create}");
    problems.extend(check_page(c, "import-preview").await);

    press(c, "Import").await;
    wait_for(
        c,
        "//p[@id='result'][contains(normalize-space(), 'Imported: 2 rows applied')]",
        "the import done",
    )
    .await;
    problems.extend(check_page(c, "import-done").await);

    let listed = "//tr[td[contains(normalize-space(), 'Coffee mug')]] \
                  and //tr[td[contains(normalize-space(), 'Tee shirt')]]";
    goto_until(
        c,
        &format!("{base}/products"),
        &format!("//main[{listed}]"),
        "the imported products on the list",
    )
    .await;

    goto_until(
        c,
        &format!("{base}/products/{tee}"),
        "//td[normalize-space()='reservation']",
        "the product's stock ledger",
    )
    .await;
    problems.extend(check_page(c, "product-ledger").await);
    // The admin's Settings page (the shop's settings and its tax rates).
    goto_until(
        c,
        &format!("{base}/settings"),
        "//h1[normalize-space()='Settings']",
        "the Settings page",
    )
    .await;
    problems.extend(check_page(c, "settings").await);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The text of the preview's row whose key cell is `key`.
async fn row_text(c: &Client, key: &str) -> String {
    c.find(Locator::XPath(&format!(
        "//tr[td[2][normalize-space()='{key}']]"
    )))
    .await
    .unwrap_or_else(|e| panic!("no preview row for {key}: {e}"))
    .text()
    .await
    .unwrap()
}
