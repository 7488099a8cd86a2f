//! `GET /orders`: filter by fulfilment state, payment state, date range and
//! text; sort; keyset pages;
//! check orders for the bulk actions (see `bulk.rs`).

use askama::Template;
use chrono::NaiveDate;
use rocket::form::FromForm;
use rocket::response::content::RawHtml;
use rocket::{get, routes};

use crate::domain::{FulfilmentStatus, IdempotencyKey, PaymentMethod, PaymentStatus};
use crate::error::AppError;
use crate::queries::orders::{self, Cursor, OrderFilter, OrderPage, OrderRow, OrderSort};
use crate::web::guards::params::{query_string, search_text};
use crate::web::{Chrome, FreshnessNote, ReadConn, filters, page, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![index]
}

/// The payment filter's value for "a balance due" (any payment state).
const BALANCE_DUE: &str = "due";
/// The payment filter's value for "nothing due" (paid or overpaid: ready to ship).
const NOTHING_DUE: &str = "settled";

/// The list's query string, as typed: anything malformed is ignored with a
/// note rather than failing the page.
#[derive(Debug, Clone, Default, FromForm)]
pub struct ListParams {
    /// The fulfilment state (`unfulfilled`, `shipped` …).
    pub fulfilment: Option<String>,
    /// The payment state (`unpaid`, `partly_paid` …).
    pub payment: Option<String>,
    pub q: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub sort: Option<String>,
    pub size: Option<i64>,
    pub after: Option<String>,
}

impl ListParams {
    /// The filter these parameters describe (dates are days of the shop's
    /// `time_zone`), and what was ignored.
    pub fn filter(&self, time_zone: chrono_tz::Tz) -> (OrderFilter, Vec<String>) {
        let mut ignored = Vec::new();
        let fulfilment_status = match self.fulfilment.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => FulfilmentStatus::parse(s).map_err(|e| ignored.push(e)).ok(),
            None => None,
        };
        // "due": a balance due, whatever the state (not cancelled);
        // "settled": nothing due.
        let balance_due = self.payment.as_deref() == Some(BALANCE_DUE);
        let nothing_due = self.payment.as_deref() == Some(NOTHING_DUE);
        let payment_status = match self.payment.as_deref().filter(|s| !s.is_empty()) {
            Some(BALANCE_DUE | NOTHING_DUE) | None => None,
            Some(s) => PaymentStatus::parse(s).map_err(|e| ignored.push(e)).ok(),
        };
        let date = |raw: &Option<String>, what: &str, ignored: &mut Vec<String>| {
            raw.as_deref().filter(|s| !s.is_empty()).and_then(|s| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| ignored.push(format!("{what} date {s:?} is not YYYY-MM-DD")))
                    .ok()
            })
        };
        let placed_from = date(&self.from, "from", &mut ignored);
        let placed_to = date(&self.to, "to", &mut ignored);
        let sort = self
            .sort
            .as_deref()
            .and_then(OrderSort::parse)
            .unwrap_or_default();
        let after = self.after.as_deref().and_then(Cursor::decode);
        let (search, cut) = search_text(self.q.as_deref().unwrap_or_default());
        ignored.extend(cut);
        let filter = OrderFilter {
            fulfilment_status,
            payment_status,
            balance_due,
            nothing_due,
            search: Some(search).filter(|q| !q.is_empty()),
            placed_from,
            placed_to,
            customer_id: None,
            time_zone,
            sort,
            after,
            page_size: self.page_size(),
        };
        (filter, ignored)
    }

    pub fn page_size(&self) -> i64 {
        self.size
            .filter(|n| [25, 50, 100, 200].contains(n))
            .unwrap_or(50)
    }

    /// The query string for the same filter, without the cursor.
    pub fn query_without_cursor(&self) -> String {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let size = self.page_size().to_string();
        query_string(&[
            ("fulfilment", &text(&self.fulfilment)),
            ("payment", &text(&self.payment)),
            ("q", &text(&self.q)),
            ("from", &text(&self.from)),
            ("to", &text(&self.to)),
            ("sort", &text(&self.sort)),
            ("size", &size),
        ])
    }
}

#[derive(Template)]
#[template(path = "orders/list.html")]
struct ListPage {
    chrome: Chrome,
    params: ListParams,
    rows: Vec<OrderRow>,
    next_url: Option<String>,
    first_url: Option<String>,
    export_url: String,
    ignored: Vec<String>,
    freshness: FreshnessNote,
    statuses: [FulfilmentStatus; 4],
    payment_statuses: [PaymentStatus; 6],
    /// "Mark paid": how the balances were paid.
    methods: [PaymentMethod; 4],
    sorts: [OrderSort; 4],
    /// A fresh key for this page's bulk form: submitting it twice acts once.
    bulk_key: IdempotencyKey,
}

page!(ListPage);

impl ListPage {
    fn selected_status(&self, s: &str) -> bool {
        self.params.fulfilment.as_deref() == Some(s)
    }

    fn selected_payment(&self, s: &str) -> bool {
        self.params.payment.as_deref() == Some(s)
    }

    fn selected_sort(&self, s: &str) -> bool {
        self.params
            .sort
            .as_deref()
            .and_then(OrderSort::parse)
            .unwrap_or_default()
            .as_str()
            == s
    }

    fn text(v: Option<&String>) -> &str {
        v.map_or("", String::as_str)
    }
}

#[get("/orders?<params..>")]
async fn index(
    chrome: Chrome,
    mut conn: ReadConn,
    params: ListParams,
) -> Result<RawHtml<String>, AppError> {
    let (filter, ignored) = params.filter(chrome.time_zone);
    // The form and the links carry the search as used (cut to 200 characters).
    let params = ListParams {
        q: filter.search.clone(),
        ..params
    };
    let OrderPage {
        rows,
        next,
        freshness,
        ..
    } = orders::list(&mut conn.0, &filter).await?;
    let base = params.query_without_cursor();
    // No ETag here, unlike the other lists: the page carries a fresh key for
    // its bulk form. A 304 would hand back a copy whose key may be spent (a
    // bulk action that changed nothing leaves the rows, and so the tag, as
    // they were), and every later selection from it would be refused as
    // "already submitted".
    render_page(&ListPage {
        chrome,
        rows,
        next_url: next.map(|c| format!("/orders?{base}&after={}", c.encode())),
        first_url: filter.after.map(|_| format!("/orders?{base}")),
        export_url: format!("/orders/export.csv?{base}"),
        ignored,
        freshness: FreshnessNote::one(&freshness),
        statuses: FulfilmentStatus::ALL,
        payment_statuses: PaymentStatus::ALL,
        methods: PaymentMethod::ALL,
        sorts: OrderSort::ALL,
        bulk_key: IdempotencyKey::generate(),
        params,
    })
}
