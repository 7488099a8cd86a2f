//! `/users`: the admin-only staff page, its forms and its actions.

mod actions;
mod form;
mod list;
mod password;

pub use form::{PasswordForm, RoleForm, UserForm};

/// The staff page and its actions.
pub fn routes() -> Vec<rocket::Route> {
    let mut all = list::routes();
    all.extend(actions::routes());
    all.extend(password::routes());
    all
}
