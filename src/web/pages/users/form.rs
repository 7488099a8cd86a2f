//! The staff page's forms: a new account, and another role for one.

use rocket::form::FromForm;

use crate::commands::change_role::ChangeRole;
use crate::commands::create_user::CreateUser;
use crate::domain::{FieldErrors, Password, Role, Username};
use crate::web::shell::command_form::CommandForm;

/// A new staff account as submitted.
#[derive(Clone, Default, FromForm)]
pub struct UserForm {
    pub username: String,
    pub password: String,
    pub role: String,
}

impl CommandForm for UserForm {
    type Input = CreateUser;
    type Context = ();

    fn parse(&self, (): ()) -> Result<CreateUser, FieldErrors> {
        let mut errors = FieldErrors::new();
        let username = errors.check("username", Username::parse(&self.username));
        let role = errors.check("role", Role::parse(&self.role));
        let password = username
            .as_ref()
            .and_then(|u| errors.check("password", Password::parse(&self.password, u)));
        match (username, password, role) {
            (Some(username), Some(password), Some(role)) if errors.is_empty() => Ok(CreateUser {
                username,
                password,
                role,
            }),
            _ => Err(errors),
        }
    }
}

/// Another role for an account, as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct RoleForm {
    pub role: String,
}

impl CommandForm for RoleForm {
    type Input = ChangeRole;
    /// The account's id.
    type Context = i64;

    fn parse(&self, user_id: i64) -> Result<ChangeRole, FieldErrors> {
        Role::parse(&self.role)
            .map(|role| ChangeRole { user_id, role })
            .map_err(|m| FieldErrors::single("role", m))
    }
}

/// An admin's new password for an account (no `Debug`: it holds a password).
#[derive(Clone, Default, FromForm)]
pub struct PasswordForm {
    pub password: String,
}
