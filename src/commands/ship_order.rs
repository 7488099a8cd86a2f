//! ShipOrder: an unfulfilled order leaves once nothing is due (its payment
//! state paid or overpaid), or unpaid when the shop ships on account (its
//! setting); its reserved units leave on-hand stock.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::order_lifecycle::{PaymentGuard, advance};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::shop_settings;
use crate::domain::{FulfilmentStatus, OrderId};

/// See the module docs. An order with something due when the shop does not
/// ship on account is refused beside `status`, saying what to do; a state
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
    let guard = if on_account {
        PaymentGuard::None
    } else {
        PaymentGuard::Settled
    };
    advance(conn, order_id, FulfilmentStatus::Shipped, guard, None, ctx).await
}
