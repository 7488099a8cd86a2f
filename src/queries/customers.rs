//! Customers with their statistics: the list (with search) and one customer
//! with their address book and orders.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::address::{Book, BookAddress};
use super::history::{self, HistoryEntry, HistoryLine};
use super::keyset::{self, Direction};
use super::notes::{self, NoteRow};
use super::orders::{self, OrderFilter, OrderRow, OrderSort};
use super::{Freshness, contains_pattern, freshness};
use crate::db::read_schema::customer_stats as cs;
use crate::domain::{Aggregate, CustomerId, NoteSubject};
use crate::read_models::ReadModelName;

/// One customer and their order statistics (cancelled orders excluded).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = cs, check_for_backend(diesel::pg::Pg))]
pub struct CustomerRow {
    pub customer_id: i64,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub order_count: i64,
    pub lifetime_value_cents: i64,
    pub first_order_at: Option<DateTime<Utc>>,
    pub last_order_at: Option<DateTime<Utc>>,
}

impl CustomerRow {
    pub fn average_order_cents(&self) -> i64 {
        if self.order_count == 0 {
            0
        } else {
            self.lifetime_value_cents / self.order_count
        }
    }
}

/// What the customer list shows: search text, keyset by (name, id).
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub search: Option<String>,
    pub after: Option<(String, i64)>,
    pub page_size: i64,
}

#[derive(Debug, Clone)]
pub struct CustomerPage {
    pub rows: Vec<CustomerRow>,
    pub next: Option<(String, i64)>,
    pub freshness: Freshness,
}

/// A page of customers by name.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &CustomerFilter,
) -> Result<CustomerPage, diesel::result::Error> {
    const VIEWS: &[ReadModelName] = &[ReadModelName::CustomerStats];
    let mut q = cs::table.select(CustomerRow::as_select()).into_boxed();
    if let Some(text) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        q = q.filter(cs::search_text.like(contains_pattern(text)));
    }
    let q = keyset::page(
        q,
        (cs::name, cs::customer_id),
        Direction::Ascending,
        filter.after.clone(),
        filter.page_size,
    );
    // One round trip: the freshness, then the page, pipelined.
    let shared: &AsyncPgConnection = conn;
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let page = q.load::<CustomerRow>(&mut &*shared);
    let (fresh, rows) = futures_util::try_join!(fresh, page)?;
    let (rows, next) = keyset::split(rows, filter.page_size, |r| (r.name.clone(), r.customer_id));
    Ok(CustomerPage {
        rows,
        next,
        freshness: freshness::decode(VIEWS, fresh).remove(0),
    })
}

/// A customer as the CSV export writes them: with the address of their book
/// a row carries (the default for shipping, else the oldest).
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub customer: CustomerRow,
    pub address: Option<BookAddress>,
}

#[derive(Debug, Clone)]
pub struct ExportPage {
    pub rows: Vec<ExportRow>,
    pub next: Option<(String, i64)>,
    pub freshness: Freshness,
}

/// A page of customers by name with the address each exports (the list's
/// order and keyset, the search ignored).
pub async fn export_page(
    conn: &mut AsyncPgConnection,
    filter: &CustomerFilter,
) -> Result<ExportPage, diesel::result::Error> {
    const VIEWS: &[ReadModelName] = &[ReadModelName::CustomerStats];
    let q = keyset::page(
        cs::table
            .select((CustomerRow::as_select(), cs::addresses))
            .into_boxed(),
        (cs::name, cs::customer_id),
        Direction::Ascending,
        filter.after.clone(),
        filter.page_size,
    );
    let shared: &AsyncPgConnection = conn;
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let page = q.load::<(CustomerRow, Book)>(&mut &*shared);
    let (fresh, rows) = futures_util::try_join!(fresh, page)?;
    let (rows, next) = keyset::split(rows, filter.page_size, |(r, _)| {
        (r.name.clone(), r.customer_id)
    });
    let rows = rows
        .into_iter()
        .map(|(customer, book)| {
            let book: Vec<BookAddress> = book.into();
            let address = book
                .iter()
                .find(|a| a.default_shipping)
                .or_else(|| book.as_slice().first())
                .cloned();
            ExportRow { customer, address }
        })
        .collect();
    Ok(ExportPage {
        rows,
        next,
        freshness: freshness::decode(VIEWS, fresh).remove(0),
    })
}

/// One customer with their 50 most recent orders.
#[derive(Debug, Clone)]
pub struct CustomerDetail {
    pub customer: Option<CustomerRow>,
    /// Their address book, by id, the defaults marked.
    pub addresses: Vec<BookAddress>,
    pub orders: Vec<OrderRow>,
    /// The customer's events (always current: read from the event log).
    pub history: Vec<HistoryLine>,
    /// Their notes, newest first, and whether older ones were left out.
    pub notes: Vec<NoteRow>,
    pub more_notes: bool,
    pub freshness: Vec<Freshness>,
}

pub async fn get(
    conn: &mut AsyncPgConnection,
    customer_id: i64,
) -> Result<CustomerDetail, diesel::result::Error> {
    const VIEWS: &[ReadModelName] = &[ReadModelName::CustomerStats, ReadModelName::OrderSummaries];
    // One round trip: the freshness, the customer, their orders, their
    // history and their notes, pipelined.
    let shared: &AsyncPgConnection = conn;
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let customer = cs::table
        .find(customer_id)
        .select((CustomerRow::as_select(), cs::addresses))
        .load::<(CustomerRow, Book)>(&mut &*shared);
    let filter = OrderFilter {
        customer_id: Some(customer_id),
        sort: OrderSort::Newest,
        page_size: 50,
        ..OrderFilter::default()
    };
    let orders = orders::page_query(&filter).load::<OrderRow>(&mut &*shared);
    let history =
        history::query(Aggregate::Customer, customer_id).load::<HistoryEntry>(&mut &*shared);
    let notes =
        notes::query(NoteSubject::Customer(CustomerId(customer_id))).load::<NoteRow>(&mut &*shared);
    let (fresh, customer, orders, history, notes) =
        futures_util::try_join!(fresh, customer, orders, history, notes)?;
    let (notes, more_notes) = notes::split(notes);
    let (customer, addresses) = match customer.into_iter().next() {
        Some((c, book)) => (Some(c), book.into()),
        None => (None, Vec::new()),
    };
    Ok(CustomerDetail {
        customer,
        addresses,
        orders: orders::split_page(&filter, orders).0,
        history: history::in_words(history),
        notes,
        more_notes,
        freshness: freshness::decode(VIEWS, fresh),
    })
}
