//! `POST /customers/<id>/addresses/<address>/default`: make the address the
//! customer's default for shipping or billing (the button's `role`).

use rocket::{post, routes};

use super::answer;
use crate::commands::CommandError;
use crate::commands::set_default_address::set_default_address;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::PathId;
use crate::web::forms::{CommandForm, DefaultAddressForm};
use crate::web::guards::CsrfForm;
use crate::web::pages::customers::show::AddressState;
use crate::web::{Chrome, FormAnswer, ReadConn, Staff, WriteConn};

pub fn routes() -> Vec<rocket::Route> {
    routes![set_default]
}

#[post("/customers/<id>/addresses/<address>/default", data = "<form>")]
async fn set_default(
    chrome: Chrome,
    staff: Staff,
    mut write: WriteConn,
    mut read: ReadConn,
    id: PathId,
    address: PathId,
    form: CsrfForm<DefaultAddressForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("customer")?;
    let address = address.or_404("address")?;
    let result = match form.parse((id, address)) {
        Ok(input) => {
            let role = input.role;
            instrument_command(
                "set_default_address",
                set_default_address(&mut write.0, input, &staff.ctx()),
            )
            .await
            .map(|ack| (ack, format!("Default {role} address set")))
        }
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
