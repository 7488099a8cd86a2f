//! Order entry: `GET /orders/new` and `POST /orders`. One form, several
//! buttons: find a customer, register one inline, find products, update the
//! totals (once a customer is chosen, their address book is offered, the
//! default preselected; a new address can be saved to the book), add lines
//! (or a found product, with its "Add" button), place the order. Only
//! "place" and "register" run a command; the rest re-render the form with
//! every value kept.

use askama::Template;
use rocket::http::{ContentType, Status};
use rocket::response::content::RawHtml;
use rocket::{get, post, routes};

use super::new_form::{EntryAction, EntryForm, EntryView};
use crate::commands::CommandError;
use crate::commands::place_order::place_order;
use crate::commands::register_customer::register_customer;
use crate::domain::{Currency, FieldErrors, IdempotencyKey};
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::queries::lookup::{self, MAX_RESULTS};
use crate::queries::{order_detail, order_entry, pricing};
use crate::web::forms::CustomerForm;
use crate::web::guards::CsrfForm;
use crate::web::guards::params::search_text;
use crate::web::shell::command_form::{Button, CommandForm};
use crate::web::{
    Chrome, FormAnswer, ReadConn, Staff, WriteConn, after_url, filters, page, render_page,
};

pub fn routes() -> Vec<rocket::Route> {
    routes![new, submit, preview]
}

#[derive(Template)]
#[template(path = "orders/new.html")]
struct EntryPage {
    chrome: Chrome,
    v: EntryView,
}

page!(EntryPage);

/// The totals panel alone, for the live preview.
#[derive(Template)]
#[template(path = "orders/new/totals_panel.html")]
struct TotalsPanel {
    chrome: Chrome,
    v: EntryView,
}

page!(TotalsPanel);

/// What the live preview answers: each priced line's amount after
/// discounts by SKU (upper-case, formatted) and the panel's HTML.
#[derive(Debug, serde::Serialize)]
struct PreviewAnswer {
    lines: std::collections::BTreeMap<String, String>,
    panel: String,
}

/// `POST /orders/preview`: the form as typed, priced by the same query and
/// function as "Update totals" (the script calls it as staff type; it
/// changes nothing).
#[post("/orders/preview", data = "<form>")]
async fn preview(
    chrome: Chrome,
    _staff: Staff,
    mut read: ReadConn,
    form: CsrfForm<EntryForm>,
) -> Result<(ContentType, String), AppError> {
    let view = build_view(&mut read, chrome.currency, form.form, FieldErrors::new()).await?;
    let lines = view
        .lines
        .iter()
        .filter_map(|l| {
            let cents = l.line_total_cents?;
            Some((l.sku.trim().to_uppercase(), chrome.currency.format(cents)))
        })
        .collect();
    let panel = render_page(&TotalsPanel { chrome, v: view })?.0;
    let body = serde_json::to_string(&PreviewAnswer { lines, panel })
        .map_err(|e| AppError::Internal(format!("json: {e}")))?;
    // As the look-ups answer: no `<` a sniffing browser could read as markup.
    let body = body.replace('<', "\\u003c").replace('>', "\\u003e");
    Ok((ContentType::JSON, body))
}

#[get("/orders/new")]
async fn new(
    chrome: Chrome,
    _staff: Staff,
    mut read: ReadConn,
) -> Result<RawHtml<String>, AppError> {
    let view = build_view(
        &mut read,
        chrome.currency,
        EntryForm::blank(),
        FieldErrors::new(),
    )
    .await?;
    render_page(&EntryPage { chrome, v: view })
}

