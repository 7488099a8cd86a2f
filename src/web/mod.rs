//! The web layer: Rocket routes by resource, request guards, and the one place
//! where the write side and the read side meet (a handler calls a command or a
//! query, never both for the same purpose).

pub mod fairings;
pub mod guards;
pub mod pages;
pub mod shell;

/// The forms as the browser posts them, each defined beside its page in
/// [`pages`], gathered here for the command tests and the bench client.
pub mod forms {
    pub use super::pages::customers::{
        AddressForm, BookAddressForm, CustomerEditForm, CustomerForm, DefaultAddressForm, EditOf,
        RemoveAddressForm,
    };
    pub use super::pages::notes::NoteForm;
    pub use super::pages::orders::{BulkForm, CancelForm, LineForm, OrderForm};
    pub use super::pages::products::{AdjustmentForm, ProductEditForm, ProductForm, ReceiptForm};
    pub use super::pages::settings::{ArchiveRateForm, SettingsForm, TaxRateEditForm, TaxRateForm};
    pub use super::pages::users::{RoleForm, UserForm};
    pub use super::shell::command_form::CommandForm;
}

use rocket::http::Method;
use rocket::response::Redirect;
use rocket::response::content::RawHtml;
use rocket::{Build, Rocket, catchers};

use crate::config::{ConfigError, Settings};
use crate::db::Pools;
use shell::error_page::ErrorPage;

pub use fairings::request_id::{self, RequestId};
pub use guards::form_body;
pub use guards::{PathId, ReadConn, Staff, WriteConn};
pub use shell::{
    AfterParams, AwaitChange, ChangeWaiter, Chrome, Flash, FormAnswer, FreshnessNote, UserBadge,
    after_url, csv, error_page, filters,
};
pub(crate) use shell::{Page, page, render, render_page};

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
    shell::assets::Assets::scan(std::path::Path::new(&dir))
        .map_err(|source| StartError::StaticFiles { dir, source })?
        .install();
    let health = std::sync::Arc::new(crate::db::health::DbHealth::new(
        std::time::Duration::from_secs(settings.max_replication_lag_secs),
    ));
    let maintainer = fairings::maintainer_wakeup::Maintainer::new();
    let signal = maintainer.signal();
    Ok(rocket::custom(figment)
        .manage(signal)
        .manage(health)
        .attach(fairings::db_watch::DbWatch)
        .attach(maintainer)
        .attach(fairings::import_worker::ImportWorker::default())
        .attach(fairings::telemetry::Telemetry)
        .manage(pages::orders::ExportSlots::new(
            settings.max_concurrent_exports,
            std::time::Duration::from_secs(settings.export_timeout_secs),
        ))
        .manage(pages::auth::LoginGate::new(settings.pool_size))
        .manage(settings)
        .manage(pools)
        .manage(pages::dashboard::Kept::default())
        .attach(fairings::security_headers::SecurityHeaders)
        .attach(fairings::whole_body::WholeBody)
        .mount("/", pages::dashboard::routes())
        .mount("/", pages::health::routes())
        .mount("/", pages::orders::routes())
        .mount("/", pages::status::routes())
        .mount("/", pages::reports::routes())
        .mount("/", pages::auth::routes())
        .mount("/", pages::users::routes())
        .mount("/", pages::metrics::routes())
        .mount("/", pages::products::routes())
        .mount("/", pages::customers::routes())
        .mount("/", pages::notes::routes())
        .mount("/", pages::imports::routes())
        .mount("/", pages::settings::routes())
        .mount("/", pages::paused::routes())
        .mount("/", shell::assets::routes())
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
        req.local_cache(|| guards::Refusal("You may not do this. Nothing was changed.".into()));
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
