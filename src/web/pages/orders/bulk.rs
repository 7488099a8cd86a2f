//! `POST /orders/bulk`: the orders list's bulk actions. "Mark paid" and
//! "Ship" run [`bulk_advance_orders`] (each order through its own command,
//! the submission's key making a resubmission harmless) and answer with a
//! result page that counts what was done and lists each refusal; "Print
//! packing slips" goes to the slips of the selected orders.

use askama::Template;
use rocket::http::Status;
use rocket::{post, routes};

use super::bulk_form::{BulkAction, BulkForm};
use crate::commands::CommandError;
use crate::commands::bulk_orders::{BulkOutcome, BulkStep, MAX_BULK_ORDERS, bulk_advance_orders};
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::web::filters;
use crate::web::guards::CsrfForm;
use crate::web::shell::command_form::{Button, CommandForm};
use crate::web::{Chrome, FormAnswer, Staff, WriteConn, page, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![bulk]
}

#[derive(Template)]
#[template(path = "orders/bulk.html")]
struct BulkPage {
    chrome: Chrome,
    title: String,
    outcome: Option<BulkOutcome>,
    asked: usize,
    problem: Option<String>,
}

page!(BulkPage);

impl BulkPage {
    /// The packing slips of the orders just shipped, if any were.
    fn slips_url(&self) -> Option<String> {
        let outcome = self.outcome.as_ref()?;
        if outcome.step != BulkStep::Ship || outcome.done.is_empty() {
            return None;
        }
        let ids: Vec<String> = outcome.done.iter().map(i64::to_string).collect();
        Some(format!("/orders/slips?ids={}", ids.join(",")))
    }
}

#[post("/orders/bulk", data = "<form>")]
async fn bulk(
    chrome: Chrome,
    staff: Staff,
    mut write: WriteConn,
    form: CsrfForm<BulkForm>,
) -> Result<FormAnswer, AppError> {
    let form = form.form;
    let step = match &form.action {
        Button::Pressed(BulkAction::Pay) => BulkStep::Pay,
        Button::Pressed(BulkAction::Ship) => BulkStep::Ship,
        Button::Pressed(BulkAction::Slips) => return slips(chrome, form.selected()),
        Button::Unknown(other) => {
            let problem = format!("{other:?} is not a bulk action; nothing was done.");
            return answer(
                chrome,
                Status::UnprocessableEntity,
                "Bulk action",
                None,
                0,
                Some(problem),
            );
        }
    };
    let title = format!("Bulk action: {}", step.done());
    let input = match form.parse(step) {
        Ok(input) => input,
        Err(errors) => {
            let reasons: Vec<&str> = errors.iter().map(|(_, message)| message).collect();
            let problem = format!("Nothing was done: {}.", reasons.join("; "));
            return answer(
                chrome,
                Status::UnprocessableEntity,
                &title,
                None,
                0,
                Some(problem),
            );
        }
    };
    let asked = input.order_ids.len();
    let ctx = staff.ctx();
    let run = bulk_advance_orders(&mut write.0, input, &ctx);
    match instrument_command("bulk_advance_orders", run).await {
        Ok(outcome) => answer(chrome, Status::Ok, &title, Some(outcome), asked, None),
        Err(CommandError::Conflict(c)) => answer(
            chrome,
            Status::Conflict,
            &title,
            None,
            asked,
            Some(c.message),
        ),
        Err(e) => Err(e.into()),
    }
}

/// "Print packing slips": the selected orders' slips (a GET, so printing twice is harmless).
fn slips(chrome: Chrome, selected: &[String]) -> Result<FormAnswer, AppError> {
    let ids: Result<Vec<i64>, _> = selected
        .iter()
        .map(|s| s.trim().parse::<i64>().map_err(|_| s.clone()))
        .collect();
    let problem = match ids {
        Ok(ids)
            if !ids.is_empty() && ids.len() <= MAX_BULK_ORDERS && ids.iter().all(|i| *i > 0) =>
        {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            return Ok(FormAnswer::go(format!(
                "/orders/slips?ids={}",
                list.join(",")
            )));
        }
        Ok(ids) if ids.is_empty() => "Select at least one order to print.".to_owned(),
        Ok(_) => format!("Select between 1 and {MAX_BULK_ORDERS} orders to print."),
        Err(bad) => format!("{bad:?} is not an order number."),
    };
    answer(
        chrome,
        Status::UnprocessableEntity,
        "Print packing slips",
        None,
        0,
        Some(problem),
    )
}

fn answer(
    chrome: Chrome,
    status: Status,
    title: &str,
    outcome: Option<BulkOutcome>,
    asked: usize,
    problem: Option<String>,
) -> Result<FormAnswer, AppError> {
    let page = BulkPage {
        chrome,
        title: title.to_owned(),
        outcome,
        asked,
        problem,
    };
    Ok(FormAnswer::page(status, render_page(&page)?))
}
