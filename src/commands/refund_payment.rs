//! RefundPayment: money given back on an order, at most what was paid less
//! what was refunded. Allowed on a cancelled order (giving back what it was
//! paid) and on an overpaid one; the order's status does not change.

use chrono::NaiveDate;
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::payment_ledger::{self, Claim, Entry, add, lock_order, replay};
use super::{Ack, CommandContext, CommandError};
use crate::domain::event_payload::PaymentRefunded;
use crate::domain::{
    EventType, IdempotencyKey, Money, OrderId, PaymentKind, PaymentMethod, PaymentReference,
};

/// A parsed refund form.
#[derive(Debug, Clone)]
pub struct RefundPayment {
    pub order_id: OrderId,
    pub key: IdempotencyKey,
    pub amount: Money,
    pub method: PaymentMethod,
    pub reference: Option<PaymentReference>,
    /// The date staff entered; `None`: the shop's today.
    pub received_on: Option<NaiveDate>,
}

/// See the module docs. The ack's id is the refund entry's.
pub async fn refund_payment(
    conn: &mut AsyncPgConnection,
    input: RefundPayment,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| refund_in(conn, &input, ctx).await)
        .await
}

/// The refund inside the caller's transaction (CancelOrder's refund of what
/// was paid uses it too).
pub(crate) async fn refund_in(
    conn: &mut AsyncPgConnection,
    input: &RefundPayment,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let order = lock_order(conn, input.order_id).await?;
    let claim = Claim {
        key: &input.key,
        order_id: input.order_id,
        kind: PaymentKind::Refund,
        amount: Some(input.amount.cents()),
        voids: None,
    };
    if let Some(ack) = replay(conn, &claim).await? {
        return Ok(ack);
    }
    let amount = input.amount.cents();
    let refundable = order.net()?;
    if amount > refundable {
        let message = if refundable == 0 {
            "nothing is left to refund: the order's payments, less its refunds, come to 0"
                .to_owned()
        } else {
            "a refund can be at most what was paid less what was refunded \
                 (the Payments panel's \u{201c}paid\u{201d} less \u{201c}refunded\u{201d})"
                .to_owned()
        };
        return Err(CommandError::field("amount", message));
    }
    let refunded = add(order.refunded, amount)?;
    let entry = Entry {
        order_id: input.order_id,
        kind: PaymentKind::Refund,
        amount,
        method: input.method,
        reference: input.reference.as_ref(),
        received_on: input.received_on,
        voids: None,
        overpayment_confirmed: false,
        key: &input.key,
    };
    let appended = payment_ledger::append_entry(conn, entry, order.paid, refunded, ctx).await?;
    let payload = PaymentRefunded {
        payment_id: appended.payment_id,
        amount_cents: amount,
        method: input.method.as_str().to_owned(),
        reference: input.reference.as_ref().map(|r| r.as_str().to_owned()),
        received_on: appended.received_on,
        totals: appended.totals,
    };
    payment_ledger::announce(
        conn,
        ctx,
        input.order_id,
        EventType::PaymentRefunded,
        payload.to_payload(),
        appended.payment_id,
    )
    .await
}