#[post("/orders", data = "<form>")]
async fn submit(
    chrome: Chrome,
    staff: Staff,
    mut read: ReadConn,
    mut write: WriteConn,
    form: CsrfForm<EntryForm>,
) -> Result<FormAnswer, AppError> {
    let mut form = form.form;
    if !form.customer_pick.trim().is_empty() {
        form.customer_id = std::mem::take(&mut form.customer_pick);
    }
    if form.idempotency_key.trim().is_empty() {
        form.idempotency_key = IdempotencyKey::generate().to_string();
    }
    if !form.add_sku.trim().is_empty() {
        let view = add_found_product(&mut read, chrome.currency, form).await?;
        return Ok(FormAnswer::page(
            Status::Ok,
            render_page(&EntryPage { chrome, v: view })?,
        ));
    }
    let (status, view) = match form.action.clone() {
        Button::Pressed(EntryAction::Place) => match form.order().parse(chrome.currency) {
            Err(errors) => (
                Status::UnprocessableEntity,
                build_view(&mut read, chrome.currency, form, errors).await?,
            ),
            Ok(input) => match instrument_command(
                "place_order",
                place_order(&mut write.0, input, &staff.ctx()),
            )
            .await
            {
                Ok(ack) => {
                    let message = if ack.replayed {
                        format!(
                            "Order #{} was already placed; nothing was placed twice",
                            ack.id
                        )
                    } else {
                        format!("Order #{} placed", ack.id)
                    };
                    return Ok(FormAnswer::done(
                        after_url(
                            &format!("/orders/{}", ack.id),
                            ack.event_id,
                            staff.clerk.0.csrf_token(),
                        ),
                        message,
                    ));
                }
                Err(e) => refused(&mut read, chrome.currency, form, e).await?,
            },
        },
        Button::Pressed(EntryAction::RegisterCustomer) => {
            register_inline(&mut read, chrome.currency, &mut write, &staff, form).await?
        }
        Button::Pressed(EntryAction::FindCustomer) => {
            let (text, cut) = search_text(&form.customer_q);
            form.customer_q = text;
            let mut view = build_view(&mut read, chrome.currency, form, FieldErrors::new()).await?;
            view.customer_matches =
                lookup::customers(&mut read.0, &view.form.customer_q, MAX_RESULTS).await?;
            if let Some(note) = cut {
                view.errors.add("customer_q", note);
            }
            if view.customer_matches.is_empty() {
                view.errors
                    .add("customer_q", "no customer matches; register them below");
            }
            (Status::Ok, view)
        }
        Button::Pressed(EntryAction::FindProducts) => {
            let (text, cut) = search_text(&form.product_q);
            form.product_q = text;
            let mut view = build_view(&mut read, chrome.currency, form, FieldErrors::new()).await?;
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
                build_view(&mut read, chrome.currency, form, FieldErrors::new()).await?,
            )
        }
        Button::Pressed(EntryAction::Preview | EntryAction::Save) | Button::Unknown(_) => (
            Status::Ok,
            build_view(&mut read, chrome.currency, form, FieldErrors::new()).await?,
        ),
    };
    Ok(FormAnswer::page(
        status,
        render_page(&EntryPage { chrome, v: view })?,
    ))
}

/// The view of `form`: its customer and products looked up, blank rows
/// padded, the order priced by the read side's pricing query. The edit form
/// (`order_id` set) prices the order's own lines as they were priced.
pub(super) async fn build_view(
    read: &mut ReadConn,
    currency: Currency,
    mut form: EntryForm,
    errors: FieldErrors,
) -> Result<EntryView, AppError> {
    form.pad_lines(0);
    let customer = match form.customer_id.trim().parse::<i64>() {
        Ok(id) if id > 0 => order_entry::customer(&mut read.0, id).await?,
        _ => None,
    };
    let products = order_entry::products_by_sku(&mut read.0, &form.skus()).await?;
    let (mut entered, money_errors) = form.entered(currency);
    let edited = match form.order_id.trim().parse::<i64>() {
        Ok(id) if id > 0 => order_detail::order(&mut read.0, id).await?,
        _ => None,
    };
    entered.kept = edited.as_ref().map(super::edit_form::kept);
    let preview = pricing::preview(&mut read.0, &entered).await?;
    let keep = edited.as_ref().and_then(|o| o.money.shipping_tax_rate_ppm);
    let rates = pricing::rates_keeping(&mut read.0, keep).await?;
    let mut view = EntryView::new(form, customer, &products, errors);
    if let Some(o) = &edited {
        view.edit_mode(o.lines.iter().map(|l| l.sku.clone()).collect());
        view.billed_to = o.bill_to().map(|a| a.one_line());
    }
    view.price(preview, &money_errors, rates);
    Ok(view)
}

