//! Each event type's sentence, asserted in full; old payload shapes say
//! less, never fail; old → new values from the record's earlier events.

use serde_json::{Value, json};

use super::{Event, in_words};
use crate::domain::{Currency, EventType as E};

/// The record's events (oldest first) in words, amounts in dollars.
fn history(events: &[(E, &str, Value)]) -> Vec<String> {
    in_words(events.iter().map(|(event_type, actor, payload)| Event {
        event_type: *event_type,
        actor,
        payload,
    }))
    .iter()
    .map(|w| w.written(Currency::USD))
    .collect()
}

/// One event on its own, by Ann.
fn said(event_type: E, payload: Value) -> String {
    history(&[(event_type, "Ann", payload)]).remove(0)
}

#[test]
fn a_placed_order_lists_its_lines_money_and_address() {
    // Version 2, as place_order writes it.
    let placed = json!({
        "schema_version": 2, "customer_id": 4,
        "shipping_address": {"name": "Jo Bloggs", "company": "", "line1": "1 Main St",
            "line2": "", "city": "Springfield", "region": "IL", "postal_code": "62704",
            "country": "US", "phone": ""},
        "billing_address": null, "saved_to_book": null,
        "lines": [
            {"product_id": 3, "sku": "MUG-00003", "name": "Minimal Mug", "quantity": 2,
             "unit_price_cents": 400, "tax_rate_id": 1, "discount": null,
             "amounts": {"tax_rate": 0, "subtotal": 800, "line_discount": 0,
                 "order_discount": 0, "net": 800, "tax": 0, "total": 800}},
            {"product_id": 75, "sku": "TEE-00075", "name": "Basic Tee", "quantity": 1,
             "unit_price_cents": 2000, "tax_rate_id": 1,
             "discount": {"kind": "amount", "value": 200},
             "amounts": {"tax_rate": 0, "subtotal": 2000, "line_discount": 200,
                 "order_discount": 0, "net": 1800, "tax": 0, "total": 1800}}
        ],
        "total_cents": 4500,
        "money": {"pricing": "tax_exclusive", "subtotal_cents": 2800,
            "line_discounts_cents": 200, "order_discount": {"kind": "amount", "value": 100},
            "order_discount_cents": 100,
            "shipping": {"tax_rate_id": 1, "tax_rate_ppm": 0, "charged_cents": 495,
                "waived": false, "net_cents": 495, "tax_cents": 0, "total_cents": 495},
            "taxes": [], "net_total_cents": 3995, "tax_total_cents": 505,
            "grand_total_cents": 4500}
    });
    assert_eq!(
        said(E::OrderPlaced, placed),
        "Ann placed the order: 2 × MUG-00003 Minimal Mug at $4.00, \
         1 × TEE-00075 Basic Tee at $20.00 less $2.00; order discount $1.00; \
         shipping $4.95; tax $5.05; total $45.00; \
         ship to Jo Bloggs, 1 Main St, Springfield, IL 62704, United States"
    );
}

#[test]
fn an_order_billed_elsewhere_says_where_it_bills() {
    let placed = json!({
        "schema_version": 2, "customer_id": 4,
        "shipping_address": {"name": "Jo Bloggs", "line1": "1 Main St", "city": "Springfield",
            "country": "US"},
        "billing_address": {"name": "Jo Bloggs", "company": "Bloggs Ltd", "line1": "9 Office Park",
            "city": "Springfield", "country": "US"},
        "total_cents": 800
    });
    assert_eq!(
        said(E::OrderPlaced, placed),
        "Ann placed the order; total $8.00; ship to Jo Bloggs, 1 Main St, Springfield, \
         United States; bill to Jo Bloggs, Bloggs Ltd, 9 Office Park, Springfield, United States"
    );
}

#[test]
fn a_version_1_order_says_its_lines_and_total_and_the_oldest_its_address_text() {
    let v1 = json!({
        "customer_id": 4, "shipping_address": "1 Main St, Springfield",
        "lines": [{"product_id": 3, "sku": "MUG-00003", "name": "Minimal Mug",
                   "quantity": 2, "unit_price_cents": 400}],
        "total_cents": 800
    });
    assert_eq!(
        said(E::OrderPlaced, v1),
        "Ann placed the order: 2 × MUG-00003 Minimal Mug at $4.00; total $8.00; \
         ship to 1 Main St, Springfield"
    );
    assert_eq!(said(E::OrderPlaced, json!({})), "Ann placed the order");
    // Oddly typed fields are left out, the rest still said.
    let odd = json!({"lines": [{"sku": 42, "quantity": "2"}, "junk", {"name": null}],
                     "total_cents": "lots", "money": 7});
    assert_eq!(said(E::OrderPlaced, odd), "Ann placed the order: 2 × 42");
}

