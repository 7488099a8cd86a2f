//! `GET /customers/export.csv`: every customer in the import's columns
//! (email, name, phone, and one address of their book: the default for
//! shipping, else the oldest), so a file exported, edited and imported again
//! previews as "unchanged" wherever it was not edited. Streamed page by page
//! (keyset), cells neutralised (web::csv), with the data's "as of" time,
//! bounded like the orders' export.

use rocket::response::stream::ByteStream;
use rocket::{State, get, routes};

use crate::db::Pools;
use crate::domain::ImportKind;
use crate::imports::address::Labelled;
use crate::queries::customers::{self, CustomerFilter, ExportRow};
use crate::queries::keyset::MAX_PAGE_SIZE;
use crate::web::ReadConn;
use crate::web::csv::{CsvChunk, CsvDownload};
use crate::web::guards::CurrentUser;
use crate::web::pages::orders::{ExportRefused, ExportSlots};

pub fn routes() -> Vec<rocket::Route> {
    routes![export]
}

fn csv_bytes(rows: &[ExportRow], header: bool) -> Vec<u8> {
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
        let c = &r.customer;
        let address = r.address.as_ref().map(|a| Labelled {
            label: a.label.clone(),
            fields: a.fields.clone(),
        });
        let cells = address.as_ref().map(Labelled::cells);
        chunk.row(
            [
                c.email.as_str(),
                c.name.as_str(),
                c.phone.as_deref().unwrap_or_default(),
            ]
            .into_iter()
            .chain(cells.iter().flatten().map(|(_, v)| *v))
            .chain(std::iter::repeat_n(
                "",
                if cells.is_none() { 10 } else { 0 },
            )),
        );
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
    let slot = slots.claim_or_busy()?;
    let mut filter = CustomerFilter {
        page_size: MAX_PAGE_SIZE,
        ..CustomerFilter::default()
    };
    let mut conn = conn;
    let first = customers::export_page(&mut conn.0, &filter).await?;
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
                    customers::export_page(&mut conn, &filter).await.map_err(|e| e.to_string())
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
