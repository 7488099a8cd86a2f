//! CancelOrder: an unfulfilled order (paid or not) is cancelled with a reason, and its
//! reserved units become available again. Not possible once shipped. What
//! the order was paid (less refunds) can be refunded in the same transaction,
//! by the method staff choose: the cancellation and its refund land together
//! or not at all.

use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::order_lifecycle::{PaymentGuard, advance};
use super::payment_ledger::lock_order;
use super::refund_payment::{RefundPayment, refund_in};
use super::{Ack, CommandContext, CommandError};
use crate::domain::{
    FulfilmentStatus, IdempotencyKey, Money, OrderId, PaymentMethod, Reason, format_cents,
};

/// A parsed cancellation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelOrder {
    pub order_id: OrderId,
    pub reason: Reason,
    /// Refund what was paid less what was refunded, by this method.
    pub refund: Option<RefundOnCancel>,
}

/// The refund a cancellation gives: all that was paid and not refunded yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundOnCancel {
    pub method: PaymentMethod,
    /// What the form showed as paid less refunded, in minor units. A payment
    /// or refund recorded since then makes the command refuse, rather than
    /// refund an amount staff never saw.
    pub shown_cents: i64,
    /// The form's key: a cancellation sent twice refunds once (the second
    /// is refused by the status guard before it reaches the refund).
    pub key: IdempotencyKey,
}

/// Cancels the order, releases its reservations and, when asked, refunds
/// what it was paid; one transaction.
pub async fn cancel_order(
    conn: &mut AsyncPgConnection,
    input: CancelOrder,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let ack = advance(
            conn,
            input.order_id,
            FulfilmentStatus::Cancelled,
            PaymentGuard::None,
            Some(input.reason),
            ctx,
        )
        .await?;
        let Some(refund) = input.refund else {
            return Ok(ack);
        };
        let order = lock_order(conn, input.order_id).await?;
        let refundable = order.net()?;
        if refundable != refund.shown_cents {
            return Err(CommandError::field(
                "refund",
                format!(
                    "the order's payments changed since the page was shown: {} can be \
                     refunded now, not {}; look at the Payments panel and cancel again",
                    format_cents(refundable),
                    format_cents(refund.shown_cents)
                ),
            ));
        }
        let Ok(amount) = Money::from_minor(refundable) else {
            // Nothing was paid, or all of it was refunded already.
            return Ok(ack);
        };
        let refund = RefundPayment {
            order_id: input.order_id,
            key: refund.key,
            amount,
            method: refund.method,
            reference: None,
            received_on: None,
        };
        let refunded = refund_in(conn, &refund, ctx).await?;
        Ok(Ack {
            event_id: refunded.event_id,
            ..ack
        })
    })
    .await
}