#[test]
fn an_order_moving_on_says_its_step_and_a_cancellation_its_reason() {
    let moved = |reason: Value| json!({"status": "x", "reason": reason, "version": 2});
    assert_eq!(
        said(E::OrderPaid, moved(Value::Null)),
        "Ann marked the order paid"
    );
    assert_eq!(
        said(E::OrderShipped, moved(Value::Null)),
        "Ann shipped the order"
    );
    assert_eq!(
        said(E::OrderDelivered, json!({})),
        "Ann marked the order delivered"
    );
    assert_eq!(
        said(
            E::OrderCancelled,
            moved(json!("customer changed their mind"))
        ),
        "Ann cancelled the order: “customer changed their mind”"
    );
    assert_eq!(
        said(E::OrderCancelled, json!({})),
        "Ann cancelled the order"
    );
}

fn totals(paid: i64, refunded: i64, status: &str) -> Value {
    json!({"paid_cents": paid, "refunded_cents": refunded, "payment_status": status})
}

fn with(mut a: Value, b: Value) -> Value {
    if let (Value::Object(a), Value::Object(b)) = (&mut a, b) {
        a.extend(b);
    }
    a
}

#[test]
fn payments_refunds_and_voids_say_amount_method_reference_and_state() {
    let recorded = with(
        json!({"schema_version": 1, "payment_id": 3, "amount_cents": 2000, "method": "card",
               "reference": "8841", "received_on": "2026-12-05",
               "overpayment_confirmed": false}),
        totals(2000, 0, "partly_paid"),
    );
    let refunded = with(
        json!({"schema_version": 1, "payment_id": 4, "amount_cents": 500, "method": "card",
               "reference": null, "received_on": "2026-12-06"}),
        totals(2000, 500, "partly_refunded"),
    );
    let voided = with(
        json!({"schema_version": 1, "payment_id": 5, "voids_payment_id": 3,
               "voided_kind": "payment", "amount_cents": 2000, "reason": "typed twice"}),
        totals(0, 500, "unpaid"),
    );
    let told = history(&[
        (E::PaymentRecorded, "Bo", recorded),
        (E::PaymentRefunded, "Ann", refunded),
        (E::PaymentVoided, "Ann", voided),
    ]);
    assert_eq!(
        told,
        [
            "Bo recorded a card payment of $20.00, ref 8841, received on 2026-12-05 \
             (payment #3); the order is now partly paid",
            "Ann refunded $5.00 by card, on 2026-12-06 (refund #4); \
             the order is now partly refunded",
            "Ann voided payment #3 of $20.00 by card: “typed twice” (void #5); \
             the order is now unpaid",
        ]
    );
}

#[test]
fn payments_by_other_means_overpaid_or_half_stated_say_what_they_can() {
    let other = json!({"payment_id": 9, "amount_cents": 7000, "method": "bank_transfer",
                       "overpayment_confirmed": true, "payment_status": "overpaid"});
    assert_eq!(
        said(E::PaymentRecorded, other),
        "Ann recorded a bank transfer payment of $70.00 (overpayment confirmed) \
         (payment #9); the order is now overpaid"
    );
    assert_eq!(
        said(
            E::PaymentRefunded,
            json!({"amount_cents": 100, "method": "other"})
        ),
        "Ann refunded $1.00 by other means"
    );
    assert_eq!(
        said(E::PaymentRecorded, json!({})),
        "Ann recorded a payment"
    );
    assert_eq!(said(E::PaymentRefunded, json!({})), "Ann refunded");
    assert_eq!(
        said(E::PaymentVoided, json!({"voids_payment_id": 3})),
        "Ann voided entry #3"
    );
}

