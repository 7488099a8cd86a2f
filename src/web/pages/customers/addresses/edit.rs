//! `POST /customers/<id>/addresses/<address>`: save an address of the book
//! against the version the form showed (409 with what changed when stale).

use rocket::{post, routes};

use super::answer;
use crate::commands::CommandError;
use crate::commands::edit_address::edit_address;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::PathId;
use crate::web::forms::{BookAddressForm, CommandForm, EditOf};
use crate::web::guards::CsrfForm;
use crate::web::pages::customers::show::AddressState;
use crate::web::{Chrome, FormAnswer, ReadConn, Staff, WriteConn};

pub fn routes() -> Vec<rocket::Route> {
    routes![edit]
}

#[post("/customers/<id>/addresses/<address>", data = "<form>")]
async fn edit(
    chrome: Chrome,
    staff: Staff,
    mut write: WriteConn,
    mut read: ReadConn,
    id: PathId,
    address: PathId,
    form: CsrfForm<BookAddressForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("customer")?;
    let address = address.or_404("address")?;
    let result = match EditOf(&form).parse((id, address)) {
        Ok(input) => instrument_command(
            "edit_address",
            edit_address(&mut write.0, input, &staff.ctx()),
        )
        .await
        .map(|ack| (ack, "Address saved".to_owned())),
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    let state = AddressState::editing(address, form.into_inner());
    answer(chrome, &staff, &mut read, id, result, state).await
}
