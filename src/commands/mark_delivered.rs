//! MarkDelivered: the carrier delivered a shipped order.

use diesel_async::AsyncPgConnection;

use super::order_lifecycle::{PaymentGuard, advance};
use super::{Ack, CommandContext, CommandError};
use crate::domain::{FulfilmentStatus, OrderId};

/// See the module docs; a status that does not allow it is an `InvalidTransition`.
pub async fn mark_delivered(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    advance(
        conn,
        order_id,
        FulfilmentStatus::Delivered,
        PaymentGuard::None,
        None,
        ctx,
    )
    .await
}
