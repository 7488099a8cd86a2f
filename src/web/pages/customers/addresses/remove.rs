//! `POST /customers/<id>/addresses/<address>/remove`: take an address out of
//! the book (a default is refused while other addresses remain; the book's
//! last address takes its defaults with it, and the flash says so).

use rocket::{post, routes};

use super::answer;
use crate::commands::CommandError;
use crate::commands::remove_address::remove_address;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::PathId;
use crate::web::forms::{CommandForm, RemoveAddressForm};
use crate::web::guards::CsrfForm;
use crate::web::pages::customers::show::AddressState;
use crate::web::{Chrome, FormAnswer, ReadConn, Staff, WriteConn};

pub fn routes() -> Vec<rocket::Route> {
    routes![remove]
}

#[post("/customers/<id>/addresses/<address>/remove", data = "<form>")]
async fn remove(
    chrome: Chrome,
    staff: Staff,
    mut write: WriteConn,
    mut read: ReadConn,
    id: PathId,
    address: PathId,
    form: CsrfForm<RemoveAddressForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("customer")?;
    let address = address.or_404("address")?;
    let result = match form.parse((id, address)) {
        Ok(input) => instrument_command(
            "remove_address",
            remove_address(&mut write.0, input, &staff.ctx()),
        )
        .await
        .map(|removed| {
            let message = if removed.cleared_defaults.is_empty() {
                "Address removed from the book".to_owned()
            } else {
                "Address removed; the customer has no default address now".to_owned()
            };
            (removed.ack, message)
        }),
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    answer(
        chrome,
        &staff,
        &mut read,
        id,
        result,
        AddressState::acting_on(address),
    )
    .await
}
