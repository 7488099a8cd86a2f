//! `POST /tax-rates`: a new tax rate (admins). A name another rate has, or a
//! percentage outside 0–100 %, answers 422 beside its field.

use rocket::http::Status;
use rocket::{post, routes};

use super::form::TaxRateForm;
use super::show::{Forms, page};
use crate::commands::CommandError;
use crate::commands::create_tax_rate::create_tax_rate;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::forms::CommandForm;
use crate::web::guards::{CsrfForm, ShopAdmin};
use crate::web::{AwaitChange, Chrome, FormAnswer, ReadConn, WriteConn, after_url, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![create]
}

#[post("/tax-rates", data = "<form>")]
async fn create(
    chrome: Chrome,
    admin: ShopAdmin,
    mut conn: WriteConn,
    mut read: ReadConn,
    form: CsrfForm<TaxRateForm>,
) -> Result<FormAnswer, AppError> {
    let ctx = admin.0.context();
    let result = match form.parse(()) {
        Ok(input) => {
            instrument_command("create_tax_rate", create_tax_rate(&mut conn.0, input, &ctx)).await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    match result {
        Ok(ack) => Ok(FormAnswer::done(
            after_url("/settings", ack.event_id, admin.0.csrf_token()),
            format!("Tax rate “{}” created", form.name.trim()),
        )),
        Err(CommandError::Invalid(new_rate_errors)) => {
            let forms = Forms {
                new_rate: form.into_inner(),
                new_rate_errors,
                ..Forms::default()
            };
            let page = page(&mut read.0, chrome, AwaitChange::default(), forms).await?;
            Ok(FormAnswer::page(
                Status::UnprocessableEntity,
                render_page(&page)?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
