//! `GET /reports`: long-range history from the report views — net sales, tax,
//! shipping, refunds and orders per month (with a chart), the best sellers of each month, customer
//! cohorts by month of first order — each saying how old it is, since report
//! views are refreshed nightly. `GET /reports/<name>.csv` exports each one,
//! stamped with its "as of" time in the file name and `X-Data-As-Of`.

use askama::Template;
use chrono::{Datelike, Months, NaiveDate};
use rocket::http::{ContentType, Header};
use rocket::response::content::RawHtml;
use rocket::response::{self, Responder};
use rocket::{Request, Response, get, routes};

use crate::domain::Currency;
use crate::error::AppError;
use crate::queries::Freshness;
use crate::queries::reports::{self, CohortRow, MonthRow, ProductMonthRow, Report};
use crate::web::shell::charts;
use crate::web::shell::csv::CsvChunk;
use crate::web::{Chrome, FreshnessNote, ReadConn, filters, page, render_page};

/// Months of history the page shows.
const MONTHS: u32 = 12;
/// Best sellers per month.
const TOP: i64 = 5;

pub fn routes() -> Vec<rocket::Route> {
    routes![index, monthly_csv, top_products_csv, cohorts_csv]
}

#[derive(Template)]
#[template(path = "reports/index.html")]
struct ReportsPage {
    chrome: Chrome,
    monthly: Report<MonthRow>,
    monthly_note: FreshnessNote,
    monthly_chart: String,
    top: Report<ProductMonthRow>,
    top_note: FreshnessNote,
    cohorts: Report<CohortRow>,
    cohorts_note: FreshnessNote,
}

page!(ReportsPage);

/// The first day of the shop month `MONTHS - 1` months before this one.
fn since(zone: chrono_tz::Tz) -> NaiveDate {
    let today = crate::domain::shop_day::today(zone);
    let first = today.with_day(1).unwrap_or(today);
    first
        .checked_sub_months(Months::new(MONTHS - 1))
        .unwrap_or(first)
}

/// Before any shop's history, for the exports (chrono's MIN is out of PostgreSQL's range).
fn all_time() -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default()
}

#[get("/reports")]
async fn index(chrome: Chrome, mut conn: ReadConn) -> Result<RawHtml<String>, AppError> {
    let from = since(chrome.time_zone);
    let monthly = reports::monthly(&mut conn.0, from).await?;
    let top = reports::top_products(&mut conn.0, from, TOP).await?;
    let cohorts = reports::cohorts(&mut conn.0, from).await?;
    render_page(&ReportsPage {
        monthly_note: FreshnessNote::one(&monthly.freshness),
        monthly_chart: charts::monthly_revenue(&monthly.rows, chrome.currency),
        top_note: FreshnessNote::one(&top.freshness),
        cohorts_note: FreshnessNote::one(&cohorts.freshness),
        chrome,
        monthly,
        top,
        cohorts,
    })
}

/// A report as a CSV download, named and stamped with its "as of" time.
pub struct ReportCsv {
    bytes: Vec<u8>,
    filename: String,
    as_of: String,
}

impl ReportCsv {
    /// The file `name-as-of-<time>.csv`: `header`, then one record per row,
    /// every cell neutralised by [`CsvChunk`].
    fn new<const N: usize>(
        name: &str,
        freshness: &Freshness,
        header: [String; N],
        rows: impl IntoIterator<Item = [String; N]>,
    ) -> Self {
        let mut chunk = CsvChunk::new();
        chunk.row(header);
        for row in rows {
            chunk.row(row);
        }
        let as_of = freshness.as_of.map_or_else(
            || "never".to_owned(),
            |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        );
        Self {
            bytes: chunk.into_bytes(),
            filename: format!("{name}-as-of-{}.csv", as_of.replace(':', "")),
            as_of,
        }
    }
}

impl<'r> Responder<'r, 'static> for ReportCsv {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        Response::build_from(self.bytes.respond_to(req)?)
            .header(ContentType::new("text", "csv").with_params(("charset", "utf-8")))
            .header(Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"{}\"", self.filename),
            ))
            .header(Header::new("X-Data-As-Of", self.as_of))
            .ok()
    }
}

#[get("/reports/monthly.csv")]
async fn monthly_csv(chrome: Chrome, mut conn: ReadConn) -> Result<ReportCsv, AppError> {
    let report = reports::monthly(&mut conn.0, all_time()).await?;
    let currency = chrome.currency;
    let header = [
        "month",
        "orders",
        "",
        "",
        "",
        "",
        "units",
        "cancellations",
        "customers",
    ];
    let rows = report.rows.iter().map(|r| {
        [
            r.month.format("%Y-%m").to_string(),
            r.orders.to_string(),
            currency.plain(r.revenue_cents),
            currency.plain(r.tax_cents),
            currency.plain(r.shipping_cents),
            currency.plain(r.refunds_cents),
            r.units.to_string(),
            r.cancellations.to_string(),
            r.customers.to_string(),
        ]
    });
    let amounts = [
        (2, "net_sales"),
        (3, "tax"),
        (4, "shipping"),
        (5, "refunds"),
    ];
    let header = with_amounts(header, &amounts, currency);
    Ok(ReportCsv::new(
        "monthly-sales",
        &report.freshness,
        header,
        rows,
    ))
}

#[get("/reports/top-products.csv")]
async fn top_products_csv(chrome: Chrome, mut conn: ReadConn) -> Result<ReportCsv, AppError> {
    let report = reports::top_products(&mut conn.0, all_time(), TOP).await?;
    let currency = chrome.currency;
    let header = ["month", "sku", "product", "units", "", "", "orders"];
    let rows = report.rows.iter().map(|r| {
        [
            r.month.format("%Y-%m").to_string(),
            r.sku.clone(),
            r.name.clone(),
            r.units.to_string(),
            currency.plain(r.revenue_cents),
            currency.plain(r.tax_cents),
            r.orders.to_string(),
        ]
    });
    let header = with_amounts(header, &[(4, "net_sales"), (5, "tax")], currency);
    Ok(ReportCsv::new(
        "top-products",
        &report.freshness,
        header,
        rows,
    ))
}

#[get("/reports/cohorts.csv")]
async fn cohorts_csv(chrome: Chrome, mut conn: ReadConn) -> Result<ReportCsv, AppError> {
    let report = reports::cohorts(&mut conn.0, all_time()).await?;
    let currency = chrome.currency;
    let header = [
        "cohort",
        "months_after",
        "cohort_size",
        "active_customers",
        "orders",
        "",
    ];
    let rows = report.rows.iter().map(|r| {
        [
            r.cohort.format("%Y-%m").to_string(),
            r.months_after.to_string(),
            r.cohort_size.to_string(),
            r.active_customers.to_string(),
            r.orders.to_string(),
            currency.plain(r.revenue_cents),
        ]
    });
    let header = with_amounts(header, &[(5, "net_sales")], currency);
    Ok(ReportCsv::new("cohorts", &report.freshness, header, rows))
}

/// The header with each amount column (at, name) named for the currency
/// (`net_sales_USD`), so a spreadsheet knows what the plain numbers are.
fn with_amounts<const N: usize>(
    header: [&str; N],
    amounts: &[(usize, &str)],
    currency: Currency,
) -> [String; N] {
    let mut out = header.map(str::to_owned);
    for &(at, name) in amounts {
        if let Some(cell) = out.get_mut(at) {
            *cell = format!("{name}_{}", currency.code());
        }
    }
    out
}
