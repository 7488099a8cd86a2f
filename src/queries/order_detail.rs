//! One order, as its detail page shows it.

use chrono::{DateTime, Utc};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::{Pg, PgValue};
use diesel::prelude::*;
use diesel::sql_types::Jsonb;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;

use super::address::OrderAddress;
use super::documents::{self, DocumentRow};
use super::history::{self, HistoryEntry, HistoryLine};
use super::notes::{self, NoteRow};
use super::order_money::{Money, OrderMoney, entered_percent, percent_label};
use super::{Freshness, freshness};
use crate::db::read_schema::{order_summaries as os, shop_settings as ss};
use crate::domain::{
    Aggregate, FulfilmentStatus, NoteSubject, OrderId, PaymentKind, PaymentMethod, PaymentStatus,
};
use crate::read_models::ReadModelName;

/// One line, as embedded in the view, with the money it stored.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct LineView {
    pub line_no: i32,
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    /// Unit price × quantity, before discounts.
    pub line_total_cents: i64,
    #[serde(default)]
    pub tax_rate_ppm: i32,
    #[serde(default)]
    pub discount_kind: Option<String>,
    #[serde(default)]
    pub discount_value: Option<i64>,
    #[serde(default)]
    pub line_discount_cents: i64,
    /// Its share of the order discount.
    #[serde(default)]
    pub order_discount_cents: i64,
    #[serde(default)]
    pub tax_cents: i64,
    /// What the customer pays for the line.
    #[serde(default)]
    pub total_cents: i64,
}

impl LineView {
    /// `20%`.
    pub fn rate(&self) -> String {
        percent_label(self.tax_rate_ppm)
    }

    /// ` (10%)` for a percentage discount.
    pub fn discount_percent(&self) -> String {
        entered_percent(self.discount_kind.as_deref(), self.discount_value)
    }
}

/// One entry of the order's payments, as embedded in the view.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct PaymentEntry {
    pub id: i64,
    pub kind: PaymentKind,
    pub amount_cents: i64,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub received_on: chrono::NaiveDate,
    /// For a void: the entry it reverses.
    pub voids_payment_id: Option<i64>,
    /// The void that reversed this entry, if one did.
    pub voided_by: Option<i64>,
    pub overpayment_confirmed: bool,
    pub actor: String,
    pub recorded_at: DateTime<Utc>,
}

impl PaymentEntry {
    /// Whether a void form is offered for it: a payment or refund not yet voided.
    pub fn voidable(&self) -> bool {
        self.kind != PaymentKind::Void && self.voided_by.is_none()
    }
}

/// The view's `payments` (jsonb), decoded as the row is read.
#[derive(FromSqlRow)]
pub struct Payments(Vec<PaymentEntry>);

impl FromSql<Jsonb, Pg> for Payments {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let json = <serde_json::Value as FromSql<Jsonb, Pg>>::from_sql(value)?;
        Ok(Self(serde_json::from_value(json)?))
    }
}

impl From<Payments> for Vec<PaymentEntry> {
    fn from(payments: Payments) -> Self {
        payments.0
    }
}

/// The order with its lines, read straight from the view's row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = os, check_for_backend(diesel::pg::Pg))]
pub struct OrderDetail {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_email: String,
    pub fulfilment_status: FulfilmentStatus,
    pub item_count: i64,
    pub total_cents: i64,
    /// Free text (orders from before structured addresses); see [`Self::ship_to`].
    pub shipping_address: Option<String>,
    pub placed_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancellation_reason: Option<String>,
    pub version: i32,
    #[diesel(deserialize_as = Lines)]
    pub lines: Vec<LineView>,
    pub shipping: Option<serde_json::Value>,
    pub billing: Option<serde_json::Value>,
    #[diesel(deserialize_as = Money)]
    pub money: OrderMoney,
    pub paid_cents: i64,
    pub refunded_cents: i64,
    pub balance_due_cents: i64,
    pub payment_status: PaymentStatus,
    #[diesel(deserialize_as = Payments)]
    pub payments: Vec<PaymentEntry>,
}

