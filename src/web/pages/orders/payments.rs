//! The order page's Payments panel posts: `POST /orders/<id>/payments`
//! (record a payment), `/orders/<id>/refunds` (refund) and
//! `/orders/<id>/payments/<payment_id>/void`. Each runs its command and
//! redirects to the order (303, a flash); a refusal answers the order page
//! again with 422 and the error beside its field, nothing written. An amount
//! above the balance due comes back with the confirm-overpayment checkbox.

use rocket::http::Status;
use rocket::{post, routes};

use super::payment_form::{PaymentForm, RefundForm, VoidForm};
use super::show::{PaymentForms, detail_page};
use crate::commands::record_payment::{OVER_BALANCE, record_payment};
use crate::commands::refund_payment::refund_payment;
use crate::commands::void_payment::void_payment;
use crate::commands::{Ack, CommandError};
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::queries::order_detail;
use crate::web::forms::CommandForm;
use crate::web::guards::CsrfForm;
use crate::web::{
    AwaitChange, Chrome, FormAnswer, PathId, ReadConn, Staff, WriteConn, after_url, render_page,
};

pub fn routes() -> Vec<rocket::Route> {
    routes![record, refund, void]
}

/// What a payment command's answer becomes: a redirect with `done`, or the
/// page again with the refused form (`refused` puts the errors on it).
async fn answer(
    (chrome, staff, read): (Chrome, &Staff, &mut ReadConn),
    id: i64,
    done: &str,
    result: Result<Ack, CommandError>,
    refused: impl FnOnce(FieldErrors) -> PaymentForms,
) -> Result<FormAnswer, AppError> {
    let (status, errors) = match result {
        Ok(ack) => {
            return Ok(FormAnswer::done(
                after_url(
                    &format!("/orders/{id}"),
                    ack.event_id,
                    staff.clerk.0.csrf_token(),
                ),
                format!("Order #{id}: {done}"),
            ));
        }
        Err(CommandError::Invalid(errors)) => (Status::UnprocessableEntity, errors),
        Err(CommandError::Conflict(c)) => (
            Status::Conflict,
            FieldErrors::single("idempotency_key", c.message),
        ),
        Err(e) => return Err(e.into()),
    };
    let page = order_detail::get(&mut read.0, id).await?;
    if page.order.is_none() && page.history.is_empty() {
        return Err(AppError::NotFound(format!("There is no order #{id}.")));
    }
    let page = detail_page(chrome, id, page, AwaitChange::default(), refused(errors));
    Ok(FormAnswer::page(status, render_page(&page)?))
}

#[post("/orders/<id>/payments", data = "<form>")]
async fn record(
    chrome: Chrome,
    staff: Staff,
    mut write: WriteConn,
    mut read: ReadConn,
    id: PathId,
    form: CsrfForm<PaymentForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("order")?;
    let ctx = staff.ctx();
    let result = match form.parse((id, chrome.currency)) {
        Ok(input) => {
            instrument_command("record_payment", record_payment(&mut write.0, input, &ctx)).await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    let submitted = form.into_inner();
    answer(
        (chrome, &staff, &mut read),
        id,
        "payment recorded",
        result,
        |errors| PaymentForms {
            offer_overpayment: submitted.confirm_overpayment
                || errors.get("amount") == Some(OVER_BALANCE),
            payment: submitted,
            payment_errors: errors,
            ..PaymentForms::default()
        },
    )
    .await
}

#[post("/orders/<id>/refunds", data = "<form>")]
async fn refund(
    chrome: Chrome,
    staff: Staff,
    mut write: WriteConn,
    mut read: ReadConn,
    id: PathId,
    form: CsrfForm<RefundForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("order")?;
    let ctx = staff.ctx();
    let result = match form.parse((id, chrome.currency)) {
        Ok(input) => {
            instrument_command("refund_payment", refund_payment(&mut write.0, input, &ctx)).await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    let submitted = form.into_inner();
    answer(
        (chrome, &staff, &mut read),
        id,
        "refund recorded",
        result,
        |errors| PaymentForms {
            refund: submitted,
            refund_errors: errors,
            ..PaymentForms::default()
        },
    )
    .await
}

#[post("/orders/<id>/payments/<payment_id>/void", data = "<form>")]
async fn void(
    chrome: Chrome,
    staff: Staff,
    mut write: WriteConn,
    mut read: ReadConn,
    id: PathId,
    payment_id: PathId,
    form: CsrfForm<VoidForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("order")?;
    let payment_id = payment_id.or_404("payment")?;
    let ctx = staff.ctx();
    let result = match form.parse((id, payment_id)) {
        Ok(input) => {
            instrument_command("void_payment", void_payment(&mut write.0, input, &ctx)).await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    let result = match result {
        Err(CommandError::NotFound {
            what: "payment", ..
        }) => {
            return Err(AppError::NotFound(format!(
                "Order #{id} has no payment {payment_id}."
            )));
        }
        other => other,
    };
    let submitted = form.into_inner();
    answer(
        (chrome, &staff, &mut read),
        id,
        "entry voided",
        result,
        |errors| PaymentForms {
            void_of: Some(payment_id),
            void: submitted,
            void_errors: errors,
            ..PaymentForms::default()
        },
    )
    .await
}
