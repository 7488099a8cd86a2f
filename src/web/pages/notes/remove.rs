//! `POST /orders/<id>/notes/<note>/remove`, `POST /customers/<id>/notes/<note>/remove`:
//! take a note off the page (its author or an admin; the removal is recorded).

use rocket::{post, routes};

use super::path;
use crate::commands::CommandError;
use crate::commands::remove_note::{RemoveNote, remove_note};
use crate::domain::{CustomerId, NoteSubject, OrderId};
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::guards::{CsrfForm, TokenOnly};
use crate::web::{FormAnswer, PathId, Staff, WriteConn, after_url};

pub fn routes() -> Vec<rocket::Route> {
    routes![on_order, on_customer]
}

/// 303 back to the page with a flash; a note already removed (a double
/// click, a colleague first) says by whom and when. Another clerk's note is
/// a 403: the page offers no button for it.
async fn remove(
    staff: Staff,
    write: &mut WriteConn,
    subject: NoteSubject,
    note_id: i64,
) -> Result<FormAnswer, AppError> {
    let input = RemoveNote { subject, note_id };
    let page = path(subject);
    match instrument_command(
        "remove_note",
        remove_note(&mut write.0, input, &staff.ctx()),
    )
    .await
    {
        Ok(ack) => Ok(FormAnswer::done(
            after_url(&page, ack.event_id, staff.clerk.0.csrf_token()) + "#notes",
            "Note removed",
        )),
        Err(CommandError::Conflict(c)) => Ok(FormAnswer::done_with_error(
            page + "#notes",
            format!("Nothing was changed: {}", c.message),
        )),
        Err(e) => Err(e.into()),
    }
}

#[post("/orders/<id>/notes/<note>/remove", data = "<_form>")]
async fn on_order(
    staff: Staff,
    mut write: WriteConn,
    id: PathId,
    note: PathId,
    _form: CsrfForm<TokenOnly>,
) -> Result<FormAnswer, AppError> {
    let subject = NoteSubject::Order(OrderId(id.or_404("order")?));
    remove(staff, &mut write, subject, note.or_404("note")?).await
}

#[post("/customers/<id>/notes/<note>/remove", data = "<_form>")]
async fn on_customer(
    staff: Staff,
    mut write: WriteConn,
    id: PathId,
    note: PathId,
    _form: CsrfForm<TokenOnly>,
) -> Result<FormAnswer, AppError> {
    let subject = NoteSubject::Customer(CustomerId(id.or_404("customer")?));
    remove(staff, &mut write, subject, note.or_404("note")?).await
}
