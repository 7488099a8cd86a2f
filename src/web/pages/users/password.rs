//! `/account/password`: any signed-in user changes their own password. The
//! current password is required (a borrowed open tab cannot lock its owner
//! out), the new one meets the creation rules, and every session of the
//! account ends, this one too: the answer is the sign-in page.

use askama::Template;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::content::RawHtml;
use rocket::{get, post, routes};

use crate::commands::CommandError;
use crate::commands::change_password::{ChangePassword, change_password};
use crate::db::schema::staff_users;
use crate::domain::{Password, Username};
use crate::error::AppError;
use crate::security::verify_password;
use crate::web::guards::CsrfForm;
use crate::web::{Chrome, FormAnswer, WriteConn, filters, page, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![form, change]
}

#[derive(Template)]
#[template(path = "users/password.html")]
struct PasswordPage {
    chrome: Chrome,
    error: Option<String>,
}

page!(PasswordPage);

/// The form as submitted (no `Debug`: it holds passwords).
#[derive(Clone, Default, FromForm)]
pub struct OwnPasswordForm {
    pub current_password: String,
    pub password: String,
}

#[get("/account/password")]
fn form(chrome: Chrome) -> Result<RawHtml<String>, AppError> {
    render_page(&PasswordPage {
        chrome,
        error: None,
    })
}

fn refused(chrome: Chrome, error: String) -> Result<FormAnswer, AppError> {
    let page = render_page(&PasswordPage {
        chrome,
        error: Some(error),
    })?;
    Ok(FormAnswer::page(Status::UnprocessableEntity, page))
}

#[post("/account/password", data = "<form>")]
async fn change(
    chrome: Chrome,
    form: CsrfForm<OwnPasswordForm>,
    mut db: WriteConn,
) -> Result<FormAnswer, AppError> {
    let CsrfForm { user, form } = form;
    let stored: Option<String> = staff_users::table
        .find(user.id)
        .select(staff_users::password_hash)
        .first(&mut db.0)
        .await
        .optional()?;
    if !verify_password(form.current_password.clone(), stored).await {
        return refused(
            chrome,
            "The current password is not right; nothing was changed.".into(),
        );
    }
    let password = Username::parse(&user.username)
        .and_then(|username| Password::parse(&form.password, &username));
    let password = match password {
        Ok(p) => p,
        Err(message) => return refused(chrome, message),
    };
    match change_password(
        &mut db.0,
        ChangePassword {
            user_id: user.id,
            password,
        },
        &user.context(),
    )
    .await
    {
        Ok(_) => Ok(FormAnswer::done(
            "/login",
            "Password changed; every session ended. Sign in with the new password.",
        )),
        Err(CommandError::Invalid(errors)) => refused(
            chrome,
            errors
                .iter()
                .map(|(_, m)| m.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Err(e) => Err(e.into()),
    }
}
