//! `GET /orders/export.csv`: exactly the filtered list, streamed page by page
//! (keyset, so memory stays flat), stamped with the data's "as of" time in the
//! file name and the `X-Data-As-Of` header. Cells go through `web::csv`,
//! which neutralises formulas. Exports are bounded: a few at a time
//! (`max_concurrent_exports`), each for a limited time (`export_timeout_secs`),
//! and no database connection is held while the client reads.

use rocket::http::Status;
use rocket::response::content::RawHtml;
use rocket::response::stream::ByteStream;
use rocket::{State, get, routes};

use super::export_slots::ExportSlots;
use super::list::ListParams;
use crate::config::Settings;
use crate::db::Pools;
use crate::domain::{AddressFields, Currency};
use crate::error::AppError;
use crate::queries::address::OrderAddress;
use crate::queries::orders::{self, MAX_PAGE_SIZE, OrderRow};
use crate::web::ReadConn;
use crate::web::csv::{CsvChunk, CsvDownload};
use crate::web::error_page::ErrorPage;
use crate::web::guards::CurrentUser;

pub fn routes() -> Vec<rocket::Route> {
    routes![export]
}

/// Amounts are plain numbers in the shop's currency, which the header names
/// (`total_USD`), so a spreadsheet can sum them. `total` is the grand total;
/// net sales (the revenue reports add up), tax collected, shipping and
/// discounts follow apart, after the address.
fn csv_bytes(rows: &[OrderRow], header: bool, currency: Currency) -> Vec<u8> {
    let mut chunk = CsvChunk::new();
    if header {
        let total = format!("total_{}", currency.code());
        let money = ["net_sales", "tax", "shipping", "discounts"]
            .map(|c| format!("{c}_{}", currency.code()));
        chunk.row([
            "order",
            "placed_at_utc",
            "customer",
            "email",
            "fulfilment_status",
            "payment_status",
            "items",
            total.as_str(),
            "ship_name",
            "ship_company",
            "ship_line1",
            "ship_line2",
            "ship_city",
            "ship_region",
            "ship_postal_code",
            "ship_country",
            "ship_phone",
            money[0].as_str(),
            money[1].as_str(),
            money[2].as_str(),
            money[3].as_str(),
        ]);
    }
    for r in rows {
        // The order's own address in its parts; one from before structured
        // addresses is its text in ship_line1, as the order holds it.
        let a = match r.ship_to() {
            Some(OrderAddress::Structured(f)) => f,
            Some(OrderAddress::FreeText(text)) => AddressFields {
                line1: text,
                ..AddressFields::default()
            },
            None => AddressFields::default(),
        };
        chunk.row([
            r.id.to_string(),
            r.placed_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            r.customer_name.clone(),
            r.customer_email.clone(),
            r.fulfilment_status.to_string(),
            r.payment_status.to_string(),
            r.item_count.to_string(),
            currency.plain(r.total_cents),
            a.name,
            a.company,
            a.line1,
            a.line2,
            a.city,
            a.region,
            a.postal_code,
            a.country,
            a.phone,
            currency.plain(r.net_sales_cents),
            currency.plain(r.tax_total_cents),
            currency.plain(r.shipping_cents),
            currency.plain(r.discount_total_cents),
        ]);
    }
    chunk.into_bytes()
}

/// Why an export was not started: too many running, or an error.
#[derive(rocket::Responder)]
pub enum ExportRefused {
    Busy((Status, RawHtml<String>)),
    Failed(AppError),
}

impl ExportSlots {
    /// A free slot, or the 503 page every CSV export answers when all are taken.
    pub fn claim_or_busy(&self) -> Result<super::export_slots::ExportSlot, ExportRefused> {
        self.claim().ok_or_else(|| {
            let page = ErrorPage::new(
                Status::ServiceUnavailable,
                "Other CSV exports are running right now; try again in a minute.",
            );
            ExportRefused::Busy((Status::ServiceUnavailable, RawHtml(page.html())))
        })
    }
}

impl From<AppError> for ExportRefused {
    fn from(e: AppError) -> Self {
        Self::Failed(e)
    }
}

impl From<diesel::result::Error> for ExportRefused {
    fn from(e: diesel::result::Error) -> Self {
        Self::Failed(e.into())
    }
}

#[get("/orders/export.csv?<params..>")]
async fn export(
    _user: CurrentUser,
    settings: &State<Settings>,
    conn: ReadConn,
    pools: &State<Pools>,
    slots: &State<ExportSlots>,
    params: ListParams,
) -> Result<CsvDownload<impl futures_util::Stream<Item = Vec<u8>>>, ExportRefused> {
    let currency = settings.currency;
    let slot = slots.claim_or_busy()?;
    let (mut filter, _) = params.filter(settings.time_zone);
    filter.page_size = MAX_PAGE_SIZE;
    filter.after = None;
    // The first page is read up front, so its freshness names the file.
    let mut conn = conn;
    let first = orders::list(&mut conn.0, &filter).await?;
    // Later pages take a connection each: a client that reads slowly holds
    // its export slot, never a database connection.
    drop(conn);
    let pool = pools.read.clone();
    let as_of = first.freshness.as_of.map_or_else(
        || "never".to_owned(),
        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    let filename = format!("orders-as-of-{}.csv", as_of.replace(':', ""));
    let stream = ByteStream! {
        let slot = slot;
        yield csv_bytes(&first.rows, true, currency);
        let mut next = first.next;
        while let Some(cursor) = next {
            if slot.expired() {
                tracing::warn!("CSV export stopped: it took longer than export_timeout_secs");
                yield b"# export interrupted: it took too long\n".to_vec();
                break;
            }
            filter.after = Some(cursor);
            let page = match pool.get().await {
                Ok(mut conn) => orders::rows(&mut conn, &filter).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match page {
                Ok((rows, cursor)) => {
                    yield csv_bytes(&rows, false, currency);
                    next = cursor;
                }
                Err(e) => {
                    tracing::error!(error = %e, "CSV export stopped early");
                    yield b"# export interrupted: database error\n".to_vec();
                    break;
                }
            }
        }
    };
    Ok(CsvDownload::new(stream, filename, as_of))
}
