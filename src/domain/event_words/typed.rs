//! The typed payloads as the commands store them ([`crate::domain::event_payload`],
//! `schema_version` included) read as their full sentences: the keys the
//! structs write are the keys the history reads.

use super::{Event, in_words};
use crate::domain::event_payload::{
    OrderMoved, SettingChange, SettingChanges, ShopSettingsChanged, TaxRateArchived,
    TaxRateCreated, TaxRateUpdated,
};
use crate::domain::{Currency, EventType as E};

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
