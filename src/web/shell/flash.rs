//! Flash messages after Post/Redirect/Get: the redirect sets a short-lived
//! cookie (Rocket's `Flash`), the next page shows it once.

use rocket::request::FlashMessage;

use super::Flash;

/// Normalises the kind to `success` or `error` (it becomes a CSS class).
impl From<FlashMessage<'_>> for Flash {
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
