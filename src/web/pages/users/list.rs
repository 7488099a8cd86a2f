//! `/users`: the admin-only staff page. Lists accounts and offers forms to
//! create one, change a role and deactivate an account (each a POST with a
//! CSRF token, answered with a 303 redirect and a flash message).
//!
//! Staff accounts are not business data and have no read model: this page
//! reads `staff_users` directly through the write pool.

use askama::Template;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rocket::request::FlashMessage;
use rocket::response::content::RawHtml;
use rocket::{get, routes};

use super::UserForm;
use crate::db::schema::staff_users;
use crate::domain::{FieldErrors, Role};
use crate::error::AppError;
use crate::web::Flash;
use crate::web::WriteConn;
use crate::web::filters;
use crate::web::guards::{Admin, CurrentUser};

pub fn routes() -> Vec<rocket::Route> {
    routes![index]
}

/// One row of the staff table.
#[derive(Debug, Queryable)]
struct StaffRow {
    id: i64,
    username: String,
    role: Role,
    active: bool,
    created_at: DateTime<Utc>,
    last_login_at: Option<DateTime<Utc>>,
}

impl StaffRow {
    fn last_login(&self) -> String {
        self.last_login_at.map_or_else(
            || "never".into(),
            |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
        )
    }

    fn created(&self) -> String {
        self.created_at.format("%Y-%m-%d").to_string()
    }
}

/// The staff page, with the new-user form (and its errors after a refusal).
#[derive(Template)]
#[template(path = "users/list.html")]
struct UsersPage {
    chrome: crate::web::Chrome,
    user: CurrentUser,
    rows: Vec<StaffRow>,
    roles: Vec<&'static str>,
    flash: Option<Flash>,
    new_username: String,
    new_role: String,
    errors: FieldErrors,
}

impl UsersPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

async fn load_rows(conn: &mut AsyncPgConnection) -> QueryResult<Vec<StaffRow>> {
    staff_users::table
        .order((staff_users::active.desc(), staff_users::username))
        .select((
            staff_users::id,
            staff_users::username,
            staff_users::role,
            staff_users::active,
            staff_users::created_at,
            staff_users::last_login_at,
        ))
        .load(conn)
        .await
}

/// Renders the page; `form` and `errors` refill the new-user form after a refusal.
pub(super) async fn render(
    conn: &mut AsyncPgConnection,
    user: CurrentUser,
    flash: Option<Flash>,
    form: Option<&UserForm>,
    errors: FieldErrors,
) -> Result<String, AppError> {
    let page = UsersPage {
        chrome: crate::web::Chrome::for_user(&user),
        user,
        rows: load_rows(conn).await?,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        flash,
        new_username: form.map(|f| f.username.clone()).unwrap_or_default(),
        new_role: form.map_or_else(|| "clerk".into(), |f| f.role.clone()),
        errors,
    };
    page.render().map_err(|e| AppError::Internal(e.to_string()))
}

#[get("/users")]
async fn index(
    admin: Admin,
    mut db: WriteConn,
    flash: Option<FlashMessage<'_>>,
) -> Result<RawHtml<String>, AppError> {
    let flash = flash.map(Flash::from);
    render(&mut db.0, admin.0, flash, None, FieldErrors::new())
        .await
        .map(RawHtml)
}
