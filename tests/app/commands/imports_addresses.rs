//! Customers imported with one address per row: added to an empty book
//! (both defaults), an address with the row's label edited (old → new per
//! field, version-checked at apply), an identical one unchanged; bad address
//! cells refused with their column; a book changed after the preview refuses
//! the row at apply, and so does a customer edited or registered since,
//! while the chunk's other rows are applied with their events.

use orderdesk::domain::ImportKind;

use crate::support::helpers::TestApp;

const HEADER: &str = "email,name,phone,address_label,address_name,address_company,\
                      address_line1,address_line2,address_city,address_region,\
                      address_postal_code,address_country,address_phone";

fn csv(rows: &[&str]) -> String {
    let mut s = format!("{HEADER}\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

#[tokio::test]
async fn a_new_customer_and_one_without_a_book_get_the_address_as_both_defaults() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let file = csv(&[
        "ada@example.com,Customer ada@example.com,,Home,Ada,,1 Main St,,London,,SW1A 1AA,gb,",
        "bob@example.com,Bob,,,Bob B,Acme,2 High St,Unit 4,Leeds,,LS1 1AA,United Kingdom,\
         +44 113 000",
    ]);
    let id = app.preview(ImportKind::Customers, file.as_bytes()).await;
    assert_eq!(app.job_figure(id, "updates").await, 1);
    assert_eq!(app.job_figure(id, "creates").await, 1);
    // The preview names the new address and each of its parts, old → new.
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM import_rows WHERE job_id = {id} AND key = 'ada@example.com' \
             AND changes @> '[{{\"field\": \"address\", \"old\": \"\"}}, \
             {{\"field\": \"address_city\", \"old\": \"\", \"new\": \"London\"}}]'"
        ))
        .await,
        1
    );
    app.import(id).await;
    assert_eq!(app.job_figure(id, "apply_refused").await, 0);
    for (email, line1) in [
        ("ada@example.com", "1 Main St"),
        ("bob@example.com", "2 High St"),
    ] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT count(*) FROM customers c JOIN customer_addresses a \
                 ON a.id = c.default_shipping_address_id AND a.id = c.default_billing_address_id \
                 WHERE c.email = '{email}' AND a.line1 = '{line1}' AND a.country = 'GB'"
            ))
            .await,
            1,
            "{email}"
        );
    }
    // Ada's details did not change: no customer_updated, one address event.
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM events WHERE request_id = 'import-{id}' \
             AND aggregate_id = {ada}"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT version FROM customers WHERE email = 'ada@example.com'")
            .await,
        1
    );
    // The same file again: every row unchanged, nothing written.
    let again = app.preview(ImportKind::Customers, file.as_bytes()).await;
    assert_eq!(app.job_figure(again, "unchanged").await, 2);
}

#[tokio::test]
async fn the_address_with_the_rows_label_is_edited_and_another_label_is_added() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let home = app.address(ada, "Home", "1 Old Road").await;
    let file = csv(&[
        "ada@example.com,Customer ada@example.com,,home,Ada Tester,,1 New Road,,Town,,,GB,",
        "ada2@example.com,Ada Two,,,A,,1 Road,,Town,,,GB,",
    ]);
    let id = app.preview(ImportKind::Customers, file.as_bytes()).await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM import_rows WHERE job_id = {id} AND key = 'ada@example.com' \
             AND outcome = 'update' AND changes = '[\
             {{\"field\": \"address_label\", \"old\": \"Home\", \"new\": \"home\"}}, \
             {{\"field\": \"address_line1\", \"old\": \"1 Old Road\", \"new\": \"1 New Road\"}}]'"
        ))
        .await,
        1
    );
    app.import(id).await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM customer_addresses WHERE id = {home} \
             AND line1 = '1 New Road' AND label = 'home' AND version = 2"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM customer_addresses WHERE customer_id = {ada}"
        ))
        .await,
        1
    );

    let work =
        csv(&["ada@example.com,Customer ada@example.com,,Work,Ada,,9 Mill Lane,,Town,,,GB,"]);
    let id = app.preview(ImportKind::Customers, work.as_bytes()).await;
    app.import(id).await;
    // Added beside Home, which stays the default.
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM customer_addresses a JOIN customers c ON c.id = a.customer_id \
             WHERE a.customer_id = {ada} AND a.label = 'Work' \
             AND c.default_shipping_address_id = {home}"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn bad_address_cells_are_refused_with_their_column_and_reason() {
    let app = TestApp::spawn().await;
    let file = csv(&[
        "ann@example.com,Ann,,,Ann,,,,,,,Atlantis,",
        "bea@example.com,Bea,,,Bea,,1 Road,,Town,,,GB,call me",
        "cy@example.com,Cy,,,,,,,,,,,",
    ]);
    let id = app.preview(ImportKind::Customers, file.as_bytes()).await;
    let refused = app.refused_rows(id).await;
    assert_eq!(refused.len(), 2, "{refused:?}");
    let (line, why) = &refused[0];
    assert_eq!(*line, 2);
    for part in [
        "\"address_line1\"",
        "address line 1 is required",
        "\"address_city\"",
        "\"address_country\"",
    ] {
        assert!(why.contains(part), "{part} in {why}");
    }
    assert!(
        refused[1].1.contains("\"address_phone\""),
        "{}",
        refused[1].1
    );
    // A row whose address cells are all blank has no address: it is created.
    assert_eq!(app.job_figure(id, "creates").await, 1);
}

