//! An order's own events: placed (its lines and money, any version), and
//! its moves to paid, shipped, delivered and cancelled.

use super::addresses::address_line;
use super::fields::Fields;
use super::words::{Words, quoted};

/// "Ann placed the order: 2 × MUG-00003 Minimal Mug at $4.00, …; total $45.00;
/// ship to …; bill to …" (a billing address only when it has its own).
/// Version 1 has no money but the total; the oldest state the address as
/// free text. Whatever is missing is left out.
pub(super) fn placed(mut w: Words, p: Fields<'_>) -> Words {
    w.say(" placed the order");
    let lines: Vec<Words> = p
        .list("lines")
        .iter()
        .filter_map(|l| line(Fields(l)))
        .collect();
    if !lines.is_empty() {
        w.say(": ").list(lines, ", ");
    }
    for part in money(p) {
        w.say("; ").add(part);
    }
    if let Some(to) = p.get("shipping_address").and_then(address_line) {
        w.say("; ship to ").say(to);
    }
    if let Some(to) = p.get("billing_address").and_then(address_line) {
        w.say("; bill to ").say(to);
    }
    w
}

/// One line: "2 × MUG-00003 Minimal Mug at $4.00 less $1.00".
fn line(l: Fields<'_>) -> Option<Words> {
    let what = [l.text("sku"), l.text("name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let what = if what.is_empty() {
        format!("product #{}", l.int("product_id")?)
    } else {
        what
    };
    let mut w = Words::default();
    if let Some(q) = l.int("quantity") {
        w.say(format!("{q} × "));
    }
    w.say(what);
    if let Some(price) = l.int("unit_price_cents") {
        w.say(" at ").money(price);
    }
    if let Some(d) = l.object("amounts").int("line_discount").filter(|d| *d > 0) {
        w.say(" less ").money(d);
    }
    Some(w)
}

/// The order's money as the event states it: its discount, shipping, tax
/// and total (version 1: the total only).
fn money(p: Fields<'_>) -> Vec<Words> {
    let m = p.object("money");
    let mut out = Vec::new();
    if let Some(d) = m.int("order_discount_cents").filter(|d| *d > 0) {
        out.push(amount("order discount ", d));
    }
    let shipping = m.object("shipping");
    if shipping.flag("waived") == Some(true) {
        out.push(Words::of("shipping waived"));
    } else if let Some(c) = shipping.int("charged_cents") {
        out.push(amount("shipping ", c));
    }
    if let Some(t) = m.int("tax_total_cents").filter(|t| *t > 0) {
        let mut w = amount("tax ", t);
        if m.text("pricing").as_deref() == Some("tax_inclusive") {
            w.say(" included");
        }
        out.push(w);
    }
    if let Some(total) = m.int("grand_total_cents").or_else(|| p.int("total_cents")) {
        out.push(amount("total ", total));
    }
    out
}

fn amount(label: &str, minor: i64) -> Words {
    let mut w = Words::of(label);
    w.money(minor);
    w
}

/// A move of the order's status: "Ann cancelled the order: “out of stock”".
pub(super) fn moved(mut w: Words, p: Fields<'_>, what: &str) -> Words {
    w.say(" ").say(what);
    if let Some(reason) = p.text("reason") {
        w.say(": ").say(quoted(&reason));
    }
    w
}
