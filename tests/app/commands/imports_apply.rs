//! CSV imports, the apply: through the commands in chunks (every change its
//! event), resumable after a stop, a record edited after the preview refused
//! and reported, the same file twice changing nothing the second time, two
//! imports at once one after the other, never interleaved.

use std::fmt::Write as _;
use std::sync::Arc;

use orderdesk::commands::update_product::{UpdateProduct, update_product};
use orderdesk::domain::{Currency, ImportKind, ProductId};
use orderdesk::imports::apply::{self, Started};
use orderdesk::imports::worker::run_pending;

use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;

pub(super) fn products_csv(range: std::ops::RangeInclusive<u32>, price: &str) -> String {
    let mut csv = String::from("sku,name,price\n");
    for i in range {
        writeln!(csv, "SKU-{i},Product {i},{price}").unwrap();
    }
    csv
}

#[tokio::test]
async fn an_import_stopped_after_a_chunk_resumes_where_it_stopped_and_ends_exact() {
    let app = TestApp::spawn().await;
    // One chunk, then the worker "dies".
    let id = super::imports_alongside::one_chunk_of_2500_products(&app).await;
    assert_eq!(app.scalar("SELECT count(*) FROM products").await, 1_000);
    assert_eq!(app.job_figure(id, "applied_through").await, 1_000);
    // `orderdesk import resume` finishes it.
    let lines = orderdesk::cli::resume_imports(&app.db.url, Currency::default())
        .await
        .unwrap();
    assert!(lines.iter().any(|l| l.ends_with("done")), "{lines:?}");
    assert_eq!(app.scalar("SELECT count(*) FROM products").await, 2_500);
    assert_eq!(app.scalar("SELECT count(*) FROM inventory").await, 2_500);
    let created = "SELECT count(*) FROM events WHERE event_type = 'product_created' \
                   AND request_id = 'import-";
    assert_eq!(app.scalar(&format!("{created}{id}'")).await, 2_500);
    assert_eq!(app.job_figure(id, "rows_applied").await, 2_500);
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM import_jobs WHERE id = {id} AND state = 'done'"
        ))
        .await,
        1
    );
    // The read models follow: every product is listed.
    app.refresh().await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM read.inventory_status")
            .await,
        2_500
    );
}

#[tokio::test]
async fn the_same_file_imported_twice_changes_nothing_the_second_time() {
    let app = TestApp::spawn().await;
    let csv = products_csv(1..=30, "4.00");
    let first = app.preview(ImportKind::Products, csv.as_bytes()).await;
    app.import(first).await;
    let after_first = app.snapshot().await;
    let second = app.preview(ImportKind::Products, csv.as_bytes()).await;
    assert_eq!(app.job_figure(second, "unchanged").await, 30);
    assert_eq!(app.import(second).await, Started::Queued);
    assert_eq!(app.snapshot().await, after_first);
    // A second press on a job does nothing either.
    assert_eq!(app.import(second).await, Started::AlreadyStarted);
}

