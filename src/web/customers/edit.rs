//! `POST /customers/<id>`: save a customer's details against the version the
//! form showed. A stale version answers 409 with the user's values, what
//! changed meanwhile and the new version to save again against.

use rocket::form::FromForm;

use crate::web::auth::CsrfForm;
use rocket::http::Status;
use rocket::{post, routes};

use super::detail::{EditState, page};
use crate::commands::CommandError;
use crate::commands::register_customer::{CustomerDetails, CustomerForm};
use crate::commands::update_customer::{UpdateCustomer, update_customer};
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::queries::customers::CustomerRow;
use crate::web::PathId;
use crate::web::{AwaitChange, Chrome, FormAnswer, ReadConn, Staff, WriteConn, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![update]
}

/// The edit form as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct EditForm {
    pub name: String,
    pub email: String,
    pub phone: String,
    /// The version the form was filled from.
    pub version: String,
}

impl EditForm {
    /// The form filled with a customer's stored values.
    pub fn of(c: &CustomerRow) -> Self {
        Self {
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone().unwrap_or_default(),
            version: c.version.to_string(),
        }
    }

    fn parse(&self, customer_id: i64) -> Result<UpdateCustomer, FieldErrors> {
        let version = self.version.trim().parse::<i32>();
        let details = CustomerDetails::try_from(&CustomerForm {
            email: self.email.clone(),
            name: self.name.clone(),
            phone: self.phone.clone(),
        });
        match (version, details) {
            (Ok(expected_version), Ok(details)) => Ok(UpdateCustomer {
                customer_id,
                expected_version,
                details,
            }),
            (version, details) => {
                let mut errors = details.err().unwrap_or_default();
                if version.is_err() {
                    errors.add("version", "the form lost its version; reload the page");
                }
                Err(errors)
            }
        }
    }
}

#[post("/customers/<id>", data = "<form>")]
async fn update(
    chrome: Chrome,
    staff: Staff,
    mut conn: WriteConn,
    mut read: ReadConn,
    id: PathId,
    form: CsrfForm<EditForm>,
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
                format!("/customers/{id}?after={}", ack.event_id),
                format!("Customer {} saved", edit.name.trim()),
            ));
        }
        Err(CommandError::Invalid(errors)) => (
            Status::UnprocessableEntity,
            EditState {
                form: Some(edit),
                errors,
                conflict: None,
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
                },
            )
        }
        Err(e) => return Err(e.into()),
    };
    let page = page(&mut read.0, chrome, id, AwaitChange::default(), state).await?;
    Ok(FormAnswer::refused(status, render_page(&page)?))
}
