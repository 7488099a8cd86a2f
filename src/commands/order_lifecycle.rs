//! The order lifecycle that MarkPaid, ShipOrder, MarkDelivered and CancelOrder
//! share: one guarded status update (in Diesel's DSL, `WHERE status = ANY(…)`)
//! whose allowed "from" states come from [`OrderStatus::can_become`], the
//! stock effects of shipping and cancelling (a cancelled order's standing
//! invoice credited too), and the event.

use diesel::dsl::now;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use super::credit_note::credit_in_transaction;
use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::{inventory, order_lines, orders, stock_movements};
use crate::domain::{EventType, OrderId, OrderStatus, Reason, StockMovementKind};

/// Moves the order to `to` if its current status allows it, applying the stock
/// effect of the move, and appends `order_<to>`.
pub(crate) async fn advance(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    to: OrderStatus,
    reason: Option<Reason>,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let from = OrderStatus::ALL
        .into_iter()
        .filter(|s| s.can_become(to))
        .collect();
    advance_from(conn, order_id, from, to, reason, ctx).await
}

/// [`advance`] from the statuses `from` (a command whose rule is more than
/// [`OrderStatus::can_become`]: shipping on account).
pub(crate) async fn advance_from(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    from: Vec<OrderStatus>,
    to: OrderStatus,
    reason: Option<Reason>,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let version = move_status(conn, order_id, &from, to, reason.as_ref()).await?;
        match to {
            OrderStatus::Shipped => {
                end_reservations(conn, order_id, ReservationEnd::Ship, ctx).await?;
            }
            OrderStatus::Cancelled => {
                end_reservations(conn, order_id, ReservationEnd::Release, ctx).await?;
                // An invoiced order's value falls to nothing: its standing
                // invoice is credited in full.
                credit_in_transaction(conn, order_id, ctx).await?;
            }
            OrderStatus::Placed | OrderStatus::Paid | OrderStatus::Delivered => {}
        }
        let payload = json!({
            "status": to.as_str(),
            "reason": reason.as_ref().map(Reason::as_str),
            "version": version,
        });
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Order,
            order_id.get(),
            EventType::order_moved_to(to),
            payload,
        )
        .await?;
        Ok(Ack {
            id: order_id.get(),
            version: Some(version),
            event_id,
            replayed: false,
        })
    })
    .await
}

/// The guarded update: sets `to` and its timestamp only where the current
/// status may become `to`; row locks make concurrent moves take turns.
async fn move_status(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    from: &[OrderStatus],
    to: OrderStatus,
    reason: Option<&Reason>,
) -> Result<i32, CommandError> {
    let target = orders::table
        .find(order_id)
        .filter(orders::status.eq_any(from.to_vec()));
    // One UPDATE per target: the status, the step's own timestamp, the version.
    macro_rules! guarded {
        ($($stamp:expr),*) => {
            diesel::update(target)
                .set((
                    orders::status.eq(to),
                    $($stamp,)*
                    orders::version.eq(orders::version + 1),
                    orders::updated_at.eq(now),
                ))
                .returning(orders::version)
                .get_result::<i32>(conn)
                .await
                .optional()?
        };
    }
    let version = match to {
        OrderStatus::Placed => guarded!(),
        OrderStatus::Paid => guarded!(orders::paid_at.eq(now)),
        OrderStatus::Shipped => guarded!(orders::shipped_at.eq(now)),
        OrderStatus::Delivered => guarded!(orders::delivered_at.eq(now)),
        OrderStatus::Cancelled => guarded!(
            orders::cancelled_at.eq(now),
            orders::cancellation_reason.eq(reason.map(Reason::as_str))
        ),
    };
    match version {
        Some(version) => Ok(version),
        None => Err(refused(conn, order_id, to).await?),
    }
}

/// Why a guarded status update matched no row: the order does not exist, or
/// its status does not allow the move to `to`.
async fn refused(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    to: OrderStatus,
) -> Result<CommandError, CommandError> {
    let status: Option<OrderStatus> = orders::table
        .find(order_id)
        .select(orders::status)
        .first(conn)
        .await
        .optional()?;
    Ok(match status {
        None => CommandError::NotFound {
            what: "order",
            id: order_id.get(),
        },
        Some(from) => CommandError::InvalidTransition {
            order_id: order_id.get(),
            from,
            to,
        },
    })
}

/// What happens to an order's reserved units.
#[derive(Debug, Clone, Copy)]
enum ReservationEnd {
    /// Cancelled: the units become available again.
    Release,
    /// Shipped: the units leave the building.
    Ship,
}

/// Ends the reservation of every line of the order, product by product in
/// ascending id (the same lock order as placing an order), with a ledger entry each.
async fn end_reservations(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    end: ReservationEnd,
    ctx: &CommandContext,
) -> Result<(), CommandError> {
    let lines: Vec<(i64, i32)> = order_lines::table
        .filter(order_lines::order_id.eq(order_id))
        .order(order_lines::product_id.asc())
        .select((order_lines::product_id, order_lines::quantity))
        .load(conn)
        .await?;
    for &(product_id, q) in &lines {
        let target = inventory::table.find(product_id);
        match end {
            ReservationEnd::Release => {
                diesel::update(target)
                    .set((
                        inventory::reserved.eq(inventory::reserved - q),
                        inventory::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)
                    .await?;
            }
            ReservationEnd::Ship => {
                diesel::update(target)
                    .set((
                        inventory::reserved.eq(inventory::reserved - q),
                        inventory::on_hand.eq(inventory::on_hand - q),
                        inventory::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)
                    .await?;
            }
        }
    }
    let kind = match end {
        ReservationEnd::Release => StockMovementKind::Release,
        ReservationEnd::Ship => StockMovementKind::Shipment,
    };
    let movements: Vec<_> = lines
        .iter()
        .map(|&(product_id, q)| {
            (
                stock_movements::product_id.eq(product_id),
                stock_movements::kind.eq(kind),
                stock_movements::quantity.eq(-q),
                stock_movements::order_id.eq(Some(order_id)),
                stock_movements::actor.eq(&ctx.actor.name),
            )
        })
        .collect();
    diesel::insert_into(stock_movements::table)
        .values(&movements)
        .execute(conn)
        .await?;
    Ok(())
}
