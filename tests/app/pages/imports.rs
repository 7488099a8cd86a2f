//! The import pages over HTTP: upload (multipart, CSRF first, admins only,
//! its own size limit), the preview and its progress, "Import", the exports
//! in the import's columns (export → import previews as unchanged, formulas
//! neutralised; customers with an address of their book), an address's
//! changes on the preview, and the low-stock threshold edited on the product
//! form.

use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::{Client, LocalResponse};

use orderdesk::commands::add_address::add_address;
use orderdesk::commands::create_product::create_product;
use orderdesk::commands::receive_stock::receive_stock;
use orderdesk::commands::register_customer::register_customer;

use crate::support::helpers::{TestApp, ctx};
use crate::support::html::row_with;
use crate::support::http::session_csrf;
use crate::support::inputs;
use crate::support::pages_http::{get, input_value, location, post};

const BOUNDARY: &str = "----orderdesk-test-boundary";

/// The multipart body a browser sends: the token first, then the file.
fn multipart(token: &str, file: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"items.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload<'c>(client: &'c Client, kind: &str, token: &str, file: &[u8]) -> LocalResponse<'c> {
    client
        .post(format!("/imports/{kind}"))
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY)))
        .body(multipart(token, file))
        .dispatch()
        .await
}

async fn export(client: &Client, uri: &str) -> String {
    let response = client.get(uri.to_owned()).dispatch().await;
    assert_eq!(response.status(), Status::Ok, "{uri}");
    response.into_string().await.unwrap()
}

#[tokio::test]
async fn an_upload_is_previewed_imported_and_its_progress_shown() {
    let app = TestApp::spawn().await;
    app.product("TEE-1", "10.00", 0).await;
    let (admin, _) = app.signed_in("admin").await;
    let token = session_csrf(&admin).await;
    let csv = b"sku,name,price\nTEE-1,Product TEE-1,12.00\nMUG-1,Mug,5\n";
    let uploaded = upload(&admin, "products", &token, csv).await;
    assert_eq!(uploaded.status(), Status::SeeOther);
    let page = location(&uploaded);
    assert!(page.starts_with("/imports/"), "{page}");

    // Before the worker: the rows are being checked; the page reloads itself.
    let (_, checking) = get(&admin, &page).await;
    assert!(checking.contains("http-equiv=\"refresh\""), "{checking}");
    assert!(checking.contains("Checking rows"), "{checking}");
    assert!(checking.contains("0 of 2"), "{checking}");

    app.work().await;
    let (_, preview) = get(&admin, &page).await;
    assert!(!preview.contains("http-equiv=\"refresh\""));
    let update = row_with(&preview, "TEE-1").unwrap();
    assert_eq!(update[2], "update");
    assert!(update[3].contains("10.00 → 12.00"), "{update:?}");
    assert_eq!(row_with(&preview, "MUG-1").unwrap()[2], "create");

    let id = page.trim_start_matches("/imports/");
    let started = post(&admin, &format!("{page}/apply"), &[]).await;
    assert_eq!(started.status(), Status::SeeOther);
    let (_, importing) = get(&admin, &page).await;
    assert!(
        importing.contains("Importing: <span id=\"progress\">0 of 2</span>"),
        "{importing}"
    );
    app.work().await;
    let (_, done) = get(&admin, &page).await;
    assert!(done.contains("Imported: 2 rows applied"), "{done}");
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM events WHERE request_id = 'import-{id}'"
        ))
        .await,
        2
    );
    app.refresh().await;
    let (_, products) = get(&admin, "/products").await;
    assert!(row_with(&products, "MUG-1").is_some(), "{products}");
}

