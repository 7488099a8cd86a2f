//! `/account/password`: any signed-in user changes their own password. The
//! current password is required (a borrowed open tab cannot lock its owner
//! out) and checked as a sign-in checks one (`auth::recheck`: the gate and the
//! throttle), the new one meets the creation rules, and every session of the
//! account ends, this one too: the answer signs the browser out and goes to
//! the sign-in page.

use askama::Template;
use rocket::Either;
use rocket::form::FromForm;
use rocket::http::{CookieJar, Status};
use rocket::response::content::RawHtml;
use rocket::{State, get, post, routes};

use crate::commands::CommandError;
use crate::commands::change_password::{ChangePassword, change_password};
use crate::config::Settings;
use crate::db::Pools;
use crate::domain::{Password, Username};
use crate::error::AppError;
use crate::web::guards::session::SignedOut;
use crate::web::guards::{ClientInfo, CsrfForm, WritesOpen};
use crate::web::pages::auth::LoginGate;
use crate::web::pages::auth::recheck::{self, Checked};
use crate::web::{Chrome, FormAnswer, filters, page, render_page};

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

fn refused<L>(
    chrome: Chrome,
    status: Status,
    error: String,
) -> Result<Either<L, FormAnswer>, AppError> {
    let page = render_page(&PasswordPage {
        chrome,
        error: Some(error),
    })?;
    Ok(Either::Right(FormAnswer::page(status, page)))
}

#[post("/account/password", data = "<form>")]
#[expect(
    clippy::too_many_arguments,
    reason = "Rocket hands a route its guards as arguments"
)]
async fn change(
    chrome: Chrome,
    form: CsrfForm<OwnPasswordForm>,
    _open: WritesOpen,
    pools: &State<Pools>,
    gate: &State<LoginGate>,
    cookies: &CookieJar<'_>,
    settings: &State<Settings>,
    client: ClientInfo,
) -> Result<Either<SignedOut<FormAnswer>, FormAnswer>, AppError> {
    let CsrfForm { user, form } = form;
    // The current password is checked as a sign-in checks one: through the
    // gate and the throttle, no connection held while argon2 runs.
    let current = form.current_password.clone();
    let checked =
        recheck::current_password(gate, pools, cookies, settings, &client, &user, current).await?;
    let _turn = match checked {
        Checked::Right(turn) => turn,
        Checked::Wrong => {
            return refused(
                chrome,
                Status::UnprocessableEntity,
                "The current password is not right; nothing was changed.".into(),
            );
        }
        Checked::Refused(status, message) => return refused(chrome, status, message),
    };
    let password = Username::parse(&user.username)
        .and_then(|username| Password::parse(&form.password, &username));
    let password = match password {
        Ok(p) => p,
        Err(message) => return refused(chrome, Status::UnprocessableEntity, message),
    };
    let mut db = pools.write.get().await?;
    let changed = change_password(
        &mut db,
        ChangePassword {
            user_id: user.id,
            password,
        },
        &user.context(),
    )
    .await;
    match changed {
        // Every session of the account ended, this one too: a sign-out.
        Ok(_) => Ok(Either::Left(SignedOut(FormAnswer::done(
            "/login",
            "Password changed; every session ended. Sign in with the new password.",
        )))),
        Err(CommandError::Invalid(errors)) => refused(
            chrome,
            Status::UnprocessableEntity,
            errors
                .iter()
                .map(|(_, m)| m.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Err(e) => Err(e.into()),
    }
}
