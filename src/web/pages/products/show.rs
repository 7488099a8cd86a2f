//! `GET /products/<id>`: the product's figures, its edit and stock forms, and
//! its history; "processing" while the read model catches up with a change.
//! The page is also what a refused edit or stock form re-renders.

use askama::Template;
use rocket::{get, routes};

use crate::commands::Conflict;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::queries::Freshness;
use crate::queries::history::HistoryEntry;
use crate::queries::products::{self, ProductRow};
use crate::read_models::ReadModelName::InventoryStatus;
use crate::web::PathId;
use crate::web::forms::ProductEditForm;
use crate::web::forms::{AdjustmentForm, ReceiptForm};
use crate::web::shell::etag::{self, Cached, IfNoneMatch};
use crate::web::{
    AfterParams, AwaitChange, ChangeWaiter, Chrome, FreshnessNote, ReadConn, filters, page,
    render_page,
};

pub fn routes() -> Vec<rocket::Route> {
    routes![show]
}

/// What the page's forms show: blank (from the product) or as submitted, with errors.
#[derive(Debug, Clone, Default)]
pub struct Forms {
    /// `None`: the product's stored values.
    pub edit: Option<ProductEditForm>,
    pub edit_errors: FieldErrors,
    pub conflict: Option<Conflict>,
    pub receipt: ReceiptForm,
    pub receipt_errors: FieldErrors,
    pub adjustment: AdjustmentForm,
    pub adjustment_errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "products/show.html")]
/// The product page, ready to render.
pub struct DetailPage {
    chrome: Chrome,
    id: i64,
    product: Option<ProductRow>,
    /// What the page's ETag holds of the read model.
    sources: Freshness,
    freshness: FreshnessNote,
    await_change: AwaitChange,
    history: Vec<HistoryEntry>,
    edit: ProductEditForm,
    forms: Forms,
}

page!(DetailPage);

/// Reads the product and its history and fills the page.
pub async fn page(
    conn: &mut diesel_async::AsyncPgConnection,
    chrome: Chrome,
    id: i64,
    await_change: AwaitChange,
    forms: Forms,
) -> Result<DetailPage, AppError> {
    let (product, history, freshness) = products::detail(conn, id).await?;
    let edit = forms
        .edit
        .clone()
        .or_else(|| {
            product
                .as_ref()
                .map(|p| ProductEditForm::of(p, chrome.currency))
        })
        .unwrap_or_default();
    Ok(DetailPage {
        chrome,
        id,
        product,
        freshness: FreshnessNote::one(&freshness),
        sources: freshness,
        await_change,
        history,
        edit,
        forms,
    })
}

#[get("/products/<id>?<params..>")]
async fn show(
    chrome: Chrome,
    mut conn: ReadConn,
    id: PathId,
    params: AfterParams,
    waiter: ChangeWaiter,
    if_none_match: IfNoneMatch,
) -> Result<Cached, AppError> {
    let id = id.or_404("product")?;
    let path = format!("/products/{id}");
    let await_change =
        AwaitChange::check(&mut conn.0, InventoryStatus, &params, &path, &waiter).await?;
    let page = page(&mut conn.0, chrome, id, await_change, Forms::default()).await?;
    if page.product.is_none() && !page.await_change.waiting {
        return Err(AppError::NotFound(format!("There is no product {id}.")));
    }
    let tag = etag::etag(
        &page.chrome,
        std::slice::from_ref(&page.sources),
        &page.freshness,
        &etag::history_key(&page.history),
    );
    let shown_once = page.chrome.flash.is_some() || page.await_change.waiting;
    etag::answer(shown_once, &if_none_match, tag, || render_page(&page))
}
