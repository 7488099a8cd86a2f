//! `POST /products/<id>/stock/receive` and `/stock/adjust`: units arrive, or a
//! count corrects on-hand stock. Refused input re-renders the product page
//! (422) with the message beside the field; success redirects with a flash.

use crate::web::guards::CsrfForm;
use rocket::http::Status;
use rocket::{post, routes};

use super::show::{Forms, page};
use crate::commands::adjust_stock::adjust_stock;
use crate::commands::receive_stock::receive_stock;
use crate::commands::{Ack, CommandError};
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::PathId;
use crate::web::forms::{AdjustmentForm, CommandForm, ReceiptForm};
use crate::web::{
    AwaitChange, Chrome, FormAnswer, ReadConn, Staff, WriteConn, after_url, render_page,
};

pub fn routes() -> Vec<rocket::Route> {
    routes![receive, adjust]
}

/// The redirect after a stock change, or the page re-rendered with the errors.
async fn respond(
    read: &mut ReadConn,
    chrome: Chrome,
    id: i64,
    result: Result<Ack, CommandError>,
    done: String,
    with_errors: impl FnOnce(crate::domain::FieldErrors) -> Forms,
) -> Result<FormAnswer, AppError> {
    match result {
        Ok(ack) => Ok(FormAnswer::done(
            after_url(&format!("/products/{id}"), ack.event_id, &chrome.csrf_token),
            done,
        )),
        Err(CommandError::Invalid(errors)) => {
            let page = page(
                &mut read.0,
                chrome,
                id,
                AwaitChange::default(),
                with_errors(errors),
            );
            Ok(FormAnswer::page(
                Status::UnprocessableEntity,
                render_page(&page.await?)?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[post("/products/<id>/stock/receive", data = "<form>")]
async fn receive(
    chrome: Chrome,
    staff: Staff,
    mut conn: WriteConn,
    mut read: ReadConn,
    id: PathId,
    form: CsrfForm<ReceiptForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("product")?;
    let result = match form.parse(id) {
        Ok(input) => {
            instrument_command(
                "receive_stock",
                receive_stock(&mut conn.0, input, &staff.ctx()),
            )
            .await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    let done = format!("Received {} units", form.quantity.trim());
    respond(&mut read, chrome, id, result, done, |receipt_errors| {
        Forms {
            receipt: form.into_inner(),
            receipt_errors,
            ..Forms::default()
        }
    })
    .await
}

#[post("/products/<id>/stock/adjust", data = "<form>")]
async fn adjust(
    chrome: Chrome,
    staff: Staff,
    mut conn: WriteConn,
    mut read: ReadConn,
    id: PathId,
    form: CsrfForm<AdjustmentForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("product")?;
    let result = match form.parse(id) {
        Ok(input) => {
            instrument_command(
                "adjust_stock",
                adjust_stock(&mut conn.0, input, &staff.ctx()),
            )
            .await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    let done = format!("Stock adjusted by {}", form.quantity.trim());
    respond(&mut read, chrome, id, result, done, |adjustment_errors| {
        Forms {
            adjustment: form.into_inner(),
            adjustment_errors,
            ..Forms::default()
        }
    })
    .await
}
