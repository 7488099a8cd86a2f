//! The staff page's actions: create, change role, reset a password, sign
//! out everywhere, deactivate. Admin only, CSRF-checked, Post/Redirect/Get.

use rocket::http::Status;
use rocket::response::content::RawHtml;
use rocket::{post, routes};

use super::form::PasswordForm;
use crate::commands::change_password::{ChangePassword, change_password};
use crate::commands::change_role::change_role;
use crate::commands::create_user::create_user;
use crate::commands::deactivate_user::{DeactivateUser, deactivate_user};
use crate::commands::end_sessions::{EndSessions, end_sessions};
use crate::commands::{Ack, CommandError};
use crate::db::schema::staff_users;
use crate::domain::{FieldErrors, Password, Username};
use crate::error::AppError;
use crate::web::forms::{CommandForm, RoleForm, UserForm};
use crate::web::guards::{Admin, CsrfForm, TokenOnly};
use crate::web::{FormAnswer, WriteConn};

pub fn routes() -> Vec<rocket::Route> {
    routes![
        create,
        set_role,
        reset_password,
        sign_out_everywhere,
        deactivate
    ]
}

fn back(message: String) -> FormAnswer {
    FormAnswer::done("/users", message)
}

/// A refused edit goes back to the list with the reason; other errors are pages.
fn outcome(result: Result<Ack, CommandError>, done: String) -> Result<FormAnswer, AppError> {
    match result {
        Ok(_) => Ok(back(done)),
        Err(CommandError::Invalid(errors)) => Ok(FormAnswer::done_with_error(
            "/users",
            errors.iter().map(|(_, m)| m).collect::<Vec<_>>().join("; "),
        )),
        Err(e) => Err(e.into()),
    }
}

#[post("/users", data = "<form>")]
async fn create(
    _admin: Admin,
    form: CsrfForm<UserForm>,
    mut db: WriteConn,
) -> Result<FormAnswer, AppError> {
    let CsrfForm { user, form } = form;
    let result = match form.parse(()) {
        Ok(input) => create_user(&mut db.0, input, &user.context()).await,
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(back(format!(
            "Created {}.",
            form.username.trim().to_lowercase()
        ))),
        Err(CommandError::Invalid(errors)) => {
            let page = super::list::render(&mut db.0, user, None, Some(&form), errors).await?;
            Ok(FormAnswer::page(Status::UnprocessableEntity, RawHtml(page)))
        }
        Err(e) => Err(e.into()),
    }
}

#[post("/users/<id>/role", data = "<form>")]
async fn set_role(
    _admin: Admin,
    id: i64,
    form: CsrfForm<RoleForm>,
    mut db: WriteConn,
) -> Result<FormAnswer, AppError> {
    let ctx = form.user.context();
    let result = match form.form.parse(id) {
        Ok(input) => change_role(&mut db.0, input, &ctx).await,
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    outcome(
        result,
        format!("Role changed to {}.", form.form.role.trim()),
    )
}

#[post("/users/<id>/deactivate", data = "<form>")]
async fn deactivate(
    _admin: Admin,
    id: i64,
    form: CsrfForm<TokenOnly>,
    mut db: WriteConn,
) -> Result<FormAnswer, AppError> {
    let result = deactivate_user(
        &mut db.0,
        DeactivateUser { user_id: id },
        &form.user.context(),
    )
    .await;
    outcome(
        result,
        "Account deactivated; its sessions have ended.".into(),
    )
}

/// An admin ends every session of an account (a lost phone, a PC left signed
/// in): it must sign in again; its password stays.
#[post("/users/<id>/sessions/end", data = "<form>")]
async fn sign_out_everywhere(
    _admin: Admin,
    id: i64,
    form: CsrfForm<TokenOnly>,
    mut db: WriteConn,
) -> Result<FormAnswer, AppError> {
    let result = end_sessions(&mut db.0, EndSessions { user_id: id }, &form.user.context()).await;
    outcome(
        result,
        "Signed out everywhere: every session of the account has ended.".into(),
    )
}

/// An admin sets a new password for an account (one forgotten, or one that
/// may have leaked): every session of that account ends.
#[post("/users/<id>/password", data = "<form>")]
async fn reset_password(
    _admin: Admin,
    id: i64,
    form: CsrfForm<PasswordForm>,
    mut db: WriteConn,
) -> Result<FormAnswer, AppError> {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let name: Option<String> = staff_users::table
        .find(id)
        .select(staff_users::username)
        .first(&mut db.0)
        .await
        .optional()?;
    let Some(name) = name else {
        return Err(AppError::NotFound(format!("There is no account #{id}.")));
    };
    let parsed = Username::parse(&name)
        .map_err(|m| FieldErrors::single("password", m))
        .and_then(|username| {
            Password::parse(&form.form.password, &username)
                .map_err(|m| FieldErrors::single("password", m))
        });
    let result = match parsed {
        Ok(password) => {
            change_password(
                &mut db.0,
                ChangePassword {
                    user_id: id,
                    password,
                },
                &form.user.context(),
            )
            .await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    outcome(
        result,
        format!("New password set for {name}; its sessions have ended."),
    )
}
