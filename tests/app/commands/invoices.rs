//! IssueInvoice and credit notes: gapless yearly series (credit notes in
//! their own) dated in the shop's time zone, many issuers at once, at most
//! one standing invoice, immutable rows, frozen copies, the credit note of a
//! cancellation, and Invoice on payment.

use diesel_async::{AsyncConnection, RunQueryDsl};
use orderdesk::commands::cancel_order::cancel_order;
use orderdesk::commands::change_shop_settings::{
    ChangeShopSettings, change_shop_settings, current,
};
use orderdesk::commands::create_product::create_product;
use orderdesk::commands::create_tax_rate::{TaxRateDetails, create_tax_rate};
use orderdesk::commands::issue_invoice::{IssueInvoice, issue_invoice};
use orderdesk::commands::receive_stock::receive_stock;
use orderdesk::commands::record_payment::record_payment;
use orderdesk::commands::update_tax_rate::{UpdateTaxRate, update_tax_rate};
use orderdesk::commands::{Ack, CommandError};
use orderdesk::domain::{OrderId, Percent, TaxId, TaxRateId, TaxRateName};
use orderdesk::read_models::time_zone;

use super::payments::payment;
use crate::support::helpers::{TestApp, ctx};
use crate::support::inputs;

/// The shop's year now, as the series counts it.
async fn year(app: &TestApp) -> i64 {
    app.scalar("SELECT extract(year FROM shop_today())").await
}

async fn issue(app: &TestApp, order: i64) -> Result<Ack, CommandError> {
    let input = IssueInvoice {
        order_id: OrderId(order),
    };
    issue_invoice(&mut *app.conn().await, input, &ctx()).await
}

async fn number(app: &TestApp, id: i64) -> String {
    app.json(&format!(
        "SELECT to_jsonb(number) FROM invoices WHERE id = {id}"
    ))
    .await
    .as_str()
    .unwrap()
    .to_owned()
}

/// A customer and a product TEE at 10.00 with plenty of stock.
async fn shop(app: &TestApp) -> i64 {
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10", 500).await;
    customer
}

#[tokio::test]
async fn the_first_invoice_of_the_year_is_number_one_and_credit_notes_count_apart() {
    let app = TestApp::spawn().await;
    let ada = shop(&app).await;
    let year = year(&app).await;
    let first = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    let second = app.place(ada, &[("TEE", 1)]).await.unwrap().id;

    let a = issue(&app, first).await.unwrap();
    let b = issue(&app, second).await.unwrap();
    assert_eq!(number(&app, a.id).await, format!("{year}-000001"));
    assert_eq!(number(&app, b.id).await, format!("{year}-000002"));
    assert_eq!(
        a.version, None,
        "an invoice never moves the order's version"
    );

    cancel_order(
        &mut *app.conn().await,
        inputs::cancel(second, "changed mind"),
        &ctx(),
    )
    .await
    .unwrap();
    let credit = app
        .scalar(&format!(
            "SELECT id FROM invoices WHERE credits_invoice_id = {}",
            b.id
        ))
        .await;
    assert_eq!(number(&app, credit).await, format!("CN-{year}-000001"));
    let third = app.place(ada, &[("TEE", 3)]).await.unwrap().id;
    let c = issue(&app, third).await.unwrap();
    assert_eq!(number(&app, c.id).await, format!("{year}-000003"));
    let payload = app
        .json(&format!(
            "SELECT payload FROM events WHERE id = {}",
            c.event_id
        ))
        .await;
    assert_eq!(payload["number"], format!("{year}-000003"));
    assert_eq!(payload["grand_total_cents"], 3000);
    assert_eq!(payload["schema_version"], 1);
}

#[tokio::test]
async fn an_invoice_is_dated_and_numbered_by_the_issue_day_in_the_shops_time_zone() {
    let app = TestApp::spawn().await;
    let ada = shop(&app).await;
    let mut dates = Vec::new();
    // 26 hours apart: whatever the hour, at least one of the two days is not
    // UTC's, so an issue dated in UTC fails here.
    for zone in ["Etc/GMT+12", "Etc/GMT-14"] {
        time_zone::change(&mut *app.conn().await, zone, &mut |_| {})
            .await
            .unwrap()
            .expect("the zone changed");
        let order = app.place(ada, &[("TEE", 1)]).await.unwrap().id;

        let invoice = issue(&app, order).await.unwrap().id;

        let stored = app
            .json(&format!(
                "SELECT jsonb_build_array(issued_on, (now() AT TIME ZONE '{zone}')::date, \
                 series_year) FROM invoices WHERE id = {invoice}"
            ))
            .await;
        assert_eq!(stored[0], stored[1], "{zone}: {stored}");
        let day = stored[0].as_str().unwrap().to_owned();
        let year = &day[..4];
        assert_eq!(stored[2].to_string(), year, "{zone}: {stored}");
        let number = number(&app, invoice).await;
        assert!(number.starts_with(&format!("{year}-")), "{zone}: {number}");
        dates.push(day);
    }
    assert!(dates[0] < dates[1], "{dates:?}");
}

