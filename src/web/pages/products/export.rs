//! `GET /products/export.csv`: every product in the import's columns (sku,
//! name, description, price, active, low_stock_threshold, tax_rate by name), so a file
//! exported, edited in a spreadsheet and imported again previews as
//! "unchanged" wherever it was not edited; `?sheet=stock_counts` gives a
//! count sheet (sku, name, counted = on hand now) for the stock-count import.
//! Streamed page by page (keyset by SKU), cells neutralised (web::csv), with
//! the data's "as of" time, bounded like the orders' export.

use rocket::response::stream::ByteStream;
use rocket::{State, get, routes};

use crate::config::Settings;
use crate::db::Pools;
use crate::domain::{Currency, ImportKind};
use crate::queries::keyset::MAX_PAGE_SIZE;
use crate::queries::products::{self, ProductFilter, ProductListRow};
use crate::web::ReadConn;
use crate::web::csv::{CsvChunk, CsvDownload};
use crate::web::guards::CurrentUser;
use crate::web::pages::orders::{ExportRefused, ExportSlots};

pub fn routes() -> Vec<rocket::Route> {
    routes![export]
}

/// The export's rows as CSV (with the header line when `header`).
fn csv_bytes(
    rows: &[ProductListRow],
    header: bool,
    kind: ImportKind,
    currency: Currency,
) -> Vec<u8> {
    let mut chunk = CsvChunk::new();
    if header {
        chunk.row(kind.columns().iter().map(|(name, _)| *name));
    }
    for r in rows {
        let p = &r.product;
        if kind == ImportKind::StockCounts {
            chunk.row([p.sku.clone(), p.name.clone(), p.on_hand.to_string()]);
        } else {
            chunk.row([
                p.sku.clone(),
                p.name.clone(),
                p.description.clone(),
                currency.plain(p.price_cents),
                p.active.to_string(),
                p.low_stock_threshold.to_string(),
                p.tax_rate_name.clone(),
            ]);
        }
    }
    chunk.into_bytes()
}

#[get("/products/export.csv?<sheet>")]
async fn export(
    _user: CurrentUser,
    settings: &State<Settings>,
    conn: ReadConn,
    pools: &State<Pools>,
    slots: &State<ExportSlots>,
    sheet: Option<&str>,
) -> Result<CsvDownload<impl futures_util::Stream<Item = Vec<u8>>>, ExportRefused> {
    let currency = settings.currency;
    let kind = match sheet {
        Some("stock_counts") => ImportKind::StockCounts,
        _ => ImportKind::Products,
    };
    let slot = slots.claim_or_busy()?;
    let mut filter = ProductFilter {
        page_size: MAX_PAGE_SIZE,
        ..ProductFilter::default()
    };
    let mut conn = conn;
    let first = products::list(&mut conn.0, &filter).await?;
    // Later pages take a connection each: a slow reader holds its export
    // slot, never a database connection.
    drop(conn);
    let pool = pools.read.clone();
    let as_of = first.freshness.first().and_then(|f| f.as_of).map_or_else(
        || "never".to_owned(),
        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    let name = if kind == ImportKind::StockCounts {
        "stock-counts"
    } else {
        "products"
    };
    let filename = format!("{name}-as-of-{}.csv", as_of.replace(':', ""));
    let stream = ByteStream! {
        let slot = slot;
        yield csv_bytes(&first.rows, true, kind, currency);
        let mut next = first.next_sku;
        while let Some(cursor) = next {
            if slot.expired() {
                tracing::warn!("CSV export stopped: it took longer than export_timeout_secs");
                yield b"# export interrupted: it took too long\n".to_vec();
                break;
            }
            filter.after_sku = Some(cursor);
            let page = match pool.get().await {
                Ok(mut conn) => products::list(&mut conn, &filter).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match page {
                Ok(page) => {
                    yield csv_bytes(&page.rows, false, kind, currency);
                    next = page.next_sku;
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