#[tokio::test]
async fn export_then_import_previews_every_row_as_unchanged_and_formulas_are_neutralised() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("admin").await;
    let mut tee = inputs::product(
        "TEE-1",
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "10.00",
    );
    tee.details.description = "Two\nlines, \"quoted\"".into();
    let tee = create_product(&mut *app.conn().await, tee, &ctx())
        .await
        .unwrap()
        .id;
    receive_stock(&mut *app.conn().await, inputs::receipt(tee, 4, ""), &ctx())
        .await
        .unwrap();
    app.product("MUG-1", "7.50", 0).await;
    let ada = inputs::customer("ada@example.com", "Ada", "+44 20 7946 0000");
    let ada = register_customer(&mut *app.conn().await, ada, &ctx())
        .await
        .unwrap()
        .id;
    // Ada's book: the default first, then one more (the export writes the default).
    let mut home = inputs::add_address(
        ada,
        "Home",
        inputs::address("=Ada, \"the\" first", "1 Main St", "London", "GB"),
    );
    home.default_shipping = true;
    add_address(&mut *app.conn().await, home, &ctx())
        .await
        .unwrap();
    app.address(ada, "Work", "9 Mill Lane").await;
    app.customer("bob@example.com").await;
    app.refresh().await;

    let products = export(&admin, "/products/export.csv").await;
    assert!(
        products.starts_with("sku,name,description,price,active,low_stock_threshold,tax_rate\n"),
        "{products}"
    );
    assert!(products.contains("\"'=HYPERLINK("), "{products}");
    let customers = export(&admin, "/customers/export.csv").await;
    assert!(customers.contains("'+44 20 7946 0000"), "{customers}");
    assert!(
        customers.starts_with(
            "email,name,phone,address_label,address_name,address_company,address_line1,\
             address_line2,address_city,address_region,address_postal_code,address_country,\
             address_phone\n"
        ),
        "{customers}"
    );
    assert!(
        customers.contains("Home,\"'=Ada, \"\"the\"\" first\",,1 Main St,,London,,,GB,"),
        "{customers}"
    );
    assert!(!customers.contains("9 Mill Lane"), "{customers}");
    let counts = export(&admin, "/products/export.csv?sheet=stock_counts").await;
    assert!(counts.contains("TEE-1,"), "{counts}");

    let token = session_csrf(&admin).await;
    for (kind, file, rows) in [
        ("products", products, 2),
        ("customers", customers, 2),
        ("stock_counts", counts, 2),
    ] {
        let before = app.snapshot().await;
        let uploaded = upload(&admin, kind, &token, file.as_bytes()).await;
        assert_eq!(uploaded.status(), Status::SeeOther, "{kind}");
        let page = location(&uploaded);
        app.work().await;
        let (_, preview) = get(&admin, &page).await;
        let unchanged = preview
            .split("id=\"unchanged\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap_or_default();
        assert_eq!(unchanged, rows.to_string(), "{kind}: {preview}");
        post(&admin, &format!("{page}/apply"), &[]).await;
        app.work().await;
        assert_eq!(app.snapshot().await, before, "{kind}");
    }
}

#[tokio::test]
async fn a_customers_preview_shows_each_address_field_old_and_new_and_bad_cells_by_column() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.address(ada, "Home", "1 Old Road").await;
    let (admin, _) = app.signed_in("admin").await;
    let token = session_csrf(&admin).await;
    let csv = "email,name,address_label,address_name,address_line1,address_city,address_country\n\
               ada@example.com,Customer ada@example.com,Home,Ada Tester,1 New Road,Leeds,GB\n\
               bob@example.com,Bob,,Bob,2 Road,Town,Narnia\n";
    let uploaded = upload(&admin, "customers", &token, csv.as_bytes()).await;
    let page = location(&uploaded);
    app.work().await;
    let (_, preview) = get(&admin, &page).await;
    let ada_row = row_with(&preview, "ada@example.com").unwrap();
    assert_eq!(ada_row[2], "update");
    assert!(
        ada_row[3].contains("address_line1: 1 Old Road → 1 New Road"),
        "{ada_row:?}"
    );
    assert!(
        ada_row[3].contains("address_city: Town → Leeds"),
        "{ada_row:?}"
    );
    let bob_row = row_with(&preview, "bob@example.com").unwrap();
    assert_eq!(bob_row[2], "refused");
    assert!(bob_row[3].contains("address_country"), "{bob_row:?}");
    assert!(preview.contains("cannot be imported"), "{preview}");
}