impl OrderDetail {
    /// Where the order goes, as printed.
    pub fn ship_to(&self) -> Option<OrderAddress> {
        OrderAddress::from_columns(self.shipping_address.as_deref(), self.shipping.as_ref())
    }

    /// What a refund may give back now: paid − refunded.
    pub fn refundable_cents(&self) -> i64 {
        self.paid_cents.saturating_sub(self.refunded_cents)
    }

    /// What was paid beyond the order's total (after an edit lowered it, or
    /// an overpayment): to be refunded with a refund.
    pub fn to_refund_cents(&self) -> i64 {
        self.paid_cents
            .saturating_sub(self.refunded_cents)
            .saturating_sub(self.total_cents)
            .max(0)
    }

    /// Whom it is billed to, when the order has a billing address.
    pub fn bill_to(&self) -> Option<OrderAddress> {
        OrderAddress::from_columns(None, self.billing.as_ref())
    }
}

/// The view's `lines` (jsonb), decoded as the row is read (public only
/// because the derived `Queryable` names it).
#[derive(FromSqlRow)]
pub struct Lines(Vec<LineView>);

impl FromSql<Jsonb, Pg> for Lines {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let json = <serde_json::Value as FromSql<Jsonb, Pg>>::from_sql(value)?;
        Ok(Self(serde_json::from_value(json)?))
    }
}

impl From<Lines> for Vec<LineView> {
    fn from(lines: Lines) -> Self {
        lines.0
    }
}

/// What the detail page needs: the order if the read model has it yet, its
/// history (always current) and the view's freshness.
#[derive(Debug, Clone)]
pub struct OrderDetailPage {
    pub order: Option<OrderDetail>,
    pub history: Vec<HistoryLine>,
    /// Its notes, newest first, and whether older ones were left out.
    pub notes: Vec<NoteRow>,
    pub more_notes: bool,
    /// Its invoices and credit notes, oldest first.
    pub documents: Vec<DocumentRow>,
    pub freshness: Freshness,
    /// The shop ships on account (its setting): an unpaid order may ship.
    pub ships_on_account: bool,
}

/// The order `id`. `order` is `None` when the read model does not have it
/// (yet): the page can tell "processing" from "no such order" with the history.
pub async fn get(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<OrderDetailPage, diesel::result::Error> {
    const VIEWS: &[ReadModelName] = &[ReadModelName::OrderSummaries];
    // One round trip: the freshness, the order, its history and notes, pipelined.
    let shared: &AsyncPgConnection = conn;
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let history = history::query(Aggregate::Order, id).load::<HistoryEntry>(&mut &*shared);
    let row = os::table
        .find(id)
        .select(OrderDetail::as_select())
        .load::<OrderDetail>(&mut &*shared);
    let notes = notes::query(NoteSubject::Order(OrderId(id))).load::<NoteRow>(&mut &*shared);
    let on_account = ss::table
        .select(ss::ship_on_account)
        .load::<bool>(&mut &*shared);
    let documents = documents::of_order(id).load::<DocumentRow>(&mut &*shared);
    let (fresh, history, rows, notes, on_account, documents) =
        futures_util::try_join!(fresh, history, row, notes, on_account, documents)?;
    let order = rows.into_iter().next();
    let (notes, more_notes) = notes::split(notes);
    Ok(OrderDetailPage {
        order,
        history: history::in_words(history),
        notes,
        more_notes,
        documents,
        freshness: freshness::decode(VIEWS, fresh).remove(0),
        ships_on_account: on_account.into_iter().next().unwrap_or(false),
    })
}

/// The order `id` alone, as the read model has it (the edit form's
/// starting values and the prices its lines keep); `None` when it does not
/// have it (yet).
pub async fn order(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<Option<OrderDetail>, diesel::result::Error> {
    os::table
        .find(id)
        .select(OrderDetail::as_select())
        .first(conn)
        .await
        .optional()
}
