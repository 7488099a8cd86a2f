//! IssueInvoice: the order's invoice, numbered with the next number of its
//! year's gapless series and frozen (a copy of everything the printout shows,
//! `sql/invoice_documents.sql`). Refused on a cancelled order and while an
//! invoice stands on the order (issued, not credited). Runs under the order's
//! row lock and never moves the order's `version`: an open edit form does not
//! conflict because an invoice was issued.
//!
//! The number comes from `document_counters`, upserted in this transaction:
//! the counter row stays locked until it commits, so issuers take turns, and
//! a rollback gives the number back (no gap, unlike a sequence). The series'
//! year is the issue date's year in the shop's time zone.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::payment_ledger::{lock_order, shop_day};
use super::{Ack, CommandContext, CommandError, Conflict};
use crate::db::schema::{document_counters, invoices, order_standing_invoices};
use crate::domain::event_payload::{DocumentTotals, InvoiceIssued};
use crate::domain::{DocumentKind, EventType, FulfilmentStatus, OrderId};

/// The SQL that freezes an invoice's copy of orders `$1` (the shop as `$2`
/// name and `$3` address lines): also what the seeder issues with.
pub const DOCUMENTS_SQL: &str = include_str!("sql/invoice_documents.sql");

const ISSUE_SQL: &str = concat!(
    "WITH doc AS (\n",
    include_str!("sql/invoice_documents.sql"),
    "\n)
INSERT INTO invoices (order_id, kind, series_year, sequence_number, number, issued_on,
                      issued_by, issued_by_user_id, currency, net_cents, tax_cents,
                      shipping_cents, grand_total_cents, document)
SELECT d.order_id, 'invoice', $5, $6, $7, $8, $9, $10, $4, d.net_cents, d.tax_cents,
       d.shipping_cents, d.grand_total_cents, d.document
FROM doc d
RETURNING id, currency, net_cents, tax_cents, shipping_cents, grand_total_cents"
);

/// A parsed "Issue invoice".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueInvoice {
    pub order_id: OrderId,
}

/// A document just written: its id and amounts.
#[derive(QueryableByName)]
pub(crate) struct Issued {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub currency: String,
    #[diesel(sql_type = BigInt)]
    pub net_cents: i64,
    #[diesel(sql_type = BigInt)]
    pub tax_cents: i64,
    #[diesel(sql_type = BigInt)]
    pub shipping_cents: i64,
    #[diesel(sql_type = BigInt)]
    pub grand_total_cents: i64,
}

impl Issued {
    pub fn totals(&self) -> DocumentTotals {
        DocumentTotals {
            currency: self.currency.clone(),
            net_cents: self.net_cents,
            tax_cents: self.tax_cents,
            shipping_cents: self.shipping_cents,
            grand_total_cents: self.grand_total_cents,
        }
    }
}

/// Issues the order's invoice in a transaction of its own. The ack's id is
/// the invoice's; its version is `None` (the order's does not move).
pub async fn issue_invoice(
    conn: &mut AsyncPgConnection,
    input: IssueInvoice,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| issue_in_transaction(conn, input.order_id, ctx).await)
        .await
}

/// Issues the order's invoice inside the caller's transaction, under the
/// order's row lock (taken here if the caller has not): what Invoice on
/// payment and, later, an order edit (after [`credit_in_transaction`]) call.
/// Refused (a conflict, nothing written) on a cancelled order or while an
/// invoice stands on it.
///
/// [`credit_in_transaction`]: super::credit_note::credit_in_transaction
pub async fn issue_in_transaction(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let order = lock_order(conn, order_id).await?;
    if order.fulfilment == FulfilmentStatus::Cancelled {
        return Err(refusal(format!(
            "Order #{order_id} is cancelled: no invoice can be issued on it."
        )));
    }
    if let Some((_, number)) = standing(conn, order_id).await? {
        return Err(refusal(format!(
            "Invoice {number} already stands on order #{order_id}: \
             an order has one invoice until it is credited."
        )));
    }
    let (issued_on, year, sequence) = next_number(conn, DocumentKind::Invoice).await?;
    let number = DocumentKind::Invoice.number(year, sequence);
    let shop = &ctx.issuer;
    let issued: Issued = diesel::sql_query(ISSUE_SQL)
        .bind::<Array<BigInt>, _>(vec![order_id.get()])
        .bind::<Text, _>(&shop.name)
        .bind::<Array<Text>, _>(&shop.address_lines)
        .bind::<Text, _>(shop.currency.code())
        .bind::<Integer, _>(year)
        .bind::<Integer, _>(sequence)
        .bind::<Text, _>(&number)
        .bind::<Date, _>(issued_on)
        .bind::<Text, _>(&ctx.actor.name)
        .bind::<Nullable<BigInt>, _>(ctx.actor.user_id)
        .get_result(conn)
        .await?;
    let payload = InvoiceIssued {
        invoice_id: issued.id,
        number,
        issued_on,
        totals: issued.totals(),
    };
    let event_id = events::append(
        conn,
        ctx,
        Aggregate::Order,
        order_id.get(),
        EventType::InvoiceIssued,
        payload.to_payload(),
    )
    .await?;
    Ok(Ack {
        id: issued.id,
        version: None,
        event_id,
        replayed: false,
    })
}

/// A refusal that changed nothing, said as it is.
pub(crate) fn refusal(message: String) -> CommandError {
    CommandError::Conflict(Conflict {
        message,
        changes: Vec::new(),
        current_version: None,
    })
}

/// The invoice standing on the order (issued, not credited): id and number.
pub(crate) async fn standing(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
) -> Result<Option<(i64, String)>, CommandError> {
    Ok(order_standing_invoices::table
        .inner_join(invoices::table.on(invoices::id.eq(order_standing_invoices::invoice_id)))
        .filter(order_standing_invoices::order_id.eq(order_id))
        .select((invoices::id, invoices::number))
        .first(conn)
        .await
        .optional()?)
}

/// The shop's today, its year and the next number of `kind`'s series of
/// that year; the counter row stays locked until the transaction ends.
pub(crate) async fn next_number(
    conn: &mut AsyncPgConnection,
    kind: DocumentKind,
) -> Result<(NaiveDate, i32, i32), CommandError> {
    let issued_on = shop_day(conn).await?;
    let year = issued_on.year();
    let sequence: i32 = diesel::insert_into(document_counters::table)
        .values((
            document_counters::series.eq(kind.as_str()),
            document_counters::year.eq(year),
            document_counters::last_number.eq(1),
        ))
        .on_conflict((document_counters::series, document_counters::year))
        .do_update()
        .set(document_counters::last_number.eq(document_counters::last_number + 1))
        .returning(document_counters::last_number)
        .get_result(conn)
        .await?;
    Ok((issued_on, year, sequence))
}
