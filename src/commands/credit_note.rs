//! Credit notes: the order's standing invoice credited in full, in the
//! credit notes' own gapless series (`CN-2026-000007`), leaving no invoice
//! standing on the order. Cancelling an invoiced order issues one
//! (order_lifecycle.rs); an order edit will credit and then issue again
//! ([`credit_in_transaction`], then
//! [`issue_in_transaction`](super::issue_invoice::issue_in_transaction)).
//!
//! The credit note's frozen copy is its invoice's (the same lines, taxes,
//! addresses and totals: what it takes back), with the shop as it issues the
//! credit note now and the number and date of the invoice it credits.

use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::issue_invoice::{Issued, next_number, standing};
use super::payment_ledger::lock_order;
use super::{Ack, CommandContext, CommandError};
use crate::domain::event_payload::CreditNoteIssued;
use crate::domain::{DocumentKind, EventType, OrderId};

const CREDIT_SQL: &str = "
INSERT INTO invoices (order_id, kind, series_year, sequence_number, number, credits_invoice_id,
                      issued_on, issued_by, issued_by_user_id, currency, net_cents, tax_cents,
                      shipping_cents, grand_total_cents, document)
SELECT i.order_id, 'credit_note', $2, $3, $4, i.id, $5, $6, $7, i.currency, i.net_cents,
       i.tax_cents, i.shipping_cents, i.grand_total_cents,
       i.document || jsonb_build_object(
           'shop', jsonb_build_object('name', $8::text, 'address_lines', to_jsonb($9::text[]),
                                      'tax_id', (SELECT s.tax_id FROM shop_settings s)),
           'credits', jsonb_build_object('number', i.number, 'issued_on', i.issued_on))
FROM invoices i
WHERE i.id = $1
RETURNING id, currency, net_cents, tax_cents, shipping_cents, grand_total_cents";

/// Credits the invoice standing on the order in full, inside the caller's
/// transaction and under the order's row lock (taken here if the caller has
/// not), and appends `credit_note_issued`. `None` when no invoice stands
/// (nothing to credit; nothing written). Never moves the order's version.
/// After it the order has no standing invoice, so
/// [`issue_in_transaction`](super::issue_invoice::issue_in_transaction) may
/// issue a new one (what an order edit does).
pub async fn credit_in_transaction(
    conn: &mut AsyncPgConnection,
    order_id: OrderId,
    ctx: &CommandContext,
) -> Result<Option<Ack>, CommandError> {
    lock_order(conn, order_id).await?;
    let Some((invoice_id, invoice_number)) = standing(conn, order_id).await? else {
        return Ok(None);
    };
    let (issued_on, year, sequence) = next_number(conn, DocumentKind::CreditNote).await?;
    let number = DocumentKind::CreditNote.number(year, sequence);
    let issued: Issued = diesel::sql_query(CREDIT_SQL)
        .bind::<BigInt, _>(invoice_id)
        .bind::<Integer, _>(year)
        .bind::<Integer, _>(sequence)
        .bind::<Text, _>(&number)
        .bind::<Date, _>(issued_on)
        .bind::<Text, _>(&ctx.actor.name)
        .bind::<Nullable<BigInt>, _>(ctx.actor.user_id)
        .bind::<Text, _>(&ctx.issuer.name)
        .bind::<Array<Text>, _>(&ctx.issuer.address_lines)
        .get_result(conn)
        .await?;
    let payload = CreditNoteIssued {
        credit_note_id: issued.id,
        number,
        issued_on,
        credits_invoice_id: invoice_id,
        credits_number: invoice_number,
        totals: issued.totals(),
    };
    let event_id = events::append(
        conn,
        ctx,
        Aggregate::Order,
        order_id.get(),
        EventType::CreditNoteIssued,
        payload.to_payload(),
    )
    .await?;
    Ok(Some(Ack {
        id: issued.id,
        version: None,
        event_id,
        replayed: false,
    }))
}
