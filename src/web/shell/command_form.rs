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
