//! `GET /`: the landing page, for any signed-in staff member.

use askama::Template;
use rocket::response::content::RawHtml;
use rocket::{get, routes};

use crate::error::AppError;
use crate::web::auth::CurrentUser;

pub fn routes() -> Vec<rocket::Route> {
    routes![home]
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    user: CurrentUser,
}

#[get("/")]
fn home(user: CurrentUser) -> Result<RawHtml<String>, AppError> {
    HomePage { user }
        .render()
        .map(RawHtml)
        .map_err(|e| AppError::Internal(e.to_string()))
}
