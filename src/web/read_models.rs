//! `GET /read-models`: every read model's last refresh, duration, rows,
//! pending changes and last error; `POST /read-models/refresh` (admin) runs a
//! refresh now. Refreshes are single-flight: pressing the button while one
//! runs says "skipped" instead of queueing a second.

use askama::Template;
use rocket::form::FromForm;
use rocket::response::content::RawHtml;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes};

use super::auth::{Admin, CsrfForm};
use super::{Chrome, ReadConn, WriteConn, filters, render};
use crate::error::AppError;
use crate::queries::read_model_status::{self, ReadModelStatus};
use crate::read_models::refresh::{RefreshOutcome, refresh_all};
use crate::read_models::{READ_MODELS, Trigger, catalog};

pub fn routes() -> Vec<rocket::Route> {
    routes![index, refresh]
}

#[derive(Template)]
#[template(path = "read_models/index.html")]
struct StatusPage {
    chrome: Chrome,
    views: Vec<ReadModelStatus>,
}

#[get("/read-models")]
async fn index(chrome: Chrome, mut conn: ReadConn) -> Result<RawHtml<String>, AppError> {
    let views = read_model_status::all(&mut conn.0).await?;
    render(&StatusPage { chrome, views })
}

/// Which view to refresh; empty means all.
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
    let models: Vec<_> = match form.form.view.as_str() {
        "" => READ_MODELS.iter().collect(),
        name => match catalog::find(name) {
            Some(model) => vec![model],
            None => {
                return Err(AppError::NotFound(format!(
                    "There is no read model {name:?}."
                )));
            }
        },
    };
    let results = refresh_all(&mut conn.0, &models, Trigger::Manual).await;
    let summary: Vec<String> = results
        .iter()
        .map(|(m, outcome)| match outcome {
            RefreshOutcome::Refreshed { rows, duration, .. } => {
                format!("{}: {rows} rows in {} ms", m.name, duration.as_millis())
            }
            RefreshOutcome::Skipped => {
                format!("{}: skipped, a refresh was already running", m.name)
            }
            RefreshOutcome::Failed(e) => format!("{}: failed ({e})", m.name),
        })
        .collect();
    let redirect = Redirect::to("/read-models");
    Ok(if results.iter().any(|(_, o)| o.is_failure()) {
        Flash::error(redirect, summary.join("; "))
    } else {
        Flash::success(redirect, summary.join("; "))
    })
}
