//! Tax rates: created, renamed or re-rated, archived. An update states its
//! old name and rate (older ones may not: then the earlier events say).

use super::fields::Fields;
use super::words::Words;
use crate::domain::Percent;

/// The rate as the history last stated it: name and parts per million.
#[derive(Debug, Default)]
pub(super) struct Known {
    name: Option<String>,
    ppm: Option<i64>,
}

/// "Standard (20%)", "Standard", "20%", as much as is known.
fn label(name: Option<&str>, ppm: Option<i64>) -> Option<String> {
    let rate = ppm.and_then(|p| i32::try_from(p).ok());
    match (name, rate) {
        (Some(n), Some(r)) => Some(Percent::label(n, r)),
        (Some(n), None) => Some(n.to_owned()),
        (None, Some(r)) => Some(
            u32::try_from(r)
                .ok()
                .and_then(Percent::from_ppm)
                .map_or_else(|| format!("{r} ppm"), |p| p.to_string()),
        ),
        (None, None) => None,
    }
}

/// "Ann created the tax rate Standard (20%)".
pub(super) fn created(mut w: Words, p: Fields<'_>, known: &mut Known) -> Words {
    *known = Known {
        name: p.text("name"),
        ppm: p.int("rate_ppm"),
    };
    w.say(" created the tax rate");
    if let Some(l) = label(known.name.as_deref(), known.ppm) {
        w.say(" ").say(l);
    }
    w
}

/// "Ann changed the tax rate Standard (20%) to Standard (21%)".
pub(super) fn updated(mut w: Words, p: Fields<'_>, known: &mut Known) -> Words {
    let old_name = p.text("old_name").or_else(|| known.name.clone());
    let old_ppm = p.int("old_rate_ppm").or(known.ppm);
    let new_name = p.text("name").or_else(|| old_name.clone());
    let new_ppm = p.int("rate_ppm").or(old_ppm);
    w.say(" changed the tax rate");
    if let Some(old) = label(old_name.as_deref(), old_ppm) {
        w.say(" ").say(old);
    }
    if let Some(new) = label(new_name.as_deref(), new_ppm) {
        w.say(" to ").say(new);
    }
    *known = Known {
        name: new_name,
        ppm: new_ppm,
    };
    w
}

/// "Ann archived the tax rate Standard (20%)".
pub(super) fn archived(mut w: Words, known: &Known) -> Words {
    w.say(" archived the tax rate");
    if let Some(l) = label(known.name.as_deref(), known.ppm) {
        w.say(" ").say(l);
    }
    w
}
