//! `POST /settings`: save the shop's settings against the version the form
//! showed (admins). Bad input answers 422 beside its field; a stale version
//! 409 with what changed meanwhile and the new version to save again against.

use rocket::http::Status;
use rocket::{post, routes};

use super::form::SettingsForm;
use super::show::{Forms, page};
use crate::commands::CommandError;
use crate::commands::change_shop_settings::change_shop_settings;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::forms::CommandForm;
use crate::web::guards::{CsrfForm, ShopAdmin};
use crate::web::{AwaitChange, Chrome, FormAnswer, ReadConn, WriteConn, after_url, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![update]
}

#[post("/settings", data = "<form>")]
async fn update(
    chrome: Chrome,
    admin: ShopAdmin,
    mut conn: WriteConn,
    mut read: ReadConn,
    form: CsrfForm<SettingsForm>,
) -> Result<FormAnswer, AppError> {
    let ctx = admin.0.context();
    let result = match form.parse(()) {
        Ok(input) => {
            instrument_command(
                "change_shop_settings",
                change_shop_settings(&mut conn.0, input, &ctx),
            )
            .await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    let mut submitted = form.into_inner();
    let (status, forms) = match result {
        Ok(ack) => {
            return Ok(FormAnswer::done(
                after_url("/settings", ack.event_id, admin.0.csrf_token()),
                "Settings saved",
            ));
        }
        Err(CommandError::Invalid(settings_errors)) => (
            Status::UnprocessableEntity,
            Forms {
                settings: Some(submitted),
                settings_errors,
                ..Forms::default()
            },
        ),
        Err(CommandError::Conflict(conflict)) => {
            if let Some(v) = conflict.current_version {
                submitted.version = v.to_string();
            }
            (
                Status::Conflict,
                Forms {
                    settings: Some(submitted),
                    settings_conflict: Some(conflict),
                    ..Forms::default()
                },
            )
        }
        Err(e) => return Err(e.into()),
    };
    let page = page(&mut read.0, chrome, AwaitChange::default(), forms).await?;
    Ok(FormAnswer::page(status, render_page(&page)?))
}
