//! A product's creation and edits. An edit (`product_updated`, any
//! version) states the product's new details only; what it changed from
//! comes from the earlier events of the product.

use super::fields::Fields;
use super::words::{Words, quoted};

/// The product as the history last stated it.
#[derive(Debug, Default)]
pub(super) struct Known {
    /// An earlier event stated the details (so an edit can say "from").
    seen: bool,
    sku: Option<String>,
    name: Option<String>,
    description: Option<String>,
    price: Option<i64>,
    active: Option<bool>,
    threshold: Option<i64>,
    tax_rate: Option<i64>,
}

impl Known {
    /// "MUG-00003 Minimal Mug", for the sentences that name the product.
    pub(super) fn label(&self) -> Option<String> {
        let label = [self.sku.as_deref(), self.name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        Some(label).filter(|l| !l.is_empty())
    }

    /// The details an event states, over the ones known (a field the
    /// payload lacks keeps its earlier value).
    fn take(&mut self, p: Fields<'_>) {
        self.seen = true;
        self.sku = p.text("sku").or(self.sku.take());
        self.name = p.text("name").or(self.name.take());
        if let Some(d) = p.0.get("description").and_then(serde_json::Value::as_str) {
            self.description = Some(d.to_owned());
        }
        self.price = p.int("price_cents").or(self.price);
        self.active = p.flag("active").or(self.active);
        self.threshold = p.int("low_stock_threshold").or(self.threshold);
        self.tax_rate = p.int("tax_rate_id").or(self.tax_rate);
    }
}

/// Its details as a list: "for sale, low-stock alert at 10, tax rate #2".
fn details(k: &Known) -> Vec<Words> {
    let mut out = Vec::new();
    match k.active {
        Some(true) => out.push(Words::of("for sale")),
        Some(false) => out.push(Words::of("not for sale")),
        None => {}
    }
    if let Some(t) = k.threshold {
        out.push(Words::of(&format!("low-stock alert at {t}")));
    }
    if let Some(r) = k.tax_rate {
        out.push(Words::of(&format!("tax rate #{r}")));
    }
    out
}

/// "Ann created the product MUG-00003 Minimal Mug at $4.00, for sale,
/// low-stock alert at 10, tax rate #2".
pub(super) fn created(mut w: Words, p: Fields<'_>, known: &mut Known) -> Words {
    *known = Known::default();
    known.take(p);
    w.say(" created the product");
    if let Some(label) = known.label() {
        w.say(" ").say(label);
    }
    if let Some(price) = known.price {
        w.say(" at ").money(price);
    }
    for d in details(known) {
        w.say(", ").add(d);
    }
    w
}

/// One changed detail: its name, the value before (when the history knew
/// it) and after; neither for the description (too long to repeat).
struct Change {
    field: &'static str,
    from: Option<Words>,
    to: Option<Words>,
}

fn money(minor: i64) -> Words {
    let mut w = Words::default();
    w.money(minor);
    w
}

/// A detail that differs: known before and different, or unknown before
/// and stated now (then only its new value is said).
fn differs<T: PartialEq>(
    field: &'static str,
    old: Option<T>,
    new: Option<T>,
    say: impl Fn(T) -> Words,
) -> Option<Change> {
    match (old, new) {
        (Some(a), Some(b)) if a != b => Some(Change {
            field,
            from: Some(say(a)),
            to: Some(say(b)),
        }),
        (None, Some(b)) => Some(Change {
            field,
            from: None,
            to: Some(say(b)),
        }),
        _ => None,
    }
}

/// What differs between the known product and the edit's `new` details.
fn changes(old: &Known, new: &Known) -> Vec<Change> {
    let quote = |s: &String| Words::of(&quoted(s));
    let number = |n: i64| Words::of(&n.to_string());
    let rate = |n: i64| Words::of(&format!("rate #{n}"));
    let mut out: Vec<Change> = [
        differs("price", old.price, new.price, money),
        differs("name", old.name.as_ref(), new.name.as_ref(), quote),
        differs("low-stock alert", old.threshold, new.threshold, number),
        differs("tax rate", old.tax_rate, new.tax_rate, rate),
    ]
    .into_iter()
    .flatten()
    .collect();
    // The creation does not state the description: a change is said only
    // when an earlier edit did.
    if old.description.is_some() && new.description.is_some() && old.description != new.description
    {
        out.push(Change {
            field: "description",
            from: None,
            to: None,
        });
    }
    out
}

/// "Bo changed the price of MUG-00003 Minimal Mug from $4.00 to $5.00 and
/// the low-stock alert from 10 to 5", "Bo took MUG-00003 Minimal Mug off
/// sale"; with no earlier details, the new ones.
pub(super) fn updated(mut w: Words, p: Fields<'_>, known: &mut Known) -> Words {
    let mut new = Known::default();
    new.take(p);
    let stated = new.label().is_some()
        || new.description.is_some()
        || new.price.is_some()
        || new.active.is_some()
        || new.threshold.is_some()
        || new.tax_rate.is_some();
    let product = known
        .label()
        .or_else(|| new.label())
        .unwrap_or_else(|| "the product".to_owned());
    if !stated {
        w.say(" updated ").say(&product);
        return w;
    }
    if !known.seen {
        w.say(" updated ").say(&product);
        if let Some(price) = new.price {
            w.say(": price ").money(price);
            for d in details(&new) {
                w.say(", ").add(d);
            }
        }
        known.take(p);
        return w;
    }
    let changed = changes(known, &new);
    let onsale = match (known.active, new.active) {
        (Some(true), Some(false)) => Some("off sale"),
        (Some(false), Some(true)) => Some("on sale"),
        _ => None,
    };
    let parts: Vec<Words> = changed
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let mut part = Words::of("the ");
            part.say(c.field);
            if i == 0 {
                part.say(" of ").say(&product);
            }
            if let Some(from) = c.from {
                part.say(" from ").add(from);
            }
            if let Some(to) = c.to {
                part.say(" to ").add(to);
            }
            part
        })
        .collect();
    match (parts.is_empty(), onsale) {
        (true, None) => {
            w.say(" saved ").say(&product).say(" unchanged");
        }
        (true, Some(how)) => {
            w.say(if how == "on sale" { " put " } else { " took " });
            w.say(&product).say(" ").say(how);
        }
        (false, onsale) => {
            w.say(" changed ").list(parts, " and ");
            match onsale {
                Some("on sale") => w.say("; put it on sale"),
                Some(_) => w.say("; took it off sale"),
                None => &mut w,
            };
        }
    }
    known.take(p);
    w
}