#[tokio::test]
async fn issuing_never_moves_the_orders_version_and_a_standing_invoice_refuses_a_second() {
    let app = TestApp::spawn().await;
    let ada = shop(&app).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    let version = "SELECT version FROM orders WHERE id = ";
    let before = app.scalar(&format!("{version}{order}")).await;

    let first = issue(&app, order).await.unwrap();
    assert_eq!(app.scalar(&format!("{version}{order}")).await, before);
    let events = app.scalar("SELECT count(*) FROM events").await;
    let again = issue(&app, order).await.unwrap_err();
    let CommandError::Conflict(c) = again else {
        panic!("expected a conflict, got {again:?}");
    };
    assert!(
        c.message.contains(&number(&app, first.id).await),
        "{}",
        c.message
    );
    assert_eq!(app.scalar("SELECT count(*) FROM invoices").await, 1);
    assert_eq!(app.scalar("SELECT count(*) FROM events").await, events);
    let missing = issue(&app, order + 100).await.unwrap_err();
    assert!(
        matches!(missing, CommandError::NotFound { .. }),
        "{missing:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_four_parallel_issuers_get_numbers_one_to_twenty_four_without_a_gap() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let ada = shop(&app).await;
    let mut orders = Vec::new();
    for _ in 0..24 {
        orders.push(app.place(ada, &[("TEE", 1)]).await.unwrap().id);
    }
    let tasks: Vec<_> = orders
        .iter()
        .map(|&order| {
            let app = app.clone();
            tokio::spawn(async move {
                let mut conn = diesel_async::AsyncPgConnection::establish(&app.db.url)
                    .await
                    .unwrap();
                let input = IssueInvoice {
                    order_id: OrderId(order),
                };
                issue_invoice(&mut conn, input, &ctx()).await.unwrap()
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let year = year(&app).await;
    let numbers = app
        .json("SELECT jsonb_agg(sequence_number ORDER BY sequence_number) FROM invoices")
        .await;
    let expected: Vec<i64> = (1..=24).collect();
    assert_eq!(numbers, serde_json::json!(expected));
    assert_eq!(
        app.scalar(&format!(
            "SELECT last_number FROM document_counters WHERE series = 'invoice' AND year = {year}"
        ))
        .await,
        24
    );
    assert_eq!(
        app.scalar("SELECT count(DISTINCT order_id) FROM invoices")
            .await,
        24
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_issuers_of_the_same_order_at_once_make_exactly_one_invoice() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let ada = shop(&app).await;
    let order = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let mut conn = diesel_async::AsyncPgConnection::establish(&app.db.url)
                    .await
                    .unwrap();
                let input = IssueInvoice {
                    order_id: OrderId(order),
                };
                issue_invoice(&mut conn, input, &ctx()).await
            })
        })
        .collect();
    let mut issued = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => issued += 1,
            Err(CommandError::Conflict(_)) => {}
            Err(e) => panic!("unexpected refusal: {e:?}"),
        }
    }
    assert_eq!(issued, 1);
    assert_eq!(app.scalar("SELECT count(*) FROM invoices").await, 1);
    assert_eq!(
        app.scalar("SELECT max(last_number) FROM document_counters")
            .await,
        1,
        "the refused issuer took no number"
    );
}

