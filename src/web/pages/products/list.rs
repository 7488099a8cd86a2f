//! `GET /products`: search, "low stock only", keyset pages by SKU.

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, routes};

use crate::error::AppError;
use crate::queries::products::{self, ProductFilter, ProductListRow};
use crate::web::guards::params::{page_size, query_string, search_text};
use crate::web::shell::etag::{self, Cached, IfNoneMatch};
use crate::web::{Chrome, FreshnessNote, ReadConn, filters, page, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![index]
}

/// The list's query string as typed; anything unexpected falls back to a default.
#[derive(Debug, Clone, Default, FromForm)]
struct ListParams {
    q: Option<String>,
    low: Option<String>,
    after: Option<String>,
    size: Option<String>,
}

#[derive(Template)]
#[template(path = "products/list.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<ProductListRow>,
    q: String,
    /// Set when the search text was cut.
    search_note: Option<String>,
    low_only: bool,
    size: i64,
    next_url: Option<String>,
    freshness: FreshnessNote,
}

page!(ListPage);

#[get("/products?<params..>")]
async fn index(
    chrome: Chrome,
    mut conn: ReadConn,
    params: ListParams,
    if_none_match: IfNoneMatch,
) -> Result<Cached, AppError> {
    let (q, search_note) = search_text(params.q.as_deref().unwrap_or_default());
    let low_only = params.low.as_deref() == Some("true");
    let size = page_size(params.size.as_deref());
    let filter = ProductFilter {
        search: Some(q.clone()).filter(|q| !q.is_empty()),
        low_only,
        after_sku: params.after.filter(|a| !a.is_empty()),
        page_size: size,
    };
    let page = products::list(&mut conn.0, &filter).await?;
    let next_url = page.next_sku.map(|sku| {
        let size = size.to_string();
        let low = if low_only { "true" } else { "" };
        let query = [
            ("q", q.as_str()),
            ("low", low),
            ("size", &size),
            ("after", &sku),
        ];
        format!("/products?{}", query_string(&query))
    });
    let freshness = FreshnessNote::of(&page.freshness);
    let tag = etag::etag(&chrome, &page.freshness, &freshness, "");
    etag::answer(chrome.flash.is_some(), &if_none_match, tag, || {
        render_page(&ListPage {
            freshness,
            rows: page.rows,
            chrome,
            q,
            search_note,
            low_only,
            size,
            next_url,
        })
    })
}
