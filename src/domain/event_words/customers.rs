//! A customer's registration and the edits of their details. An update
//! states only the new details; the old ones come from earlier events.

use super::fields::Fields;
use super::words::{Words, quoted};

/// The customer's details as the history last stated them.
#[derive(Debug, Default)]
pub(super) struct Known {
    /// An earlier event stated the details (so a change can say "from").
    seen: bool,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

/// A detail's value as written: the name quoted, an absent phone "none".
fn shown(field: &str, value: Option<&str>) -> String {
    match (field, value) {
        (_, None) => "none".to_owned(),
        ("name", Some(v)) => quoted(v),
        (_, Some(v)) => v.to_owned(),
    }
}

/// "Ann registered the customer Jo Bloggs (jo@example.com, phone 0770 1234567)".
pub(super) fn registered(mut w: Words, p: Fields<'_>, known: &mut Known) -> Words {
    *known = Known {
        seen: true,
        name: p.text("name"),
        email: p.text("email"),
        phone: p.text("phone"),
    };
    w.say(" registered the customer");
    if let Some(name) = &known.name {
        w.say(" ").say(name);
    }
    let contact: Vec<String> = [
        known.email.clone(),
        known.phone.as_ref().map(|p| format!("phone {p}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !contact.is_empty() {
        w.say(" (").say(contact.join(", ")).say(")");
    }
    w
}

/// "Ann changed the name from “Jo Bloggs” to “Jo Smith” and the email from
/// a@example.com to b@example.com". Without earlier details, the new ones.
pub(super) fn updated(mut w: Words, p: Fields<'_>, known: &mut Known) -> Words {
    // A field the payload does not have (or of another type) is not part
    // of the update; null or empty is "none".
    let stated = |key: &str| match p.0.get(key)? {
        serde_json::Value::Null => Some(None),
        serde_json::Value::String(s) => Some(Some(s.trim().to_owned()).filter(|s| !s.is_empty())),
        _ => None,
    };
    let new: Vec<(&str, Option<String>)> = ["name", "email", "phone"]
        .into_iter()
        .filter_map(|f| stated(f).map(|v| (f, v)))
        .collect();
    if new.is_empty() {
        w.say(" updated the customer's details");
        return w;
    }
    if known.seen {
        let changes: Vec<Words> = new
            .iter()
            .filter(|(f, v)| old(known, f) != v.as_deref())
            .map(|(f, v)| {
                Words::of(&format!(
                    "the {f} from {} to {}",
                    shown(f, old(known, f)),
                    shown(f, v.as_deref())
                ))
            })
            .collect();
        if changes.is_empty() {
            w.say(" saved the customer's details unchanged");
        } else {
            w.say(" changed ").list(changes, " and ");
        }
    } else {
        let now: Vec<Words> = new
            .iter()
            .map(|(f, v)| Words::of(&format!("{f} {}", shown(f, v.as_deref()))))
            .collect();
        w.say(" updated the customer's details: ").list(now, ", ");
    }
    for (f, v) in new {
        match f {
            "name" => known.name = v,
            "email" => known.email = v,
            _ => known.phone = v,
        }
    }
    known.seen = true;
    w
}

fn old<'a>(known: &'a Known, field: &str) -> Option<&'a str> {
    match field {
        "name" => known.name.as_deref(),
        "email" => known.email.as_deref(),
        _ => known.phone.as_deref(),
    }
}
