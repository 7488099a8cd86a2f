//! ShipOrder: a paid order leaves; its reserved units leave on-hand stock.

use diesel_async::AsyncPgConnection;

use super::order_lifecycle::advance;
use super::{Ack, CommandContext, CommandError};
use crate::domain::{OrderId, OrderStatus};

/// See the module docs; a status that does not allow it is an `InvalidTransition`.
pub async fn ship_order(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    advance(conn, order_id, OrderStatus::Shipped, None, ctx).await
}
