//! The typed payloads as the commands store them ([`crate::domain::event_payload`],
//! `schema_version` included) read as their full sentences: the keys the
//! structs write are the keys the history reads.

use super::{Event, in_words};
use crate::domain::event_payload::{
    AddressEntryPayload, CustomerAddressAdded, CustomerAddressEdited, CustomerAddressRemoved,
    CustomerDefaultAddressSet, CustomerDetailsPayload, CustomerRegistered, CustomerUpdated,
    NoteAdded, NoteRemoved, OrderMoved, ProductCreated, SettingChange, SettingChanges,
    ShopSettingsChanged, StockAdjusted, StockReceived, TaxRateArchived, TaxRateCreated,
    TaxRateUpdated, UserCreated, UserRoleChanged, UserSessionsClosed, UserSessionsEnded,
};
use crate::domain::{AddressFields, Currency, EventType as E};

/// The record's events (oldest first), each as stored, in words.
fn told(events: &[(E, serde_json::Value)]) -> Vec<String> {
    in_words(events.iter().map(|(event_type, payload)| Event {
        event_type: *event_type,
        actor: "Ann",
        payload,
    }))
    .iter()
    .map(|w| w.written(Currency::USD))
    .collect()
}

#[test]
fn typed_order_moves_read_as_their_sentences() {
    let moved = |status: &str, reason: Option<&str>| {
        OrderMoved {
            status: status.into(),
            reason: reason.map(Into::into),
            version: 3,
        }
        .to_payload()
    };
    assert_eq!(
        told(&[
            (E::OrderShipped, moved("shipped", None)),
            (E::OrderDelivered, moved("delivered", None)),
            (E::OrderCancelled, moved("cancelled", Some("too late"))),
        ]),
        [
            "Ann shipped the order",
            "Ann marked the order delivered",
            "Ann cancelled the order: “too late”",
        ]
    );
}

#[test]
fn typed_tax_rate_events_read_as_their_sentences() {
    let created = TaxRateCreated {
        name: "Standard".into(),
        rate_ppm: 200_000,
    };
    let updated = TaxRateUpdated {
        name: "Standard VAT".into(),
        rate_ppm: 210_000,
        old_name: "Standard".into(),
        old_rate_ppm: 200_000,
        version: 2,
    };
    // Read alone, the update states its old values itself.
    assert_eq!(
        told(&[(E::TaxRateUpdated, updated.to_payload())]),
        ["Ann changed the tax rate Standard (20%) to Standard VAT (21%)"]
    );
    assert_eq!(
        told(&[
            (E::TaxRateCreated, created.to_payload()),
            (
                E::TaxRateArchived,
                TaxRateArchived { version: 2 }.to_payload()
            ),
        ]),
        [
            "Ann created the tax rate Standard (20%)",
            "Ann archived the tax rate Standard (20%)",
        ]
    );
}

#[test]
fn typed_shop_settings_changes_read_as_their_sentence() {
    let changed = ShopSettingsChanged {
        changes: SettingChanges {
            prices_include_tax: SettingChange::between(false, true),
            tax_id: SettingChange::between(None, Some("GB123456789".into())),
            default_tax_rate: SettingChange::between(1, 2),
            ..SettingChanges::default()
        },
        version: 4,
    };
    assert_eq!(
        told(&[(E::ShopSettingsChanged, changed.to_payload())]),
        [
            "Ann changed the shop settings: default tax rate from rate #1 to rate #2, \
          prices include tax from no to yes and tax ID from none to GB123456789"
        ]
    );
}

#[test]
fn typed_customer_events_read_as_their_sentences() {
    let details = |name: &str, phone: Option<&str>| CustomerDetailsPayload {
        email: "jo@example.com".into(),
        name: name.into(),
        phone: phone.map(Into::into),
    };
    let registered = CustomerRegistered {
        details: details("Jo Bloggs", None),
    };
    let updated = CustomerUpdated {
        details: details("Jo Smith", Some("0770 1234567")),
        version: 2,
    };
    assert_eq!(
        told(&[
            (E::CustomerRegistered, registered.to_payload()),
            (E::CustomerUpdated, updated.to_payload()),
        ]),
        [
            "Ann registered the customer Jo Bloggs (jo@example.com)",
            "Ann changed the name from “Jo Bloggs” to “Jo Smith” \
             and the phone from none to 0770 1234567",
        ]
    );
}