#[tokio::test]
async fn the_database_refuses_to_update_or_delete_an_invoice_or_to_stand_two() {
    let app = TestApp::spawn().await;
    let ada = shop(&app).await;
    let order = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    let invoice = issue(&app, order).await.unwrap().id;
    for sql in [
        format!("UPDATE invoices SET grand_total_cents = 1, net_cents = 1 WHERE id = {invoice}"),
        format!("DELETE FROM invoices WHERE id = {invoice}"),
        format!("DELETE FROM order_standing_invoices WHERE order_id = {order}"),
        "TRUNCATE invoices CASCADE".to_owned(),
        // A second invoice row for the order, bypassing the command.
        format!(
            "INSERT INTO invoices (order_id, kind, series_year, sequence_number, number, \
             issued_on, issued_by, currency, net_cents, tax_cents, shipping_cents, \
             grand_total_cents, document) \
             VALUES ({order}, 'invoice', 1999, 1, '1999-000001', '1999-01-01', 'x', 'USD', \
             1, 0, 0, 1, '{{}}')"
        ),
    ] {
        let refused = diesel::sql_query(&sql)
            .execute(&mut *app.conn().await)
            .await;
        assert!(refused.is_err(), "{sql} was allowed");
    }
    for right in ["UPDATE", "DELETE", "TRUNCATE"] {
        let sql =
            format!("SELECT has_table_privilege('orderdesk_app', 'invoices', '{right}')::int");
        assert_eq!(app.scalar(&sql).await, 0, "the app role may {right}");
    }
    assert_eq!(app.scalar("SELECT count(*) FROM invoices").await, 1);
}

#[tokio::test]
async fn an_issued_invoice_keeps_the_text_it_was_issued_with() {
    let app = TestApp::spawn().await;
    let ada = shop(&app).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    let invoice = issue(&app, order).await.unwrap().id;
    app.exec("UPDATE products SET name = 'Renamed tee' WHERE sku = 'TEE'")
        .await;
    app.exec(&format!(
        "UPDATE order_addresses SET line1 = '9 New Road' WHERE order_id = {order}"
    ))
    .await;
    let doc = app
        .json(&format!(
            "SELECT document FROM invoices WHERE id = {invoice}"
        ))
        .await;
    assert_eq!(doc["lines"][0]["name"], "Product TEE");
    assert_eq!(doc["lines"][0]["quantity"], 2);
    assert_ne!(doc["shipping"]["line1"], "9 New Road");
    assert_eq!(doc["money"]["grand_total_cents"], 2000);
    assert_eq!(doc["shop"]["name"], "OrderDesk Demo Shop");
    app.catch_up().await;
    let read = app
        .json(&format!(
            "SELECT document FROM read.order_documents WHERE id = {invoice}"
        ))
        .await;
    assert_eq!(read, doc, "the read model shows the frozen copy");
}

/// Saves the shop's tax id (the other settings as they are).
async fn set_tax_id(app: &TestApp, tax_id: &str) {
    let (mut settings, version) = current(&mut *app.conn().await).await.unwrap();
    settings.tax_id = TaxId::parse_optional(tax_id).unwrap();
    let change = ChangeShopSettings {
        expected_version: version,
        settings,
    };
    change_shop_settings(&mut *app.conn().await, change, &ctx())
        .await
        .unwrap();
}

