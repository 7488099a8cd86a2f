//! `GET /products/<id>`: the product's figures, its edit and stock forms, its
//! stock ledger (newest first, paged, by kind) and its history; "processing"
//! while the read model catches up with a change. The page is also what a
//! refused edit or stock form re-renders (with the ledger's first page).

use askama::Template;
use rocket::{get, routes};

use crate::commands::Conflict;
use crate::domain::{FieldErrors, StockMovementKind};
use crate::error::AppError;
use crate::queries::Freshness;
use crate::queries::history::HistoryLine;
use crate::queries::products::{self, ProductRow};
use crate::queries::shop::{self, TaxRateRow};
use crate::queries::stock_ledger::{self, LedgerCursor, LedgerFilter, MovementRow};
use crate::read_models::ReadModelName::InventoryStatus;
use crate::web::PathId;
use crate::web::forms::ProductEditForm;
use crate::web::forms::{AdjustmentForm, ReceiptForm};
use crate::web::guards::params::{page_size, query_string};
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
    /// What the page's ETag holds of the read models (the product's, the ledger's).
    sources: Vec<Freshness>,
    freshness: FreshnessNote,
    await_change: AwaitChange,
    history: Vec<HistoryLine>,
    ledger: Ledger,
    edit: ProductEditForm,
    /// The edit form's tax rates: the active ones and the product's own.
    rates: Vec<TaxRateRow>,
    forms: Forms,
}

page!(DetailPage);

/// The ledger section's query string, as typed. An unknown kind or a cursor
/// that does not read back is ignored with a note (the newest movements of
/// every kind are shown instead), never an error.
#[derive(Debug, Clone, Default)]
pub struct LedgerParams {
    pub kind: Option<String>,
    pub before: Option<String>,
    pub size: Option<String>,
}

impl LedgerParams {
    /// The filter these parameters describe for product `id`, and what was ignored.
    fn filter(&self, product_id: i64) -> (LedgerFilter, Vec<String>) {
        let mut ignored = Vec::new();
        let kind = match self
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            Some(k) => StockMovementKind::parse(k)
                .map_err(|_| {
                    ignored.push(format!(
                        "“{k}” is not a kind of stock movement; every kind is shown"
                    ));
                })
                .ok(),
            None => None,
        };
        let before = match self.before.as_deref().filter(|c| !c.trim().is_empty()) {
            Some(c) => LedgerCursor::decode(c).or_else(|| {
                ignored.push(
                    "the ledger's page position was not understood; the newest movements are shown"
                        .into(),
                );
                None
            }),
            None => None,
        };
        let filter = LedgerFilter {
            product_id,
            kind,
            before,
            page_size: page_size(self.size.as_deref()),
        };
        (filter, ignored)
    }
}

/// The ledger section as shown: a page of movements, the filter used, the
/// links to the next page and back to the newest, and what was ignored.
#[derive(Debug, Clone)]
pub struct Ledger {
    rows: Vec<MovementRow>,
    /// The kind shown (`None`: every kind).
    kind: Option<StockMovementKind>,
    kinds: [StockMovementKind; 5],
    next_url: Option<String>,
    newest_url: Option<String>,
    ignored: Vec<String>,
}

impl Ledger {
    fn selected(&self, kind: StockMovementKind) -> bool {
        self.kind == Some(kind)
    }
}

/// Reads the product and its history and fills the page, with the ledger's
/// newest movements of every kind.
pub async fn page(
    conn: &mut diesel_async::AsyncPgConnection,
    chrome: Chrome,
    id: i64,
    await_change: AwaitChange,
    forms: Forms,
) -> Result<DetailPage, AppError> {
    page_with(
        conn,
        chrome,
        id,
        await_change,
        forms,
        &LedgerParams::default(),
    )
    .await
}

/// [`page`] with the ledger as `ledger` asks: the product, its history, the
/// ledger's page and both models' freshness in one round trip.
async fn page_with(
    conn: &mut diesel_async::AsyncPgConnection,
    chrome: Chrome,
    id: i64,
    await_change: AwaitChange,
    forms: Forms,
    ledger: &LedgerParams,
) -> Result<DetailPage, AppError> {
    let (filter, ignored) = ledger.filter(id);
    let shared: &diesel_async::AsyncPgConnection = conn;
    let ((product, history, freshness), movements, shop) = futures_util::try_join!(
        products::detail(shared, id),
        stock_ledger::page(shared, &filter),
        shop::page(shared)
    )?;
    let rates = shop.choices(product.as_ref().map(|p| p.tax_rate_id));
    let path = format!("/products/{id}");
    let kind = filter
        .kind
        .map(StockMovementKind::as_str)
        .unwrap_or_default();
    let size = filter.page_size.to_string();
    let base = query_string(&[("kind", kind), ("size", &size)]);
    let ledger = Ledger {
        rows: movements.rows,
        kind: filter.kind,
        kinds: StockMovementKind::ALL,
        next_url: movements
            .next
            .map(|c| format!("{path}?{base}&before={}#ledger", c.encode())),
        newest_url: filter.before.map(|_| format!("{path}?{base}#ledger")),
        ignored,
    };
    let sources = vec![freshness, movements.freshness, shop.freshness];
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
        freshness: FreshnessNote::of(&sources),
        sources,
        await_change,
        history,
        ledger,
        edit,
        rates,
        forms,
    })
}

#[expect(
    clippy::too_many_arguments,
    reason = "a route's guards and query fields are its arguments"
)]
#[get("/products/<id>?<kind>&<before>&<size>&<params..>")]
async fn show(
    chrome: Chrome,
    mut conn: ReadConn,
    id: PathId,
    kind: Option<String>,
    before: Option<String>,
    size: Option<String>,
    params: AfterParams,
    waiter: ChangeWaiter,
    if_none_match: IfNoneMatch,
) -> Result<Cached, AppError> {
    let id = id.or_404("product")?;
    let path = format!("/products/{id}");
    let await_change =
        AwaitChange::check(&mut conn.0, InventoryStatus, &params, &path, &waiter).await?;
    let ledger = LedgerParams { kind, before, size };
    let forms = Forms::default();
    let page = page_with(&mut conn.0, chrome, id, await_change, forms, &ledger).await?;
    if page.product.is_none() && !page.await_change.waiting {
        return Err(AppError::NotFound(format!("There is no product {id}.")));
    }
    // The URL (and so the browser's copy) holds the ledger's filter and page;
    // the tag holds what those rows come from.
    let tag = etag::etag(
        &page.chrome,
        &page.sources,
        &page.freshness,
        &etag::history_key(&page.history),
    );
    let shown_once = page.chrome.flash.is_some() || page.await_change.waiting;
    etag::answer(shown_once, &if_none_match, tag, || render_page(&page))
}
