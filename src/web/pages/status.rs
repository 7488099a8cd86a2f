//! `GET /read-models`: the live models (snapshot age, pending changes, last
//! batch, rows changed, last rebuild and verify) and the report views (last
//! refresh). `POST /read-models/refresh` (admin): "Catch up now" runs the
//! maintainer until nothing is queued; for a report view, refreshes it now.
//! Both are single-flight: a second press while one runs says "busy".

use askama::Template;
use rocket::form::FromForm;
use rocket::response::content::RawHtml;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes};

use crate::error::AppError;
use crate::queries::read_model_status::{self, LiveStatus, ReportStatus};
use crate::read_models::maintainer::{self, BatchOutcome};
use crate::read_models::refresh::{RefreshOutcome, refresh_all};
use crate::read_models::{Trigger, catalog};
use crate::web::guards::{Admin, CsrfForm};
use crate::web::{Chrome, ReadConn, WriteConn, filters, render};

pub fn routes() -> Vec<rocket::Route> {
    routes![index, refresh]
}

#[derive(Template)]
#[template(path = "status/index.html")]
struct StatusPage {
    chrome: Chrome,
    live: Vec<LiveStatus>,
    reports: Vec<ReportStatus>,
}

#[get("/read-models")]
async fn index(chrome: Chrome, mut conn: ReadConn) -> Result<RawHtml<String>, AppError> {
    let overview = read_model_status::all(&mut conn.0).await?;
    render(&StatusPage {
        chrome,
        live: overview.live,
        reports: overview.reports,
    })
}

/// Which model to bring up to date; empty means the live models.
#[derive(Debug, FromForm)]
struct RefreshForm {
    #[field(default = String::new())]
    view: String,
}

#[post("/read-models/refresh", data = "<form>")]
async fn refresh(
    _admin: Admin,
    mut conn: WriteConn,
    form: CsrfForm<RefreshForm>,
) -> Result<Flash<Redirect>, AppError> {
    let redirect = Redirect::to("/read-models");
    let model = match form.form.view.as_str() {
        "" => None,
        name => Some(
            catalog::find(name)
                .ok_or_else(|| AppError::NotFound(format!("There is no read model {name:?}.")))?,
        ),
    };
    if let Some(report) = model.filter(|m| !m.is_live()) {
        let results = refresh_all(&mut conn.0, &[report], Trigger::Manual).await;
        let (message, failed) = match &results[..] {
            [(_, RefreshOutcome::Refreshed { rows, duration, .. })] => (
                format!(
                    "{}: {rows} rows in {} ms",
                    report.name,
                    duration.as_millis()
                ),
                false,
            ),
            [(_, RefreshOutcome::Skipped)] => (
                format!("{}: busy, a refresh was already running", report.name),
                false,
            ),
            [(_, RefreshOutcome::Failed(e))] => (format!("{}: failed ({e})", report.name), true),
            _ => (String::new(), false),
        };
        return Ok(if failed {
            Flash::error(redirect, message)
        } else {
            Flash::success(redirect, message)
        });
    }
    Ok(
        match maintainer::catch_up(&mut conn.0, Trigger::Manual).await {
            BatchOutcome::Applied { applied, duration } => Flash::success(
                redirect,
                format!(
                    "Live models caught up: {} events, {} rows changed in {} ms.",
                    applied.events,
                    applied.total_rows_changed(),
                    duration.as_millis()
                ),
            ),
            BatchOutcome::Busy => Flash::success(
                redirect,
                "The maintainer is running a batch right now; the live models are being kept.",
            ),
            BatchOutcome::Failed(e) => Flash::error(redirect, format!("Catching up failed: {e}")),
        },
    )
}
