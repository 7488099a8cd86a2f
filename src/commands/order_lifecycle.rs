//! The fulfilment lifecycle that ShipOrder, MarkDelivered and CancelOrder
//! share: one guarded update of `fulfilment_status` (in Diesel's DSL,
//! `WHERE fulfilment_status = ANY(…)`, and for shipping the payment guard)
//! whose allowed "from" states come from [`FulfilmentStatus::can_become`], the
//! stock effects of shipping and cancelling (a cancelled order's standing
//! invoice credited too), and the event. Money never moves the fulfilment
//! state: payments move `payment_status` (migration 000140).

use diesel::dsl::now;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::credit_note::credit_in_transaction;
use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::{inventory, order_lines, orders, stock_movements};
use crate::domain::event_payload::OrderMoved;
use crate::domain::{
    EventType, FulfilmentStatus, OrderId, PaymentStatus, Reason, StockMovementKind,
};

/// What a move asks of the order's money besides its fulfilment state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PaymentGuard {
    /// Nothing (delivering, cancelling; shipping when the shop ships on account).
    None,
    /// Nothing due: the payment state is paid or overpaid (shipping).
    Settled,
}

/// Moves the order to `to` if its current state allows it (and its money,
/// per `guard`), applying the stock effect of the move, and appends
/// `order_<to>`.
pub(crate) async fn advance(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    to: FulfilmentStatus,
    guard: PaymentGuard,
    reason: Option<Reason>,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let event_type = EventType::order_moved_to(to).ok_or_else(|| {
        CommandError::Invariant(format!("no order moves to {to}: it is where orders start"))
    })?;
    conn.transaction(async move |conn| {
        let version = move_status(conn, order_id, to, guard, reason.as_ref()).await?;
        match to {
            FulfilmentStatus::Shipped => {
                end_reservations(conn, order_id, ReservationEnd::Ship, ctx).await?;
            }
            FulfilmentStatus::Cancelled => {
                end_reservations(conn, order_id, ReservationEnd::Release, ctx).await?;
                // An invoiced order's value falls to nothing: its standing
                // invoice is credited in full.
                credit_in_transaction(conn, order_id, ctx).await?;
            }
            FulfilmentStatus::Unfulfilled | FulfilmentStatus::Delivered => {}
        }
        let payload = OrderMoved {
            status: to.as_str().to_owned(),
            reason: reason.as_ref().map(|r| r.as_str().to_owned()),
            version,
        };
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Order,
            order_id.get(),
            event_type,
            payload.to_payload(),
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
/// state may become `to` and, with [`PaymentGuard::Settled`], nothing is due
/// (read in the same statement, so a payment voided meanwhile cannot slip
/// through); row locks make concurrent moves take turns.
async fn move_status(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    to: FulfilmentStatus,
    guard: PaymentGuard,
    reason: Option<&Reason>,
) -> Result<i32, CommandError> {
    let from: Vec<FulfilmentStatus> = FulfilmentStatus::ALL
        .into_iter()
        .filter(|s| s.can_become(to))
        .collect();
    let settled: Vec<PaymentStatus> = PaymentStatus::ALL
        .into_iter()
        .filter(|p| guard == PaymentGuard::None || p.is_settled())
        .collect();
    let target = orders::table
        .find(order_id)
        .filter(orders::fulfilment_status.eq_any(from))
        .filter(orders::payment_status.eq_any(settled));
    // One UPDATE per target: the status, the step's own timestamp, the version.
    macro_rules! guarded {
        ($($stamp:expr),*) => {
            diesel::update(target)
                .set((
                    orders::fulfilment_status.eq(to),
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
        FulfilmentStatus::Unfulfilled => guarded!(),
        // Leaving before it was ever paid is shipping on account: the mark the
        // database's CHECK asks of such an order (migration 000150).
        FulfilmentStatus::Shipped => guarded!(
            orders::shipped_at.eq(now),
            orders::shipped_on_account.eq(orders::paid_at.is_null())
        ),
        FulfilmentStatus::Delivered => guarded!(orders::delivered_at.eq(now)),
        FulfilmentStatus::Cancelled => guarded!(
            orders::cancelled_at.eq(now),
            orders::cancellation_reason.eq(reason.map(Reason::as_str))
        ),
    };
    match version {
        Some(version) => Ok(version),
        None => Err(refused(conn, order_id, to).await?),
    }
}

/// Why a guarded update matched no row: the order does not exist, its
/// state does not allow the move to `to`, or (shipping) something is due.
async fn refused(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    to: FulfilmentStatus,
) -> Result<CommandError, CommandError> {
    let found: Option<(FulfilmentStatus, PaymentStatus)> = orders::table
        .find(order_id)
        .select((orders::fulfilment_status, orders::payment_status))
        .first(conn)
        .await
        .optional()?;
    Ok(match found {
        None => CommandError::NotFound {
            what: "order",
            id: order_id.get(),
        },
        Some((from, _)) if !from.can_become(to) => CommandError::InvalidTransition {
            order_id: order_id.get(),
            from,
            to,
        },
        // Only shipping guards the money.
        Some((_, payment)) => CommandError::field(
            "status",
            format!(
                "it is {} (something is due): record its payment first, or turn on \
                 \u{201c}Ship on account\u{201d} in Settings",
                payment.label().to_lowercase()
            ),
        ),
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
