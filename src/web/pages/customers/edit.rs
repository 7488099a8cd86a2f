//! `POST /customers/<id>`: save a customer's details against the version the
//! form showed. A stale version answers 409 with the user's values, what
//! changed meanwhile and the new version to save again against.

use rocket::http::Status;
use rocket::{post, routes};

use super::show::{EditState, page};
use crate::commands::CommandError;
use crate::commands::update_customer::update_customer;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::PathId;
use crate::web::forms::{CommandForm, CustomerEditForm};
use crate::web::guards::CsrfForm;
use crate::web::{
    AwaitChange, Chrome, FormAnswer, ReadConn, Staff, WriteConn, after_url, render_page,
};

pub fn routes() -> Vec<rocket::Route> {
    routes![update]
}

#[post("/customers/<id>", data = "<form>")]
async fn update(
    chrome: Chrome,
    staff: Staff,
    mut conn: WriteConn,
    mut read: ReadConn,
    id: PathId,
    form: CsrfForm<CustomerEditForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("customer")?;
    let result = match form.parse(id) {
        Ok(input) => {
            instrument_command(
                "update_customer",
                update_customer(&mut conn.0, input, &staff.ctx()),
            )
            .await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    let mut edit = form.into_inner();
    let (status, state) = match result {
        Ok(ack) => {
            return Ok(FormAnswer::done(
                after_url(
                    &format!("/customers/{id}"),
                    ack.event_id,
                    staff.clerk.0.csrf_token(),
                ),
                format!("Customer {} saved", edit.name.trim()),
            ));
        }
        Err(CommandError::Invalid(errors)) => (
            Status::UnprocessableEntity,
            EditState {
                form: Some(edit),
                errors,
                conflict: None,
                ..EditState::default()
            },
        ),
        Err(CommandError::Conflict(conflict)) => {
            if let Some(v) = conflict.current_version {
                edit.version = v.to_string();
            }
            (
                Status::Conflict,
                EditState {
                    form: Some(edit),
                    errors: FieldErrors::new(),
                    conflict: Some(conflict),
                    ..EditState::default()
                },
            )
        }
        Err(e) => return Err(e.into()),
    };
    let page = page(&mut read.0, chrome, id, AwaitChange::default(), state).await?;
    Ok(FormAnswer::page(status, render_page(&page)?))
}
