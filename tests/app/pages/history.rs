//! Every version in words: events of every type in their OLD shapes (no
//! `schema_version`, fields missing, `{}`), inserted straight into the
//! events table as years of history hold them, render on the order,
//! customer and product pages as their sentences, never as raw event names;
//! staff, tax-rate and shop events read the same way through the query.

use std::collections::HashSet;

use diesel_async::RunQueryDsl;
use orderdesk::domain::{Aggregate, Currency, EventType};
use orderdesk::queries::history::{self, HistoryEntry};
use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::pages_http::{get, staff_client};

const WHO: &str = "old hand";

/// Records no command made (their rows are gone or never were): only their
/// events. The customer and product pages need their record, so those are
/// made by the commands first and given the old events after their own.
const ORDER: i64 = 900_001;
const USER: i64 = 900_004;
const TAX_RATE: i64 = 900_005;
const SHOP: i64 = 1;

/// `(event type, payload as stored, the sentence it reads as)` of one record.
type Told = [(&'static str, &'static str, &'static str)];

const ORDER_EVENTS: &Told = &[
    (
        "order_placed",
        r#"{"customer_id": 1, "shipping_address": "1 Main St, Springfield",
            "lines": [{"product_id": 3, "sku": "MUG-00003", "name": "Minimal Mug",
                       "quantity": 2, "unit_price_cents": 400}], "total_cents": 800}"#,
        "old hand placed the order: 2 × MUG-00003 Minimal Mug at $4.00; total $8.00; \
         ship to 1 Main St, Springfield",
    ),
    (
        "order_placed",
        r#"{"customer_id": 1, "lines": [], "total_cents": 0,
            "shipping_address": {"name": "Jo", "line1": "1 Main St", "city": "Springfield",
                                 "country": "US"}}"#,
        "old hand placed the order; total $0.00; ship to Jo, 1 Main St, Springfield, \
         United States",
    ),
    ("order_placed", "{}", "old hand placed the order"),
    ("order_paid", "{}", "old hand marked the order paid"),
    // As MarkPaid stored it before the fulfilment split (no longer appended).
    (
        "order_paid",
        r#"{"status": "paid", "reason": null, "version": 2}"#,
        "old hand marked the order paid",
    ),
    (
        "order_shipped",
        r#"{"status": "shipped", "reason": null, "version": 3}"#,
        "old hand shipped the order",
    ),
    (
        "order_delivered",
        "{}",
        "old hand marked the order delivered",
    ),
    (
        "order_cancelled",
        r#"{"reason": "too late"}"#,
        "old hand cancelled the order: “too late”",
    ),
    (
        "order_note_added",
        r#"{"note_id": 77, "body": "back door"}"#,
        "old hand wrote a note: “back door”",
    ),
    (
        "order_note_removed",
        r#"{"note_id": 77}"#,
        "old hand removed a note: “back door”",
    ),
    ("order_note_removed", "{}", "old hand removed a note"),
    (
        "payment_recorded",
        r#"{"payment_id": 5, "amount_cents": 2000, "method": "card", "reference": "8841"}"#,
        "old hand recorded a card payment of $20.00, ref 8841 (payment #5)",
    ),
    (
        "payment_refunded",
        r#"{"amount_cents": 500, "method": "cash"}"#,
        "old hand refunded $5.00 by cash",
    ),
    (
        "payment_voided",
        r#"{"voids_payment_id": 5, "voided_kind": "payment", "amount_cents": 2000}"#,
        "old hand voided payment #5 of $20.00 by card",
    ),
    ("payment_recorded", "{}", "old hand recorded a payment"),
    ("payment_voided", "{}", "old hand voided an entry"),
    (
        "invoice_issued",
        r#"{"number": "2026-000001", "grand_total_cents": 800}"#,
        "old hand issued invoice 2026-000001 for $8.00",
    ),
    ("invoice_issued", "{}", "old hand issued invoice"),
    (
        "order_edited",
        r#"{"lines": [{"change": "changed", "sku": "MUG-00003", "name": "Minimal Mug",
                       "old_quantity": 2, "new_quantity": 3}],
            "old_total_cents": 800, "new_total_cents": 1200}"#,
        "old hand edited the order: changed the quantity of MUG-00003 Minimal Mug from 2 to 3; \
         total $8.00 → $12.00",
    ),
    ("order_edited", "{}", "old hand edited the order"),
    (
        "credit_note_issued",
        r#"{"number": "CN-2026-000001", "credits_number": "2026-000001"}"#,
        "old hand issued credit note CN-2026-000001, crediting invoice 2026-000001",
    ),
];

