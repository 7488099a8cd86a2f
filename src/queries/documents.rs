//! An order's invoices and credit notes (the live model
//! `read.order_documents`): the list on the order page, and one document's
//! frozen copy as its printable shows it. Nothing here recomputes a figure:
//! every amount and text is the one frozen when the document was issued.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;

use super::address::OrderAddress;
use super::order_detail::LineView;
use super::order_money::OrderMoney;
use super::{Freshness, freshness};
use crate::db::read_schema::order_documents as od;
use crate::domain::DocumentKind;
use crate::read_models::ReadModelName;

/// One document as the order page lists it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = od, check_for_backend(diesel::pg::Pg))]
pub struct DocumentRow {
    pub id: i64,
    pub order_id: i64,
    pub kind: DocumentKind,
    pub number: String,
    /// A credit note's invoice.
    pub credits_number: Option<String>,
    /// An invoice's credit note, once credited.
    pub credited_by_number: Option<String>,
    pub issued_on: NaiveDate,
    pub issued_by: String,
    pub grand_total_cents: i64,
}

impl DocumentRow {
    /// An invoice issued and not credited.
    pub fn standing(&self) -> bool {
        self.kind == DocumentKind::Invoice && self.credited_by_number.is_none()
    }
}

/// The statement [`of_order`] returns.
type OfOrder = diesel::dsl::Select<
    diesel::dsl::Order<diesel::dsl::Filter<od::table, diesel::dsl::Eq<od::order_id, i64>>, od::id>,
    diesel::dsl::AsSelect<DocumentRow, diesel::pg::Pg>,
>;

/// The statement listing the documents of order `order_id`, oldest first,
/// for a caller that pipelines it.
pub fn of_order(order_id: i64) -> OfOrder {
    od::table
        .filter(od::order_id.eq(order_id))
        .order(od::id)
        .select(DocumentRow::as_select())
}

/// What a document's frozen copy says (its `document`).
#[derive(Debug, Clone, Deserialize)]
struct Frozen {
    placed_at: DateTime<Utc>,
    shop: FrozenShop,
    customer: FrozenCustomer,
    shipping: Option<serde_json::Value>,
    shipping_text: Option<String>,
    billing: Option<serde_json::Value>,
    billing_text: Option<String>,
    lines: Vec<LineView>,
    money: OrderMoney,
}

/// The shop as the document names it.
#[derive(Debug, Clone, Deserialize)]
pub struct FrozenShop {
    pub name: String,
    pub address_lines: Vec<String>,
    pub tax_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct FrozenCustomer {
    name: String,
    email: String,
}

/// One issued document, ready to print.
#[derive(Debug, Clone)]
pub struct PrintDocument {
    pub id: i64,
    pub kind: DocumentKind,
    pub number: String,
    pub issued_on: NaiveDate,
    pub issued_by: String,
    pub currency: String,
    /// A credit note's invoice; an invoice's credit note, once credited.
    pub credits_number: Option<String>,
    pub credited_by_number: Option<String>,
    pub order_id: i64,
    pub placed_at: DateTime<Utc>,
    pub shop: FrozenShop,
    pub customer_name: String,
    pub customer_email: String,
    pub bill_to: Option<OrderAddress>,
    pub ship_to: Option<OrderAddress>,
    pub lines: Vec<LineView>,
    pub money: OrderMoney,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = od, check_for_backend(diesel::pg::Pg))]
struct Row {
    id: i64,
    order_id: i64,
    kind: DocumentKind,
    number: String,
    credits_number: Option<String>,
    credited_by_number: Option<String>,
    issued_on: NaiveDate,
    issued_by: String,
    currency: String,
    document: serde_json::Value,
}

/// Which document of an order a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// The invoice standing on the order (issued, not credited).
    Standing,
    /// By its number (`2026-000042`, `CN-2026-000007`).
    Number(String),
    /// By its id.
    Id(i64),
}

/// The document `which` of order `order_id` (`None`: the read model has no
/// such document of that order), and the model's freshness.
pub async fn one(
    conn: &mut AsyncPgConnection,
    order_id: i64,
    which: Which,
) -> Result<(Option<PrintDocument>, Freshness), diesel::result::Error> {
    let of_order = od::table.filter(od::order_id.eq(order_id));
    let row: Option<Row> = match which {
        Which::Standing => {
            of_order
                .filter(od::kind.eq(DocumentKind::Invoice))
                .filter(od::credited_by_number.is_null())
                .select(Row::as_select())
                .first(conn)
                .await
        }
        Which::Number(number) => {
            of_order
                .filter(od::number.eq(number))
                .select(Row::as_select())
                .first(conn)
                .await
        }
        Which::Id(id) => {
            of_order
                .filter(od::id.eq(id))
                .select(Row::as_select())
                .first(conn)
                .await
        }
    }
    .optional()?;
    let document = row.map(print_document).transpose()?;
    let freshness = freshness::of(conn, &[ReadModelName::OrderDocuments])
        .await?
        .remove(0);
    Ok((document, freshness))
}

fn print_document(r: Row) -> Result<PrintDocument, diesel::result::Error> {
    let f: Frozen = serde_json::from_value(r.document)
        .map_err(|e| diesel::result::Error::DeserializationError(e.into()))?;
    Ok(PrintDocument {
        id: r.id,
        kind: r.kind,
        number: r.number,
        issued_on: r.issued_on,
        issued_by: r.issued_by,
        currency: r.currency,
        credits_number: r.credits_number,
        credited_by_number: r.credited_by_number,
        order_id: r.order_id,
        placed_at: f.placed_at,
        shop: f.shop,
        customer_name: f.customer.name,
        customer_email: f.customer.email,
        bill_to: OrderAddress::from_columns(f.billing_text.as_deref(), f.billing.as_ref()),
        ship_to: OrderAddress::from_columns(f.shipping_text.as_deref(), f.shipping.as_ref()),
        lines: f.lines,
        money: f.money,
    })
}
