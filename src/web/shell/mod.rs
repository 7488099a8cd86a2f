//! The shell every page is drawn in: the layout's [`Chrome`], rendering
//! ([`render`], [`render_page`]), flash messages, the form answer, the error
//! page, the freshness note, ETags, charts, CSV cells, template filters and
//! the fingerprinted static files. The shell knows no page.

pub mod assets;
mod await_change;
pub mod charts;
mod chrome;
pub mod command_form;
pub mod csv;
pub mod error_page;
pub mod etag;
pub mod filters;
mod flash;
mod form_answer;
mod freshness_note;

pub use await_change::{AfterParams, AwaitChange, ChangeWaiter, after_url};
pub use chrome::{Chrome, Flash, UserBadge};
pub use form_answer::FormAnswer;
pub use freshness_note::FreshnessNote;

/// Renders a template into an HTML response; a template error is a 500.
pub(crate) fn render(
    page: &impl askama::Template,
) -> Result<rocket::response::content::RawHtml<String>, crate::error::AppError> {
    page.render()
        .map(rocket::response::content::RawHtml)
        .map_err(|e| crate::error::AppError::Internal(format!("template: {e}")))
}

/// A page template: it carries the layout's [`Chrome`], whose currency the
/// `money` filter uses. [`render_page`] needs it; [`page!`] implements it.
pub(crate) trait Page: askama::Template {
    fn chrome(&self) -> &Chrome;
}

/// Implements [`Page`] for page structs with a `chrome` field.
macro_rules! page {
    ($($page:ty),+ $(,)?) => {
        $(impl $crate::web::Page for $page {
            fn chrome(&self) -> &$crate::web::Chrome {
                &self.chrome
            }
        })+
    };
}
pub(crate) use page;

/// Renders a page whose amounts are written in the shop's currency; a
/// template error is a 500. (A template that shows money through [`render`]
/// fails loudly: the filter finds no currency.)
pub(crate) fn render_page(
    page: &impl Page,
) -> Result<rocket::response::content::RawHtml<String>, crate::error::AppError> {
    page.render_with_values(page.chrome())
        .map(rocket::response::content::RawHtml)
        .map_err(|e| crate::error::AppError::Internal(format!("template: {e}")))
}
