//! `GET /orders/<id>`: header, lines, totals, status, history, and the actions
//! its status allows. After a command it shows "processing" until the read
//! model has the user's change.

use askama::Template;
use rocket::{get, routes};

use crate::domain::{NoteSubject, OrderId, OrderStatus};
use crate::error::AppError;
use crate::queries::history::HistoryEntry;
use crate::queries::order_detail::{self, OrderDetail};
use crate::read_models::ReadModelName::OrderSummaries;
use crate::web::pages::notes::{NoteState, NotesView};
use crate::web::shell::etag::{self, Cached, IfNoneMatch};
use crate::web::{
    AfterParams, AwaitChange, ChangeWaiter, Chrome, FreshnessNote, PathId, ReadConn, filters, page,
    render_page,
};

pub fn routes() -> Vec<rocket::Route> {
    routes![show]
}

/// The order page, ready to render.
#[derive(Template)]
#[template(path = "orders/show.html")]
pub struct DetailPage {
    chrome: Chrome,
    id: i64,
    order: Option<OrderDetail>,
    history: Vec<HistoryEntry>,
    notes: NotesView,
    await_change: AwaitChange,
    freshness: FreshnessNote,
}

page!(DetailPage);

impl DetailPage {
    /// Whether the user may move this order to `next` now (its button shows).
    fn can(&self, next: OrderStatus) -> bool {
        self.chrome.can_write()
            && self
                .order
                .as_ref()
                .is_some_and(|o| o.status.can_become(next))
    }
}

/// Reads the order, its history and notes, and fills the page (also what a
/// refused note re-renders, with `note` as typed). `None` when there is no
/// such order, not even in the history.
pub async fn page(
    conn: &mut diesel_async::AsyncPgConnection,
    chrome: Chrome,
    id: i64,
    await_change: AwaitChange,
    note: NoteState,
) -> Result<(DetailPage, crate::queries::Freshness), AppError> {
    let page = order_detail::get(conn, id).await?;
    if page.order.is_none() && page.history.is_empty() {
        return Err(AppError::NotFound(format!("There is no order #{id}.")));
    }
    let notes = NotesView::new(
        NoteSubject::Order(OrderId(id)),
        page.notes,
        page.more_notes,
        note,
        &chrome,
    );
    Ok((
        DetailPage {
            chrome,
            id,
            order: page.order,
            history: page.history,
            notes,
            freshness: FreshnessNote::one(&page.freshness),
            await_change,
        },
        page.freshness,
    ))
}

#[get("/orders/<id>?<params..>")]
async fn show(
    chrome: Chrome,
    mut conn: ReadConn,
    id: PathId,
    params: AfterParams,
    waiter: ChangeWaiter,
    if_none_match: IfNoneMatch,
) -> Result<Cached, AppError> {
    let id = id.or_404("order")?;
    let path = format!("/orders/{id}");
    let await_change =
        AwaitChange::check(&mut conn.0, OrderSummaries, &params, &path, &waiter).await?;
    let (page, freshness) =
        page(&mut conn.0, chrome, id, await_change, NoteState::default()).await?;
    let tag = etag::etag(
        &page.chrome,
        std::slice::from_ref(&freshness),
        &page.freshness,
        &etag::history_key(&page.history),
    );
    let shown_once = page.chrome.flash.is_some() || page.await_change.waiting;
    etag::answer(shown_once, &if_none_match, tag, || render_page(&page))
}
