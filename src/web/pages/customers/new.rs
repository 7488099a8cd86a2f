//! `GET /customers/new` and `POST /customers`: register a customer. Invalid
//! input (a taken email too) re-renders the form (422) with every value kept;
//! success redirects (303) to the customer's page with a flash.

use crate::web::guards::CsrfForm;
use askama::Template;
use rocket::http::Status;
use rocket::response::content::RawHtml;
use rocket::{get, post, routes};

use crate::commands::CommandError;
use crate::commands::register_customer::register_customer;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::filters;
use crate::web::forms::{CommandForm, CustomerForm};
use crate::web::{Chrome, FormAnswer, Staff, WriteConn, after_url, render};

pub fn routes() -> Vec<rocket::Route> {
    routes![new, create]
}

#[derive(Template)]
#[template(path = "customers/new.html")]
struct NewPage {
    chrome: Chrome,
    form: CustomerForm,
    errors: FieldErrors,
}

#[get("/customers/new")]
fn new(chrome: Chrome) -> Result<RawHtml<String>, AppError> {
    render(&NewPage {
        chrome,
        form: CustomerForm::default(),
        errors: FieldErrors::new(),
    })
}

#[post("/customers", data = "<form>")]
async fn create(
    chrome: Chrome,
    staff: Staff,
    mut conn: WriteConn,
    form: CsrfForm<CustomerForm>,
) -> Result<FormAnswer, AppError> {
    let result = match form.parse(()) {
        Ok(input) => {
            instrument_command(
                "register_customer",
                register_customer(&mut conn.0, input, &staff.ctx()),
            )
            .await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    match result {
        Ok(ack) => Ok(FormAnswer::done(
            after_url(
                &format!("/customers/{}", ack.id),
                ack.event_id,
                staff.clerk.0.csrf_token(),
            ),
            format!("Customer {} registered", form.name.trim()),
        )),
        Err(CommandError::Invalid(errors)) => {
            let page = NewPage {
                chrome,
                form: form.into_inner(),
                errors,
            };
            Ok(FormAnswer::page(
                Status::UnprocessableEntity,
                render(&page)?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
