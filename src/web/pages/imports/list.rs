//! `GET /imports`: an upload form per kind of file (with its columns, as the
//! exports write them) and the jobs of the last day.

use askama::Template;
use rocket::response::content::RawHtml;
use rocket::{get, routes};

use crate::domain::{FieldErrors, ImportKind};
use crate::error::AppError;
use crate::queries::imports::{self, ImportJob};
use crate::web::guards::Admin;
use crate::web::{Chrome, ReadConn, filters, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![list]
}

/// Jobs listed at most.
const RECENT: i32 = 20;

/// One upload form.
pub struct Upload {
    pub kind: ImportKind,
    /// The file's columns, required ones marked.
    pub columns: Vec<(&'static str, bool)>,
    pub export: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "imports/list.html")]
pub struct ListPage {
    pub chrome: Chrome,
    pub uploads: Vec<Upload>,
    pub jobs: Vec<ImportJob>,
    /// A refused upload: its kind and why (beside its form).
    pub errors: FieldErrors,
}

crate::web::page!(ListPage);

/// The page, with `errors` beside the upload form of their kind.
pub async fn page(
    conn: &mut diesel_async::AsyncPgConnection,
    chrome: Chrome,
    errors: FieldErrors,
) -> Result<ListPage, AppError> {
    let jobs = imports::recent(conn, RECENT).await?;
    let uploads = ImportKind::ALL
        .into_iter()
        .map(|kind| Upload {
            kind,
            columns: kind.columns().to_vec(),
            export: match kind {
                ImportKind::Products => Some("/products/export.csv"),
                ImportKind::StockCounts => Some("/products/export.csv?sheet=stock_counts"),
                ImportKind::Customers => Some("/customers/export.csv"),
            },
        })
        .collect();
    Ok(ListPage {
        chrome,
        uploads,
        jobs,
        errors,
    })
}

#[get("/imports")]
async fn list(
    _admin: Admin,
    chrome: Chrome,
    mut conn: ReadConn,
) -> Result<RawHtml<String>, AppError> {
    let page = page(&mut conn.0, chrome, FieldErrors::new()).await?;
    render_page(&page)
}
