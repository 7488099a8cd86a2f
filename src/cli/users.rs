//! `orderdesk user add|passwd|list` and `orderdesk ensure-admin`. Passwords
//! come from the terminal (not echoed) or from one line of standard input,
//! never from the command line, where `ps` and shell history would see them.

use std::io::{BufRead, IsTerminal};

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::CliError;
use crate::commands::CommandContext;
use crate::commands::change_password::{ChangePassword, change_password};
use crate::commands::create_user::{CreateUser, create_user};
use crate::db::schema::staff_users;
use crate::domain::{Actor, Password, Role, Username};
use crate::security::random_token;

fn context() -> CommandContext {
    CommandContext::new(Actor::system("cli"))
}

async fn connect(url: &str) -> Result<AsyncPgConnection, CliError> {
    AsyncPgConnection::establish(url)
        .await
        .map_err(CliError::Connect)
}

/// Reads a password: prompted twice without echo on a terminal, otherwise
/// the first line of standard input.
pub fn read_password(prompt: &str) -> Result<String, CliError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(prompt).map_err(CliError::Terminal)?;
        let again = rpassword::prompt_password("Repeat it: ").map_err(CliError::Terminal)?;
        if first != again {
            return Err(CliError::PasswordsDiffer);
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(CliError::Terminal)?;
        Ok(line.trim_end_matches(['\n', '\r']).to_owned())
    }
}

/// Creates a staff account; returns its id.
pub async fn add_user(
    url: &str,
    username: &str,
    role: &str,
    password: &str,
) -> Result<i64, CliError> {
    let username = Username::parse(username).map_err(CliError::Invalid)?;
    let input = CreateUser {
        password: Password::parse(password, &username).map_err(CliError::Invalid)?,
        role: Role::parse(role).map_err(CliError::Invalid)?,
        username,
    };
    let mut conn = connect(url).await?;
    Ok(create_user(&mut conn, input, &context()).await?.id)
}

/// Sets a new password for `username` (and ends that user's sessions).
pub async fn set_password(url: &str, username: &str, password: &str) -> Result<(), CliError> {
    let username = Username::parse(username).map_err(CliError::Invalid)?;
    let password = Password::parse(password, &username).map_err(CliError::Invalid)?;
    let mut conn = connect(url).await?;
    let user_id: i64 = staff_users::table
        .filter(staff_users::username.eq(username.as_str()))
        .select(staff_users::id)
        .first(&mut conn)
        .await
        .optional()?
        .ok_or_else(|| CliError::NoSuchUser(username.to_string()))?;
    change_password(&mut conn, ChangePassword { user_id, password }, &context()).await?;
    Ok(())
}

/// Every account as lines of `username role status last-sign-in`.
pub async fn list_users(url: &str) -> Result<Vec<String>, CliError> {
    let mut conn = connect(url).await?;
    let rows: Vec<(String, String, bool, Option<chrono::DateTime<chrono::Utc>>)> =
        staff_users::table
            .order(staff_users::username)
            .select((
                staff_users::username,
                staff_users::role,
                staff_users::active,
                staff_users::last_login_at,
            ))
            .load(&mut conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(name, role, active, last)| {
            format!(
                "{name:<30} {role:<7} {:<11} {}",
                if active { "active" } else { "deactivated" },
                last.map_or_else(|| "never signed in".into(), |t| t.to_rfc3339())
            )
        })
        .collect())
}

/// When there are no accounts at all, creates `admin` with a random password
/// and returns that password (to be shown once); otherwise `None`.
pub async fn ensure_admin(url: &str) -> Result<Option<String>, CliError> {
    let mut conn = connect(url).await?;
    let count: i64 = staff_users::table.count().get_result(&mut conn).await?;
    if count > 0 {
        return Ok(None);
    }
    let password: String = random_token().chars().take(32).collect();
    add_user(url, "admin", "admin", &password).await?;
    Ok(Some(password))
}