#[tokio::test]
async fn an_address_edited_or_added_after_the_preview_refuses_the_row_at_apply() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let home = app.address(ada, "Home", "1 Old Road").await;
    app.customer("bob@example.com").await;
    let file = csv(&[
        "ada@example.com,Customer ada@example.com,,Home,Ada Tester,,1 New Road,,Town,,,GB,",
        "bob@example.com,Customer bob@example.com,,Home,Bob,,2 Road,,Town,,,GB,",
    ]);
    let id = app.preview(ImportKind::Customers, file.as_bytes()).await;
    assert_eq!(app.job_figure(id, "updates").await, 2);
    // A clerk edits Ada's Home and gives Bob an address meanwhile.
    app.exec(&format!(
        "UPDATE customer_addresses SET line1 = 'Clerk Road', version = version + 1 \
         WHERE id = {home}"
    ))
    .await;
    let bob = app
        .scalar("SELECT id FROM customers WHERE email = 'bob@example.com'")
        .await;
    app.address(bob, "Office", "5 Clerk St").await;
    app.import(id).await;
    assert_eq!(app.job_figure(id, "apply_refused").await, 2);
    let refused = app.refused_rows(id).await;
    assert!(
        refused[0].1.contains("changed after the preview"),
        "{}",
        refused[0].1
    );
    assert!(
        refused[1].1.contains("an address was added"),
        "{}",
        refused[1].1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM customer_addresses WHERE id = {home} AND line1 = 'Clerk Road'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM customer_addresses WHERE customer_id = {bob}"
        ))
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_edited_or_registered_after_the_preview_is_refused_the_rest_applied() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let cyd = app.customer("cyd@example.com").await;
    let file = csv(&[
        "ada@example.com,Ada Lovelace,,Home,Ada,,1 New Road,,Town,,,GB,",
        "bob@example.com,Bob,,Home,Bob,,2 Road,,Town,,,GB,",
        "cyd@example.com,Cyd Renamed,,,,,,,,,,,",
        "dan@example.com,Dan,,Home,Dan,,4 Road,,Town,,,GB,",
    ]);
    let id = app.preview(ImportKind::Customers, file.as_bytes()).await;
    assert_eq!(app.job_figure(id, "updates").await, 2);
    assert_eq!(app.job_figure(id, "creates").await, 2);
    // Meanwhile a clerk renames Cyd and registers Dan.
    app.exec(&format!(
        "UPDATE customers SET name = 'Cyd by a clerk', version = version + 1 WHERE id = {cyd}"
    ))
    .await;
    app.customer("dan@example.com").await;
    app.import(id).await;

    assert_eq!(app.job_figure(id, "rows_applied").await, 2);
    assert_eq!(app.job_figure(id, "apply_refused").await, 2);
    let refused = app.refused_rows(id).await;
    assert_eq!(
        refused.iter().map(|r| r.0).collect::<Vec<_>>(),
        [4, 5],
        "{refused:?}"
    );
    assert!(
        refused[0].1.contains("changed after the preview"),
        "{}",
        refused[0].1
    );
    assert!(
        refused[1].1.contains("created after the preview"),
        "{}",
        refused[1].1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM customers WHERE id = {cyd} AND name = 'Cyd by a clerk'"
        ))
        .await,
        1
    );
    // Ada renamed with her first address as both defaults; Bob new, the same.
    for (email, name) in [
        ("ada@example.com", "Ada Lovelace"),
        ("bob@example.com", "Bob"),
    ] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT count(*) FROM customers c JOIN customer_addresses a \
                 ON a.id = c.default_shipping_address_id AND a.id = c.default_billing_address_id \
                 WHERE c.email = '{email}' AND c.name = '{name}' AND a.customer_id = c.id"
            ))
            .await,
            1,
            "{email}"
        );
    }
    assert_eq!(
        app.scalar(&format!("SELECT version FROM customers WHERE id = {ada}"))
            .await,
        2
    );
    // Every change its event, in order per customer; the read models follow them exactly.
    let events = app
        .json(&format!(
            "SELECT json_agg(event_type ORDER BY id) FROM events WHERE request_id = 'import-{id}'"
        ))
        .await;
    assert_eq!(
        events,
        serde_json::json!([
            "customer_registered",
            "customer_updated",
            "customer_address_added",
            "customer_address_added"
        ])
    );
    app.catch_up().await;
    let models: Vec<_> = orderdesk::read_models::catalog::live().collect();
    let results = orderdesk::read_models::verify::verify(&mut *app.conn().await, &models, false)
        .await
        .unwrap();
    for r in &results {
        assert!(r.ok(), "{} differs after the import: {:?}", r.name, r.keys);
    }
}
