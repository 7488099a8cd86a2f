//! `POST /imports/<id>/apply`: "Import". Queues a previewed job with no
//! refused row for the worker (a second press changes nothing) and goes back
//! to its page, which shows the progress.

use rocket::{post, routes};

use crate::error::AppError;
use crate::imports::apply::{Started, start};
use crate::web::guards::{Admin, CsrfForm, TokenOnly};
use crate::web::{FormAnswer, PathId, WriteConn};

pub fn routes() -> Vec<rocket::Route> {
    routes![apply]
}

#[post("/imports/<id>/apply", data = "<form>")]
async fn apply(
    _admin: Admin,
    id: PathId,
    form: CsrfForm<TokenOnly>,
    mut conn: WriteConn,
) -> Result<FormAnswer, AppError> {
    let _ = form;
    let id = id.or_404("import")?;
    let page = format!("/imports/{id}");
    match start(&mut conn.0, id)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
    {
        Started::Queued => Ok(FormAnswer::done(page, "Import started")),
        Started::AlreadyStarted => Ok(FormAnswer::done(page, "This import has already started")),
        Started::NotImportable => Ok(FormAnswer::done_with_error(
            page,
            "This file cannot be imported: it has refused rows, is still being checked, \
             or has expired",
        )),
        Started::NotFound => Err(AppError::NotFound(format!("There is no import {id}."))),
    }
}
