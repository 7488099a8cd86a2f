//! An order's payments, refunds and voids. Each event states the entry and
//! what the order's money stands at after it; a void states the entry it
//! reverses, whose method comes from that entry's own event.

use std::collections::HashMap;

use super::fields::Fields;
use super::words::Words;
use crate::domain::{PaymentMethod, PaymentStatus};

/// The entries the history has seen, by id: their method.
pub(super) type Entries = HashMap<i64, Option<String>>;

/// "card", "bank transfer"; an unknown method as stored.
fn method(p: Fields<'_>) -> Option<String> {
    let raw = p.text("method")?;
    Some(match PaymentMethod::parse(&raw) {
        Ok(m) => m.label().to_lowercase(),
        Err(_) => raw.replace('_', " "),
    })
}

/// The rest of an entry's sentence: its reference, date and id, then the
/// order's state after it: ", ref 8841, received on 2026-12-05 (payment
/// #7); the order is now partly paid".
fn details(mut w: Words, p: Fields<'_>, date: &str, kind: &str) -> Words {
    if let Some(r) = p.text("reference") {
        w.say(", ref ").say(r);
    }
    if let Some(on) = p.text("received_on") {
        w.say(", ").say(date).say(" ").say(on);
    }
    if let Some(id) = p.int("payment_id") {
        w.say(format!(" ({kind} #{id})"));
    }
    if let Some(state) = p.text("payment_status") {
        let state = PaymentStatus::parse(&state)
            .map_or_else(|_| state.replace('_', " "), |s| s.label().to_lowercase());
        w.say("; the order is now ").say(state);
    }
    w
}

/// "Bo recorded a card payment of $20.00, ref 8841, received on 2026-12-05
/// (payment #7); the order is now partly paid".
pub(super) fn recorded(mut w: Words, p: Fields<'_>, entries: &mut Entries) -> Words {
    let how = method(p);
    match how.as_deref() {
        Some("other") | None => w.say(" recorded a payment"),
        Some(m) => w.say(" recorded a ").say(m).say(" payment"),
    };
    if let Some(a) = p.int("amount_cents") {
        w.say(" of ").money(a);
    }
    if how.as_deref() == Some("other") {
        w.say(" by other means");
    }
    if p.flag("overpayment_confirmed") == Some(true) {
        w.say(" (overpayment confirmed)");
    }
    if let Some(id) = p.int("payment_id") {
        entries.insert(id, how);
    }
    details(w, p, "received on", "payment")
}

/// "Ann refunded $5.00 by card, ref R-1, on 2026-12-05 (refund #8); the
/// order is now partly refunded".
pub(super) fn refunded(mut w: Words, p: Fields<'_>, entries: &mut Entries) -> Words {
    let how = method(p);
    w.say(" refunded");
    if let Some(a) = p.int("amount_cents") {
        w.say(" ").money(a);
    }
    match how.as_deref() {
        Some("other") => w.say(" by other means"),
        Some(m) => w.say(" by ").say(m),
        None => &mut w,
    };
    if let Some(id) = p.int("payment_id") {
        entries.insert(id, how);
    }
    details(w, p, "on", "refund")
}

/// "Ann voided payment #3 of $20.00 by card: “typed twice” (void #9); the
/// order is now unpaid".
pub(super) fn voided(mut w: Words, p: Fields<'_>, entries: &Entries) -> Words {
    let of = p.int("voids_payment_id");
    let entry = match (p.text("voided_kind"), of) {
        (Some(kind), Some(id)) => format!("{kind} #{id}"),
        (None, Some(id)) => format!("entry #{id}"),
        (Some(kind), None) => format!("a {kind}"),
        (None, None) => "an entry".to_owned(),
    };
    w.say(" voided ").say(entry);
    if let Some(a) = p.int("amount_cents") {
        w.say(" of ").money(a);
    }
    match of
        .and_then(|id| entries.get(&id))
        .and_then(Option::as_deref)
    {
        Some("other") => w.say(" by other means"),
        Some(m) => w.say(" by ").say(m),
        None => &mut w,
    };
    if let Some(reason) = p.text("reason") {
        w.say(": “").say(reason).say("”");
    }
    details(w, p, "on", "void")
}