/// A found product's "Add" button (no JavaScript): one more of it on the
/// order, the same search results again, and focus on that line's quantity.
pub(super) async fn add_found_product(
    read: &mut ReadConn,
    currency: Currency,
    mut form: EntryForm,
) -> Result<EntryView, AppError> {
    let sku = std::mem::take(&mut form.add_sku).trim().to_uppercase();
    form.add_product(&sku);
    let mut view = build_view(read, currency, form, FieldErrors::new()).await?;
    view.product_matches = lookup::products(&mut read.0, &view.form.product_q, MAX_RESULTS).await?;
    if let Some(line) = view.lines.iter_mut().find(|l| l.sku.trim() == sku) {
        line.focus = true;
        view.notice = Some(format!("Added {sku} to line {}.", line.index + 1));
    }
    Ok(view)
}

/// The command said no: the form again, with why, beside the right fields.
pub(super) async fn refused(
    read: &mut ReadConn,
    currency: Currency,
    mut form: EntryForm,
    e: CommandError,
) -> Result<(Status, EntryView), AppError> {
    let mut errors = FieldErrors::new();
    let status = match e {
        CommandError::Invalid(fields) => {
            errors = fields;
            Status::UnprocessableEntity
        }
        CommandError::InsufficientStock(shortages) => {
            for s in shortages {
                let index = form
                    .lines
                    .iter()
                    .position(|l| l.sku.trim().eq_ignore_ascii_case(&s.sku));
                let field =
                    index.map_or_else(|| "lines".to_owned(), |i| format!("lines[{i}].quantity"));
                errors.add(
                    field,
                    format!(
                        "only {} of {} available ({} requested)",
                        s.available, s.sku, s.requested
                    ),
                );
            }
            Status::UnprocessableEntity
        }
        CommandError::Conflict(c) => {
            // The key was used for other content: a new key lets the user place this one.
            form.idempotency_key = IdempotencyKey::generate().to_string();
            errors.add(
                "form",
                format!("{} Submitting again places a new order.", c.message),
            );
            Status::Conflict
        }
        other => return Err(other.into()),
    };
    Ok((status, build_view(read, currency, form, errors).await?))
}

/// Registers the customer typed into the inline fields and selects them.
async fn register_inline(
    read: &mut ReadConn,
    currency: Currency,
    write: &mut WriteConn,
    staff: &Staff,
    mut form: EntryForm,
) -> Result<(Status, EntryView), AppError> {
    let raw = CustomerForm {
        email: form.new_customer_email.clone(),
        name: form.new_customer_name.clone(),
        phone: String::new(),
    };
    let prefixed = |errors: FieldErrors| {
        let mut out = FieldErrors::new();
        for (field, message) in errors.iter() {
            out.add(format!("new_customer_{field}"), message);
        }
        out
    };
    let details = match raw.parse(()) {
        Ok(d) => d,
        Err(errors) => {
            return Ok((
                Status::UnprocessableEntity,
                build_view(read, currency, form, prefixed(errors)).await?,
            ));
        }
    };
    let (name, email) = (details.name.to_string(), details.email.to_string());
    match instrument_command(
        "register_customer",
        register_customer(&mut write.0, details, &staff.ctx()),
    )
    .await
    {
        Ok(ack) => {
            form.customer_id = ack.id.to_string();
            form.new_customer_email.clear();
            form.new_customer_name.clear();
            let mut view = build_view(read, currency, form, FieldErrors::new()).await?;
            // The read model may not have them yet; the command told us who they are.
            view.customer.get_or_insert(order_entry::CustomerChoice {
                customer_id: ack.id,
                name: name.clone(),
                email,
                addresses: Vec::new(),
            });
            view.choose_default_address();
            view.notice = Some(format!("Customer {name} registered and selected."));
            Ok((Status::Ok, view))
        }
        Err(CommandError::Invalid(errors)) => Ok((
            Status::UnprocessableEntity,
            build_view(read, currency, form, prefixed(errors)).await?,
        )),
        Err(e) => Err(e.into()),
    }
}
