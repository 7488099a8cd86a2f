//! CSV imports, the preview: real-world files (BOM, semicolons, quoted
//! newlines, CRLF) read right; binary, UTF-16, Latin-1 and too many rows
//! refused whole; each bad row refused with its line, column and reason,
//! duplicates with both lines; a file with one bad row imports nothing.

use orderdesk::domain::{Currency, ImportKind};
use orderdesk::imports::apply::Started;
use orderdesk::imports::file::{self, FileRefusal};
use orderdesk::imports::{ImportError, MAX_ROWS};
use std::fmt::Write as _;

use crate::support::helpers::TestApp;
use crate::support::imports::CsvFile;

fn refusal(result: Result<i64, ImportError>) -> FileRefusal {
    match result {
        Err(ImportError::File(refusal)) => refusal,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_spreadsheet_file_with_bom_semicolons_quoted_newlines_and_crlf_reads_right() {
    let app = TestApp::spawn().await;
    let csv = "\u{feff}sku;name;description;price\r\n\
               TEE-1;\"Tee; black\";\"Two\r\nlines\";12.50\r\n\
               MUG-1;Mug;;7\r\n";
    let id = app.preview(ImportKind::Products, csv.as_bytes()).await;
    assert_eq!(app.job_figure(id, "creates").await, 2);
    assert_eq!(app.job_figure(id, "refused").await, 0);
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM import_jobs WHERE id = {id} AND delimiter = ';'"
        ))
        .await,
        1
    );
    assert_eq!(app.import(id).await, Started::Queued);
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM products WHERE sku = 'TEE-1' AND name = 'Tee; black' \
             AND description = E'Two\\r\\nlines' AND price_cents = 1250"
        )
        .await,
        1
    );
    // Lines are counted as a spreadsheet numbers its rows (the header is 1):
    // the newline inside the quoted description starts no new row.
    assert_eq!(
        app.scalar(&format!(
            "SELECT line FROM import_rows WHERE job_id = {id} AND key = 'MUG-1'"
        ))
        .await,
        3
    );
}

#[tokio::test]
async fn binary_utf16_latin1_headerless_and_oversized_files_are_refused_whole() {
    let app = TestApp::spawn().await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert_eq!(
        refusal(app.stage(ImportKind::Products, png).await),
        FileRefusal::Binary
    );
    let utf16 = b"\xff\xfes\0k\0u\0";
    assert_eq!(
        refusal(app.stage(ImportKind::Products, utf16).await),
        FileRefusal::Utf16
    );
    let latin1 = b"sku,name,price\nTEE-1,Caf\xe9,1.00\n";
    assert_eq!(
        refusal(app.stage(ImportKind::Products, latin1).await),
        FileRefusal::NotUtf8 { line: 2 }
    );
    let header = refusal(
        app.stage(ImportKind::Products, b"sku,title,price\nA1,x,1\n")
            .await,
    );
    assert!(
        header.to_string().contains("unknown column \"title\""),
        "{header}"
    );
    assert_eq!(
        refusal(app.stage(ImportKind::Products, b"sku,name,price\n").await),
        FileRefusal::NoRows
    );
    assert_eq!(app.scalar("SELECT count(*) FROM import_jobs").await, 0);
    assert_eq!(app.scalar("SELECT count(*) FROM import_rows").await, 0);

    // The row bound, read with a small one (the real one is MAX_ROWS).
    assert_eq!(MAX_ROWS, 200_000);
    let file = CsvFile::new(b"sku,counted\nA1,1\nA2,2\nA3,3\n");
    let format = file::sniff(&file.0).unwrap();
    let read = file::read(
        &file.0,
        format,
        ImportKind::StockCounts,
        Currency::default(),
        2,
        |_| true,
    );
    assert_eq!(read, Err(FileRefusal::TooManyRows { max: 2 }));
}

