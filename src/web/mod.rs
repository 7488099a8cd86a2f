//! The web layer: Rocket routes by resource, request guards, and the one place
//! where the write side and the read side meet (a handler calls a command or a
//! query, never both for the same purpose).

mod assets;
pub mod auth;
mod await_change;
mod charts;
mod chrome;
pub mod csv;
mod customers;
mod dashboard;
mod db_guard;
mod db_watch;
pub mod error_page;
mod etag;
pub mod filters;
mod flash;
mod form_answer;
pub mod form_body;
pub mod forms;
mod freshness_note;
mod health;
mod maintainer;
mod metrics;
mod orders;
mod page_read;
mod params;
mod path_id;
mod paused;
mod products;
mod read_models;
mod reports;
pub mod request_id;
mod staff;
mod telemetry;
mod users;
mod whole_body;

use rocket::http::Method;
use rocket::response::Redirect;
use rocket::response::content::RawHtml;
use rocket::{Build, Rocket, catchers};

use crate::config::{ConfigError, Settings};
use crate::db::Pools;
use error_page::ErrorPage;

pub use await_change::{AfterParams, AwaitChange, ChangeWaiter};
pub use chrome::{Chrome, Flash, UserBadge};
pub use db_guard::{ReadConn, WriteConn};
pub use form_answer::FormAnswer;
pub use freshness_note::FreshnessNote;
pub use path_id::PathId;
pub use request_id::RequestId;
pub use staff::Staff;

/// Why the application could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The pools could not be set up from the database URLs.
    #[error("cannot set up the connection pools")]
    Pools(#[source] crate::db::DbError),
    #[error("cannot read the static files in {dir}")]
    StaticFiles {
        dir: String,
        #[source]
        source: std::io::Error,
    },
}

/// Builds the application from a figment (see [`Settings::figment`]).
pub fn build_rocket(figment: rocket::figment::Figment) -> Result<Rocket<Build>, StartError> {
    let settings = Settings::from_figment(&figment)?;
    let pools = Pools::with_limits(
        &settings.database_url,
        settings.read_url(),
        settings.pool_options(),
        settings.session_limits(),
    )
    .map_err(StartError::Pools)?;
    crate::observability::install();
    let dir = static_dir();
    assets::Assets::scan(std::path::Path::new(&dir))
        .map_err(|source| StartError::StaticFiles { dir, source })?
        .install();
    let health = std::sync::Arc::new(crate::db::health::DbHealth::new(
        std::time::Duration::from_secs(settings.max_replication_lag_secs),
    ));
    let maintainer = maintainer::Maintainer::new();
    let signal = maintainer.signal();
    Ok(rocket::custom(figment)
        .manage(signal)
        .manage(health)
        .attach(db_watch::DbWatch)
        .attach(paused::PausedForms)
        .attach(maintainer)
        .attach(telemetry::Telemetry)
        .manage(orders::ExportSlots::new(
            settings.max_concurrent_exports,
            std::time::Duration::from_secs(settings.export_timeout_secs),
        ))
        .manage(auth::LoginGate::new(settings.pool_size))
        .manage(settings)
        .manage(pools)
        .manage(dashboard::Kept::default())
        .attach(auth::SecurityHeaders)
        .attach(whole_body::WholeBody)
        .mount("/", dashboard::routes())
        .mount("/", health::routes())
        .mount("/", orders::routes())
        .mount("/", read_models::routes())
        .mount("/", reports::routes())
        .mount("/", auth::routes())
        .mount("/", users::routes())
        .mount("/", metrics::routes())
        .mount("/", products::routes())
        .mount("/", customers::routes())
        .mount("/", paused::routes())
        .mount("/", assets::routes())
        .register(
            "/",
            catchers![
                unauthorized,
                forbidden,
                not_found,
                unprocessable,
                unavailable,
                internal
            ],
        ))
}

/// `static/` beside the binary's crate, unless `ORDERDESK_STATIC_DIR` says otherwise.
fn static_dir() -> String {
    std::env::var("ORDERDESK_STATIC_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/static").to_owned())
}

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

fn catcher_page(
    status: rocket::http::Status,
    message: &str,
) -> rocket::response::content::RawHtml<String> {
    rocket::response::content::RawHtml(ErrorPage::new(status, message).html())
}

/// No session: a page (GET) is sent to the sign-in form with a way back;
/// an action gets a 401 page (its form data cannot survive a redirect).
#[rocket::catch(401)]
fn unauthorized(req: &rocket::Request<'_>) -> Result<Redirect, RawHtml<String>> {
    if req.method() == Method::Get || req.method() == Method::Head {
        let next = req.uri().to_string();
        Ok(Redirect::to(format!(
            "/login?next={}",
            rocket::http::RawStr::new(&next).percent_encode()
        )))
    } else {
        Err(catcher_page(
            rocket::http::Status::Unauthorized,
            "Your session has ended or you are not signed in, so nothing was saved. \
             Sign in and try again.",
        ))
    }
}

/// A role or CSRF refusal, with the reason the guard left.
#[rocket::catch(403)]
fn forbidden(req: &rocket::Request<'_>) -> RawHtml<String> {
    let reason =
        req.local_cache(|| auth::Refusal("You may not do this. Nothing was changed.".into()));
    catcher_page(rocket::http::Status::Forbidden, &reason.0)
}

#[rocket::catch(404)]
fn not_found() -> rocket::response::content::RawHtml<String> {
    catcher_page(
        rocket::http::Status::NotFound,
        "There is no page at this address.",
    )
}

#[rocket::catch(422)]
fn unprocessable() -> rocket::response::content::RawHtml<String> {
    catcher_page(
        rocket::http::Status::UnprocessableEntity,
        "The submitted data could not be read. Nothing was saved.",
    )
}

#[rocket::catch(503)]
fn unavailable() -> rocket::response::content::RawHtml<String> {
    catcher_page(
        rocket::http::Status::ServiceUnavailable,
        "The database is not answering right now. Nothing was saved; try again in a moment.",
    )
}

#[rocket::catch(500)]
fn internal() -> rocket::response::content::RawHtml<String> {
    catcher_page(
        rocket::http::Status::InternalServerError,
        "Something went wrong on our side. Nothing was saved.",
    )
}
