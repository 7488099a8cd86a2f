//! CSV imports of products, the set-based apply (`import_products`): the
//! events it writes are the one-row commands' (same payloads, in the file's
//! order), and a row whose rate was archived or whose SKU was taken after
//! the preview is declined by it and refused by the one-row command, the
//! rest of the chunk applied.

use orderdesk::commands::archive_tax_rate::{ArchiveTaxRate, archive_tax_rate};
use orderdesk::commands::create_tax_rate::{TaxRateDetails, create_tax_rate};
use orderdesk::domain::event_payload::{ProductCreated, ProductUpdated};
use orderdesk::domain::{ImportKind, Percent, TaxRateId, TaxRateName};

use crate::support::helpers::{TestApp, ctx};

#[tokio::test]
async fn a_products_chunk_writes_the_one_row_commands_events_in_the_files_order() {
    let app = TestApp::spawn().await;
    let first = app.product("SKU-1", "4.00", 0).await;
    let rate = app
        .scalar(&format!(
            "SELECT tax_rate_id FROM products WHERE id = {first}"
        ))
        .await;
    let csv = "sku,name,description,price,low_stock_threshold\n\
               SKU-2,Second,,3.50,4\nSKU-1,Renamed,Now described,6.00,7\n";
    let id = app.preview(ImportKind::Products, csv.as_bytes()).await;
    app.import(id).await;

    assert_eq!(app.job_figure(id, "rows_applied").await, 2);
    let second = app
        .scalar("SELECT id FROM products WHERE sku = 'SKU-2'")
        .await;
    let event = |n: i64| {
        format!(
            "SELECT payload FROM events WHERE request_id = 'import-{id}' ORDER BY id OFFSET {n} LIMIT 1"
        )
    };
    let created = ProductCreated {
        sku: "SKU-2".into(),
        name: "Second".into(),
        price_cents: 350,
        active: true,
        low_stock_threshold: 4,
        tax_rate_id: Some(rate),
    };
    assert_eq!(app.json(&event(0)).await, created.to_payload());
    let updated = ProductUpdated {
        name: "Renamed".into(),
        description: "Now described".into(),
        price_cents: 600,
        active: true,
        low_stock_threshold: 7,
        tax_rate_id: Some(rate),
        version: 2,
    };
    assert_eq!(app.json(&event(1)).await, updated.to_payload());
    let of = |sql: &str, product: i64| sql.replace('?', &product.to_string());
    let threshold = "SELECT low_stock_threshold FROM inventory WHERE product_id = ?";
    assert_eq!(app.scalar(&of(threshold, first)).await, 7);
    assert_eq!(app.scalar(&of(threshold, second)).await, 4);
    let version = "SELECT version FROM products WHERE id = ?";
    assert_eq!(app.scalar(&of(version, first)).await, 2);
    assert_eq!(app.scalar(&of(version, second)).await, 1);
}

#[tokio::test]
async fn a_rate_archived_or_a_sku_taken_after_the_preview_refuses_only_those_rows() {
    let app = TestApp::spawn().await;
    app.product("TEE-1", "10.00", 0).await;
    let details = TaxRateDetails {
        name: TaxRateName::parse("Reduced").unwrap(),
        rate: Percent::parse("5").unwrap(),
    };
    let reduced = create_tax_rate(&mut *app.conn().await, details, &ctx())
        .await
        .unwrap()
        .id;
    let csv = "sku,name,price,tax_rate\n\
               TEE-1,Tee,11.00,Reduced\nCAP-1,Cap,8,Reduced\nMUG-1,Mug,5,\nHAT-1,Hat,9,\n";
    let id = app.preview(ImportKind::Products, csv.as_bytes()).await;
    assert_eq!(app.job_figure(id, "refused").await, 0);
    // After the preview: the rate is archived and MUG-1 created by a colleague.
    let archive = ArchiveTaxRate {
        tax_rate_id: TaxRateId(reduced),
        expected_version: 1,
    };
    archive_tax_rate(&mut *app.conn().await, archive, &ctx())
        .await
        .unwrap();
    app.product("MUG-1", "4.00", 0).await;
    app.import(id).await;

    assert_eq!(app.job_figure(id, "rows_applied").await, 1);
    assert_eq!(app.job_figure(id, "apply_refused").await, 3);
    let refused = app.refused_rows(id).await;
    let lines: Vec<i32> = refused.iter().map(|r| r.0).collect();
    assert_eq!(lines, [2, 3, 4], "{refused:?}");
    assert!(refused[0].1.contains("archived"), "{}", refused[0].1);
    assert!(refused[1].1.contains("archived"), "{}", refused[1].1);
    assert!(
        refused[2].1.contains("created after the preview"),
        "{}",
        refused[2].1
    );
    // Nothing of the refused rows was written; HAT-1 was created.
    assert_eq!(
        app.scalar("SELECT price_cents FROM products WHERE sku = 'TEE-1'")
            .await,
        1_000
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM products WHERE sku IN ('CAP-1', 'HAT-1')")
            .await,
        1
    );
    let events = format!("SELECT count(*) FROM events WHERE request_id = 'import-{id}'");
    assert_eq!(app.scalar(&events).await, 1);
}
