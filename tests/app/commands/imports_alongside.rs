//! Staff work alongside an import: between two of its chunks an order is
//! placed on a product the import just made and on one that was there before,
//! the read models follow both, and the import then ends exact.

use orderdesk::commands::receive_stock::receive_stock;
use orderdesk::domain::ImportKind;
use orderdesk::imports::apply::{self, Applied, Started};
use orderdesk::queries::dashboard;
use orderdesk::read_models::{catalog, verify};
use rocket::local::asynchronous::Client;

use super::imports_apply::products_csv;
use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;
use crate::support::pages_http::get;

/// The dashboard's page as `client` sees it.
async fn dashboard_page(client: &Client) -> String {
    let (status, page) = get(client, "/").await;
    assert_eq!(status, rocket::http::Status::Ok);
    page
}

/// Previews a 2,500-row products file, presses "Import" and applies one
/// chunk of it; the job's id.
pub(super) async fn one_chunk_of_2500_products(app: &TestApp) -> i64 {
    let id = app
        .preview(
            ImportKind::Products,
            products_csv(1..=2_500, "4.00").as_bytes(),
        )
        .await;
    assert_eq!(
        apply::start(&mut *app.conn().await, id).await.unwrap(),
        Started::Queued
    );
    let first = apply::apply_next(&mut *app.conn().await).await.unwrap();
    assert_eq!(
        first,
        Some(Applied::Chunk {
            job_id: id,
            applied: 1_000,
            refused: 0
        })
    );
    id
}

/// Runs job `id` to its end and asserts it done with 2,500 products made,
/// every live model exact once caught up.
async fn finish_exact(app: &TestApp, id: i64) {
    app.work().await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM import_jobs WHERE id = {id} AND state = 'done'"
        ))
        .await,
        1
    );
    assert_eq!(app.job_figure(id, "rows_applied").await, 2_500);
    assert_eq!(app.job_figure(id, "apply_refused").await, 0);
    assert_eq!(
        app.scalar("SELECT count(*) FROM products WHERE sku LIKE 'SKU-%'")
            .await,
        2_500
    );
    assert_eq!(app.scalar("SELECT count(*) FROM products").await, 2_501);
    app.catch_up().await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM read.inventory_status")
            .await,
        2_501
    );
    let models: Vec<_> = catalog::live().collect();
    let drift = verify::verify(&mut *app.conn().await, &models, false)
        .await
        .unwrap();
    assert!(drift.iter().all(verify::Drift::ok), "{drift:?}");
}

#[tokio::test]
async fn an_order_placed_while_an_import_is_mid_way_succeeds_and_both_reach_the_read_models() {
    // Arrange: a customer, a product with stock, read models caught up; a
    // 2,500-row products file previewed and one chunk of it applied.
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("MUG", "7.50", 50).await;
    let (clerk, _) = app.signed_in("clerk").await;
    app.refresh().await;
    let id = one_chunk_of_2500_products(&app).await;
    let mid_way =
        format!("SELECT count(*) FROM import_jobs WHERE id = {id} AND state = 'applying'");
    assert_eq!(app.scalar(&mid_way).await, 1);

    // Act: stock received for an imported product, and an order of it and MUG.
    let sku7 = app
        .scalar("SELECT id FROM products WHERE sku = 'SKU-7'")
        .await;
    receive_stock(&mut *app.conn().await, inputs::receipt(sku7, 5, ""), &ctx())
        .await
        .unwrap();
    let order = app
        .place(ada, &[("SKU-7", 2), ("MUG", 1)])
        .await
        .expect("an order is placed while the import is mid-way")
        .id;

    // Assert: the order is stored; the dashboard says its data is behind.
    assert_eq!(
        app.scalar(&format!(
            "SELECT grand_total_cents FROM orders WHERE id = {order}"
        ))
        .await,
        2 * 400 + 750
    );
    assert_eq!(app.stock(sku7).await, (5, 2));
    assert_eq!(
        app.scalar(&mid_way).await,
        1,
        "the import waits, unfinished"
    );
    let behind = dashboard_page(&clerk).await;
    assert!(behind.contains(" changes pending</strong>"), "{behind}");

    // The maintainer's catch-up: the chunk's products and the order show.
    app.catch_up().await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM read.inventory_status")
            .await,
        1_001
    );
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM read.inventory_status \
             WHERE sku IN ('SKU-1', 'SKU-1000') AND on_hand = 0 AND price_cents = 400"
        )
        .await,
        2
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM read.inventory_status WHERE sku = 'SKU-1001'")
            .await,
        0,
        "the next chunk is not applied yet"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM read.inventory_status WHERE product_id = {sku7} \
             AND on_hand = 5 AND reserved = 2 AND available = 3"
        ))
        .await,
        1
    );
    let s = dashboard::load(&mut *app.read_conn().await).await.unwrap();
    assert_eq!(s.freshness.pending, 0);
    assert_eq!(
        (s.data.today.orders, s.data.today.revenue_cents),
        (1, 1_550)
    );
    assert_eq!(
        s.data
            .recent_orders
            .iter()
            .map(|o| (o.id, o.total_cents))
            .collect::<Vec<_>>(),
        [(order, 1_550)]
    );
    // Every imported product is out of stock (SKU-7 below its threshold): low.
    assert_eq!(s.data.low_stock_count, 1_000);
    let caught_up = dashboard_page(&clerk).await;
    assert!(!caught_up.contains("pending</strong>"), "{caught_up}");

    // The rest of the import: done, 2,500 products made, the models exact.
    finish_exact(&app, id).await;
    // The order is untouched by the chunks after it.
    assert_eq!(app.stock(sku7).await, (5, 2));
    assert_eq!(app.order_status(order).await, "unfulfilled/unpaid");
}
