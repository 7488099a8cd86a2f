//! `POST /orders/<id>/notes`, `POST /customers/<id>/notes`: write a note.

use rocket::{post, routes};

use super::{NoteForm, answer};
use crate::commands::CommandError;
use crate::commands::add_note::add_note;
use crate::domain::{CustomerId, NoteSubject, OrderId};
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::forms::CommandForm;
use crate::web::guards::CsrfForm;
use crate::web::{Chrome, FormAnswer, PathId, ReadConn, Staff, WriteConn};

pub fn routes() -> Vec<rocket::Route> {
    routes![on_order, on_customer]
}

async fn add(
    chrome: Chrome,
    staff: Staff,
    write: &mut WriteConn,
    read: &mut ReadConn,
    subject: NoteSubject,
    form: NoteForm,
) -> Result<FormAnswer, AppError> {
    let result = match form.parse(subject) {
        Ok(input) => {
            instrument_command("add_note", add_note(&mut write.0, input, &staff.ctx())).await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    answer(chrome, &staff, read, subject, result, form).await
}

#[post("/orders/<id>/notes", data = "<form>")]
async fn on_order(
    chrome: Chrome,
    staff: Staff,
    mut write: WriteConn,
    mut read: ReadConn,
    id: PathId,
    form: CsrfForm<NoteForm>,
) -> Result<FormAnswer, AppError> {
    let subject = NoteSubject::Order(OrderId(id.or_404("order")?));
    add(chrome, staff, &mut write, &mut read, subject, form.form).await
}

#[post("/customers/<id>/notes", data = "<form>")]
async fn on_customer(
    chrome: Chrome,
    staff: Staff,
    mut write: WriteConn,
    mut read: ReadConn,
    id: PathId,
    form: CsrfForm<NoteForm>,
) -> Result<FormAnswer, AppError> {
    let subject = NoteSubject::Customer(CustomerId(id.or_404("customer")?));
    add(chrome, staff, &mut write, &mut read, subject, form.form).await
}
