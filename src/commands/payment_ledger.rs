//! What RecordPayment, RefundPayment, VoidPayment and MarkPaid share: the
//! order row locked (`SELECT … FOR UPDATE`, so two clerks recording at once
//! take turns and each sees the other's sums), the idempotency look-up, and
//! the entry appended with the order's running sums moved in the same
//! transaction. The sums are not the order's `version`: an open edit form
//! never conflicts because of a payment (`payments_version` counts entries).

use chrono::NaiveDate;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError, Conflict};
use crate::db::schema::{orders, payments};
use crate::domain::event_payload::PaymentTotals;
use crate::domain::{
    EventType, FulfilmentStatus, IdempotencyKey, OrderId, PaymentKind, PaymentMethod,
    PaymentReference, PaymentStatus,
};

diesel::define_sql_function! {
    /// The shop's today in its time zone (migration 000080).
    fn shop_today() -> diesel::sql_types::Date;
}

/// The shop's today in its time zone (a payment's default date, the day an
/// invoice is issued on).
pub(crate) async fn shop_day(conn: &mut AsyncPgConnection) -> QueryResult<NaiveDate> {
    diesel::select(shop_today()).get_result(conn).await
}

/// The order's money, read under its row lock.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Locked {
    /// Where the goods are (a payment never moves it).
    pub fulfilment: FulfilmentStatus,
    pub total: i64,
    pub paid: i64,
    pub refunded: i64,
}

impl Locked {
    /// Paid − refunded.
    pub fn net(self) -> Result<i64, CommandError> {
        self.paid
            .checked_sub(self.refunded)
            .ok_or_else(|| overflow("net paid"))
    }

    /// What is still due (never below 0).
    pub fn due(self) -> Result<i64, CommandError> {
        crate::domain::balance_due(self.total, self.paid, self.refunded)
            .ok_or_else(|| overflow("balance due"))
    }
}

fn overflow(what: &str) -> CommandError {
    CommandError::Invariant(format!("{what} overflows"))
}

