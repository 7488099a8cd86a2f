//! `POST /products/<id>`: save name, description, price and active flag against
//! the version the form showed. A stale version answers 409 with the user's
//! values, what changed meanwhile and the new version to save again against.

use rocket::http::Status;
use rocket::{post, routes};

use super::show::{Forms, page};
use crate::commands::CommandError;
use crate::commands::update_product::update_product;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::PathId;
use crate::web::forms::{CommandForm, ProductEditForm};
use crate::web::guards::CsrfForm;
use crate::web::{
    AwaitChange, Chrome, FormAnswer, ReadConn, Staff, WriteConn, after_url, render_page,
};

pub fn routes() -> Vec<rocket::Route> {
    routes![update]
}

#[post("/products/<id>", data = "<form>")]
async fn update(
    chrome: Chrome,
    staff: Staff,
    mut conn: WriteConn,
    mut read: ReadConn,
    id: PathId,
    form: CsrfForm<ProductEditForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("product")?;
    let result = match form.parse((id, chrome.currency)) {
        Ok(input) => {
            instrument_command(
                "update_product",
                update_product(&mut conn.0, input, &staff.ctx()),
            )
            .await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    let mut edit = form.into_inner();
    let (status, forms) = match result {
        Ok(ack) => {
            return Ok(FormAnswer::done(
                after_url(
                    &format!("/products/{id}"),
                    ack.event_id,
                    staff.clerk.0.csrf_token(),
                ),
                format!("Product “{}” saved", edit.name.trim()),
            ));
        }
        Err(CommandError::Invalid(edit_errors)) => (
            Status::UnprocessableEntity,
            Forms {
                edit: Some(edit),
                edit_errors,
                ..Forms::default()
            },
        ),
        Err(CommandError::Conflict(conflict)) => {
            if let Some(v) = conflict.current_version {
                edit.version = v.to_string();
            }
            (
                Status::Conflict,
                Forms {
                    edit: Some(edit),
                    conflict: Some(conflict),
                    ..Forms::default()
                },
            )
        }
        Err(e) => return Err(e.into()),
    };
    let page = page(&mut read.0, chrome, id, AwaitChange::default(), forms).await?;
    Ok(FormAnswer::page(status, render_page(&page)?))
}
