//! A seeded order's payments, as RecordPayment, MarkPaid and RefundPayment
//! would have left them: one in five paid orders paid a deposit (half, by
//! card) minutes after it was placed and the rest when it was paid; the
//! others paid it all then, by card or (one in three) bank transfer; one in
//! two orders still placed has paid its deposit only (partly paid); an order
//! cancelled after it was paid was refunded in full when it was cancelled.
//! Chosen by the order's index, not the plan's RNG, so every other figure of
//! a seeded shop stays as it was.

use super::plan::Order;
use crate::domain::PaymentStatus;
use crate::domain::event_payload::PaymentTotals;

/// Slots of an order's entries (their ids are spaced by [`SLOTS`]).
pub const SLOTS: i64 = 3;
pub const DEPOSIT: u32 = 0;
pub const PAYMENT: u32 = 1;
pub const REFUND: u32 = 2;

/// Seconds after placing that a deposit is paid.
pub const DEPOSIT_AFTER: i64 = 300;

/// Whether order `i` (placed at `placed_at`, with the steps `o` took by
/// `end`) paid a deposit.
pub fn pays_deposit(i: usize, o: &Order, end: i64) -> bool {
    o.cancelled_at.is_none()
        && o.placed_at + DEPOSIT_AFTER < end
        && if o.paid_at.is_some() {
            i % 5 == 0
        } else {
            i % 2 == 0
        }
}

/// One entry of a seeded order.
pub struct Entry {
    pub slot: u32,
    pub kind: &'static str,
    pub amount: i64,
    pub method: &'static str,
    pub reference: Option<&'static str>,
    pub at: i64,
    /// The order's sums and state after this entry.
    pub totals: PaymentTotals,
}

/// The entries of order `i` (grand total `grand`), oldest first.
pub fn entries(i: u32, o: &Order, grand: i64) -> Vec<Entry> {
    let method = if i % 3 == 0 { "bank_transfer" } else { "card" };
    let deposit = o.deposit_at.map(|at| (at, grand / 2));
    let mut raw = Vec::new();
    if let Some((at, amount)) = deposit {
        raw.push((DEPOSIT, "payment", amount, "card", Some("deposit"), at));
    }
    if let Some(at) = o.paid_at {
        let amount = grand - deposit.map_or(0, |d| d.1);
        raw.push((PAYMENT, "payment", amount, method, None, at));
        if let Some(cancelled) = o.cancelled_at {
            raw.push((
                REFUND,
                "refund",
                grand,
                method,
                Some("order cancelled"),
                cancelled,
            ));
        }
    }
    let (mut paid, mut refunded) = (0, 0);
    raw.into_iter()
        .filter(|e| e.2 > 0)
        .map(|(slot, kind, amount, method, reference, at)| {
            if kind == "refund" {
                refunded += amount;
            } else {
                paid += amount;
            }
            Entry {
                slot,
                kind,
                amount,
                method,
                reference,
                at,
                totals: PaymentTotals {
                    paid_cents: paid,
                    refunded_cents: refunded,
                    payment_status: PaymentStatus::derive(grand, paid, refunded)
                        .as_str()
                        .to_owned(),
                },
            }
        })
        .collect()
}
