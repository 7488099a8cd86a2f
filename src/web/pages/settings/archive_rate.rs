//! `POST /tax-rates/<id>/archive`: a rate no longer offered (admins); the
//! products that have it keep it. A stale version or the shop's default rate
//! goes back to the page with the reason.

use rocket::{post, routes};

use super::form::ArchiveRateForm;
use crate::commands::CommandError;
use crate::commands::archive_tax_rate::archive_tax_rate;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::forms::CommandForm;
use crate::web::guards::{CsrfForm, ShopAdmin};
use crate::web::{FormAnswer, PathId, WriteConn, after_url};

pub fn routes() -> Vec<rocket::Route> {
    routes![archive]
}

#[post("/tax-rates/<id>/archive", data = "<form>")]
async fn archive(
    admin: ShopAdmin,
    mut conn: WriteConn,
    id: PathId,
    form: CsrfForm<ArchiveRateForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("tax rate")?;
    let ctx = admin.0.context();
    let result = match form.parse(id) {
        Ok(input) => {
            instrument_command(
                "archive_tax_rate",
                archive_tax_rate(&mut conn.0, input, &ctx),
            )
            .await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    match result {
        Ok(ack) => Ok(FormAnswer::done(
            after_url("/settings", ack.event_id, admin.0.csrf_token()),
            "Tax rate archived: products that have it keep it",
        )),
        Err(CommandError::Invalid(errors)) => Ok(FormAnswer::done_with_error(
            "/settings",
            errors.iter().map(|(_, m)| m).collect::<Vec<_>>().join("; "),
        )),
        Err(CommandError::Conflict(c)) => Ok(FormAnswer::done_with_error("/settings", c.message)),
        Err(e) => Err(e.into()),
    }
}