#[test]
fn notes_say_their_text_and_a_removal_the_note_it_removed() {
    let told = history(&[
        (
            E::OrderNoteAdded,
            "Bo",
            json!({"note_id": 7, "body": "leave at the back door"}),
        ),
        (E::OrderNoteRemoved, "Ann", json!({"note_id": 7})),
        (
            E::CustomerNoteAdded,
            "Ann",
            json!({"note_id": 8, "body": "prefers mail"}),
        ),
        (E::CustomerNoteRemoved, "Ann", json!({"note_id": 8})),
        (E::CustomerNoteRemoved, "Ann", json!({"note_id": 99})),
        (E::OrderNoteAdded, "Ann", json!({})),
    ]);
    assert_eq!(
        told,
        [
            "Bo wrote a note: “leave at the back door”",
            "Ann removed a note by Bo: “leave at the back door”",
            "Ann wrote a note: “prefers mail”",
            "Ann removed a note: “prefers mail”",
            "Ann removed a note",
            "Ann wrote a note",
        ]
    );
}

#[test]
fn a_customer_update_says_each_detail_from_old_to_new() {
    let told = history(&[
        (
            E::CustomerRegistered,
            "Ann",
            json!({"email": "jo@example.com", "name": "Jo Bloggs", "phone": null}),
        ),
        (
            E::CustomerUpdated,
            "Bo",
            json!({"email": "jo@example.com", "name": "Jo Smith", "phone": "0770 1234567",
                   "version": 2}),
        ),
        (
            E::CustomerUpdated,
            "Bo",
            json!({"email": "jo@example.com", "name": "Jo Smith", "phone": "0770 1234567"}),
        ),
    ]);
    assert_eq!(
        told,
        [
            "Ann registered the customer Jo Bloggs (jo@example.com)",
            "Bo changed the name from “Jo Bloggs” to “Jo Smith” \
             and the phone from none to 0770 1234567",
            "Bo saved the customer's details unchanged",
        ]
    );
    // Without the registration (or with an empty one), the new details.
    assert_eq!(
        said(
            E::CustomerUpdated,
            json!({"name": "Jo", "email": "j@x.org", "phone": null})
        ),
        "Ann updated the customer's details: name “Jo”, email j@x.org, phone none"
    );
    assert_eq!(
        said(E::CustomerRegistered, json!({})),
        "Ann registered the customer"
    );
    assert_eq!(
        said(E::CustomerUpdated, json!({})),
        "Ann updated the customer's details"
    );
}

#[test]
fn the_address_book_names_each_address_by_its_label_from_earlier_events() {
    let home = json!({"label": "Home", "name": "Jo Bloggs", "company": "", "line1": "1 Main St",
        "line2": "", "city": "London", "region": "", "postal_code": "SW1A 1AA",
        "country": "GB", "phone": "", "address_id": 12,
        "default_shipping": true, "default_billing": true});
    let edited = json!({"label": "Office", "name": "Jo Bloggs", "line1": "2 High St",
        "city": "London", "postal_code": "E1 6AN", "country": "GB", "address_id": 12,
        "version": 2});
    let told = history(&[
        (E::CustomerAddressAdded, "Ann", home),
        (E::CustomerAddressEdited, "Bo", edited),
        (
            E::CustomerDefaultAddressSet,
            "Bo",
            json!({"address_id": 12, "role": "billing"}),
        ),
        (
            E::CustomerAddressRemoved,
            "Ann",
            json!({"address_id": 12, "version": 2, "cleared_defaults": ["shipping", "billing"]}),
        ),
    ]);
    assert_eq!(
        told,
        [
            "Ann added the address “Home”: Jo Bloggs, 1 Main St, London, SW1A 1AA, \
             United Kingdom; the default for shipping and billing",
            "Bo edited the address “Home”, now called “Office”: Jo Bloggs, 2 High St, \
             London, E1 6AN, United Kingdom (was Jo Bloggs, 1 Main St, London, SW1A 1AA, \
             United Kingdom)",
            "Bo made the address “Office” the default for billing",
            "Ann removed the address “Office” (Jo Bloggs, 2 High St, London, E1 6AN, \
             United Kingdom); it was the default for shipping and billing",
        ]
    );
    assert_eq!(
        said(E::CustomerAddressAdded, json!({})),
        "Ann added an address"
    );
    assert_eq!(
        said(E::CustomerAddressEdited, json!({})),
        "Ann edited an address"
    );
    assert_eq!(
        said(E::CustomerAddressRemoved, json!({"address_id": 5})),
        "Ann removed address #5"
    );
    assert_eq!(
        said(E::CustomerDefaultAddressSet, json!({})),
        "Ann made an address the default"
    );
}