#[tokio::test]
async fn one_bad_row_among_ten_thousand_is_named_and_nothing_can_be_imported() {
    let app = TestApp::spawn().await;
    let mut csv = String::from("sku,name,price\n");
    for i in 1..=10_000 {
        let price = if i == 7_321 { "12.345" } else { "9.99" };
        writeln!(csv, "SKU-{i},Product {i},{price}").unwrap();
    }
    let before = app.snapshot().await;
    let id = app.preview(ImportKind::Products, csv.as_bytes()).await;
    assert_eq!(app.job_figure(id, "rows_total").await, 10_000);
    assert_eq!(app.job_figure(id, "creates").await, 9_999);
    assert_eq!(app.job_figure(id, "refused").await, 1);
    let refused = app.refused_rows(id).await;
    assert_eq!(refused.len(), 1);
    // Line 7,322: the header is line 1.
    assert_eq!(refused[0].0, 7_322);
    assert!(refused[0].1.contains("\"price\""), "{}", refused[0].1);
    assert!(
        refused[0].1.contains("at most 2 decimals"),
        "{}",
        refused[0].1
    );
    assert_eq!(app.import(id).await, Started::NotImportable);
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn a_sku_twice_in_one_file_is_refused_on_both_lines() {
    let app = TestApp::spawn().await;
    let csv = "sku,name,price\nTEE-1,A,1\nMUG-1,B,2\ntee-1,C,3\n";
    let id = app.preview(ImportKind::Products, csv.as_bytes()).await;
    let refused = app.refused_rows(id).await;
    assert_eq!(refused.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 4]);
    assert!(
        refused[0].1.contains("TEE-1 is on lines 2, 4"),
        "{}",
        refused[0].1
    );
    assert_eq!(app.job_figure(id, "creates").await, 1);
}

#[tokio::test]
async fn an_email_twice_in_one_file_whatever_its_case_is_refused_on_both_lines() {
    let app = TestApp::spawn().await;
    let csv = "email,name,phone\nada@x.example,Ada,\nbob@x.example,Bob,\nADA@x.example,Ada L,\n";
    let id = app.preview(ImportKind::Customers, csv.as_bytes()).await;
    let refused = app.refused_rows(id).await;
    assert_eq!(refused.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 4]);
    for (_, why) in &refused {
        assert!(
            why.to_lowercase()
                .contains("ada@x.example is on lines 2, 4"),
            "{why}"
        );
    }
    assert_eq!(app.job_figure(id, "creates").await, 1);
    assert_eq!(app.import(id).await, Started::NotImportable);
    assert_eq!(app.scalar("SELECT count(*) FROM customers").await, 0);
}

#[tokio::test]
async fn bad_cells_are_refused_per_row_with_line_column_and_reason() {
    let app = TestApp::spawn().await;
    let tee = app.product("TEE-1", "10.00", 5).await;
    let customer = app.customer("ada@example.com").await;
    app.place(customer, &[("TEE-1", 3)]).await.unwrap();
    let counts = "sku,counted\nTEE-1,2\nNOPE-1,4\nTEE-1X,-1\n";
    let id = app
        .preview(ImportKind::StockCounts, counts.as_bytes())
        .await;
    let refused = app.refused_rows(id).await;
    assert_eq!(refused.len(), 3, "{refused:?}");
    // Below what is reserved, naming the order holding it.
    assert!(refused[0].1.contains("3 are reserved"), "{}", refused[0].1);
    let order = app.scalar("SELECT max(id) FROM orders").await;
    assert!(
        refused[0].1.contains(&format!("#{order}")),
        "{}",
        refused[0].1
    );
    assert!(
        refused[1].1.contains("no product has this SKU"),
        "{}",
        refused[1].1
    );
    assert!(
        refused[2].1.contains("must not be negative"),
        "{}",
        refused[2].1
    );
    assert_eq!(app.stock(tee).await, (5, 3));

    let customers = "email,name,phone\nnot-an-email,Ann,\nbob@example.com,,12\n";
    let id = app
        .preview(ImportKind::Customers, customers.as_bytes())
        .await;
    let refused = app.refused_rows(id).await;
    assert!(refused[0].1.contains("\"email\""), "{}", refused[0].1);
    assert!(refused[1].1.contains("\"name\""), "{}", refused[1].1);
    assert!(refused[1].1.contains("\"phone\""), "{}", refused[1].1);
}

