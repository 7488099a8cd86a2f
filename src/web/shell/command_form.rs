//! Forms as the browser posts them (every field a string, so a refused form
//! can be shown again exactly as typed) and their one parsing shape,
//! [`CommandForm::parse`]: the form, plus what the request adds (the id in
//! the path, the shop's currency), becomes a command's typed input, or every
//! field's error at once ([`FieldErrors`], each shown beside its input).
//!
//! The write side never sees these types: commands take only typed inputs
//! (zero-to-production's `FormData` + `TryFrom`, with a context).

use crate::domain::FieldErrors;

/// A submitted form that parses into a command's typed input.
pub trait CommandForm {
    /// The command's input.
    type Input;
    /// What the request adds to the form's fields: `()` for a form that
    /// stands alone, the record's id from the path, the shop's currency.
    type Context;

    /// Parses every field, collecting every error.
    fn parse(&self, context: Self::Context) -> Result<Self::Input, FieldErrors>;
}

/// The version an edit form was filled from, recorded as a `version` error
/// when the form lost it.
pub(crate) fn expected_version(errors: &mut FieldErrors, raw: &str) -> Option<i32> {
    errors.check(
        "version",
        raw.trim()
            .parse::<i32>()
            .map_err(|_| "the form lost its version; reload the page".to_owned()),
    )
}

/// The button a form was submitted with: one of the form's typed actions
/// (`T`, a `#[derive(FromFormField)]` enum), or the raw value of a button the
/// form does not have (or an empty one when none was named), so each form
/// answers it its own way instead of failing to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Button<T> {
    Pressed(T),
    Unknown(String),
}

impl<T> Default for Button<T> {
    fn default() -> Self {
        Self::Unknown(String::new())
    }
}

#[rocket::async_trait]
impl<'v, T: rocket::form::FromFormField<'v>> rocket::form::FromFormField<'v> for Button<T> {
    fn from_value(field: rocket::form::ValueField<'v>) -> rocket::form::Result<'v, Self> {
        let raw = field.value;
        Ok(T::from_value(field).map_or_else(|_| Self::Unknown(raw.to_owned()), Self::Pressed))
    }

    fn default() -> Option<Self> {
        Some(Self::Unknown(String::new()))
    }
}

#[cfg(test)]
mod tests {
    use rocket::form::{Form, FromForm, FromFormField};
    use rocket::http::RawStr;

    use super::Button;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, FromFormField)]
    enum Action {
        #[field(value = "go_on")]
        GoOn,
        Stop,
    }

    #[derive(Debug, FromForm)]
    struct Buttons {
        action: Button<Action>,
    }

    fn pressed(body: &str) -> Button<Action> {
        Form::<Buttons>::parse_encoded(RawStr::new(body))
            .map_or_else(|e| panic!("{body}: {e}"), |form| form.action)
    }

    #[test]
    fn a_known_button_is_its_variant() {
        assert_eq!(pressed("action=go_on"), Button::Pressed(Action::GoOn));
        assert_eq!(pressed("action=stop"), Button::Pressed(Action::Stop));
    }

    #[test]
    fn an_unknown_or_missing_button_keeps_what_was_sent() {
        assert_eq!(pressed("action=delete"), Button::Unknown("delete".into()));
        assert_eq!(pressed(""), Button::Unknown(String::new()));
    }
}