const CUSTOMER_EVENTS: &Told = &[
    (
        "customer_registered",
        r#"{"name": "Ada Old", "email": "ada@old.example"}"#,
        "old hand registered the customer Ada Old (ada@old.example)",
    ),
    (
        "customer_updated",
        r#"{"name": "Ada New", "email": "ada@old.example"}"#,
        "old hand changed the name from “Ada Old” to “Ada New”",
    ),
    (
        "customer_updated",
        "{}",
        "old hand updated the customer's details",
    ),
    (
        "customer_address_added",
        r#"{"label": "Home", "line1": "1 Old St", "city": "Leeds", "country": "GB",
            "address_id": 31}"#,
        "old hand added the address “Home”: 1 Old St, Leeds, United Kingdom",
    ),
    (
        "customer_address_edited",
        r#"{"address_id": 31, "line1": "2 Old St", "city": "Leeds", "country": "GB"}"#,
        "old hand edited the address “Home”: 2 Old St, Leeds, United Kingdom \
         (was 1 Old St, Leeds, United Kingdom)",
    ),
    (
        "customer_default_address_set",
        r#"{"address_id": 31}"#,
        "old hand made the address “Home” the default",
    ),
    (
        "customer_address_removed",
        r#"{"address_id": 31}"#,
        "old hand removed the address “Home” (2 Old St, Leeds, United Kingdom)",
    ),
    ("customer_address_added", "{}", "old hand added an address"),
    (
        "customer_address_edited",
        "{}",
        "old hand edited an address",
    ),
    (
        "customer_note_added",
        r#"{"body": "call first"}"#,
        "old hand wrote a note: “call first”",
    ),
    ("customer_note_removed", "{}", "old hand removed a note"),
];

const PRODUCT_EVENTS: &Told = &[
    (
        "product_created",
        r#"{"sku": "OLD-1", "name": "Old Mug", "price_cents": 400, "active": true}"#,
        "old hand created the product OLD-1 Old Mug at $4.00, for sale",
    ),
    (
        "product_updated",
        r#"{"name": "Old Mug", "description": "", "price_cents": 500, "active": true,
            "low_stock_threshold": 3, "version": 2}"#,
        "old hand changed the price of OLD-1 Old Mug from $4.00 to $5.00 \
         and the low-stock alert to 3",
    ),
    (
        "product_updated",
        r#"{"schema_version": 2, "name": "Old Mug", "description": "", "price_cents": 500,
            "active": false, "low_stock_threshold": 3, "tax_rate_id": 2, "version": 3}"#,
        "old hand changed the tax rate of OLD-1 Old Mug to rate #2; took it off sale",
    ),
    (
        "stock_received",
        r#"{"quantity": 40}"#,
        "old hand received 40 units of OLD-1 Old Mug",
    ),
    (
        "stock_adjusted",
        r#"{"quantity": -3, "reason": "damaged", "on_hand": 37}"#,
        "old hand adjusted the stock of OLD-1 Old Mug by −3 (damaged); 37 on hand",
    ),
    ("product_updated", "{}", "old hand updated OLD-1 Old Mug"),
    (
        "stock_adjusted",
        "{}",
        "old hand adjusted the stock of OLD-1 Old Mug",
    ),
    (
        "stock_received",
        r#"{"quantity": "lots"}"#,
        "old hand received stock of OLD-1 Old Mug",
    ),
];

const USER_EVENTS: &Told = &[
    (
        "user_created",
        r#"{"username": "bo"}"#,
        "old hand created the account bo",
    ),
    (
        "user_role_changed",
        r#"{"role": "admin"}"#,
        "old hand changed the role of the account bo to admin",
    ),
    (
        "user_password_changed",
        "{}",
        "old hand changed the password of the account bo",
    ),
    (
        "user_sessions_ended",
        "{}",
        "old hand signed the account bo out everywhere",
    ),
    (
        "user_deactivated",
        r#"{"version": 3}"#,
        "old hand deactivated the account bo",
    ),
];

const TAX_RATE_EVENTS: &Told = &[
    (
        "tax_rate_created",
        r#"{"name": "Reduced", "rate_ppm": 50000}"#,
        "old hand created the tax rate Reduced (5%)",
    ),
    (
        "tax_rate_updated",
        r#"{"name": "Reduced", "rate_ppm": 55000}"#,
        "old hand changed the tax rate Reduced (5%) to Reduced (5.5%)",
    ),
    (
        "tax_rate_archived",
        "{}",
        "old hand archived the tax rate Reduced (5.5%)",
    ),
];

