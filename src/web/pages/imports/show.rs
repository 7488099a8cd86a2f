//! `GET /imports/<id>`: a job's preview (the count of each outcome, and its
//! rows page by page: create, update with each change old → new, unchanged,
//! refused with line, column and reason), its progress while the worker
//! checks or applies it (the page reloads itself, no JavaScript), the
//! "Import" button once it may be imported, and afterwards what was applied
//! and what was refused because its record changed after the preview.

use askama::Template;
use rocket::response::content::RawHtml;
use rocket::{get, routes};

use crate::error::AppError;
use crate::queries::imports::{self, ImportJob, ImportRow, RowFilter};
use crate::web::guards::Admin;
use crate::web::{Chrome, PathId, ReadConn, filters, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![show]
}

/// Seconds between reloads while the worker is on the job.
const RELOAD_SECS: u32 = 2;

#[derive(Template)]
#[template(path = "imports/show.html")]
struct ShowPage {
    chrome: Chrome,
    job: ImportJob,
    rows: Vec<ImportRow>,
    filter: RowFilter,
    next: Option<i32>,
    reload_secs: u32,
}

crate::web::page!(ShowPage);

impl ShowPage {
    fn reload(&self) -> bool {
        self.job.in_progress()
    }

    /// The link to this page with another filter.
    fn filter_url(&self, filter: &str) -> String {
        if filter.is_empty() {
            format!("/imports/{}", self.job.id)
        } else {
            format!("/imports/{}?show={filter}", self.job.id)
        }
    }

    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "the template hands its values over by reference"
    )]
    fn next_url(&self, after: &i32) -> String {
        let show = self.filter.as_str();
        if show.is_empty() {
            format!("/imports/{}?after={after}", self.job.id)
        } else {
            format!("/imports/{}?show={show}&after={after}", self.job.id)
        }
    }
}

#[get("/imports/<id>?<show>&<after>")]
async fn show(
    _admin: Admin,
    chrome: Chrome,
    mut conn: ReadConn,
    id: PathId,
    show: Option<&str>,
    after: Option<i32>,
) -> Result<RawHtml<String>, AppError> {
    let id = id.or_404("import")?;
    let Some(job) = imports::job(&mut conn.0, id).await? else {
        return Err(AppError::NotFound(format!(
            "There is no import {id} (imports are deleted a day after their upload)."
        )));
    };
    let filter = RowFilter::parse(show);
    let (rows, next) = imports::rows(&mut conn.0, id, filter, after.unwrap_or(0).max(0)).await?;
    render_page(&ShowPage {
        chrome,
        job,
        rows,
        filter,
        next,
        reload_secs: RELOAD_SECS,
    })
}