#[tokio::test]
async fn a_product_edited_between_preview_and_import_is_refused_at_apply_and_reported() {
    let app = TestApp::spawn().await;
    for i in 1..=3 {
        app.product(&format!("SKU-{i}"), "4.00", 0).await;
    }
    let id = app
        .preview(ImportKind::Products, products_csv(1..=3, "6.00").as_bytes())
        .await;
    assert_eq!(app.job_figure(id, "updates").await, 3);
    // A colleague edits SKU-2 after the preview.
    let sku2 = app
        .scalar("SELECT id FROM products WHERE sku = 'SKU-2'")
        .await;
    update_product(
        &mut *app.conn().await,
        UpdateProduct {
            product_id: ProductId(sku2),
            expected_version: 1,
            details: inputs::product_details("Renamed by a colleague", "5.00"),
        },
        &ctx(),
    )
    .await
    .unwrap();
    app.import(id).await;
    assert_eq!(app.job_figure(id, "rows_applied").await, 2);
    assert_eq!(app.job_figure(id, "apply_refused").await, 1);
    let refused = app.refused_rows(id).await;
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].0, 3);
    assert!(
        refused[0].1.contains("changed after the preview"),
        "{}",
        refused[0].1
    );
    // The colleague's edit stands; the others took the file's price.
    assert_eq!(
        app.scalar(&format!(
            "SELECT price_cents FROM products WHERE id = {sku2}"
        ))
        .await,
        500
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM products WHERE price_cents = 600")
            .await,
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_imports_at_once_apply_one_after_the_other_never_interleaved() {
    let app = Arc::new(TestApp::spawn().await);
    for i in 1..=1_500 {
        app.product(&format!("SKU-{i}"), "4.00", 0).await;
    }
    // A: 1..=1500 at 5.00; B: 1001..=2500 at 7.00 (500 overlap, 1000 new).
    let a = app
        .preview(
            ImportKind::Products,
            products_csv(1..=1_500, "5.00").as_bytes(),
        )
        .await;
    let b = app
        .preview(
            ImportKind::Products,
            products_csv(1_001..=2_500, "7.00").as_bytes(),
        )
        .await;
    for id in [a, b] {
        assert_eq!(
            apply::start(&mut *app.conn().await, id).await.unwrap(),
            Started::Queued
        );
    }
    // Two workers (two servers, or a server and the CLI) at once.
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let app = Arc::clone(&app);
            tokio::spawn(async move {
                run_pending(&mut *app.conn().await, Currency::default())
                    .await
                    .unwrap()
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    // A whole, then B: B's events all come after A's.
    let last_a = app
        .scalar(&format!(
            "SELECT max(id) FROM events WHERE request_id = 'import-{a}'"
        ))
        .await;
    let first_b = app
        .scalar(&format!(
            "SELECT min(id) FROM events WHERE request_id = 'import-{b}'"
        ))
        .await;
    assert!(last_a < first_b, "{last_a} !< {first_b}");
    assert_eq!(app.job_figure(a, "rows_applied").await, 1_500);
    // B's 500 rows that A changed after B's preview are refused, and reported.
    assert_eq!(app.job_figure(b, "apply_refused").await, 500);
    assert_eq!(app.job_figure(b, "rows_applied").await, 1_000);
    assert_eq!(
        app.scalar("SELECT count(*) FROM products WHERE price_cents = 500")
            .await,
        1_500
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM products WHERE price_cents = 700")
            .await,
        1_000
    );
}

#[tokio::test]
async fn a_stock_count_adjusts_by_the_difference_with_reason_stock_count() {
    let app = TestApp::spawn().await;
    let tee = app.product("TEE-1", "10.00", 10).await;
    let mug = app.product("MUG-1", "5.00", 4).await;
    let id = app
        .preview(
            ImportKind::StockCounts,
            b"sku,name,counted\nTEE-1,x,7\nMUG-1,y,4\n",
        )
        .await;
    assert_eq!(app.job_figure(id, "updates").await, 1);
    assert_eq!(app.job_figure(id, "unchanged").await, 1);
    app.import(id).await;
    assert_eq!(app.stock(tee).await, (7, 0));
    assert_eq!(app.stock(mug).await, (4, 0));
    assert_eq!(
        app.scalar(&format!(
            "SELECT quantity FROM stock_movements WHERE product_id = {tee} \
             AND kind = 'adjustment' AND reason = 'stock count'"
        ))
        .await,
        -3
    );
    // A receipt after the preview: the count no longer matches what it saw.
    let again = app
        .preview(ImportKind::StockCounts, b"sku,counted\nTEE-1,9\n")
        .await;
    orderdesk::commands::receive_stock::receive_stock(
        &mut *app.conn().await,
        inputs::receipt(tee, 5, ""),
        &ctx(),
    )
    .await
    .unwrap();
    app.import(again).await;
    assert_eq!(app.job_figure(again, "apply_refused").await, 1);
    assert_eq!(app.stock(tee).await, (12, 0));
}

#[tokio::test]
async fn customers_are_created_and_updated_by_email() {
    let app = TestApp::spawn().await;
    app.customer("ada@example.com").await;
    let csv =
        "email,name,phone\nADA@example.com,Ada Lovelace,+44 20 7946 0000\nbob@example.com,Bob,\n";
    let id = app.preview(ImportKind::Customers, csv.as_bytes()).await;
    assert_eq!(app.job_figure(id, "updates").await, 1);
    assert_eq!(app.job_figure(id, "creates").await, 1);
    app.import(id).await;
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM customers WHERE email = 'ada@example.com' \
             AND name = 'Ada Lovelace' AND phone = '+44 20 7946 0000' AND version = 2"
        )
        .await,
        1
    );
    assert_eq!(app.scalar("SELECT count(*) FROM customers").await, 2);
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM events WHERE request_id = 'import-{id}'"
        ))
        .await,
        2
    );
}

#[tokio::test]
async fn expired_jobs_are_pruned_with_their_rows_but_not_while_applying() {
    let app = TestApp::spawn().await;
    let done = app
        .preview(ImportKind::Products, products_csv(1..=2, "4.00").as_bytes())
        .await;
    let applying = app
        .preview(ImportKind::Products, products_csv(3..=4, "4.00").as_bytes())
        .await;
    apply::start(&mut *app.conn().await, applying)
        .await
        .unwrap();
    app.exec("UPDATE import_jobs SET expires_at = now() - interval '1 second'")
        .await;
    let pruned = orderdesk::cli::prune_imports(&app.db.url).await.unwrap();
    assert_eq!(pruned, 1);
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM import_rows WHERE job_id = {done}"
        ))
        .await,
        0
    );
    assert_eq!(app.scalar("SELECT count(*) FROM import_jobs").await, 1);
}
