//! A seeded edit as EditOrder writes it: the stock moved by the per-product
//! difference (`commands::edit_lines::move_stock`) and the `order_edited`
//! event with the payload the command builds (`commands::edit_order`).

use std::fmt::Write;

use super::{ACTOR, Context, lines, money, payments, placed_lines, ts};
use crate::domain::event_payload::order_edited::{
    LineChange, LineChangeKind, OrderEdited, ShippingChargePayload,
};
use crate::domain::event_payload::order_placed::DiscountPayload;
use crate::seed::plan::{Line, Plan};

/// Each product whose quantity the edit of order `i` changed, in ascending
/// product order, and by how much.
fn differences(plan: &Plan, i: u32) -> Vec<(u32, i32)> {
    let o = &plan.orders[i as usize];
    let (before, after) = (placed_lines(plan, o), lines(plan, o));
    let quantity = |lines: &[Line], p: u32| {
        lines
            .iter()
            .find(|l| l.product == p)
            .map_or(0, |l| l.quantity)
    };
    let mut products: Vec<u32> = before.iter().chain(after).map(|l| l.product).collect();
    products.sort_unstable();
    products.dedup();
    products
        .into_iter()
        .map(|p| (p, quantity(after, p) - quantity(before, p)))
        .filter(|&(_, d)| d != 0)
        .collect()
}

/// The edit's ledger rows (`reservation` +q, `release` −q) at `at`; how many.
pub(super) fn movements(plan: &Plan, cx: &Context, i: u32, at: i64, out: &mut String) -> u64 {
    let (id, at) = (cx.order_id(i), ts(at));
    let moved = differences(plan, i);
    for &(p, d) in &moved {
        let kind = if d > 0 { "reservation" } else { "release" };
        let product = cx.product_id(p);
        let _ = writeln!(out, "{product}\t{kind}\t{d}\t\t{id}\t{ACTOR}\t{at}");
    }
    moved.len() as u64
}

/// The `order_edited` payload of order `i`'s edit, as EditOrder writes it
/// for a form that kept the discounts, the shipping charge and the address;
/// `None` when the order was not edited.
pub(super) fn order_edited(plan: &Plan, cx: &Context, i: u32) -> Option<String> {
    let o = &plan.orders[i as usize];
    let edit = o.edit?;
    let (before, entered) = money::placed_totals(plan, o)?;
    let (after, _) = money::totals(plan, o)?;
    let (old, new) = (placed_lines(plan, o), lines(plan, o));
    let discount = |p: u32| entered.discount_of(p).as_ref().map(DiscountPayload::from);
    let change = |kind, l: &Line, old_quantity, new_quantity, old_total, new_total| LineChange {
        change: kind,
        product_id: cx.product_id(l.product),
        sku: super::sku(plan, cx, l.product),
        name: super::product_name(plan, l.product),
        old_quantity,
        new_quantity,
        old_discount: (old_quantity > 0).then(|| discount(l.product)).flatten(),
        new_discount: (new_quantity > 0).then(|| discount(l.product)).flatten(),
        old_total_cents: old_total,
        new_total_cents: new_total,
    };
    let mut changes = Vec::new();
    for (l, a) in new.iter().zip(&after.lines) {
        let was = old
            .iter()
            .zip(&before.lines)
            .find(|(s, _)| s.product == l.product);
        match was {
            None => changes.push(change(LineChangeKind::Added, l, 0, l.quantity, 0, a.total)),
            Some((s, b)) if s.quantity != l.quantity => changes.push(change(
                LineChangeKind::Changed,
                l,
                s.quantity,
                l.quantity,
                b.total,
                a.total,
            )),
            Some(_) => {}
        }
    }
    for (s, b) in old.iter().zip(&before.lines) {
        if new.iter().all(|l| l.product != s.product) {
            changes.push(change(
                LineChangeKind::Removed,
                s,
                s.quantity,
                0,
                b.total,
                0,
            ));
        }
    }
    changes.sort_by_key(|c| c.product_id);
    let shipping_charge = entered.shipping.then_some(ShippingChargePayload {
        charged_cents: before.shipping,
        tax_rate_id: Some(cx.tax_rates[0]),
    });
    let order_discount = entered.order_discount.as_ref().map(DiscountPayload::from);
    let net_paid = payments::entries(i, o, after.grand_total)
        .iter()
        .take_while(|e| e.at < edit.at)
        .last()
        .map_or(0, |e| {
            e.totals.paid_cents.saturating_sub(e.totals.refunded_cents)
        });
    let payload = OrderEdited {
        version: 2,
        lines: changes,
        old_total_cents: before.grand_total,
        new_total_cents: after.grand_total,
        order_discount_changed: false,
        old_order_discount: order_discount,
        new_order_discount: order_discount,
        shipping_charge_changed: false,
        old_shipping_charge: shipping_charge,
        new_shipping_charge: shipping_charge,
        shipping_address_changed: false,
        shipping_address: None,
        billing_address_changed: false,
        billing_address: None,
        net_paid_cents: net_paid,
        money: super::money_payload(cx, &after, &entered),
    };
    Some(payload.to_payload().to_string())
}
