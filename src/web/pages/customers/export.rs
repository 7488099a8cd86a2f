//! `GET /customers/export.csv`: every customer in the import's columns
//! (email, name, phone), so a file exported, edited and imported again
//! previews as "unchanged" wherever it was not edited. Streamed page by page
//! (keyset), cells neutralised (web::csv), with the data's "as of" time,
//! bounded like the orders' export. (One address per row joins the columns
//! when customers have address books: `ImportKind::columns`.)

use rocket::http::Status;
use rocket::response::content::RawHtml;
use rocket::response::stream::ByteStream;
use rocket::{State, get, routes};

use crate::db::Pools;
use crate::domain::ImportKind;
use crate::queries::customers::{self, CustomerFilter, CustomerRow};
use crate::queries::keyset::MAX_PAGE_SIZE;
use crate::web::ReadConn;
use crate::web::csv::{CsvChunk, CsvDownload};
use crate::web::error_page::ErrorPage;
use crate::web::guards::CurrentUser;
use crate::web::pages::orders::{ExportRefused, ExportSlots};

pub fn routes() -> Vec<rocket::Route> {
    routes![export]
}

fn csv_bytes(rows: &[CustomerRow], header: bool) -> Vec<u8> {
    let mut chunk = CsvChunk::new();
    if header {
        chunk.row(
            ImportKind::Customers
                .columns()
                .iter()
                .map(|(name, _)| *name),
        );
    }
    for r in rows {
        chunk.row([
            r.email.as_str(),
            r.name.as_str(),
            r.phone.as_deref().unwrap_or_default(),
        ]);
    }
    chunk.into_bytes()
}

#[get("/customers/export.csv")]
async fn export(
    _user: CurrentUser,
    conn: ReadConn,
    pools: &State<Pools>,
    slots: &State<ExportSlots>,
) -> Result<CsvDownload<impl futures_util::Stream<Item = Vec<u8>>>, ExportRefused> {
    let Some(slot) = slots.claim() else {
        let page = ErrorPage::new(
            Status::ServiceUnavailable,
            "Other CSV exports are running right now; try again in a minute.",
        );
        return Err(ExportRefused::Busy((
            Status::ServiceUnavailable,
            RawHtml(page.html()),
        )));
    };
    let mut filter = CustomerFilter {
        page_size: MAX_PAGE_SIZE,
        ..CustomerFilter::default()
    };
    let mut conn = conn;
    let first = customers::list(&mut conn.0, &filter).await?;
    drop(conn);
    let pool = pools.read.clone();
    let as_of = first.freshness.as_of.map_or_else(
        || "never".to_owned(),
        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    let filename = format!("customers-as-of-{}.csv", as_of.replace(':', ""));
    let stream = ByteStream! {
        let slot = slot;
        yield csv_bytes(&first.rows, true);
        let mut next = first.next;
        while let Some(cursor) = next {
            if slot.expired() {
                tracing::warn!("CSV export stopped: it took longer than export_timeout_secs");
                yield b"# export interrupted: it took too long\n".to_vec();
                break;
            }
            filter.after = Some(cursor);
            let page = match pool.get().await {
                Ok(mut conn) => {
                    customers::list(&mut conn, &filter).await.map_err(|e| e.to_string())
                }
                Err(e) => Err(e.to_string()),
            };
            match page {
                Ok(page) => {
                    yield csv_bytes(&page.rows, false);
                    next = page.next;
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
