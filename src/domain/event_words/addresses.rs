//! A customer's address book: addresses added, edited, removed and made a
//! default. Removal and defaults state only the address's id; its label and
//! lines come from the event that added or last edited it.

use std::collections::HashMap;

use serde_json::Value;

use super::fields::Fields;
use super::words::{Words, quoted};
use crate::domain::AddressFields;

/// The addresses the history has seen, by id.
pub(super) type Book = HashMap<i64, Known>;

/// An address as its last event stated it.
#[derive(Debug, Default, Clone)]
pub(super) struct Known {
    label: Option<String>,
    line: Option<String>,
}

/// An address as stated in an event, on one line: its parts (any present),
/// or the free text of the oldest order events.
pub(super) fn address_line(v: &Value) -> Option<String> {
    let line = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Object(_) => {
            let f = Fields(v);
            let part = |k: &str| f.text(k).unwrap_or_default();
            AddressFields {
                name: part("name"),
                company: part("company"),
                line1: part("line1"),
                line2: part("line2"),
                city: part("city"),
                region: part("region"),
                postal_code: part("postal_code"),
                country: part("country"),
                phone: String::new(),
            }
            .one_line()
        }
        _ => String::new(),
    };
    Some(line).filter(|l| !l.is_empty())
}

/// "the address “Home”", "address #12", or "an address".
fn called(label: Option<&str>, id: Option<i64>) -> String {
    match (label, id) {
        (Some(label), _) => format!("the address {}", quoted(label)),
        (None, Some(id)) => format!("address #{id}"),
        (None, None) => "an address".to_owned(),
    }
}

/// What the event states of the address: its label and its line.
fn stated(p: Fields<'_>) -> Known {
    Known {
        label: p.text("label"),
        line: address_line(p.0),
    }
}

/// "Ann added the address “Home”: Jo Bloggs, 1 Main St, …; the default for shipping".
pub(super) fn added(mut w: Words, p: Fields<'_>, book: &mut Book) -> Words {
    let now = stated(p);
    w.say(" added ")
        .say(called(now.label.as_deref(), p.int("address_id")));
    if let Some(line) = &now.line {
        w.say(": ").say(line);
    }
    let roles: Vec<Words> = [
        ("default_shipping", "shipping"),
        ("default_billing", "billing"),
    ]
    .into_iter()
    .filter(|(key, _)| p.flag(key) == Some(true))
    .map(|(_, role)| Words::of(role))
    .collect();
    if !roles.is_empty() {
        w.say("; the default for ").list(roles, " and ");
    }
    if let Some(id) = p.int("address_id") {
        book.insert(id, now);
    }
    w
}

/// "Ann edited the address “Home”: 2 High St, … (was 1 Main St, …)".
pub(super) fn edited(mut w: Words, p: Fields<'_>, book: &mut Book) -> Words {
    let id = p.int("address_id");
    let before = id.and_then(|id| book.get(&id)).cloned().unwrap_or_default();
    let now = stated(p);
    let label = before.label.as_deref().or(now.label.as_deref());
    w.say(" edited ").say(called(label, id));
    if let (Some(old), Some(new)) = (&before.label, &now.label)
        && old != new
    {
        w.say(", now called ").say(quoted(new));
    }
    if let Some(line) = &now.line {
        w.say(": ").say(line);
        if let Some(old) = before.line.as_ref().filter(|old| *old != line) {
            w.say(" (was ").say(old).say(")");
        }
    }
    if let Some(id) = id {
        // What the edit does not state stays as it was.
        let kept = Known {
            label: now.label.or(before.label),
            line: now.line.or(before.line),
        };
        book.insert(id, kept);
    }
    w
}

/// "Ann removed the address “Home” (1 Main St, …); it was the default for shipping".
pub(super) fn removed(mut w: Words, p: Fields<'_>, book: &mut Book) -> Words {
    let id = p.int("address_id");
    let known = id.and_then(|id| book.remove(&id)).unwrap_or_default();
    w.say(" removed ").say(called(known.label.as_deref(), id));
    if let Some(line) = &known.line {
        w.say(" (").say(line).say(")");
    }
    let cleared: Vec<Words> = p
        .list("cleared_defaults")
        .iter()
        .filter_map(Value::as_str)
        .map(Words::of)
        .collect();
    if !cleared.is_empty() {
        w.say("; it was the default for ").list(cleared, " and ");
    }
    w
}

/// "Ann made the address “Office” the default for billing".
pub(super) fn default_set(mut w: Words, p: Fields<'_>, book: &Book) -> Words {
    let id = p.int("address_id");
    let label = id
        .and_then(|id| book.get(&id))
        .and_then(|k| k.label.as_deref());
    w.say(" made ").say(called(label, id)).say(" the default");
    if let Some(role) = p.text("role") {
        w.say(" for ").say(role);
    }
    w
}
