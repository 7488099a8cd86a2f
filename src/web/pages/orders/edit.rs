//! Editing an unshipped order: `GET /orders/<id>/edit` and `POST
//! /orders/<id>/edit`. The edit form is the order form (the same form type,
//! sections, type-ahead, no-JS buttons and live preview; the customer
//! fixed), pre-filled from the order as the read side has it, carrying its
//! version and a fresh idempotency key, and showing the order's totals now
//! beside the new ones. "Save changes" runs `EditOrder`; the other buttons
//! re-render the form with every value kept.

use askama::Template;
use rocket::http::Status;
use rocket::response::content::RawHtml;
use rocket::{get, post, routes};

use super::new::{add_found_product, build_view, refused};
use super::new_form::{EntryAction, EntryForm, EntryView};
use crate::commands::edit_order::edit_order;
use crate::commands::{CommandError, Conflict};
use crate::domain::{Currency, FieldErrors, FulfilmentStatus, IdempotencyKey};
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::queries::lookup::{self, MAX_RESULTS};
use crate::queries::order_detail::{self, OrderDetail};
use crate::queries::pricing;
use crate::web::guards::CsrfForm;
use crate::web::guards::params::search_text;
use crate::web::shell::command_form::Button;
use crate::web::{
    Chrome, FormAnswer, PathId, ReadConn, Staff, WriteConn, after_url, filters, page, render_page,
};

pub fn routes() -> Vec<rocket::Route> {
    routes![edit, save]
}

#[derive(Template)]
#[template(path = "orders/edit.html")]
struct EditPage {
    chrome: Chrome,
    id: i64,
    /// The order as it stands (its totals beside the new ones).
    order: OrderDetail,
    v: EntryView,
    /// A stale save: what changed, the form kept for "Save again".
    conflict: Option<Conflict>,
}

page!(EditPage);

impl EditPage {
    /// Whether the order may still be edited (else the form is not offered).
    fn editable(&self) -> bool {
        self.order.fulfilment_status == FulfilmentStatus::Unfulfilled
    }
}

/// The order, or a 404 (also while the read model does not have it yet).
async fn the_order(read: &mut ReadConn, id: i64) -> Result<OrderDetail, AppError> {
    order_detail::order(&mut read.0, id)
        .await?
        .ok_or(AppError::NotFound(format!("order {id}")))
}

#[get("/orders/<id>/edit")]
async fn edit(
    chrome: Chrome,
    _staff: Staff,
    mut read: ReadConn,
    id: PathId,
) -> Result<RawHtml<String>, AppError> {
    let id = id.or_404("order")?;
    let order = the_order(&mut read, id).await?;
    let rates = pricing::rates_keeping(&mut read.0, order.money.shipping_tax_rate_ppm).await?;
    let form = super::edit_form::prefilled(&order, chrome.currency, &rates);
    let v = build_view(&mut read, chrome.currency, form, FieldErrors::new()).await?;
    render_page(&EditPage {
        chrome,
        id,
        order,
        v,
        conflict: None,
    })
}

#[post("/orders/<id>/edit", data = "<form>")]
#[expect(
    clippy::if_not_else,
    reason = "the found product's Add button first, as order entry"
)]
async fn save(
    chrome: Chrome,
    staff: Staff,
    mut read: ReadConn,
    mut write: WriteConn,
    id: PathId,
    form: CsrfForm<EntryForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("order")?;
    let order = the_order(&mut read, id).await?;
    let mut form = form.form;
    // The customer is fixed, whatever was posted.
    form.customer_id = order.customer_id.to_string();
    form.order_id = id.to_string();
    if form.idempotency_key.trim().is_empty() {
        form.idempotency_key = IdempotencyKey::generate().to_string();
    }
    let currency = chrome.currency;
    let mut conflict = None;
    let (status, view) = if !form.add_sku.trim().is_empty() {
        (
            Status::Ok,
            add_found_product(&mut read, currency, form).await?,
        )
    } else {
        match form.action.clone() {
            Button::Pressed(EntryAction::Save) => match form.edit(id, currency) {
                Err(errors) => (
                    Status::UnprocessableEntity,
                    build_view(&mut read, currency, form, errors).await?,
                ),
                Ok(input) => {
                    // Boxed: the command's future is large (clippy::large_futures).
                    match instrument_command(
                        "edit_order",
                        Box::pin(edit_order(&mut write.0, input, &staff.ctx())),
                    )
                    .await
                    {
                        Ok(ack) => {
                            let message = if ack.replayed {
                                format!(
                                    "Order #{id} was already updated by this form; \
                                     nothing changed twice"
                                )
                            } else {
                                format!("Order #{id} updated")
                            };
                            return Ok(FormAnswer::done(
                                after_url(
                                    &format!("/orders/{id}"),
                                    ack.event_id,
                                    staff.clerk.0.csrf_token(),
                                ),
                                message,
                            ));
                        }
                        Err(CommandError::Conflict(c)) => {
                            stale(&mut read, currency, form, c, &mut conflict).await?
                        }
                        Err(e) => refused(&mut read, currency, form, e).await?,
                    }
                }
            },
            Button::Pressed(EntryAction::FindProducts) => {
                let (text, cut) = search_text(&form.product_q);
                form.product_q = text;
                let mut view = build_view(&mut read, currency, form, FieldErrors::new()).await?;
                view.product_matches =
                    lookup::products(&mut read.0, &view.form.product_q, MAX_RESULTS).await?;
                if let Some(note) = cut {
                    view.errors.add("product_q", note);
                }
                if view.product_matches.is_empty() {
                    view.errors.add("product_q", "no product for sale matches");
                }
                (Status::Ok, view)
            }
            Button::Pressed(EntryAction::MoreLines) => {
                form.pad_lines(5);
                (
                    Status::Ok,
                    build_view(&mut read, currency, form, FieldErrors::new()).await?,
                )
            }
            Button::Pressed(_) | Button::Unknown(_) => (
                Status::Ok,
                build_view(&mut read, currency, form, FieldErrors::new()).await?,
            ),
        }
    };
    let page = EditPage {
        chrome,
        id,
        order,
        v: view,
        conflict,
    };
    Ok(FormAnswer::page(status, render_page(&page)?))
}

/// A stale save (409): the user's values kept, the version moved to the
/// order's current one and a new key, so "Save again" is a deliberate choice.
async fn stale(
    read: &mut ReadConn,
    currency: Currency,
    mut form: EntryForm,
    c: Conflict,
    conflict: &mut Option<Conflict>,
) -> Result<(Status, EntryView), AppError> {
    if let Some(v) = c.current_version {
        form.expected_version = v.to_string();
    }
    form.idempotency_key = IdempotencyKey::generate().to_string();
    let mut errors = FieldErrors::new();
    if c.current_version.is_none() {
        // The key came back with other content: say so above the form.
        errors.add("form", c.message.clone());
    }
    *conflict = Some(c);
    Ok((
        Status::Conflict,
        build_view(read, currency, form, errors).await?,
    ))
}
