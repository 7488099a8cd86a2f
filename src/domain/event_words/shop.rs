//! The shop's settings: each change states every changed setting's old and
//! new value (`{"tax_id": {"old": null, "new": "GB123"}, "version": 4}`).

use serde_json::Value;

use super::fields::{Fields, as_int};
use super::words::Words;

/// A setting's name in words (an unknown one as stored, underscores spaced).
fn setting(key: &str) -> String {
    match key {
        "prices_include_tax" => "prices include tax".to_owned(),
        "tax_id" => "tax ID".to_owned(),
        "ship_on_account" => "ship on account".to_owned(),
        "invoice_on_payment" => "invoice on payment".to_owned(),
        "default_tax_rate" => "default tax rate".to_owned(),
        other => other.replace('_', " "),
    }
}

/// A setting's value in words: yes/no, "none", "rate #2".
fn value(key: &str, v: &Value) -> String {
    match v {
        Value::Null => "none".to_owned(),
        Value::Bool(true) => "yes".to_owned(),
        Value::Bool(false) => "no".to_owned(),
        Value::String(s) if s.trim().is_empty() => "none".to_owned(),
        Value::String(s) => s.trim().to_owned(),
        other if key == "default_tax_rate" => {
            as_int(other).map_or_else(|| other.to_string(), |id| format!("rate #{id}"))
        }
        other => other.to_string(),
    }
}

/// "Ann changed the shop settings: prices include tax from no to yes and the
/// default tax rate from rate #1 to rate #2".
pub(super) fn settings_changed(mut w: Words, p: Fields<'_>) -> Words {
    w.say(" changed the shop settings");
    let Some(map) = p.0.as_object() else {
        return w;
    };
    let changes: Vec<Words> = map
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "version" | "schema_version"))
        .map(|(key, change)| {
            let c = Fields(change);
            let mut part = Words::of(&setting(key));
            if let Some(old) = c.0.get("old") {
                part.say(" from ").say(value(key, old));
            }
            if let Some(new) = c.0.get("new") {
                part.say(" to ").say(value(key, new));
            }
            part
        })
        .collect();
    if !changes.is_empty() {
        w.say(": ").list(changes, " and ");
    }
    w
}
