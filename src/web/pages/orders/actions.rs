//! The status actions of an order: pay, ship, deliver, cancel (with a reason).
//! Each runs one command and redirects (303) to the order with a flash; a move
//! the status no longer allows (a double click, a colleague first) comes back
//! as an error flash rather than a dead end.

use rocket::response::{Flash, Redirect};
use rocket::{post, routes};

use crate::commands::cancel_order::cancel_order;
use crate::commands::mark_delivered::mark_delivered;
use crate::commands::mark_paid::mark_paid_by;
use crate::commands::ship_order::ship_order;
use crate::commands::{Ack, CommandError};
use crate::domain::{OrderId, PaymentMethod};
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::forms::{CancelForm, CommandForm};
use crate::web::guards::CsrfForm;
use crate::web::{PathId, Staff, WriteConn, after_url};

pub fn routes() -> Vec<rocket::Route> {
    routes![advance, cancel]
}

fn outcome(
    staff: &Staff,
    id: i64,
    done: &str,
    result: Result<Ack, CommandError>,
) -> Result<Flash<Redirect>, AppError> {
    match result {
        Ok(ack) => Ok(Flash::success(
            Redirect::to(after_url(
                &format!("/orders/{id}"),
                ack.event_id,
                staff.clerk.0.csrf_token(),
            )),
            format!("Order #{id} {done}"),
        )),
        Err(CommandError::InvalidTransition { from, .. }) => Ok(Flash::error(
            Redirect::to(format!("/orders/{id}")),
            format!("Order #{id} is {from} now, so it cannot be {done}; nothing was changed"),
        )),
        Err(CommandError::Invalid(errors)) => Ok(Flash::error(
            Redirect::to(format!("/orders/{id}")),
            format!("Nothing was changed: {errors}"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// A status step without input: `pay`, `ship` or `deliver` (anything else is a 404).
#[derive(Debug, Clone, Copy)]
enum Step {
    Pay,
    Ship,
    Deliver,
    Unknown,
}

impl<'a> rocket::request::FromParam<'a> for Step {
    type Error = std::convert::Infallible;

    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        Ok(match param {
            "pay" => Self::Pay,
            "ship" => Self::Ship,
            "deliver" => Self::Deliver,
            _ => Self::Unknown,
        })
    }
}

/// A status step's form: "Mark paid" says how the balance due was paid
/// (card when the form does not say); the other steps have only their token.
#[derive(Debug, rocket::FromForm)]
struct StepForm {
    #[field(default = String::from("card"))]
    method: String,
}

#[post("/orders/<id>/<step>", data = "<form>", rank = 2)]
async fn advance(
    staff: Staff,
    mut conn: WriteConn,
    id: PathId,
    step: Step,
    form: CsrfForm<StepForm>,
) -> Result<Flash<Redirect>, AppError> {
    let id = id.or_404("order")?;
    let (conn, ctx) = (&mut conn.0, staff.ctx());
    let (done, result) = match step {
        Step::Unknown => return Err(AppError::NotFound("There is no such order action.".into())),
        Step::Pay => (
            "marked paid",
            match PaymentMethod::parse(&form.method) {
                Ok(method) => {
                    let run = mark_paid_by(conn, OrderId(id), method, &ctx);
                    instrument_command("mark_paid", run).await
                }
                Err(message) => Err(CommandError::field("method", message)),
            },
        ),
        Step::Ship => (
            "shipped",
            instrument_command("ship_order", ship_order(conn, OrderId(id), &ctx)).await,
        ),
        Step::Deliver => (
            "marked delivered",
            instrument_command("mark_delivered", mark_delivered(conn, OrderId(id), &ctx)).await,
        ),
    };
    outcome(&staff, id, done, result)
}

#[post("/orders/<id>/cancel", data = "<form>")]
async fn cancel(
    staff: Staff,
    mut conn: WriteConn,
    id: PathId,
    form: CsrfForm<CancelForm>,
) -> Result<Flash<Redirect>, AppError> {
    let id = id.or_404("order")?;
    let input = match form.form.parse(id) {
        Ok(input) => input,
        Err(errors) => return outcome(&staff, id, "cancelled", Err(CommandError::Invalid(errors))),
    };
    outcome(
        &staff,
        id,
        "cancelled",
        instrument_command(
            "cancel_order",
            cancel_order(&mut conn.0, input, &staff.ctx()),
        )
        .await,
    )
}