#[test]
fn a_product_edit_says_the_old_price_from_the_earlier_events() {
    let created = json!({"schema_version": 2, "sku": "MUG-00003", "name": "Minimal Mug",
        "price_cents": 400, "active": true, "low_stock_threshold": 10, "tax_rate_id": 1});
    let update = |price: i64, active: bool, threshold: i64| {
        json!({"schema_version": 2, "name": "Minimal Mug", "description": "",
               "price_cents": price, "active": active, "low_stock_threshold": threshold,
               "tax_rate_id": 1, "version": 2})
    };
    let told = history(&[
        (E::ProductCreated, "Ann", created),
        (E::ProductUpdated, "Bo", update(500, true, 10)),
        (E::ProductUpdated, "Bo", update(450, false, 5)),
        (E::ProductUpdated, "Bo", update(450, true, 5)),
        (E::ProductUpdated, "Bo", update(450, true, 5)),
    ]);
    assert_eq!(
        told,
        [
            "Ann created the product MUG-00003 Minimal Mug at $4.00, for sale, \
             low-stock alert at 10, tax rate #1",
            "Bo changed the price of MUG-00003 Minimal Mug from $4.00 to $5.00",
            "Bo changed the price of MUG-00003 Minimal Mug from $5.00 to $4.50 \
             and the low-stock alert from 10 to 5; took it off sale",
            "Bo put MUG-00003 Minimal Mug on sale",
            "Bo saved MUG-00003 Minimal Mug unchanged",
        ]
    );
}

#[test]
fn old_product_events_say_what_they_state() {
    // The seeder's product_created: no threshold, no rate (version 1).
    let seeded = json!({"sku": "MUG-00003", "name": "Minimal Mug", "price_cents": 400,
                        "active": true});
    let v1_update = json!({"name": "Minimal Mug", "description": "Blue",
        "price_cents": 400, "active": true, "low_stock_threshold": 3, "version": 2});
    assert_eq!(
        history(&[
            (E::ProductCreated, "system:seed", seeded),
            (E::ProductUpdated, "Ann", v1_update.clone()),
        ]),
        [
            "system:seed created the product MUG-00003 Minimal Mug at $4.00, for sale",
            "Ann changed the low-stock alert of MUG-00003 Minimal Mug to 3",
        ]
    );
    // A description is said to change once an earlier edit stated it.
    let blue = json!({"description": "Blue", "price_cents": 400});
    let green = json!({"description": "Green", "price_cents": 400});
    assert_eq!(
        history(&[
            (E::ProductUpdated, "Ann", blue),
            (E::ProductUpdated, "Ann", green)
        ])[1],
        "Ann changed the description of the product"
    );
    // An update without the creation: the new details.
    assert_eq!(
        said(E::ProductUpdated, v1_update),
        "Ann updated Minimal Mug: price $4.00, for sale, low-stock alert at 3"
    );
    assert_eq!(
        said(E::ProductCreated, json!({})),
        "Ann created the product"
    );
    assert_eq!(
        said(E::ProductUpdated, json!({})),
        "Ann updated the product"
    );
}

#[test]
fn stock_says_the_change_its_reason_and_what_is_on_hand() {
    let told = history(&[
        (
            E::ProductCreated,
            "Ann",
            json!({"sku": "MUG-00003", "name": "Minimal Mug"}),
        ),
        (
            E::StockReceived,
            "Ann",
            json!({"quantity": 40, "note": "PO 17", "on_hand": 40}),
        ),
        (
            E::StockAdjusted,
            "Ann",
            json!({"quantity": -3, "reason": "damaged", "on_hand": 37}),
        ),
    ]);
    assert_eq!(
        told[1..],
        [
            "Ann received 40 units of MUG-00003 Minimal Mug (PO 17); 40 on hand",
            "Ann adjusted the stock of MUG-00003 Minimal Mug by −3 (damaged); 37 on hand",
        ]
    );
    assert_eq!(
        said(E::StockAdjusted, json!({"quantity": 1, "reason": "found"})),
        "Ann adjusted stock by +1 (found)"
    );
    assert_eq!(
        said(E::StockReceived, json!({"quantity": 1})),
        "Ann received 1 unit"
    );
    assert_eq!(said(E::StockReceived, json!({})), "Ann received stock");
    assert_eq!(said(E::StockAdjusted, json!({})), "Ann adjusted stock");
}

