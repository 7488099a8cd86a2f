//! `POST /tax-rates/<id>`: rename a rate or change its percentage against
//! the version the form showed (admins); 422 beside the field, 409 on a
//! stale version. Products show the new rate; orders never change.

use rocket::http::Status;
use rocket::{post, routes};

use super::form::TaxRateEditForm;
use super::show::{Forms, page};
use crate::commands::CommandError;
use crate::commands::update_tax_rate::update_tax_rate;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::forms::CommandForm;
use crate::web::guards::{CsrfForm, ShopAdmin};
use crate::web::{
    AwaitChange, Chrome, FormAnswer, PathId, ReadConn, WriteConn, after_url, render_page,
};

pub fn routes() -> Vec<rocket::Route> {
    routes![update]
}

#[post("/tax-rates/<id>", data = "<form>")]
async fn update(
    chrome: Chrome,
    admin: ShopAdmin,
    mut conn: WriteConn,
    mut read: ReadConn,
    id: PathId,
    form: CsrfForm<TaxRateEditForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("tax rate")?;
    let ctx = admin.0.context();
    let result = match form.parse(id) {
        Ok(input) => {
            instrument_command("update_tax_rate", update_tax_rate(&mut conn.0, input, &ctx)).await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    let mut submitted = form.into_inner();
    let (status, forms) = match result {
        Ok(ack) => {
            return Ok(FormAnswer::done(
                after_url("/settings", ack.event_id, admin.0.csrf_token()),
                format!("Tax rate “{}” saved", submitted.name.trim()),
            ));
        }
        Err(CommandError::Invalid(rate_errors)) => (
            Status::UnprocessableEntity,
            Forms {
                rate: Some((id, submitted)),
                rate_errors,
                ..Forms::default()
            },
        ),
        Err(CommandError::Conflict(conflict)) => {
            if let Some(v) = conflict.current_version {
                submitted.version = v.to_string();
            }
            (
                Status::Conflict,
                Forms {
                    rate: Some((id, submitted)),
                    rate_conflict: Some(conflict),
                    ..Forms::default()
                },
            )
        }
        Err(e) => return Err(e.into()),
    };
    let page = page(&mut read.0, chrome, AwaitChange::default(), forms).await?;
    Ok(FormAnswer::page(status, render_page(&page)?))
}
