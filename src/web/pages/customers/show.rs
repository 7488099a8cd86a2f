//! `GET /customers/<id>`: the customer's statistics, orders, edit form and
//! history; "processing" while the read model catches up with a change. The
//! page is also what a refused edit re-renders.

use askama::Template;
use rocket::{get, routes};

use crate::commands::Conflict;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::queries::customers::{self, CustomerDetail};
use crate::queries::history::HistoryEntry;
use crate::read_models::ReadModelName::CustomerStats;
use crate::web::PathId;
use crate::web::forms::CustomerEditForm;
use crate::web::shell::etag::{self, Cached, IfNoneMatch};
use crate::web::{
    AfterParams, AwaitChange, ChangeWaiter, Chrome, FreshnessNote, ReadConn, filters, page,
    render_page,
};

pub fn routes() -> Vec<rocket::Route> {
    routes![show]
}

/// What the edit form shows: the stored values, or the submitted ones with
/// their errors or the conflict they met.
#[derive(Debug, Clone, Default)]
pub struct EditState {
    /// `None`: the customer's stored values.
    pub form: Option<CustomerEditForm>,
    pub errors: FieldErrors,
    pub conflict: Option<Conflict>,
}

/// The customer page, ready to render.
#[derive(Template)]
#[template(path = "customers/show.html")]
pub struct DetailPage {
    chrome: Chrome,
    id: i64,
    detail: CustomerDetail,
    freshness: FreshnessNote,
    await_change: AwaitChange,
    history: Vec<HistoryEntry>,
    edit: CustomerEditForm,
    errors: FieldErrors,
    conflict: Option<Conflict>,
}

page!(DetailPage);

/// Reads the customer, their orders and history, and fills the page.
pub async fn page(
    conn: &mut diesel_async::AsyncPgConnection,
    chrome: Chrome,
    id: i64,
    await_change: AwaitChange,
    state: EditState,
) -> Result<DetailPage, AppError> {
    let mut detail = customers::get(conn, id).await?;
    let history = std::mem::take(&mut detail.history);
    let edit = state
        .form
        .or_else(|| detail.customer.as_ref().map(CustomerEditForm::of))
        .unwrap_or_default();
    Ok(DetailPage {
        chrome,
        id,
        freshness: FreshnessNote::of(&detail.freshness),
        detail,
        await_change,
        history,
        edit,
        errors: state.errors,
        conflict: state.conflict,
    })
}

#[get("/customers/<id>?<params..>")]
async fn show(
    chrome: Chrome,
    mut conn: ReadConn,
    id: PathId,
    params: AfterParams,
    waiter: ChangeWaiter,
    if_none_match: IfNoneMatch,
) -> Result<Cached, AppError> {
    let id = id.or_404("customer")?;
    let path = format!("/customers/{id}");
    let await_change =
        AwaitChange::check(&mut conn.0, CustomerStats, &params, &path, &waiter).await?;
    let page = page(&mut conn.0, chrome, id, await_change, EditState::default()).await?;
    if page.detail.customer.is_none() && !page.await_change.waiting {
        return Err(AppError::NotFound(format!("There is no customer {id}.")));
    }
    let tag = etag::etag(
        &page.chrome,
        &page.detail.freshness,
        &page.freshness,
        &etag::history_key(&page.history),
    );
    let shown_once = page.chrome.flash.is_some() || page.await_change.waiting;
    etag::answer(shown_once, &if_none_match, tag, || render_page(&page))
}
