//! `POST /customers/<id>/addresses`: add an address to the customer's book.

use rocket::{post, routes};

use super::answer;
use crate::commands::CommandError;
use crate::commands::add_address::add_address;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::PathId;
use crate::web::forms::{BookAddressForm, CommandForm};
use crate::web::guards::CsrfForm;
use crate::web::pages::customers::show::AddressState;
use crate::web::{Chrome, FormAnswer, ReadConn, Staff, WriteConn};

pub fn routes() -> Vec<rocket::Route> {
    routes![add]
}

#[post("/customers/<id>/addresses", data = "<form>")]
async fn add(
    chrome: Chrome,
    staff: Staff,
    mut write: WriteConn,
    mut read: ReadConn,
    id: PathId,
    form: CsrfForm<BookAddressForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("customer")?;
    let result = match form.parse(id) {
        Ok(input) => instrument_command(
            "add_address",
            add_address(&mut write.0, input, &staff.ctx()),
        )
        .await
        .map(|ack| (ack, "Address added to the book".to_owned())),
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    let state = AddressState::adding(form.into_inner());
    answer(chrome, &staff, &mut read, id, result, state).await
}
