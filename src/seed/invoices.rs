//! The demo shop's invoices and credit notes, issued set-based at the end of
//! the load (a minute after its last step, so events stay in business-time
//! order and the same seed gives the same shop): three in four orders that
//! were paid in full get their invoice, numbered in order of the order's id
//! in the series of that day's year, and those cancelled after payment a
//! credit note for it. Each document is frozen by the same SQL IssueInvoice
//! uses (`commands::issue_invoice::DOCUMENTS_SQL`) and has its event, with
//! the payload the commands write; the counters end at the last numbers.

use tokio_postgres::Transaction;

use super::SeedError;
use super::rows::ACTOR;
use crate::commands::issue_invoice::DOCUMENTS_SQL;
use crate::domain::Issuer;

/// The number of a document of `$kind` spelled as DocumentKind::number does.
const SPELLED: &str = "CASE WHEN seq > 999999 THEN seq::text ELSE lpad(seq::text, 6, '0') END";

/// Orders invoiced by one statement.
const INVOICE_CHUNK: usize = 20_000;

/// Issues the invoices and credit notes at unix time `at`; how many of each.
pub async fn issue(tx: &Transaction<'_>, at: i64) -> Result<(u64, u64), SeedError> {
    let db = SeedError::at;
    let picked: Vec<i64> = tx
        .query_one(
            "SELECT coalesce(array_agg(o.id ORDER BY o.id), '{}') FROM orders o
             WHERE o.id % 4 <> 0 AND o.paid_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM order_standing_invoices s WHERE s.order_id = o.id)",
            &[],
        )
        .await
        .map_err(db("choosing the orders to invoice"))?
        .get(0);
    let shop = Issuer::default();
    let invoices = format!(
        "WITH doc AS ({DOCUMENTS_SQL}
         ), day AS (
             SELECT (to_timestamp($5::bigint) AT TIME ZONE coalesce(
                        (SELECT time_zone FROM read_model_state), 'UTC'))::date AS d
         ), numbered AS (
             SELECT doc.*, day.d, extract(year FROM day.d)::int AS y,
                    coalesce((SELECT c.last_number FROM document_counters c
                              WHERE c.series = 'invoice' AND c.year = extract(year FROM day.d)::int), 0)
                    + row_number() OVER (ORDER BY doc.order_id) AS seq
             FROM doc, day
         ), ins AS (
             INSERT INTO invoices (order_id, kind, series_year, sequence_number, number, issued_on,
                                   issued_at, issued_by, currency, net_cents, tax_cents,
                                   shipping_cents, grand_total_cents, document)
             SELECT order_id, 'invoice', y, seq, y || '-' || {SPELLED}, d, to_timestamp($5::bigint),
                    $6, $4, net_cents, tax_cents, shipping_cents, grand_total_cents, document
             FROM numbered ORDER BY seq
             RETURNING *
         ), counter AS (
             INSERT INTO document_counters (series, year, last_number)
             SELECT 'invoice', series_year, max(sequence_number) FROM ins GROUP BY series_year
             ON CONFLICT (series, year) DO UPDATE SET last_number = excluded.last_number
         )
         INSERT INTO events (aggregate_type, aggregate_id, event_type, payload, actor, occurred_at)
         SELECT 'order', order_id, 'invoice_issued',
                jsonb_build_object('invoice_id', id, 'number', number, 'issued_on', issued_on,
                                   'currency', currency, 'net_cents', net_cents,
                                   'tax_cents', tax_cents, 'shipping_cents', shipping_cents,
                                   'grand_total_cents', grand_total_cents, 'schema_version', 1),
                $6, issued_at
         FROM ins ORDER BY id"
    );
    // In chunks, in id order: each chunk's numbers go on from the counter the
    // one before it left (the same numbers as one statement would give). One
    // statement for a 4M shop's 2.6M invoices sorted gigabytes of documents on
    // disk three times over and had not finished after 25 minutes.
    let mut issued = 0;
    for chunk in picked.chunks(INVOICE_CHUNK) {
        issued += tx
            .execute(
                invoices.as_str(),
                &[
                    &chunk,
                    &shop.name,
                    &shop.address_lines,
                    &shop.currency.code(),
                    &at,
                    &ACTOR,
                ],
            )
            .await
            .map_err(db("issuing invoices"))?;
    }
    let credited = credit_cancelled(tx).await?;
    Ok((issued, credited))
}

/// Credits the invoices of the orders cancelled after payment (the same day,
/// at the same time); how many.
async fn credit_cancelled(tx: &Transaction<'_>) -> Result<u64, SeedError> {
    let db = SeedError::at;
    let credits = format!(
        "WITH src AS (
             SELECT i.* FROM invoices i
             JOIN order_standing_invoices s ON s.invoice_id = i.id
             JOIN orders o ON o.id = i.order_id
             WHERE o.fulfilment_status = 'cancelled'
         ), numbered AS (
             SELECT src.*,
                    coalesce((SELECT c.last_number FROM document_counters c
                              WHERE c.series = 'credit_note' AND c.year = src.series_year), 0)
                    + row_number() OVER (PARTITION BY src.series_year ORDER BY src.id) AS seq
             FROM src
         ), ins AS (
             INSERT INTO invoices (order_id, kind, series_year, sequence_number, number,
                                   credits_invoice_id, issued_on, issued_at, issued_by, currency,
                                   net_cents, tax_cents, shipping_cents, grand_total_cents, document)
             SELECT order_id, 'credit_note', series_year, seq,
                    'CN-' || series_year || '-' || {SPELLED}, id, issued_on, issued_at, $1,
                    currency, net_cents, tax_cents, shipping_cents, grand_total_cents,
                    document || jsonb_build_object('credits', jsonb_build_object(
                        'number', number, 'issued_on', issued_on))
             FROM numbered ORDER BY seq
             RETURNING *
         ), counter AS (
             INSERT INTO document_counters (series, year, last_number)
             SELECT 'credit_note', series_year, max(sequence_number) FROM ins GROUP BY series_year
             ON CONFLICT (series, year) DO UPDATE SET last_number = excluded.last_number
         )
         INSERT INTO events (aggregate_type, aggregate_id, event_type, payload, actor, occurred_at)
         SELECT 'order', ins.order_id, 'credit_note_issued',
                jsonb_build_object('credit_note_id', ins.id, 'number', ins.number,
                                   'issued_on', ins.issued_on,
                                   'credits_invoice_id', ins.credits_invoice_id,
                                   'credits_number', ins.document->'credits'->>'number',
                                   'currency', ins.currency, 'net_cents', ins.net_cents,
                                   'tax_cents', ins.tax_cents, 'shipping_cents', ins.shipping_cents,
                                   'grand_total_cents', ins.grand_total_cents, 'schema_version', 1),
                $1, ins.issued_at
         FROM ins ORDER BY ins.id"
    );
    let credited = tx
        .execute(credits.as_str(), &[&ACTOR])
        .await
        .map_err(db("issuing credit notes"))?;
    Ok(credited)
}
