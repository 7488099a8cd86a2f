//! The order's invoices and credit notes: "Issue invoice" (`POST
//! /orders/<id>/invoice`), the printable invoice (`GET /orders/<id>/invoice`:
//! the standing invoice's frozen copy, or before one is issued a draft
//! clearly marked "Not yet issued — no number"; printing never issues one),
//! and any issued document (`GET /orders/<id>/documents/<number or id>`),
//! always from its frozen copy.

use askama::Template;
use rocket::response::content::RawHtml;
use rocket::response::{Flash, Redirect};
use rocket::{State, get, post, routes};

use super::print::Shop;
use crate::commands::CommandError;
use crate::commands::issue_invoice::{IssueInvoice, issue_invoice};
use crate::config::Settings;
use crate::domain::OrderId;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::queries::documents::{self, PrintDocument, Which};
use crate::queries::printables::{self, PrintOrder};
use crate::web::guards::{CsrfForm, TokenOnly};
use crate::web::{
    Chrome, FreshnessNote, PathId, ReadConn, Staff, WriteConn, after_url, filters, page,
    render_page,
};

pub fn routes() -> Vec<rocket::Route> {
    routes![invoice, document, issue]
}

/// Before an invoice is issued: what it would say, without a number.
#[derive(Template)]
#[template(path = "orders/documents/draft.html")]
struct DraftPage {
    chrome: Chrome,
    shop: Shop,
    order: PrintOrder,
    freshness: FreshnessNote,
}

/// An issued invoice or credit note, from its frozen copy.
#[derive(Template)]
#[template(path = "orders/documents/issued.html")]
struct IssuedPage {
    chrome: Chrome,
    doc: PrintDocument,
    freshness: FreshnessNote,
}

page!(DraftPage, IssuedPage);

#[get("/orders/<id>/invoice")]
async fn invoice(
    chrome: Chrome,
    settings: &State<Settings>,
    mut read: ReadConn,
    id: PathId,
) -> Result<RawHtml<String>, AppError> {
    let id = id.or_404("order")?;
    let (standing, freshness) = documents::one(&mut read.0, id, Which::Standing).await?;
    if let Some(doc) = standing {
        return render_page(&IssuedPage {
            chrome,
            doc,
            freshness: FreshnessNote::one(&freshness),
        });
    }
    let (mut orders, freshness) = printables::orders(&mut read.0, &[id]).await?;
    let order = orders
        .pop()
        .ok_or_else(|| AppError::NotFound("There is no such order to invoice.".into()))?;
    render_page(&DraftPage {
        chrome,
        shop: Shop::of(settings),
        order,
        freshness: FreshnessNote::one(&freshness),
    })
}

/// A document's path segment: its number (`2026-000042`, `CN-2026-000007`)
/// or its id; anything else names nothing.
fn which(key: &str) -> Option<Which> {
    if key.bytes().all(|b| b.is_ascii_digit()) {
        return key.parse().ok().filter(|id| *id > 0).map(Which::Id);
    }
    let plausible = key.len() <= 30
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b'C' || b == b'N');
    plausible.then(|| Which::Number(key.to_owned()))
}

#[get("/orders/<id>/documents/<key>")]
async fn document(
    chrome: Chrome,
    mut read: ReadConn,
    id: PathId,
    key: &str,
) -> Result<RawHtml<String>, AppError> {
    let id = id.or_404("order")?;
    let missing = || AppError::NotFound(format!("Order #{id} has no such invoice or credit note."));
    let which = which(key).ok_or_else(missing)?;
    let (doc, freshness) = documents::one(&mut read.0, id, which).await?;
    render_page(&IssuedPage {
        chrome,
        doc: doc.ok_or_else(missing)?,
        freshness: FreshnessNote::one(&freshness),
    })
}

#[post("/orders/<id>/invoice", data = "<_form>")]
async fn issue(
    staff: Staff,
    mut conn: WriteConn,
    id: PathId,
    _form: CsrfForm<TokenOnly>,
) -> Result<Flash<Redirect>, AppError> {
    let id = id.or_404("order")?;
    let input = IssueInvoice {
        order_id: OrderId(id),
    };
    let ctx = staff.ctx();
    let run = issue_invoice(&mut conn.0, input, &ctx);
    match instrument_command("issue_invoice", run).await {
        Ok(ack) => Ok(Flash::success(
            Redirect::to(after_url(
                &format!("/orders/{id}"),
                ack.event_id,
                staff.clerk.0.csrf_token(),
            )),
            format!("Invoice issued for order #{id}"),
        )),
        Err(CommandError::Conflict(c)) => Ok(Flash::error(
            Redirect::to(format!("/orders/{id}")),
            format!("No invoice was issued: {}", c.message),
        )),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_names_a_document_by_number_or_id_or_nothing() {
        assert_eq!(which("12"), Some(Which::Id(12)));
        assert_eq!(
            which("2026-000001"),
            Some(Which::Number("2026-000001".into()))
        );
        assert_eq!(
            which("CN-2026-000001"),
            Some(Which::Number("CN-2026-000001".into()))
        );
        assert_eq!(which("0"), None);
        assert_eq!(which("99999999999999999999999"), None);
        assert_eq!(which("drop table"), None);
    }
}
