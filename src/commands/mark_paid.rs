//! MarkPaid: the customer paid the rest. A payment of the balance due is
//! recorded (the method chosen in the form) through RecordPayment, which
//! moves the payment state to paid; the fulfilment state does not move
//! (migration 000140). Nothing due (paid by deposits already, or a total of
//! 0) is refused beside `status`: there is nothing to record.

use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::payment_ledger::lock_order;
use super::record_payment::{RecordPayment, record_in};
use super::{Ack, CommandContext, CommandError};
use crate::domain::{IdempotencyKey, Money, OrderId, PaymentMethod};

/// [`mark_paid_by`] card, the form's default.
pub async fn mark_paid(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    mark_paid_by(conn, order_id, PaymentMethod::Card, ctx).await
}

/// See the module docs; a cancelled order is refused by RecordPayment.
pub async fn mark_paid_by(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    method: PaymentMethod,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let order = lock_order(conn, order_id).await?;
        // Nothing due: a second click, a colleague first, or a total of 0.
        let Ok(balance) = Money::from_minor(order.due()?) else {
            return Err(CommandError::field(
                "status",
                "nothing is due: the order is paid already",
            ));
        };
        let payment = RecordPayment {
            order_id,
            // The balance guard makes Mark paid idempotent: a second click
            // finds nothing due and is refused.
            key: IdempotencyKey::generate(),
            amount: balance,
            method,
            reference: None,
            received_on: None,
            overpayment_confirmed: false,
        };
        let ack = record_in(conn, &payment, ctx).await?;
        Ok(Ack {
            id: order_id.get(),
            ..ack
        })
    })
    .await
}
