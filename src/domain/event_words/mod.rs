//! Events in plain words: the one place that turns each stored event into a
//! sentence with its details, for the History card of the order, customer
//! and product pages ("Bo recorded a card payment of $20.00, ref 8841").
//!
//! [`in_words`] reads a record's events oldest first. Every `EventType` has
//! its own sentence in the match of [`sentence`] (no wildcard arm: a new
//! event type does not compile until it has one). Payloads are read
//! leniently ([`fields`]): events are stored forever and older ones have
//! older shapes, so a missing or oddly typed field makes the sentence say
//! less, never fail. Where a payload states only the new values (a product
//! or customer update), the old ones come from the record's earlier events,
//! remembered in [`Memory`] as the history is read.

mod addresses;
mod customers;
mod documents;
mod edits;
mod fields;
mod notes;
mod orders;
mod payments;
mod products;
mod shop;
mod stock;
mod tax_rates;
mod users;
mod words;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod typed;

use serde_json::Value;

pub use words::{Piece, Words};

use super::EventType;
use fields::Fields;

/// One stored event of a record, as the history reads it.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub event_type: EventType,
    pub actor: &'a str,
    pub payload: &'a Value,
}

/// What the earlier events of the record said, for sentences that need the
/// value before a change.
#[derive(Debug, Default)]
struct Memory {
    customer: customers::Known,
    addresses: addresses::Book,
    notes: notes::Notes,
    product: products::Known,
    payments: payments::Entries,
    user: users::Known,
    tax_rate: tax_rates::Known,
}

/// Each event of one record (oldest first) in words, in the same order.
pub fn in_words<'a>(events: impl IntoIterator<Item = Event<'a>>) -> Vec<Words> {
    let mut memory = Memory::default();
    events
        .into_iter()
        .map(|e| sentence(e, &mut memory))
        .collect()
}

/// The sentence of one event, remembering what later ones may need.
fn sentence(e: Event<'_>, m: &mut Memory) -> Words {
    use EventType as E;
    let w = Words::by(e.actor);
    let p = Fields(e.payload);
    match e.event_type {
        E::CustomerRegistered => customers::registered(w, p, &mut m.customer),
        E::CustomerUpdated => customers::updated(w, p, &mut m.customer),
        E::CustomerAddressAdded => addresses::added(w, p, &mut m.addresses),
        E::CustomerAddressEdited => addresses::edited(w, p, &mut m.addresses),
        E::CustomerAddressRemoved => addresses::removed(w, p, &mut m.addresses),
        E::CustomerDefaultAddressSet => addresses::default_set(w, p, &m.addresses),
        E::CustomerNoteAdded | E::OrderNoteAdded => notes::added(w, p, e.actor, &mut m.notes),
        E::CustomerNoteRemoved | E::OrderNoteRemoved => notes::removed(w, p, e.actor, &m.notes),
        E::ProductCreated => products::created(w, p, &mut m.product),
        E::ProductUpdated => products::updated(w, p, &mut m.product),
        E::StockReceived => stock::received(w, p, &m.product),
        E::StockAdjusted => stock::adjusted(w, p, &m.product),
        E::OrderPlaced => orders::placed(w, p),
        E::OrderEdited => edits::edited(w, p),
        E::OrderPaid => orders::moved(w, p, "marked the order paid"),
        E::OrderShipped => orders::moved(w, p, "shipped the order"),
        E::OrderDelivered => orders::moved(w, p, "marked the order delivered"),
        E::OrderCancelled => orders::moved(w, p, "cancelled the order"),
        E::PaymentRecorded => payments::recorded(w, p, &mut m.payments),
        E::PaymentRefunded => payments::refunded(w, p, &mut m.payments),
        E::PaymentVoided => payments::voided(w, p, &m.payments),
        E::UserCreated => users::created(w, p, &mut m.user),
        E::UserRoleChanged => users::role_changed(w, p, &mut m.user),
        E::UserPasswordChanged => users::password_changed(w, p, &m.user),
        E::UserDeactivated => users::deactivated(w, p, &m.user),
        E::UserSessionsEnded => users::sessions_ended(w, p, &m.user),
        E::TaxRateCreated => tax_rates::created(w, p, &mut m.tax_rate),
        E::TaxRateUpdated => tax_rates::updated(w, p, &mut m.tax_rate),
        E::TaxRateArchived => tax_rates::archived(w, &m.tax_rate),
        E::ShopSettingsChanged => shop::settings_changed(w, p),
        E::InvoiceIssued => documents::invoice_issued(w, p),
        E::CreditNoteIssued => documents::credit_note_issued(w, p),
    }
}