const SHOP_EVENTS: &Told = &[
    (
        "shop_settings_changed",
        r#"{"default_tax_rate": {"old": 1, "new": 2}, "version": 2}"#,
        "old hand changed the shop settings: default tax rate from rate #1 to rate #2",
    ),
    (
        "shop_settings_changed",
        "{}",
        "old hand changed the shop settings",
    ),
];

/// Appends `events` to record `(aggregate, id)`, oldest first, as stored long ago.
async fn insert(app: &TestApp, aggregate: &str, id: i64, events: &Told) {
    for (event_type, payload, _) in events {
        app.exec(&format!(
            "INSERT INTO events (aggregate_type, aggregate_id, event_type, payload, actor) \
             VALUES ('{aggregate}', {id}, '{event_type}', '{payload}'::jsonb, '{WHO}')"
        ))
        .await;
    }
}

/// A page's History card, and the What cells of the rows by [`WHO`], as text.
fn history_card(page: &str) -> (String, Vec<String>) {
    let card = page.split_once("<h2>History</h2>").map_or("", |(_, rest)| {
        rest.split("</section>").next().unwrap_or(rest)
    });
    let what = card
        .split("<tr>")
        .filter(|row| row.contains(&format!("<td>{WHO}</td>")))
        .filter_map(|row| row.rsplit("<td>").next())
        .map(|cell| {
            cell.split("</td>")
                .next()
                .unwrap_or(cell)
                .replace("&#39;", "'")
                .replace("&#x27;", "'")
                .replace("&amp;", "&")
        })
        .collect();
    (card.to_owned(), what)
}

fn sentences(events: &Told) -> Vec<String> {
    events.iter().map(|(_, _, s)| (*s).to_owned()).collect()
}

#[tokio::test]
async fn old_shaped_events_of_every_type_render_as_their_sentences_on_the_pages() {
    let app = TestApp::spawn().await;
    let customer = app.customer("ada@example.com").await;
    let product = app.product("MUG-1", "4.00", 0).await;
    app.refresh().await;
    insert(&app, "order", ORDER, ORDER_EVENTS).await;
    insert(&app, "customer", customer, CUSTOMER_EVENTS).await;
    insert(&app, "product", product, PRODUCT_EVENTS).await;
    let client = staff_client(&app).await;

    for (path, events) in [
        (format!("/orders/{ORDER}"), ORDER_EVENTS),
        (format!("/customers/{customer}"), CUSTOMER_EVENTS),
        (format!("/products/{product}"), PRODUCT_EVENTS),
    ] {
        let (status, page) = get(&client, &path).await;
        assert_eq!(status, Status::Ok, "{path}: {page}");
        let (card, what) = history_card(&page);
        assert_eq!(what, sentences(events), "{path}");
        for e in EventType::ALL {
            assert!(!card.contains(e.as_str()), "{path} shows {e}: {card}");
        }
        assert!(card.contains("<th scope=\"col\">Who</th>") && card.contains(WHO));
    }
}

#[tokio::test]
async fn old_staff_tax_rate_and_shop_events_read_as_their_sentences() {
    let app = TestApp::spawn().await;
    insert(&app, "user", USER, USER_EVENTS).await;
    insert(&app, "tax_rate", TAX_RATE, TAX_RATE_EVENTS).await;
    insert(&app, "shop", SHOP, SHOP_EVENTS).await;

    for (aggregate, id, events) in [
        (Aggregate::User, USER, USER_EVENTS),
        (Aggregate::TaxRate, TAX_RATE, TAX_RATE_EVENTS),
        (Aggregate::Shop, SHOP, SHOP_EVENTS),
    ] {
        let entries = history::query(aggregate, id)
            .load::<HistoryEntry>(&mut *app.read_conn().await)
            .await
            .unwrap();
        let told: Vec<String> = history::in_words(entries)
            .into_iter()
            .filter(|line| line.actor == WHO)
            .map(|line| line.what.written(Currency::USD))
            .collect();
        assert_eq!(told, sentences(events), "{aggregate}");
    }
}

#[test]
fn the_old_shapes_cover_every_event_type() {
    let covered: HashSet<&str> = [
        ORDER_EVENTS,
        CUSTOMER_EVENTS,
        PRODUCT_EVENTS,
        USER_EVENTS,
        TAX_RATE_EVENTS,
        SHOP_EVENTS,
    ]
    .iter()
    .flat_map(|events| events.iter().map(|(t, _, _)| *t))
    .collect();
    let missing: Vec<&str> = EventType::ALL
        .iter()
        .map(|e| e.as_str())
        .filter(|e| !covered.contains(e))
        .collect();
    assert!(missing.is_empty(), "no old-shaped event of {missing:?}");
}
