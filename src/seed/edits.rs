//! Which seeded orders were edited, when, and how: about one order in 33
//! among those without a deposit is changed by EditOrder between a minute
//! after it was placed and a minute before it was paid or cancelled (or the
//! history ends): a line's quantity raised or lowered, a product added or a
//! line removed. The discounts, the shipping charge and the address stay.
//!
//! Edits come before any payment, so what is paid is the edited total and
//! every payment event states it; and before the seeded invoices, which are
//! issued after the whole history (`seed::invoices`), so an edited order's
//! invoice is of its edited lines and no credit note is needed. An order
//! with a deposit is never edited (its deposit is half the final total).
//!
//! Chosen by a hash of the order's index, not the plan's RNG, so every other
//! figure of a seeded shop is what it was.

// Counts are u32 by construction (the flags are u32).
#![expect(clippy::cast_possible_truncation, reason = "bounded sizes")]

use super::calendar::DAY;
use super::money;
use super::plan::{Edit, Line, Order, Plan, Product};
use crate::domain::FulfilmentStatus;

/// One order in this many (of those that may be edited) is.
const ONE_IN: u64 = 33;
/// An edit comes at least this long after placing and before the next step.
const GAP: i64 = 60;

/// What an edit does to the lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Raise(usize),
    Lower(usize),
    Add(u32),
    Remove(usize),
}

/// Plans the edits of `plan.orders`, appending their lines to `plan.lines`
/// and moving the stock figures of `products` by each edit's difference.
pub fn plan(plan: &mut Plan, products: &mut [Product], end: i64, seed: u64) {
    let hash = |i: u32| {
        (u64::from(i) ^ seed.rotate_left(29) ^ 0x6564_6974).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            >> 33
    };
    for i in 0..plan.orders.len() {
        let h = hash(i as u32);
        let o = &plan.orders[i];
        if h % ONE_IN != 0 || o.deposit_at.is_some() {
            continue;
        }
        let next = [o.paid_at, o.cancelled_at, Some(end)]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(end);
        let room = (next - GAP).min(o.placed_at + 2 * DAY) - (o.placed_at + GAP);
        if room <= 0 {
            continue;
        }
        let h = h / ONE_IN;
        let at = o.placed_at + GAP + i64::try_from(h % room.unsigned_abs()).unwrap_or(0);
        let placed = order_lines(&plan.lines, o.first_line, o.line_count).to_vec();
        let neighbour = (i > 0).then(|| {
            let p = &plan.orders[i - 1];
            plan.lines[p.first_line as usize].product
        });
        let change = choose(&placed, neighbour, h / 1024);
        let mut after = apply(&placed, change);
        if !prices(products, &plan.lines, o, &after) {
            after = apply(&placed, Change::Raise(0));
        }
        move_stock(products, o, &placed, &after, at);
        let first_line = plan.lines.len() as u32;
        plan.lines.extend_from_slice(&after);
        plan.orders[i].edit = Some(Edit {
            at,
            first_line,
            line_count: after.len() as u32,
        });
    }
}

fn order_lines(lines: &[Line], first: u32, count: u32) -> &[Line] {
    &lines[first as usize..(first + count) as usize]
}

/// Raise a quantity (two in six), add the neighbour's product (two in six,
/// when the order lacks it), lower a quantity of 2 or more, or remove a
/// line other than the first (which may carry the line discount).
fn choose(lines: &[Line], neighbour: Option<u32>, h: u64) -> Change {
    let pick = (h / 6) as usize % lines.len();
    match h % 6 {
        2 | 3 => match neighbour {
            Some(p) if lines.iter().all(|l| l.product != p) => Change::Add(p),
            _ => Change::Raise(pick),
        },
        4 if lines.len() > 1 => Change::Remove(1 + pick % (lines.len() - 1)),
        5 if lines[pick].quantity > 1 => Change::Lower(pick),
        _ => Change::Raise(pick),
    }
}

/// The lines after `change`, in ascending product order.
fn apply(lines: &[Line], change: Change) -> Vec<Line> {
    let mut out = lines.to_vec();
    match change {
        Change::Raise(k) => out[k].quantity += 1,
        Change::Lower(k) => out[k].quantity -= 1,
        Change::Remove(k) => {
            out.remove(k);
        }
        Change::Add(product) => {
            let at = out.partition_point(|l| l.product < product);
            out.insert(
                at,
                Line {
                    product,
                    quantity: 1,
                },
            );
        }
    }
    out
}

/// Whether the edited lines still take the discounts entered when the order
/// was placed (an edit keeps them; a raise always does).
fn prices(products: &[Product], lines: &[Line], o: &Order, after: &[Line]) -> bool {
    money::placed_totals_in(products, lines, o)
        .is_some_and(|(_, entered)| matches!(money::priced(products, after, &entered), Some(Ok(_))))
}

/// Moves the stock figures by the edit's difference: reserved for an order
/// still to ship, shipped for one that shipped since; nothing for one
/// cancelled since (the cancellation releases the edited lines). A product
/// the edit moved was updated then, and each line's product by the order's
/// shipment or cancellation after it.
fn move_stock(products: &mut [Product], o: &Order, before: &[Line], after: &[Line], at: i64) {
    let quantity = |lines: &[Line], p: u32| {
        lines
            .iter()
            .find(|l| l.product == p)
            .map_or(0, |l| l.quantity)
    };
    let mut moved: Vec<u32> = before.iter().chain(after).map(|l| l.product).collect();
    moved.sort_unstable();
    moved.dedup();
    for p in moved {
        let d = quantity(after, p) - quantity(before, p);
        if d == 0 {
            continue;
        }
        let product = &mut products[p as usize];
        match o.status {
            FulfilmentStatus::Unfulfilled => product.reserved += d,
            FulfilmentStatus::Shipped | FulfilmentStatus::Delivered => product.shipped += d,
            FulfilmentStatus::Cancelled => {}
        }
        product.updated_at = product.updated_at.max(at);
    }
    let last = match o.status {
        FulfilmentStatus::Unfulfilled => None,
        FulfilmentStatus::Shipped | FulfilmentStatus::Delivered => o.shipped_at,
        FulfilmentStatus::Cancelled => o.cancelled_at,
    };
    if let Some(t) = last {
        for l in after {
            let product = &mut products[l.product as usize];
            product.updated_at = product.updated_at.max(t);
        }
    }
}
