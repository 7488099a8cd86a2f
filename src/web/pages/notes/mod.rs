//! Internal notes on an order's and a customer's page: the list (who, when,
//! the text; a Remove button for the note's author or an admin) and the form
//! to write one. Adding answers 303 back to the page with a flash, or the
//! page again (422) with the error beside the text and nothing written;
//! removing answers 303 with a flash (a note already removed says by whom).

mod add;
mod form;
mod remove;

pub use form::NoteForm;

use rocket::http::Status;

use crate::commands::{Ack, CommandError};
use crate::domain::{FieldErrors, NoteSubject};
use crate::error::AppError;
use crate::queries::notes::NoteRow;
use crate::web::pages::{customers, orders};
use crate::web::{AwaitChange, Chrome, FormAnswer, ReadConn, Staff, after_url, render_page};

pub fn routes() -> Vec<rocket::Route> {
    let mut routes = add::routes();
    routes.extend(remove::routes());
    routes
}

/// The note form as a page shows it: empty with a fresh key, or as typed
/// with its error.
#[derive(Debug, Clone)]
pub struct NoteState {
    pub form: NoteForm,
    pub errors: FieldErrors,
}

impl Default for NoteState {
    fn default() -> Self {
        Self {
            form: NoteForm::fresh(),
            errors: FieldErrors::new(),
        }
    }
}

/// A page's notes section, ready for `partials/notes.html`.
#[derive(Debug, Clone)]
pub struct NotesView {
    /// Where the form posts (`/orders/12/notes`); a note's removal posts
    /// to `<action>/<note id>/remove`.
    pub action: String,
    pub notes: Vec<NoteRow>,
    /// Older notes were left out (the page lists the newest).
    pub more: bool,
    pub form: NoteForm,
    pub errors: FieldErrors,
    username: Option<String>,
    admin: bool,
}

impl NotesView {
    pub fn new(
        subject: NoteSubject,
        notes: Vec<NoteRow>,
        more: bool,
        state: NoteState,
        chrome: &Chrome,
    ) -> Self {
        Self {
            action: path(subject) + "/notes",
            notes,
            more,
            form: state.form,
            errors: state.errors,
            username: chrome
                .user
                .as_ref()
                .filter(|_| chrome.can_write())
                .map(|u| u.username.clone()),
            admin: chrome.is_admin(),
        }
    }

    /// Whether the page shows `note`'s Remove button: to its author (who may
    /// still write) and to admins. The command decides again by the account.
    pub fn can_remove(&self, note: &NoteRow) -> bool {
        self.admin || self.username.as_deref() == Some(note.author.as_str())
    }
}

/// The page of a note's subject.
fn path(subject: NoteSubject) -> String {
    match subject {
        NoteSubject::Order(id) => format!("/orders/{id}"),
        NoteSubject::Customer(id) => format!("/customers/{id}"),
    }
}

/// What adding a note becomes: back to the subject's page (at its notes) with
/// a flash, or the page again with the form as typed and its error (422).
async fn answer(
    chrome: Chrome,
    staff: &Staff,
    read: &mut ReadConn,
    subject: NoteSubject,
    result: Result<Ack, CommandError>,
    form: NoteForm,
) -> Result<FormAnswer, AppError> {
    let errors = match result {
        Ok(ack) => {
            let page = path(subject);
            let url = if ack.replayed {
                page
            } else {
                after_url(&page, ack.event_id, staff.clerk.0.csrf_token())
            };
            return Ok(FormAnswer::done(url + "#notes", "Note added"));
        }
        Err(CommandError::Invalid(errors)) => errors,
        Err(e) => return Err(e.into()),
    };
    let state = NoteState { form, errors };
    let html = match subject {
        NoteSubject::Order(id) => {
            let (page, _) =
                orders::show::page(&mut read.0, chrome, id.get(), AwaitChange::default(), state)
                    .await?;
            render_page(&page)?
        }
        NoteSubject::Customer(id) => {
            let edit = customers::show::EditState {
                note: state,
                ..customers::show::EditState::default()
            };
            let page =
                customers::show::page(&mut read.0, chrome, id.get(), AwaitChange::default(), edit)
                    .await?;
            render_page(&page)?
        }
    };
    Ok(FormAnswer::page(Status::UnprocessableEntity, html))
}
