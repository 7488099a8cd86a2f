//! The note form (the same on an order's and a customer's page): the text
//! and the form's idempotency key, parsed into [`AddNote`].

use rocket::form::FromForm;

use crate::commands::add_note::AddNote;
use crate::domain::{FieldErrors, IdempotencyKey, NoteBody, NoteSubject};
use crate::web::shell::command_form::CommandForm;

/// A note as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct NoteForm {
    #[field(default = String::new())]
    pub body: String,
    #[field(default = String::new())]
    pub idempotency_key: String,
}

impl NoteForm {
    /// An empty form with a fresh key, as a page first shows it.
    pub fn fresh() -> Self {
        Self {
            body: String::new(),
            idempotency_key: IdempotencyKey::generate().to_string(),
        }
    }
}

impl CommandForm for NoteForm {
    type Input = AddNote;
    /// What the note is written on (the path's record).
    type Context = NoteSubject;

    fn parse(&self, subject: NoteSubject) -> Result<AddNote, FieldErrors> {
        // The key's trouble (a form from before the page's reload) is told
        // beside the text, the form's one field.
        NoteBody::parse(&self.body)
            .and_then(|body| {
                IdempotencyKey::parse(&self.idempotency_key).map(|idempotency_key| AddNote {
                    subject,
                    body,
                    idempotency_key,
                })
            })
            .map_err(|e| FieldErrors::single("body", e))
    }
}
