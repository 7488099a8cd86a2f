//! ShipOrder: a paid order leaves (or an unpaid one, when the shop ships on
//! account: its setting); its reserved units leave on-hand stock.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::order_lifecycle::advance_from;
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::shop_settings;
use crate::domain::{OrderId, OrderStatus};

/// See the module docs. An unpaid order when the shop does not ship on
/// account is refused beside `status`, saying what to do; another status
/// that does not allow it is an `InvalidTransition`.
pub async fn ship_order(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let on_account: bool = shop_settings::table
        .select(shop_settings::ship_on_account)
        .first(conn)
        .await
        .optional()?
        .unwrap_or(false);
    let from = OrderStatus::ALL
        .into_iter()
        .filter(|s| s.can_ship(on_account))
        .collect();
    match advance_from(conn, order_id, from, OrderStatus::Shipped, None, ctx).await {
        Err(CommandError::InvalidTransition {
            from: OrderStatus::Placed,
            ..
        }) => Err(CommandError::field(
            "status",
            "it is not paid yet: record its payment first, or turn on \
             “Ship on account” in Settings",
        )),
        other => other,
    }
}
