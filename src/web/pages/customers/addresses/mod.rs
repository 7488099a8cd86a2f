//! A customer's address book on their page: add, edit, remove, and make an
//! address the default for shipping or billing. Each action runs its command
//! and answers like the customer's edit form: 303 back to the page with a
//! flash, or the page again (422 with each error beside its field, 409 with
//! the conflict), nothing written.

mod add;
mod default;
mod edit;
mod remove;

use rocket::http::Status;

use super::show::{AddressState, EditState, page};
use crate::commands::{Ack, CommandError};
use crate::error::AppError;
use crate::web::{AwaitChange, Chrome, FormAnswer, ReadConn, Staff, after_url, render_page};

pub fn routes() -> Vec<rocket::Route> {
    let mut routes = add::routes();
    routes.extend(edit::routes());
    routes.extend(remove::routes());
    routes.extend(default::routes());
    routes
}

/// What an address command's result becomes: back to the customer's page
/// (the address book) with `message`, or the page again with the form that
/// failed (`state`), its errors or its conflict.
async fn answer(
    chrome: Chrome,
    staff: &Staff,
    read: &mut ReadConn,
    customer_id: i64,
    result: Result<(Ack, String), CommandError>,
    mut state: AddressState,
) -> Result<FormAnswer, AppError> {
    let status = match result {
        Ok((ack, message)) => {
            let path = format!("/customers/{customer_id}");
            let url = if ack.replayed {
                path
            } else {
                after_url(&path, ack.event_id, staff.clerk.0.csrf_token())
            };
            return Ok(FormAnswer::done(url, message));
        }
        Err(CommandError::Invalid(errors)) => {
            state.errors = errors;
            Status::UnprocessableEntity
        }
        Err(CommandError::Conflict(conflict)) => {
            if let Some(v) = conflict.current_version {
                state.form.version = v.to_string();
            }
            state.conflict = Some(conflict);
            Status::Conflict
        }
        Err(e) => return Err(e.into()),
    };
    let edit = EditState {
        address: Some(state),
        ..EditState::default()
    };
    let page = page(
        &mut read.0,
        chrome,
        customer_id,
        AwaitChange::default(),
        edit,
    )
    .await?;
    Ok(FormAnswer::page(status, render_page(&page)?))
}
