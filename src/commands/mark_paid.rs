//! MarkPaid: the customer paid the rest. A payment of the balance due is
//! recorded (the method chosen in the form; none when nothing is due) and the
//! placed order becomes paid, with `order_paid` as before, in one transaction.

use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::order_lifecycle::advance;
use super::payment_ledger::lock_order;
use super::record_payment::{RecordPayment, record_in};
use super::{Ack, CommandContext, CommandError};
use crate::domain::{IdempotencyKey, Money, OrderId, OrderStatus, PaymentMethod};

/// [`mark_paid_by`] card, the form's default.
pub async fn mark_paid(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    mark_paid_by(conn, order_id, PaymentMethod::Card, ctx).await
}

/// See the module docs; a status that does not allow it is an `InvalidTransition`.
pub async fn mark_paid_by(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    method: PaymentMethod,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let order = lock_order(conn, order_id).await?;
        if order.status != OrderStatus::Placed {
            // The lifecycle's own refusal (InvalidTransition).
            return advance(conn, order_id, OrderStatus::Paid, None, ctx).await;
        }
        match Money::from_minor(order.due()?) {
            // Recording the balance moves the order to paid (RecordPayment).
            Ok(balance) => {
                let payment = RecordPayment {
                    order_id,
                    // The status guard makes Mark paid idempotent: a second
                    // click finds the order paid and is refused.
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
            }
            // Nothing due (paid by deposits already, or a total of 0).
            Err(_) => advance(conn, order_id, OrderStatus::Paid, None, ctx).await,
        }
    })
    .await
}