#[test]
fn staff_accounts_are_named_by_the_username_of_their_creation() {
    let told = history(&[
        (
            E::UserCreated,
            "admin",
            json!({"username": "bo", "role": "clerk"}),
        ),
        (
            E::UserRoleChanged,
            "admin",
            json!({"role": "admin", "version": 2}),
        ),
        (
            E::UserPasswordChanged,
            "bo",
            json!({"version": 3, "sessions_ended": 2}),
        ),
        (E::UserSessionsEnded, "admin", json!({"sessions_ended": 1})),
        (
            E::UserDeactivated,
            "admin",
            json!({"version": 4, "sessions_ended": 0}),
        ),
    ]);
    assert_eq!(
        told,
        [
            "admin created the account bo as clerk",
            "admin changed the role of the account bo from clerk to admin",
            "bo changed the password of the account bo; 2 sessions ended",
            "admin signed the account bo out everywhere; 1 session ended",
            "admin deactivated the account bo",
        ]
    );
    assert_eq!(
        said(E::UserRoleChanged, json!({"role": "viewer"})),
        "Ann changed the role of the account to viewer"
    );
    assert_eq!(said(E::UserCreated, json!({})), "Ann created the account");
}

#[test]
fn tax_rates_say_their_name_and_percentage_before_and_after() {
    let told = history(&[
        (
            E::TaxRateCreated,
            "Ann",
            json!({"name": "Standard", "rate_ppm": 200_000}),
        ),
        (
            E::TaxRateUpdated,
            "Ann",
            json!({"name": "Standard", "rate_ppm": 210_000, "old_name": "Standard",
                   "old_rate_ppm": 200_000, "version": 2}),
        ),
        // An update without its old values: from the earlier events.
        (
            E::TaxRateUpdated,
            "Ann",
            json!({"name": "Reduced", "rate_ppm": 55_000}),
        ),
        (E::TaxRateArchived, "Ann", json!({"version": 4})),
    ]);
    assert_eq!(
        told,
        [
            "Ann created the tax rate Standard (20%)",
            "Ann changed the tax rate Standard (20%) to Standard (21%)",
            "Ann changed the tax rate Standard (21%) to Reduced (5.5%)",
            "Ann archived the tax rate Reduced (5.5%)",
        ]
    );
    assert_eq!(
        said(E::TaxRateArchived, json!({})),
        "Ann archived the tax rate"
    );
    assert_eq!(
        said(E::TaxRateUpdated, json!({"rate_ppm": 50_000})),
        "Ann changed the tax rate to 5%"
    );
}

#[test]
fn shop_settings_say_each_setting_from_old_to_new() {
    let changed = json!({
        "prices_include_tax": {"old": false, "new": true},
        "tax_id": {"old": null, "new": "GB123456789"},
        "default_tax_rate": {"old": 1, "new": 2},
        "version": 4
    });
    assert_eq!(
        said(E::ShopSettingsChanged, changed),
        "Ann changed the shop settings: default tax rate from rate #1 to rate #2, \
         prices include tax from no to yes and tax ID from none to GB123456789"
    );
    assert_eq!(
        said(E::ShopSettingsChanged, json!({})),
        "Ann changed the shop settings"
    );
}

