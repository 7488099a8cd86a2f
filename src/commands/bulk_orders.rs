//! BulkAdvanceOrders: the orders list's bulk "Mark paid" / "Ship". Each order
//! goes through its own command (MarkPaid, ShipOrder) in a savepoint, so one
//! refusal changes nothing for the others; the submission's idempotency key
//! is stored with the outcome in the same transaction, so the same form sent
//! again replays that outcome and acts on nothing twice.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use super::mark_paid::mark_paid_by;
use super::ship_order::ship_order;
use super::{CommandContext, CommandError, Conflict};
use crate::db::schema::bulk_submissions;
use crate::domain::{IdempotencyKey, OrderId, PaymentMethod};

/// The most orders one submission may name (the list's largest page).
pub const MAX_BULK_ORDERS: usize = 200;

/// The step applied to every selected order: record its balance due, or ship it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkStep {
    Pay,
    Ship,
}

impl BulkStep {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pay => "pay",
            Self::Ship => "ship",
        }
    }

    /// "marked paid", "shipped".
    pub fn done(self) -> &'static str {
        match self {
            Self::Pay => "marked paid",
            Self::Ship => "shipped",
        }
    }
}

/// A parsed bulk submission: a valid key and 1–200 distinct order ids, ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkAdvanceOrders {
    pub key: IdempotencyKey,
    pub step: BulkStep,
    pub order_ids: Vec<i64>,
    /// "Mark paid": how the balance due of each order was paid.
    pub method: PaymentMethod,
}

/// One order the step was not applied to, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub order_id: i64,
    pub reason: String,
}

/// What a bulk submission did (or, replayed, had done the first time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkOutcome {
    pub step: BulkStep,
    pub done: Vec<i64>,
    pub refused: Vec<Refusal>,
    /// The last event appended (the read side has the changes once it has this).
    pub last_event_id: Option<i64>,
    /// True when the key had been used: nothing was done this time.
    pub replayed: bool,
}

/// The stored submission (its arrays never hold NULL: the columns are
/// written only from `Vec<i64>`; PostgreSQL arrays may, so Diesel reads options).
#[derive(Queryable, Selectable)]
#[diesel(table_name = bulk_submissions, check_for_backend(diesel::pg::Pg))]
struct Stored {
    action: String,
    order_ids: Vec<Option<i64>>,
    done_ids: Vec<Option<i64>>,
    refusals: serde_json::Value,
}

/// See the module docs. A database failure rolls back every order's step.
pub async fn bulk_advance_orders(
    conn: &mut AsyncPgConnection,
    input: BulkAdvanceOrders,
    ctx: &CommandContext,
) -> Result<BulkOutcome, CommandError> {
    conn.transaction(async move |conn| {
        let claimed = diesel::insert_into(bulk_submissions::table)
            .values((
                bulk_submissions::idempotency_key.eq(input.key.as_str()),
                bulk_submissions::action.eq(input.step.as_str()),
                bulk_submissions::order_ids.eq(&input.order_ids),
                bulk_submissions::actor_user_id.eq(ctx.actor.user_id),
                bulk_submissions::actor.eq(&ctx.actor.name),
            ))
            .on_conflict(bulk_submissions::idempotency_key)
            .do_nothing()
            .execute(conn)
            .await?;
        if claimed == 0 {
            return replay(conn, &input).await;
        }
        let mut outcome = BulkOutcome {
            step: input.step,
            done: Vec::new(),
            refused: Vec::new(),
            last_event_id: None,
            replayed: false,
        };
        for &id in &input.order_ids {
            let result = match input.step {
                BulkStep::Pay => mark_paid_by(conn, OrderId(id), input.method, ctx).await,
                BulkStep::Ship => ship_order(conn, OrderId(id), ctx).await,
            };
            match result {
                Ok(ack) => {
                    outcome.done.push(id);
                    outcome.last_event_id = Some(ack.event_id);
                }
                Err(e) => outcome.refused.push(Refusal {
                    order_id: id,
                    reason: refusal_reason(input.step, e)?,
                }),
            }
        }
        let refusals = serde_json::to_value(&outcome.refused)
            .map_err(|e| CommandError::field("ids", format!("cannot record refusals: {e}")))?;
        diesel::update(bulk_submissions::table.find(input.key.as_str()))
            .set((
                bulk_submissions::done_ids.eq(&outcome.done),
                bulk_submissions::refusals.eq(refusals),
            ))
            .execute(conn)
            .await?;
        Ok(outcome)
    })
    .await
}

/// Why one order was refused, in words for the result page; a database
/// failure is not a refusal and aborts the whole submission.
fn refusal_reason(step: BulkStep, e: CommandError) -> Result<String, CommandError> {
    Ok(match e {
        CommandError::InvalidTransition { from, .. } => {
            format!("it is {from}, so it cannot be {}", step.done())
        }
        CommandError::NotFound { .. } => "there is no such order".to_owned(),
        // The commands' own words ("nothing is due: …"), without field names.
        CommandError::Invalid(errors) => errors
            .iter()
            .map(|(_, message)| message)
            .collect::<Vec<_>>()
            .join("; "),
        CommandError::Conflict(c) => c.message,
        CommandError::Forbidden(m) => m,
        CommandError::InsufficientStock(_) => format!("not enough stock to be {}", step.done()),
        e @ (CommandError::Database(_) | CommandError::Invariant(_)) => return Err(e),
    })
}

/// The key was used before: the same submission gets its stored outcome,
/// other content under the key is a conflict.
async fn replay(
    conn: &mut AsyncPgConnection,
    input: &BulkAdvanceOrders,
) -> Result<BulkOutcome, CommandError> {
    let stored: Stored = bulk_submissions::table
        .find(input.key.as_str())
        .select(Stored::as_select())
        .get_result(conn)
        .await?;
    let order_ids: Vec<i64> = stored.order_ids.into_iter().flatten().collect();
    if stored.action != input.step.as_str() || order_ids != input.order_ids {
        return Err(CommandError::Conflict(Conflict {
            message: "This form was already submitted with another selection or action; \
                      reload the list to start a new one."
                .into(),
            changes: Vec::new(),
            current_version: None,
        }));
    }
    let refused: Vec<Refusal> = serde_json::from_value(stored.refusals).unwrap_or_default();
    Ok(BulkOutcome {
        step: input.step,
        done: stored.done_ids.into_iter().flatten().collect(),
        refused,
        last_event_id: None,
        replayed: true,
    })
}
