//! `POST /imports/<kind>`: a CSV file (multipart). Admins only: an import
//! changes the catalogue, prices, stock and the customer list in bulk,
//! thousands of records at once, which is an administrator's decision
//! (clerks keep their one-at-a-time forms). The role is checked before the
//! body is read and the CSRF token (the form's first field) before the file;
//! the file is staged (`imports::stage`) and the browser sent to the
//! preview, which the worker fills in. A file that cannot be previewed
//! (binary, another encoding, a bad header, too many rows, too large) is
//! refused with the reason beside its form (422, 413 or 408); nothing is kept.

use rocket::http::Status;
use rocket::{State, post, routes};

use super::list::page;
use crate::config::Settings;
use crate::db::Pools;
use crate::domain::{FieldErrors, ImportKind};
use crate::error::AppError;
use crate::imports::ImportError;
use crate::imports::stage::{Upload, stage};
use crate::web::guards::Admin;
use crate::web::guards::csrf::refused_message;
use crate::web::guards::upload::{CsvUpload, UploadRefused};
use crate::web::{Chrome, FormAnswer, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![upload]
}

#[post("/imports/<kind>", data = "<upload>")]
async fn upload(
    _admin: Admin,
    chrome: Chrome,
    settings: &State<Settings>,
    pools: &State<Pools>,
    kind: &str,
    upload: Result<CsvUpload, UploadRefused>,
) -> Result<FormAnswer, AppError> {
    let (status, message) = match upload {
        Err(UploadRefused::NoSession) => {
            return Err(AppError::Forbidden("You are not signed in.".into()));
        }
        Err(UploadRefused::Forged) => return Err(AppError::Forbidden(refused_message().into())),
        Ok(_) | Err(_) if ImportKind::parse(kind).is_err() => {
            return Err(AppError::NotFound(
                "There is no such kind of import.".into(),
            ));
        }
        Err(UploadRefused::TooLarge(limit)) => (
            Status::PayloadTooLarge,
            format!("the file is larger than {} MB; split it", limit / 1_000_000),
        ),
        Err(UploadRefused::TooSlow) => (
            Status::RequestTimeout,
            "the upload was too slow and was stopped; try again".to_owned(),
        ),
        Err(UploadRefused::Malformed(why)) => (Status::BadRequest, why),
        Ok(file) => {
            let kind = ImportKind::parse(kind).map_err(AppError::NotFound)?;
            let mut conn = pools.write.get().await?;
            let upload = Upload {
                kind,
                owner: file.user.context().actor,
                file_name: file.file_name.clone(),
                path: file.file.path().to_owned(),
            };
            match stage(&mut conn, upload, settings.currency).await {
                Ok(job_id) => {
                    return Ok(FormAnswer::done(
                        format!("/imports/{job_id}"),
                        format!("{} uploaded; checking its rows", file.file_name),
                    ));
                }
                Err(ImportError::File(refusal)) => {
                    (Status::UnprocessableEntity, refusal.to_string())
                }
                Err(e) => return Err(AppError::Internal(e.to_string())),
            }
        }
    };
    let mut errors = FieldErrors::new();
    errors.add(kind, format!("Nothing was imported: {message}."));
    let mut read = pools.read.get().await?;
    let page = page(&mut read, chrome, errors).await?;
    Ok(FormAnswer::page(status, render_page(&page)?))
}