#[test]
fn an_edit_says_each_changed_line_the_money_the_address_and_what_is_due() {
    let edited = json!({
        "schema_version": 1, "version": 3,
        "lines": [
            {"change": "changed", "product_id": 3, "sku": "MUG-00003", "name": "Minimal Mug",
             "old_quantity": 2, "new_quantity": 3, "old_discount": null,
             "new_discount": {"kind": "amount", "value": 50},
             "old_total_cents": 800, "new_total_cents": 1200},
            {"change": "added", "product_id": 75, "sku": "TEE-00075", "name": "Basic Tee",
             "old_quantity": 0, "new_quantity": 1, "old_discount": null,
             "new_discount": {"kind": "amount", "value": 200},
             "old_total_cents": 0, "new_total_cents": 1800},
            {"change": "removed", "product_id": 9, "sku": "CAP-00009", "name": "Cap",
             "old_quantity": 1, "new_quantity": 0, "old_total_cents": 500,
             "new_total_cents": 0},
            {"change": "changed", "product_id": 4, "sku": "PEN-00004", "name": "Pen",
             "old_quantity": 5, "new_quantity": 5,
             "old_discount": null, "new_discount": {"kind": "percent", "value": 100_000}}
        ],
        "old_total_cents": 4500, "new_total_cents": 6300,
        "order_discount_changed": true, "old_order_discount": {"kind": "amount", "value": 100},
        "new_order_discount": null,
        "shipping_charge_changed": true,
        "old_shipping_charge": {"charged_cents": 495, "tax_rate_id": 1},
        "new_shipping_charge": null,
        "shipping_address_changed": true,
        "shipping_address": {"name": "Jo", "line1": "1 Main St", "city": "Springfield",
                             "country": "US"},
        "billing_address_changed": false, "billing_address": null,
        "net_paid_cents": 4500
    });
    assert_eq!(
        said(E::OrderEdited, edited),
        "Ann edited the order: changed the quantity of MUG-00003 Minimal Mug from 2 to 3 \
         and its discount from none to $0.50, \
         added TEE-00075 Basic Tee × 1, removed CAP-00009 Cap, \
         changed the discount of PEN-00004 Pen from none to 10%, \
         changed the order discount from $1.00 to none, \
         changed the shipping charge from $4.95 to none, \
         changed the shipping address to Jo, 1 Main St, Springfield, United States; \
         total $45.00 → $63.00; $18.00 due"
    );
    let lowered = json!({"lines": [], "old_total_cents": 6300, "new_total_cents": 4500,
                         "net_paid_cents": 6300});
    assert_eq!(
        said(E::OrderEdited, lowered),
        "Ann edited the order; total $63.00 → $45.00; $18.00 to refund"
    );
    let unpaid = json!({"old_total_cents": 100, "new_total_cents": 200, "net_paid_cents": 0});
    assert_eq!(
        said(E::OrderEdited, unpaid),
        "Ann edited the order; total $1.00 → $2.00"
    );
}

#[test]
fn invoices_and_credit_notes_say_their_numbers_amount_and_date() {
    let issued = json!({"schema_version": 1, "invoice_id": 7, "number": "2026-000042",
                        "issued_on": "2026-12-06", "currency": "USD", "net_cents": 3750,
                        "tax_cents": 750, "shipping_cents": 0, "grand_total_cents": 4500});
    let credited = json!({"schema_version": 1, "credit_note_id": 8, "number": "CN-2026-000007",
                          "issued_on": "2026-12-07", "credits_invoice_id": 7,
                          "credits_number": "2026-000042", "currency": "USD",
                          "net_cents": 3750, "tax_cents": 750, "shipping_cents": 0,
                          "grand_total_cents": 4500});
    let told = history(&[
        (E::InvoiceIssued, "Bo", issued),
        (E::CreditNoteIssued, "Ann", credited),
    ]);
    assert_eq!(
        told,
        [
            "Bo issued invoice 2026-000042 for $45.00, dated 2026-12-06",
            "Ann issued credit note CN-2026-000007 for $45.00, crediting invoice 2026-000042, \
             dated 2026-12-07",
        ]
    );
    assert_eq!(said(E::InvoiceIssued, json!({})), "Ann issued invoice");
    assert_eq!(
        said(E::CreditNoteIssued, json!({"number": "CN-2026-000001"})),
        "Ann issued credit note CN-2026-000001"
    );
}

#[test]
fn every_event_type_with_any_payload_says_a_sentence_never_its_raw_name() {
    for payload in [
        json!({}),
        Value::Null,
        json!([1, 2]),
        json!("x"),
        json!({"a": {"b": 1}}),
    ] {
        for e in E::ALL {
            let s = said(e, payload.clone());
            assert!(s.starts_with("Ann "), "{e}: {s}");
            assert!(!s.contains(e.as_str()), "{e}: {s}");
        }
    }
    assert_eq!(
        history(&[(E::OrderShipped, "  ", json!({}))]),
        ["Someone shipped the order"]
    );
}