#[tokio::test]
async fn an_upload_without_the_token_or_by_a_clerk_is_refused_before_the_file_is_read() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("admin").await;
    let csv = b"sku,name,price\nTEE-1,Tee,1\n";
    let forged = upload(&admin, "products", &"0".repeat(64), csv).await;
    assert_eq!(forged.status(), Status::Forbidden);
    assert!(
        forged
            .into_string()
            .await
            .unwrap()
            .contains("did not come from OrderDesk")
    );
    let (clerk, _) = app.signed_in("clerk").await;
    let token = session_csrf(&clerk).await;
    let refused = upload(&clerk, "products", &token, csv).await;
    assert_eq!(refused.status(), Status::Forbidden);
    assert!(
        refused
            .into_string()
            .await
            .unwrap()
            .contains("Your role (clerk) may not")
    );
    assert_eq!(app.scalar("SELECT count(*) FROM import_jobs").await, 0);
}

#[tokio::test]
async fn a_binary_or_too_large_file_is_refused_beside_its_form() {
    let app = TestApp::spawn().await;
    let (admin, _) = app
        .signed_in_with("admin", &[("limits.import", "2 KiB")])
        .await;
    let token = session_csrf(&admin).await;
    let binary = upload(&admin, "customers", &token, b"\x89PNG\r\n\x1a\n\0\0\0").await;
    assert_eq!(binary.status(), Status::UnprocessableEntity);
    assert!(
        binary
            .into_string()
            .await
            .unwrap()
            .contains("not a CSV file")
    );
    let big = "email,name\n".to_owned() + &"a@example.com,A\n".repeat(400);
    let large = upload(&admin, "customers", &token, big.as_bytes()).await;
    assert_eq!(large.status(), Status::PayloadTooLarge);
    assert!(
        large
            .into_string()
            .await
            .unwrap()
            .contains("Nothing was imported")
    );
    assert_eq!(app.scalar("SELECT count(*) FROM import_jobs").await, 0);
}

#[tokio::test]
async fn the_low_stock_threshold_is_edited_on_the_product_form_and_the_dashboard_follows() {
    let app = TestApp::spawn().await;
    let id = app.product("TEE-1", "10.00", 20).await;
    app.refresh().await;
    let (clerk, _) = app.signed_in("clerk").await;
    let path = format!("/products/{id}");
    let (_, form) = get(&clerk, &path).await;
    assert_eq!(
        input_value(&form, "low_stock_threshold").as_deref(),
        Some("10")
    );
    let version = input_value(&form, "version").unwrap();
    let fields = |threshold: &'static str, version: String| {
        vec![
            ("name", "Product TEE-1".to_owned()),
            ("description", String::new()),
            ("price", "10.00".to_owned()),
            ("active", "true".to_owned()),
            ("low_stock_threshold", threshold.to_owned()),
            ("version", version),
        ]
    };
    let saved = fields("25", version.clone());
    let borrowed: Vec<(&str, &str)> = saved.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = post(&clerk, &path, &borrowed).await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM events WHERE aggregate_id = {id} AND event_type = 'product_updated' \
             AND (payload->>'low_stock_threshold')::int = 25"
        ))
        .await,
        1
    );
    // The same version again is stale: 409, nothing written.
    let stale = fields("5", version);
    let borrowed: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let conflict = post(&clerk, &path, &borrowed).await;
    assert_eq!(conflict.status(), Status::Conflict);
    assert_eq!(
        app.scalar(&format!(
            "SELECT low_stock_threshold FROM inventory WHERE product_id = {id}"
        ))
        .await,
        25
    );
    // 20 available at a threshold of 25: low on the dashboard and the list.
    app.refresh().await;
    let d = orderdesk::queries::dashboard::load(&mut *app.read_conn().await)
        .await
        .unwrap();
    assert_eq!(d.data.low_stock_count, 1);
    assert_eq!(d.data.low_stock[0].low_stock_threshold, 25);
    let (_, bad) = get(&clerk, &path).await;
    let version = input_value(&bad, "version").unwrap();
    let negative = fields("-1", version);
    let borrowed: Vec<(&str, &str)> = negative.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = post(&clerk, &path, &borrowed).await;
    assert_eq!(refused.status(), Status::UnprocessableEntity);
}
