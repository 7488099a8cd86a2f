//! The staff page's actions: create, change role, deactivate. Admin only,
//! CSRF-checked, Post/Redirect/Get.

use rocket::http::Status;
use rocket::response::content::RawHtml;
use rocket::{post, routes};

use crate::commands::change_role::change_role;
use crate::commands::create_user::create_user;
use crate::commands::deactivate_user::{DeactivateUser, deactivate_user};
use crate::commands::{Ack, CommandError};
use crate::error::AppError;
use crate::web::forms::{CommandForm, RoleForm, UserForm};
use crate::web::guards::{Admin, CsrfForm, TokenOnly};
use crate::web::{FormAnswer, WriteConn};

pub fn routes() -> Vec<rocket::Route> {
    routes![create, set_role, deactivate]
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
