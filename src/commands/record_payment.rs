//! RecordPayment: money received on an order (a deposit, the rest, any
//! part). Refused on a cancelled order; more than the balance due is refused
//! unless staff confirm it as an overpayment (to refund later). A payment
//! moves the payment state (`orders.payment_status`, generated from the sums;
//! the first time it reaches paid, `paid_at` is set) and never the
//! fulfilment state (migration 000140). With the
//! shop's "Invoice on payment" on, a payment that makes the order fully paid
//! issues its invoice in the same transaction, unless one stands already
//! (MarkPaid records through here too).

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::issue_invoice::{issue_in_transaction, standing};
use super::payment_ledger::{self, Claim, Entry, add, lock_order, replay};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::shop_settings;
use crate::domain::event_payload::PaymentRecorded;
use crate::domain::{
    EventType, FulfilmentStatus, IdempotencyKey, Money, OrderId, PaymentKind, PaymentMethod,
    PaymentReference,
};

/// A parsed payment form.
#[derive(Debug, Clone)]
pub struct RecordPayment {
    pub order_id: OrderId,
    pub key: IdempotencyKey,
    pub amount: Money,
    pub method: PaymentMethod,
    pub reference: Option<PaymentReference>,
    /// The date staff entered; `None`: the shop's today.
    pub received_on: Option<NaiveDate>,
    /// Staff confirmed taking more than the balance due.
    pub overpayment_confirmed: bool,
}

/// The field error of an amount above the balance due, which the page
/// answers with the confirm-overpayment checkbox.
pub const OVER_BALANCE: &str = "this is more than the balance due: enter at most the balance due, \
     or tick \u{201c}Confirm overpayment\u{201d} to record it as an overpayment to refund";

/// See the module docs. The ack's id is the payment's.
pub async fn record_payment(
    conn: &mut AsyncPgConnection,
    input: RecordPayment,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| record_in(conn, &input, ctx).await)
        .await
}

/// The payment inside the caller's transaction (MarkPaid uses it too).
pub(crate) async fn record_in(
    conn: &mut AsyncPgConnection,
    input: &RecordPayment,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let order = lock_order(conn, input.order_id).await?;
    let claim = Claim {
        key: &input.key,
        order_id: input.order_id,
        kind: PaymentKind::Payment,
        amount: Some(input.amount.cents()),
        voids: None,
    };
    if let Some(ack) = replay(conn, &claim).await? {
        return Ok(ack);
    }
    if order.fulfilment == FulfilmentStatus::Cancelled {
        return Err(CommandError::field(
            "amount",
            "the order is cancelled: no payment can be recorded on it (a refund can)",
        ));
    }
    let amount = input.amount.cents();
    if amount > order.due()? && !input.overpayment_confirmed {
        return Err(CommandError::field("amount", OVER_BALANCE));
    }
    let paid = add(order.paid, amount)?;
    let entry = Entry {
        order_id: input.order_id,
        kind: PaymentKind::Payment,
        amount,
        method: input.method,
        reference: input.reference.as_ref(),
        received_on: input.received_on,
        voids: None,
        overpayment_confirmed: input.overpayment_confirmed,
        key: &input.key,
    };
    let appended = payment_ledger::append_entry(conn, entry, paid, order.refunded, ctx).await?;
    let payload = PaymentRecorded {
        payment_id: appended.payment_id,
        amount_cents: amount,
        method: input.method.as_str().to_owned(),
        reference: input.reference.as_ref().map(|r| r.as_str().to_owned()),
        received_on: appended.received_on,
        overpayment_confirmed: input.overpayment_confirmed,
        totals: appended.totals,
    };
    let event_id = events::append(
        conn,
        ctx,
        Aggregate::Order,
        input.order_id.get(),
        EventType::PaymentRecorded,
        payload.to_payload(),
    )
    .await?;
    let mut ack = Ack {
        id: appended.payment_id,
        version: None,
        event_id,
        replayed: false,
    };
    let fully_paid = appended.status.is_settled();
    if fully_paid && invoices_on_payment(conn).await? {
        ack.event_id = invoice_on_payment(conn, input.order_id, ctx)
            .await?
            .unwrap_or(ack.event_id);
    }
    Ok(ack)
}

/// The shop's setting "Invoice on payment".
async fn invoices_on_payment(conn: &mut AsyncPgConnection) -> Result<bool, CommandError> {
    Ok(shop_settings::table
        .select(shop_settings::invoice_on_payment)
        .first(conn)
        .await
        .optional()?
        .unwrap_or(false))
}

/// Issues the invoice of an order a payment made fully paid, unless one
/// stands already; the invoice's event id when one was issued.
async fn invoice_on_payment(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    ctx: &CommandContext,
) -> Result<Option<i64>, CommandError> {
    if standing(conn, order_id).await?.is_some() {
        return Ok(None);
    }
    Ok(Some(
        issue_in_transaction(conn, order_id, ctx).await?.event_id,
    ))
}
