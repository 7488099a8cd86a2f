//! `GET /customers`: search by name or email, keyset pages by (name, id).

use askama::Template;
use rocket::form::FromForm;
use rocket::{get, routes};

use crate::error::AppError;
use crate::queries::customers::{self, CustomerFilter, CustomerRow};
use crate::web::guards::params::{page_size, query_string, search_text};
use crate::web::shell::etag::{self, Cached, IfNoneMatch};
use crate::web::{Chrome, FreshnessNote, ReadConn, filters, page, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![index]
}

/// The list's query string as typed; a malformed cursor starts at the top.
#[derive(Debug, Clone, Default, FromForm)]
struct ListParams {
    q: Option<String>,
    after_name: Option<String>,
    after_id: Option<String>,
    size: Option<String>,
}

#[derive(Template)]
#[template(path = "customers/list.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<CustomerRow>,
    q: String,
    /// Set when the search text was cut.
    search_note: Option<String>,
    size: i64,
    next_url: Option<String>,
    freshness: FreshnessNote,
}

page!(ListPage);

#[get("/customers?<params..>")]
async fn index(
    chrome: Chrome,
    mut conn: ReadConn,
    params: ListParams,
    if_none_match: IfNoneMatch,
) -> Result<Cached, AppError> {
    let (q, search_note) = search_text(params.q.as_deref().unwrap_or_default());
    let size = page_size(params.size.as_deref());
    let after_id = params.after_id.and_then(|id| id.trim().parse::<i64>().ok());
    let filter = CustomerFilter {
        search: Some(q.clone()).filter(|q| !q.is_empty()),
        after: params.after_name.zip(after_id),
        page_size: size,
    };
    let page = customers::list(&mut conn.0, &filter).await?;
    let next_url = page.next.map(|(name, id)| {
        let (size, id) = (size.to_string(), id.to_string());
        let query = [
            ("q", q.as_str()),
            ("size", &size),
            ("after_name", &name),
            ("after_id", &id),
        ];
        format!("/customers?{}", query_string(&query))
    });
    let freshness = FreshnessNote::one(&page.freshness);
    let tag = etag::etag(
        &chrome,
        std::slice::from_ref(&page.freshness),
        &freshness,
        "",
    );
    etag::answer(chrome.flash.is_some(), &if_none_match, tag, || {
        render_page(&ListPage {
            freshness,
            rows: page.rows,
            chrome,
            q,
            search_note,
            size,
            next_url,
        })
    })
}