#[tokio::test]
async fn an_issued_invoice_keeps_the_shops_tax_id_and_the_tax_per_rate_it_was_issued_with() {
    let app = TestApp::spawn().await;
    let ada = shop(&app).await;
    let details = TaxRateDetails {
        name: TaxRateName::parse("Standard").unwrap(),
        rate: Percent::whole(20).unwrap(),
    };
    let standard = create_tax_rate(&mut *app.conn().await, details, &ctx())
        .await
        .unwrap()
        .id;
    let mut mug = inputs::product("MUG", "Mug", "7.50");
    mug.details.tax_rate = Some(TaxRateId(standard));
    let mug = create_product(&mut *app.conn().await, mug, &ctx())
        .await
        .unwrap()
        .id;
    receive_stock(&mut *app.conn().await, inputs::receipt(mug, 5, ""), &ctx())
        .await
        .unwrap();
    set_tax_id(&app, "GB111111111").await;
    let order = app.place(ada, &[("TEE", 2), ("MUG", 1)]).await.unwrap().id;
    let invoice = issue(&app, order).await.unwrap().id;

    set_tax_id(&app, "GB999999999").await;
    let update = UpdateTaxRate {
        tax_rate_id: TaxRateId(standard),
        expected_version: 1,
        details: TaxRateDetails {
            name: TaxRateName::parse("Standard").unwrap(),
            rate: Percent::whole(21).unwrap(),
        },
    };
    update_tax_rate(&mut *app.conn().await, update, &ctx())
        .await
        .unwrap();

    let doc = app
        .json(&format!(
            "SELECT document FROM invoices WHERE id = {invoice}"
        ))
        .await;
    assert_eq!(doc["shop"]["tax_id"], "GB111111111");
    // TEE at the default rate (0 %), MUG at 20 %: 1.50 on 7.50.
    let taxes: Vec<_> = doc["money"]["taxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["rate_ppm"].clone(),
                t["net_cents"].clone(),
                t["tax_cents"].clone(),
            )
        })
        .collect();
    assert_eq!(
        taxes.last(),
        Some(&(200_000.into(), 750.into(), 150.into())),
        "{doc}"
    );
    app.catch_up().await;
    let (client, _) = app.signed_in("viewer").await;
    let number = number(&app, invoice).await;
    let page = client
        .get(format!("/orders/{order}/documents/{number}"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("Tax id GB111111111"), "{page}");
    assert!(
        !page.contains("GB999999999") && !page.contains("21%"),
        "{page}"
    );
    assert!(
        page.contains(r#"Tax at 20% <small>on $7.50</small></th><td class="num">$1.50</td>"#),
        "{page}"
    );
}

#[tokio::test]
async fn cancelling_an_invoiced_order_credits_its_invoice_in_full() {
    let app = TestApp::spawn().await;
    let ada = shop(&app).await;
    let order = app.place(ada, &[("TEE", 3)]).await.unwrap().id;
    let invoice = issue(&app, order).await.unwrap().id;

    let ack = cancel_order(
        &mut *app.conn().await,
        inputs::cancel(order, "out of stock"),
        &ctx(),
    )
    .await
    .unwrap();
    let credit = app
        .json(&format!(
            "SELECT to_jsonb(i) FROM invoices i WHERE credits_invoice_id = {invoice}"
        ))
        .await;
    assert_eq!(credit["kind"], "credit_note");
    assert_eq!(credit["grand_total_cents"], 3000);
    assert_eq!(credit["order_id"], order);
    assert_eq!(
        credit["document"]["credits"]["number"],
        number(&app, invoice).await
    );
    let standing = format!("SELECT count(*) FROM order_standing_invoices WHERE order_id = {order}");
    assert_eq!(app.scalar(&standing).await, 0);
    let kinds = app
        .json(&format!(
            "SELECT jsonb_agg(event_type ORDER BY id) FROM events \
             WHERE aggregate_id = {order} AND id > (SELECT min(id) FROM events \
             WHERE event_type = 'invoice_issued')"
        ))
        .await;
    assert_eq!(
        kinds,
        serde_json::json!(["credit_note_issued", "order_cancelled"])
    );
    let last = app.scalar("SELECT max(id) FROM events").await;
    assert_eq!(ack.event_id, last);
    // Cancelled: no new invoice.
    assert!(matches!(
        issue(&app, order).await,
        Err(CommandError::Conflict(_))
    ));

    // A cancelled order that was never invoiced gets no credit note.
    let plain = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    cancel_order(
        &mut *app.conn().await,
        inputs::cancel(plain, "duplicate"),
        &ctx(),
    )
    .await
    .unwrap();
    assert_eq!(app.scalar("SELECT count(*) FROM invoices").await, 2);
}

#[tokio::test]
async fn invoice_on_payment_issues_one_invoice_when_the_balance_is_paid() {
    let app = TestApp::spawn().await;
    let ada = shop(&app).await;
    app.exec("UPDATE shop_settings SET invoice_on_payment = true")
        .await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    let count = format!("SELECT count(*) FROM invoices WHERE order_id = {order}");

    record_payment(&mut *app.conn().await, payment(order, 500, false), &ctx())
        .await
        .unwrap();
    assert_eq!(app.scalar(&count).await, 0, "a deposit issues nothing");
    let ack = record_payment(&mut *app.conn().await, payment(order, 1500, false), &ctx())
        .await
        .unwrap();
    assert_eq!(app.scalar(&count).await, 1);
    let last = app
        .json(&format!(
            "SELECT to_jsonb(event_type) FROM events WHERE id = {}",
            ack.event_id
        ))
        .await;
    assert_eq!(last, "invoice_issued", "the ack names the last event");
    // Overpaid later: still one.
    record_payment(&mut *app.conn().await, payment(order, 100, true), &ctx())
        .await
        .unwrap();
    assert_eq!(app.scalar(&count).await, 1);

    // Mark paid records the balance through the same place.
    let other = app.place(ada, &[("TEE", 1)]).await.unwrap().id;
    app.mark_paid(other).await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM invoices WHERE order_id = {other}"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn without_invoice_on_payment_a_paid_order_gets_no_invoice() {
    let app = TestApp::spawn().await;
    let ada = shop(&app).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    record_payment(&mut *app.conn().await, payment(order, 2000, false), &ctx())
        .await
        .unwrap();
    app.mark_paid(app.place(ada, &[("TEE", 1)]).await.unwrap().id)
        .await;
    assert_eq!(app.scalar("SELECT count(*) FROM invoices").await, 0);
}
