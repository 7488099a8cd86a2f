//! VoidPayment: a mistaken payment or refund reversed by a void entry of the
//! same amount and method (the entry itself is never edited or deleted). An
//! entry is voided once (a UNIQUE column keeps it so), a void is never
//! voided, and a payment whose void would leave more refunded than paid is
//! refused until the refund is voided first. The order's status does not
//! change (a paid order whose payment is voided shows a balance due).

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::payment_ledger::{self, Claim, Entry, lock_order, replay, sub};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::payments;
use crate::domain::event_payload::PaymentVoided;
use crate::domain::{
    EventType, IdempotencyKey, OrderId, PaymentKind, PaymentMethod, PaymentReference,
};

/// A parsed void form: the entry to reverse, and why (optional).
#[derive(Debug, Clone)]
pub struct VoidPayment {
    pub order_id: OrderId,
    pub payment_id: i64,
    pub key: IdempotencyKey,
    pub reason: Option<PaymentReference>,
}

/// See the module docs. The ack's id is the void entry's.
pub async fn void_payment(
    conn: &mut AsyncPgConnection,
    input: VoidPayment,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let order = lock_order(conn, input.order_id).await?;
        let claim = Claim {
            key: &input.key,
            order_id: input.order_id,
            kind: PaymentKind::Void,
            amount: None,
            voids: Some(input.payment_id),
        };
        if let Some(ack) = replay(conn, &claim).await? {
            return Ok(ack);
        }
        let target: Option<(PaymentKind, i64, PaymentMethod)> = payments::table
            .filter(payments::id.eq(input.payment_id))
            .filter(payments::order_id.eq(input.order_id))
            .select((payments::kind, payments::amount_cents, payments::method))
            .first(conn)
            .await
            .optional()?;
        let Some((kind, amount, method)) = target else {
            return Err(CommandError::NotFound {
                what: "payment",
                id: input.payment_id,
            });
        };
        if kind == PaymentKind::Void {
            return Err(CommandError::field(
                "payment_id",
                "a void cannot be voided: record the payment or refund again instead",
            ));
        }
        let voided: bool = diesel::select(diesel::dsl::exists(
            payments::table.filter(payments::voids_payment_id.eq(input.payment_id)),
        ))
        .get_result(conn)
        .await?;
        if voided {
            return Err(CommandError::field(
                "payment_id",
                "this entry was already voided",
            ));
        }
        let (paid, refunded) = match kind {
            PaymentKind::Refund => (order.paid, sub(order.refunded, amount)?),
            _ => (sub(order.paid, amount)?, order.refunded),
        };
        if paid < refunded {
            return Err(CommandError::field(
                "payment_id",
                "voiding this payment would leave more refunded than paid: void the refund first",
            ));
        }
        let entry = Entry {
            order_id: input.order_id,
            kind: PaymentKind::Void,
            amount,
            method,
            reference: input.reason.as_ref(),
            received_on: None,
            voids: Some(input.payment_id),
            overpayment_confirmed: false,
            key: &input.key,
        };
        let appended = payment_ledger::append_entry(conn, entry, paid, refunded, ctx).await?;
        let payload = PaymentVoided {
            payment_id: appended.payment_id,
            voids_payment_id: input.payment_id,
            voided_kind: kind.as_str().to_owned(),
            amount_cents: amount,
            reason: input.reason.as_ref().map(|r| r.as_str().to_owned()),
            totals: appended.totals,
        };
        payment_ledger::announce(
            conn,
            ctx,
            input.order_id,
            EventType::PaymentVoided,
            payload.to_payload(),
            appended.payment_id,
        )
        .await
    })
    .await
}
