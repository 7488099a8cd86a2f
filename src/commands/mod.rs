//! The write side. Each command is one file: a typed input (its values
//! already parsed by the web layer's forms, `web::forms`), then one
//! transaction that enforces the rules, changes the write tables and appends
//! its events. No web framework here. A command answers with an [`Ack`], never
//! with a read model; it never reads from the `read` schema.

mod address_book;
mod edit_lines;
mod events;
mod order_lifecycle;
pub mod order_money;
mod payment_ledger;
mod reservation;

pub mod add_address;
pub mod add_note;
pub mod adjust_stock;
pub mod archive_tax_rate;
pub mod bulk_orders;
pub mod cancel_order;
pub mod change_password;
pub mod change_role;
pub mod change_shop_settings;
pub mod count_stock;
pub mod create_product;
pub mod create_tax_rate;
pub mod create_user;
pub mod credit_note;
pub mod deactivate_user;
pub mod edit_address;
pub mod edit_order;
pub mod end_sessions;
pub mod import_customers;
pub mod import_products;
pub mod issue_invoice;
pub mod mark_delivered;
pub mod mark_paid;
pub mod place_order;
pub mod receive_stock;
pub mod record_payment;
pub mod refund_payment;
pub mod register_customer;
pub mod remove_address;
pub mod remove_note;
pub mod set_default_address;
pub mod ship_order;
pub mod update_customer;
pub mod update_product;
pub mod update_tax_rate;
pub mod void_payment;

pub use address_book::MAX_ADDRESSES;

use crate::domain::{Actor, FieldErrors, FulfilmentStatus, Issuer};

/// What a successful command returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack {
    /// The id of the record the command created or changed.
    pub id: i64,
    /// The record's version after the change; `None` for records without one (stock).
    pub version: Option<i32>,
    /// The last event the command appended: the read side has caught up with
    /// this change once its watermark reaches this id.
    pub event_id: i64,
    /// True when an idempotent command recognised a repeat and changed nothing.
    pub replayed: bool,
}

/// Who runs a command and on behalf of which request.
#[derive(Debug, Clone)]
pub struct CommandContext {
    pub actor: Actor,
    pub request_id: Option<String>,
    /// The shop as the documents it issues name it (invoices, credit notes).
    pub issuer: Issuer,
}

impl CommandContext {
    /// A context without a request, issuing as the default shop.
    pub fn new(actor: Actor) -> Self {
        Self {
            actor,
            request_id: None,
            issuer: Issuer::default(),
        }
    }

    /// This context issuing documents as `issuer`.
    #[must_use]
    pub fn issuing_as(mut self, issuer: Issuer) -> Self {
        self.issuer = issuer;
        self
    }
}

/// Why a command refused to act. Nothing was written in every case.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Input that breaks a rule, keyed by form field.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// The record named (usually by a path parameter) does not exist.
    #[error("{what} {id} does not exist")]
    NotFound { what: &'static str, id: i64 },
    /// Someone else changed the record first, or an idempotency key was reused
    /// with other content.
    #[error("{}", .0.message)]
    Conflict(Conflict),
    /// Not enough available stock for one or more order lines.
    #[error("not enough stock for {}", shortage_list(.0))]
    InsufficientStock(Vec<Shortage>),
    /// The actor may not do this to this record (another clerk's note).
    #[error("{0}")]
    Forbidden(String),
    /// The order's status does not allow this step.
    #[error("order {order_id} is {from} and cannot become {to}")]
    InvalidTransition {
        order_id: i64,
        from: FulfilmentStatus,
        to: FulfilmentStatus,
    },
    /// The database failed (connection lost, timeout, a constraint we did not expect).
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    /// Something the command relies on did not hold: a bug, never the user's
    /// input (answered as an internal error and logged, never shown).
    #[error("broken invariant: {0}")]
    Invariant(String),
}

impl CommandError {
    /// A validation error on one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(FieldErrors::single(field, message))
    }
}

/// The bounded label the command metrics count failures by.
impl crate::observability::FailureKind for CommandError {
    fn failure_kind(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid",
            Self::NotFound { .. } => "not_found",
            Self::Conflict(_) => "conflict",
            Self::InsufficientStock(_) => "insufficient_stock",
            Self::Forbidden(_) => "forbidden",
            Self::InvalidTransition { .. } => "invalid_transition",
            Self::Database(_) => "database",
            Self::Invariant(_) => "invariant",
        }
    }
}

impl From<FieldErrors> for CommandError {
    fn from(errors: FieldErrors) -> Self {
        Self::Invalid(errors)
    }
}

/// A stale write: what the record holds now, so the user can decide again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub message: String,
    /// Fields whose stored value differs from what the user submitted:
    /// `(field, value now stored)`.
    pub changes: Vec<(String, String)>,
    /// The record's current version, to retry against.
    pub current_version: Option<i32>,
}

/// One order line that cannot be reserved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortage {
    pub sku: String,
    pub requested: i32,
    pub available: i32,
}

fn shortage_list(shortages: &[Shortage]) -> String {
    shortages
        .iter()
        .map(|s| {
            format!(
                "{} ({} requested, {} available)",
                s.sku, s.requested, s.available
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a Diesel error is a unique violation of `constraint`.
fn is_unique_violation(error: &diesel::result::Error, constraint: &str) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(
        error,
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info)
            if info.constraint_name() == Some(constraint)
    )
}

/// The conflict for a stale version: who saved the record last, and which of
/// the submitted values differ from what is stored now.
async fn stale_version(
    conn: &mut diesel_async::AsyncPgConnection,
    aggregate: events::Aggregate,
    id: i64,
    current_version: i32,
    changes: Vec<(String, String)>,
) -> CommandError {
    let by = match events::last_change(conn, aggregate, id).await {
        Ok(Some((actor, at))) => format!(" by {actor} at {}", at.format("%Y-%m-%d %H:%M:%S UTC")),
        _ => String::new(),
    };
    CommandError::Conflict(Conflict {
        message: format!(
            "this record was changed{by} after you opened it (now version {current_version}); \
             review the current values and save again"
        ),
        changes,
        current_version: Some(current_version),
    })
}

/// `(field, stored)` for each field whose stored value differs from the submitted one.
fn differing(fields: &[(&str, String, String)]) -> Vec<(String, String)> {
    fields
        .iter()
        .filter(|(_, stored, submitted)| stored != submitted)
        .map(|(field, stored, _)| ((*field).to_owned(), stored.clone()))
        .collect()
}