/// Locks the order's row for the rest of the transaction.
pub(crate) async fn lock_order(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
) -> Result<Locked, CommandError> {
    let row: Option<(FulfilmentStatus, i64, i64, i64)> = orders::table
        .find(order_id)
        .select((
            orders::fulfilment_status,
            orders::grand_total_cents,
            orders::paid_cents,
            orders::refunded_cents,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()?;
    let (fulfilment, total, paid, refunded) = row.ok_or(CommandError::NotFound {
        what: "order",
        id: order_id.get(),
    })?;
    Ok(Locked {
        fulfilment,
        total,
        paid,
        refunded,
    })
}

/// What a submission is, to tell a repeat from another use of its key.
pub(crate) struct Claim<'a> {
    pub key: &'a IdempotencyKey,
    pub order_id: OrderId,
    pub kind: PaymentKind,
    pub amount: Option<i64>,
    pub voids: Option<i64>,
}

/// The entry this key recorded before, as a replayed ack; a conflict when
/// the key recorded something else; `None` when the key is new.
pub(crate) async fn replay(
    conn: &mut AsyncPgConnection,
    claim: &Claim<'_>,
) -> Result<Option<Ack>, CommandError> {
    let stored: Option<(i64, i64, PaymentKind, i64, Option<i64>)> = payments::table
        .filter(payments::idempotency_key.eq(claim.key.as_str()))
        .select((
            payments::id,
            payments::order_id,
            payments::kind,
            payments::amount_cents,
            payments::voids_payment_id,
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((id, order_id, kind, amount, voids)) = stored else {
        return Ok(None);
    };
    let same = order_id == claim.order_id.get()
        && kind == claim.kind
        && claim.amount.is_none_or(|a| a == amount)
        && (claim.voids.is_none() || claim.voids == voids);
    if !same {
        return Err(CommandError::Conflict(Conflict {
            message: "This form was already submitted with other content; \
                      reload the order to record a new entry."
                .into(),
            changes: Vec::new(),
            current_version: None,
        }));
    }
    Ok(Some(Ack {
        id,
        version: None,
        event_id: 0,
        replayed: true,
    }))
}

/// One entry to append.
pub(crate) struct Entry<'a> {
    pub order_id: OrderId,
    pub kind: PaymentKind,
    pub amount: i64,
    pub method: PaymentMethod,
    pub reference: Option<&'a PaymentReference>,
    pub received_on: Option<NaiveDate>,
    pub voids: Option<i64>,
    pub overpayment_confirmed: bool,
    pub key: &'a IdempotencyKey,
}

/// What an appended entry did: its id and date, and the order's sums after it.
pub(crate) struct Appended {
    pub payment_id: i64,
    pub received_on: NaiveDate,
    pub totals: PaymentTotals,
    pub status: PaymentStatus,
}

/// Appends the entry and sets the order's sums to `paid`/`refunded` (the
/// caller computed them, checked, from the locked row). The first time the
/// sums leave nothing due, `paid_at` is set: the moment the payment state
/// first reached paid (a later void or refund does not clear it).
pub(crate) async fn append_entry(
    conn: &mut AsyncPgConnection,
    entry: Entry<'_>,
    paid: i64,
    refunded: i64,
    ctx: &CommandContext,
) -> Result<Appended, CommandError> {
    let received_on = match entry.received_on {
        Some(day) => day,
        None => shop_day(conn).await?,
    };
    let payment_id: i64 = diesel::insert_into(payments::table)
        .values((
            payments::order_id.eq(entry.order_id),
            payments::kind.eq(entry.kind),
            payments::amount_cents.eq(entry.amount),
            payments::method.eq(entry.method),
            payments::reference.eq(entry.reference.map(PaymentReference::as_str)),
            payments::received_on.eq(received_on),
            payments::voids_payment_id.eq(entry.voids),
            payments::overpayment_confirmed.eq(entry.overpayment_confirmed),
            payments::idempotency_key.eq(entry.key.as_str()),
            payments::actor.eq(&ctx.actor.name),
        ))
        .returning(payments::id)
        .get_result(conn)
        .await?;
    let status: PaymentStatus = diesel::update(orders::table.find(entry.order_id))
        .set((
            orders::paid_cents.eq(paid),
            orders::refunded_cents.eq(refunded),
            orders::payments_version.eq(orders::payments_version + 1),
            // Now, the first time nothing is due; what it was otherwise.
            orders::paid_at.eq(
                sql::<Nullable<Timestamptz>>("CASE WHEN paid_at IS NULL AND ")
                    .bind::<BigInt, _>(sub(paid, refunded)?)
                    .sql(" >= grand_total_cents THEN now() ELSE paid_at END"),
            ),
        ))
        .returning(orders::payment_status)
        .get_result(conn)
        .await?;
    Ok(Appended {
        payment_id,
        received_on,
        totals: PaymentTotals {
            paid_cents: paid,
            refunded_cents: refunded,
            payment_status: status.as_str().to_owned(),
        },
        status,
    })
}

/// `a + b` for money, or an invariant error.
pub(crate) fn add(a: i64, b: i64) -> Result<i64, CommandError> {
    a.checked_add(b).ok_or_else(|| overflow("amount"))
}

/// `a − b` for money, or an invariant error.
pub(crate) fn sub(a: i64, b: i64) -> Result<i64, CommandError> {
    a.checked_sub(b).ok_or_else(|| overflow("amount"))
}

/// Appends an entry's event on its order (the payments' aggregate) and acks
/// the entry: what every payment command ends with.
pub(crate) async fn announce(
    conn: &mut AsyncPgConnection,
    ctx: &CommandContext,
    order_id: OrderId,
    event_type: EventType,
    payload: serde_json::Value,
    payment_id: i64,
) -> Result<Ack, CommandError> {
    let event_id = events::append(
        conn,
        ctx,
        Aggregate::Order,
        order_id.get(),
        event_type,
        payload,
    )
    .await?;
    Ok(Ack {
        id: payment_id,
        version: None,
        event_id,
        replayed: false,
    })
}
