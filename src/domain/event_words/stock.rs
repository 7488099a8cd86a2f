//! A product's stock: received and adjusted (counts are adjustments too).
//! Each event states the change, its note or reason, and the stock on hand
//! after it.

use super::fields::Fields;
use super::products::Known;
use super::words::{Words, signed, units};

/// "Ann received 40 units of MUG-00003 Minimal Mug (opening stock); 40 on hand".
pub(super) fn received(mut w: Words, p: Fields<'_>, product: &Known) -> Words {
    match p.int("quantity") {
        Some(q) => w.say(" received ").say(units(q)),
        None => w.say(" received stock"),
    };
    if let Some(label) = product.label() {
        w.say(" of ").say(label);
    }
    after(w, p, "note")
}

/// "Ann adjusted the stock of MUG-00003 Minimal Mug by −3 (damaged); 37 on hand".
pub(super) fn adjusted(mut w: Words, p: Fields<'_>, product: &Known) -> Words {
    match product.label() {
        Some(label) => w.say(" adjusted the stock of ").say(label),
        None => w.say(" adjusted stock"),
    };
    if let Some(q) = p.int("quantity") {
        w.say(" by ").say(signed(q));
    }
    after(w, p, "reason")
}

/// The note or reason in parentheses, then the stock on hand after it.
fn after(mut w: Words, p: Fields<'_>, why: &str) -> Words {
    if let Some(why) = p.text(why) {
        w.say(" (").say(why).say(")");
    }
    if let Some(on_hand) = p.int("on_hand") {
        w.say(format!("; {on_hand} on hand"));
    }
    w
}
