//! Flash messages after Post/Redirect/Get: the redirect sets a short-lived
//! cookie (Rocket's `Flash`), the next page shows it once.

use rocket::request::FlashMessage;

/// A flash message ready for a template.
#[derive(Debug, Clone)]
pub struct FlashView {
    /// `success` or `error` (used as a CSS class).
    pub kind: String,
    pub message: String,
}

impl From<FlashMessage<'_>> for FlashView {
    fn from(flash: FlashMessage<'_>) -> Self {
        let kind = if flash.kind() == "success" {
            "success"
        } else {
            "error"
        };
        Self {
            kind: kind.into(),
            message: flash.message().to_owned(),
        }
    }
}
