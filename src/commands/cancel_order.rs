//! CancelOrder: a placed or paid order is cancelled with a reason, and its
//! reserved units become available again. Not possible once shipped.

use diesel_async::AsyncPgConnection;

use super::order_lifecycle::advance;
use super::{Ack, CommandContext, CommandError};
use crate::domain::{OrderId, OrderStatus, Reason};

/// A parsed cancellation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelOrder {
    pub order_id: OrderId,
    pub reason: Reason,
}

/// Cancels the order and releases its reservations.
pub async fn cancel_order(
    conn: &mut AsyncPgConnection,
    input: CancelOrder,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    advance(
        conn,
        input.order_id,
        OrderStatus::Cancelled,
        Some(input.reason),
        ctx,
    )
    .await
}
