//! An order edited after it was placed: each changed line (added, removed,
//! quantity or discount changed), the order discount, the shipping charge,
//! a new address, and the total before and after with what is left to
//! settle ("Ann edited the order: changed the quantity of MUG-00003 Minimal
//! Mug from 2 to 3, added TEE-00075 Basic Tee × 1; total $45.00 → $63.00;
//! $18.00 due").

use serde_json::Value;

use super::addresses::address_line;
use super::fields::Fields;
use super::words::Words;
use crate::domain::Percent;

/// See the module docs; whatever the payload does not state is left out.
pub(super) fn edited(mut w: Words, p: Fields<'_>) -> Words {
    w.say(" edited the order");
    let mut parts: Vec<Words> = p
        .list("lines")
        .iter()
        .filter_map(|l| line(Fields(l)))
        .collect();
    if p.flag("order_discount_changed") == Some(true) {
        parts.push(changed(
            "changed the order discount",
            discount(p.get("old_order_discount")),
            discount(p.get("new_order_discount")),
        ));
    }
    if p.flag("shipping_charge_changed") == Some(true) {
        let charge = |k: &str| p.object(k).int("charged_cents");
        let mut s = Words::of("changed the shipping charge from ");
        money_or_none(&mut s, charge("old_shipping_charge"));
        s.say(" to ");
        money_or_none(&mut s, charge("new_shipping_charge"));
        parts.push(s);
    }
    for (flag, field, what) in [
        ("shipping_address_changed", "shipping_address", "shipping"),
        ("billing_address_changed", "billing_address", "billing"),
    ] {
        if p.flag(flag) == Some(true) {
            let mut a = Words::of(&format!("changed the {what} address"));
            if let Some(to) = p.get(field).and_then(address_line) {
                a.say(" to ").say(to);
            }
            parts.push(a);
        }
    }
    if !parts.is_empty() {
        w.say(": ").list(parts, ", ");
    }
    if let (Some(old), Some(new)) = (p.int("old_total_cents"), p.int("new_total_cents")) {
        w.say("; total ").money(old).say(" → ").money(new);
        settle(&mut w, new, p.int("net_paid_cents"));
    }
    w
}

/// One changed line: "added TEE-00075 Basic Tee × 1", "removed …",
/// "changed the quantity of … from 2 to 3", "changed the discount of … from
/// none to 10%".
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
    let (old_q, new_q) = (l.int("old_quantity"), l.int("new_quantity"));
    let mut w = Words::default();
    match l.text("change").as_deref() {
        Some("added") => {
            w.say("added ").say(&what);
            if let Some(q) = new_q {
                w.say(format!(" × {q}"));
            }
        }
        Some("removed") => {
            w.say("removed ").say(&what);
        }
        _ => {
            let mut said = false;
            if let (Some(o), Some(n)) = (old_q, new_q)
                && o != n
            {
                w.say(format!("changed the quantity of {what} from {o} to {n}"));
                said = true;
            }
            let (old_d, new_d) = (
                discount(l.get("old_discount")),
                discount(l.get("new_discount")),
            );
            if old_d != new_d {
                let whose = if said {
                    w.say(" and ");
                    "its discount".to_owned()
                } else {
                    format!("changed the discount of {what}")
                };
                w.add(changed(&whose, old_d, new_d));
                said = true;
            }
            if !said {
                w.say("changed ").say(&what);
            }
        }
    }
    Some(w)
}

/// A discount as entered: an amount, or a percentage (stored in ppm).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entered {
    Amount(i64),
    Percent(String),
}

fn discount(v: Option<&Value>) -> Option<Entered> {
    let d = Fields(v?);
    let value = d.int("value")?;
    match d.text("kind").as_deref() {
        Some("amount") => Some(Entered::Amount(value)),
        Some("percent") => u32::try_from(value)
            .ok()
            .and_then(Percent::from_ppm)
            .map(|p| Entered::Percent(p.to_string())),
        _ => None,
    }
}

/// "changed the order discount from none to 10%".
fn changed(what: &str, old: Option<Entered>, new: Option<Entered>) -> Words {
    let mut w = Words::of(&format!("{what} from "));
    entered(&mut w, old);
    w.say(" to ");
    entered(&mut w, new);
    w
}

fn entered(w: &mut Words, d: Option<Entered>) {
    match d {
        None => w.say("none"),
        Some(Entered::Amount(a)) => w.money(a),
        Some(Entered::Percent(p)) => w.say(p),
    };
}

fn money_or_none(w: &mut Words, minor: Option<i64>) {
    match minor {
        Some(m) if m > 0 => w.money(m),
        _ => w.say("none"),
    };
}

/// What the new total leaves to settle against what was paid: "; $18.00
/// due" or "; $5.00 to refund" (nothing when unpaid or settled).
fn settle(w: &mut Words, new_total: i64, net_paid: Option<i64>) {
    let Some(paid) = net_paid.filter(|p| *p > 0) else {
        return;
    };
    match new_total.checked_sub(paid) {
        Some(due) if due > 0 => {
            w.say("; ").money(due).say(" due");
        }
        Some(over) if over < 0 => {
            if let Some(back) = over.checked_neg() {
                w.say("; ").money(back).say(" to refund");
            }
        }
        _ => {}
    }
}