#[tokio::test]
async fn the_preview_lists_creates_updates_with_old_and_new_and_unchanged_rows() {
    let app = TestApp::spawn().await;
    app.product("TEE-1", "10.00", 0).await;
    app.product("MUG-1", "5.00", 0).await;
    let csv = "sku,name,price,low_stock_threshold\n\
               TEE-1,Product TEE-1,12.00,3\nMUG-1,Product MUG-1,5.00,10\nCAP-1,Cap,8,\n";
    let id = app.preview(ImportKind::Products, csv.as_bytes()).await;
    assert_eq!(
        [
            app.job_figure(id, "creates").await,
            app.job_figure(id, "updates").await,
            app.job_figure(id, "unchanged").await,
        ],
        [1, 1, 1]
    );
    let changes = app
        .scalar(&format!(
            "SELECT count(*) FROM import_rows WHERE job_id = {id} AND key = 'TEE-1' \
             AND changes @> '[{{\"field\": \"price\", \"old\": \"10.00\", \"new\": \"12.00\"}}, \
             {{\"field\": \"low_stock_threshold\", \"old\": \"10\", \"new\": \"3\"}}]'"
        ))
        .await;
    assert_eq!(changes, 1);
}

#[tokio::test]
async fn the_tax_rate_column_names_a_rate_and_an_unknown_or_archived_one_is_refused_per_row() {
    use orderdesk::commands::archive_tax_rate::{ArchiveTaxRate, archive_tax_rate};
    use orderdesk::commands::create_tax_rate::{TaxRateDetails, create_tax_rate};
    use orderdesk::domain::{Percent, TaxRateId, TaxRateName};

    let app = TestApp::spawn().await;
    app.product("TEE-1", "10.00", 0).await;
    app.product("MUG-1", "5.00", 0).await;
    let ctx = crate::support::helpers::ctx();
    let mut ids = Vec::new();
    for (name, rate) in [("Standard", "20"), ("Old", "7")] {
        let details = TaxRateDetails {
            name: TaxRateName::parse(name).unwrap(),
            rate: Percent::parse(rate).unwrap(),
        };
        ids.push(
            create_tax_rate(&mut *app.conn().await, details, &ctx)
                .await
                .unwrap()
                .id,
        );
    }
    let archive = ArchiveTaxRate {
        tax_rate_id: TaxRateId(ids[1]),
        expected_version: 1,
    };
    archive_tax_rate(&mut *app.conn().await, archive, &ctx)
        .await
        .unwrap();

    // A known rate (whatever its case), blank (keep), unknown, archived.
    let csv = "sku,name,price,tax_rate\n\
               TEE-1,Product TEE-1,10.00,standard\nMUG-1,Product MUG-1,5.00,\n\
               CAP-1,Cap,8,Luxury\nHAT-1,Hat,9,Old\n";
    let id = app.preview(ImportKind::Products, csv.as_bytes()).await;

    let refused = app.refused_rows(id).await;
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused[0].1.contains("no tax rate is called “Luxury”"),
        "{}",
        refused[0].1
    );
    assert!(
        refused[1].1.contains("“Old” is archived"),
        "{}",
        refused[1].1
    );
    let change = app
        .scalar(&format!(
            "SELECT count(*) FROM import_rows WHERE job_id = {id} AND key = 'TEE-1' \
             AND changes @> '[{{\"field\": \"tax_rate\", \"old\": \"Zero\", \"new\": \"Standard\"}}]'"
        ))
        .await;
    assert_eq!(change, 1);
    assert_eq!(app.job_figure(id, "unchanged").await, 1);

    // Without the refused rows the file imports, and TEE-1 has the rate.
    let csv = "sku,name,price,tax_rate\nTEE-1,Product TEE-1,10.00,standard\nCAP-1,Cap,8,\n";
    let id = app.preview(ImportKind::Products, csv.as_bytes()).await;
    app.import(id).await;
    assert_eq!(app.job_figure(id, "rows_applied").await, 2);
    let rates = app
        .scalar(&format!(
            "SELECT count(*) FROM products WHERE (sku, tax_rate_id) IN (('TEE-1', {}), ('CAP-1', 1))",
            ids[0]
        ))
        .await;
    assert_eq!(rates, 2, "TEE-1 Standard, the new CAP-1 the default (Zero)");
}
