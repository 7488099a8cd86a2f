//! `GET /`: the landing page.

use askama::Template;
use rocket::response::content::RawHtml;
use rocket::{get, routes};

use crate::error::AppError;

pub fn routes() -> Vec<rocket::Route> {
    routes![home]
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage;

#[get("/")]
fn home() -> Result<RawHtml<String>, AppError> {
    HomePage
        .render()
        .map(RawHtml)
        .map_err(|e| AppError::Internal(e.to_string()))
}