#[test]
fn typed_address_book_events_read_as_their_sentences() {
    let entry = |label: &str, line1: &str, postal_code: &str| AddressEntryPayload {
        label: label.into(),
        address: AddressFields {
            name: "Jo Bloggs".into(),
            line1: line1.into(),
            city: "London".into(),
            postal_code: postal_code.into(),
            country: "GB".into(),
            ..AddressFields::default()
        },
    };
    let added = CustomerAddressAdded {
        address_id: 12,
        entry: entry("Home", "1 Main St", "SW1A 1AA"),
        default_shipping: true,
        default_billing: true,
    };
    let edited = CustomerAddressEdited {
        address_id: 12,
        entry: entry("Office", "2 High St", "E1 6AN"),
        version: 2,
    };
    let set = CustomerDefaultAddressSet {
        address_id: 12,
        role: "billing".into(),
    };
    let removed = CustomerAddressRemoved {
        address_id: 12,
        version: 2,
        cleared_defaults: vec!["shipping".into(), "billing".into()],
    };
    assert_eq!(
        told(&[
            (E::CustomerAddressAdded, added.to_payload()),
            (E::CustomerAddressEdited, edited.to_payload()),
            (E::CustomerDefaultAddressSet, set.to_payload()),
            (E::CustomerAddressRemoved, removed.to_payload()),
        ]),
        [
            "Ann added the address “Home”: Jo Bloggs, 1 Main St, London, SW1A 1AA, \
             United Kingdom; the default for shipping and billing",
            "Ann edited the address “Home”, now called “Office”: Jo Bloggs, 2 High St, \
             London, E1 6AN, United Kingdom (was Jo Bloggs, 1 Main St, London, SW1A 1AA, \
             United Kingdom)",
            "Ann made the address “Office” the default for billing",
            "Ann removed the address “Office” (Jo Bloggs, 2 High St, London, E1 6AN, \
             United Kingdom); it was the default for shipping and billing",
        ]
    );
}

#[test]
fn typed_note_events_read_as_their_sentences() {
    let added = NoteAdded {
        note_id: 7,
        body: "leave at the back door".into(),
    };
    assert_eq!(
        told(&[
            (E::OrderNoteAdded, added.to_payload()),
            (E::OrderNoteRemoved, NoteRemoved { note_id: 7 }.to_payload()),
        ]),
        [
            "Ann wrote a note: “leave at the back door”",
            "Ann removed a note: “leave at the back door”",
        ]
    );
}

#[test]
fn typed_stock_events_read_as_their_sentences() {
    let created = ProductCreated {
        sku: "MUG-00003".into(),
        name: "Minimal Mug".into(),
        price_cents: 400,
        active: true,
        low_stock_threshold: 5,
        tax_rate_id: Some(1),
    };
    let received = StockReceived {
        quantity: 40,
        note: "PO 17".into(),
        on_hand: 40,
    };
    let adjusted = StockAdjusted {
        quantity: -3,
        reason: "damaged".into(),
        on_hand: 37,
    };
    assert_eq!(
        told(&[
            (E::ProductCreated, created.to_payload()),
            (E::StockReceived, received.to_payload()),
            (E::StockAdjusted, adjusted.to_payload()),
        ])[1..],
        [
            "Ann received 40 units of MUG-00003 Minimal Mug (PO 17); 40 on hand",
            "Ann adjusted the stock of MUG-00003 Minimal Mug by −3 (damaged); 37 on hand",
        ]
    );
}

#[test]
fn typed_staff_account_events_read_as_their_sentences() {
    let created = UserCreated {
        username: "bo".into(),
        role: "clerk".into(),
    };
    let changed = UserRoleChanged {
        role: "admin".into(),
        version: 2,
    };
    let closed = |version, sessions_ended| {
        UserSessionsClosed {
            version,
            sessions_ended,
        }
        .to_payload()
    };
    let ended = UserSessionsEnded { sessions_ended: 1 };
    assert_eq!(
        told(&[
            (E::UserCreated, created.to_payload()),
            (E::UserRoleChanged, changed.to_payload()),
            (E::UserPasswordChanged, closed(3, 2)),
            (E::UserSessionsEnded, ended.to_payload()),
            (E::UserDeactivated, closed(4, 0)),
        ]),
        [
            "Ann created the account bo as clerk",
            "Ann changed the role of the account bo from clerk to admin",
            "Ann changed the password of the account bo; 2 sessions ended",
            "Ann signed the account bo out everywhere; 1 session ended",
            "Ann deactivated the account bo",
        ]
    );
}
