//! An order's numbered documents: an invoice issued, and a credit note
//! crediting one (its number and the invoice's).

use super::fields::Fields;
use super::words::Words;

/// "Ann issued invoice 2026-000042 for $45.00, dated 2026-12-06".
pub(super) fn invoice_issued(mut w: Words, p: Fields<'_>) -> Words {
    w.say(" issued invoice");
    if let Some(number) = p.text("number") {
        w.say(" ").say(number);
    }
    amount_and_date(w, p)
}

/// "Ann issued credit note CN-2026-000007 for $45.00, crediting invoice
/// 2026-000042, dated 2026-12-06".
pub(super) fn credit_note_issued(mut w: Words, p: Fields<'_>) -> Words {
    w.say(" issued credit note");
    if let Some(number) = p.text("number") {
        w.say(" ").say(number);
    }
    if let Some(total) = p.int("grand_total_cents") {
        w.say(" for ").money(total);
    }
    if let Some(credited) = p.text("credits_number") {
        w.say(", crediting invoice ").say(credited);
    }
    if let Some(on) = p.text("issued_on") {
        w.say(", dated ").say(on);
    }
    w
}

fn amount_and_date(mut w: Words, p: Fields<'_>) -> Words {
    if let Some(total) = p.int("grand_total_cents") {
        w.say(" for ").money(total);
    }
    if let Some(on) = p.text("issued_on") {
        w.say(", dated ").say(on);
    }
    w
}
