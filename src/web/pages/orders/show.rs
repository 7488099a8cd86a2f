//! `GET /orders/<id>`: header, lines, totals, fulfilment and payment states,
//! payments, invoices and credit notes, history, and the actions its states
//! allow. After a command it shows "processing" until
//! the read model has the user's change. The payment forms' refusals
//! (payments.rs) render this page again with their errors ([`PaymentForms`]).

use askama::Template;
use rocket::{get, routes};

use super::payment_form::{PaymentForm, RefundForm, VoidForm};
use crate::domain::{
    FieldErrors, FulfilmentStatus, IdempotencyKey, NoteSubject, OrderId, PaymentKind, PaymentMethod,
};
use crate::error::AppError;
use crate::queries::documents::DocumentRow;
use crate::queries::history::HistoryLine;
use crate::queries::order_detail::{self, OrderDetail, OrderDetailPage};
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

/// The Payments panel's forms: fresh ones (new keys, the amount of a payment
/// the balance due), or the one refused, as typed, with its errors.
#[derive(Debug, Clone, Default)]
pub(super) struct PaymentForms {
    pub payment: PaymentForm,
    pub payment_errors: FieldErrors,
    pub refund: RefundForm,
    pub refund_errors: FieldErrors,
    /// The entry whose void was refused, its form and why.
    pub void_of: Option<i64>,
    pub void: VoidForm,
    pub void_errors: FieldErrors,
    /// The confirm-overpayment checkbox shows (after that refusal).
    pub offer_overpayment: bool,
    /// The key of each entry's void form (one page, one key per form).
    pub void_key: String,
    /// The key of the refund the cancel form offers.
    pub cancel_key: String,
}

impl PaymentForms {
    /// Fresh forms for `order`, keeping any form already filled in.
    fn filled(mut self, order: Option<&OrderDetail>, chrome: &Chrome) -> Self {
        let fresh = || IdempotencyKey::generate().as_str().to_owned();
        if self.payment.idempotency_key.is_empty() {
            self.payment.idempotency_key = fresh();
            PaymentMethod::Card
                .as_str()
                .clone_into(&mut self.payment.method);
            if let Some(o) = order.filter(|o| o.balance_due_cents > 0) {
                self.payment.amount = chrome.currency.plain(o.balance_due_cents);
            }
        }
        if self.refund.idempotency_key.is_empty() {
            self.refund.idempotency_key = fresh();
            PaymentMethod::Card
                .as_str()
                .clone_into(&mut self.refund.method);
        }
        if self.void.idempotency_key.is_empty() {
            self.void.idempotency_key = fresh();
        }
        if self.void_key.is_empty() {
            self.void_key = fresh();
        }
        if self.cancel_key.is_empty() {
            self.cancel_key = fresh();
        }
        self
    }
}

/// The order page, ready to render.
#[derive(Template)]
#[template(path = "orders/show.html")]
pub struct DetailPage {
    chrome: Chrome,
    id: i64,
    order: Option<OrderDetail>,
    history: Vec<HistoryLine>,
    notes: NotesView,
    /// Its invoices and credit notes, oldest first.
    documents: Vec<DocumentRow>,
    await_change: AwaitChange,
    freshness: FreshnessNote,
    pay: PaymentForms,
    /// What a refund may give back now (paid − refunded).
    refundable_cents: i64,
    /// The shop ships on account: "Ship" shows for an unpaid order too.
    ships_on_account: bool,
}

page!(DetailPage);

impl DetailPage {
    /// Whether the user may move this order to `next` now (its button shows):
    /// shipping asks the payment state too, unless the shop ships on account.
    fn can(&self, next: FulfilmentStatus) -> bool {
        self.chrome.can_write()
            && self.order.as_ref().is_some_and(|o| match next {
                FulfilmentStatus::Shipped => o
                    .fulfilment_status
                    .can_ship(o.payment_status, self.ships_on_account),
                _ => o.fulfilment_status.can_become(next),
            })
    }

    /// Whether "Mark paid" shows: a writer, an order not cancelled with a
    /// balance due (it records that balance).
    fn can_mark_paid(&self) -> bool {
        self.chrome.can_write()
            && self.order.as_ref().is_some_and(|o| {
                o.fulfilment_status != FulfilmentStatus::Cancelled && o.balance_due_cents > 0
            })
    }

    /// Whether "Issue invoice" shows: a writer, an order not cancelled, and
    /// no invoice standing on it.
    fn can_issue_invoice(&self) -> bool {
        self.chrome.can_write()
            && self
                .order
                .as_ref()
                .is_some_and(|o| o.fulfilment_status != FulfilmentStatus::Cancelled)
            && !self.documents.iter().any(DocumentRow::standing)
    }

    /// Whether "Edit order" shows: a writer, an order not shipped nor cancelled.
    fn can_edit(&self) -> bool {
        self.chrome.can_write()
            && self
                .order
                .as_ref()
                .is_some_and(|o| o.fulfilment_status == FulfilmentStatus::Unfulfilled)
    }

    /// Whether "Record payment" shows: a writer, an order not cancelled, or
    /// the form just refused (its errors show whatever the read model says yet).
    fn can_record_payment(&self) -> bool {
        self.chrome.can_write()
            && (!self.pay.payment_errors.is_empty()
                || self
                    .order
                    .as_ref()
                    .is_some_and(|o| o.fulfilment_status != FulfilmentStatus::Cancelled))
    }

    /// Whether "Refund" shows: a writer, something paid and not refunded, or
    /// the form just refused.
    fn can_refund(&self) -> bool {
        self.chrome.can_write()
            && (!self.pay.refund_errors.is_empty()
                || self
                    .order
                    .as_ref()
                    .is_some_and(|o| o.paid_cents > o.refunded_cents))
    }

    /// The payment methods, for the forms' choices.
    #[expect(
        clippy::unused_self,
        reason = "the template calls it as a method of the page"
    )]
    fn methods(&self) -> [PaymentMethod; 4] {
        PaymentMethod::ALL
    }

    /// The void form's errors when they are this entry's.
    /// Whether the void form of entry `payment_id` is the one refused.
    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "askama passes a template's arguments by reference"
    )]
    fn refused_void(&self, payment_id: &i64) -> bool {
        self.pay.void_of == Some(*payment_id)
    }

    /// A refused void's error when its entry is not listed (the read model
    /// does not have it yet): shown above the list instead of beside it.
    fn void_error_unlisted(&self) -> Option<String> {
        let id = self.pay.void_of?;
        let listed = self
            .order
            .as_ref()
            .is_some_and(|o| o.payments.iter().any(|p| p.id == id));
        if listed {
            return None;
        }
        self.void_error(&id)
            .map(|message| format!("Entry {id} was not voided: {message}"))
    }

    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "askama passes a template's arguments by reference"
    )]
    fn void_error(&self, payment_id: &i64) -> Option<&str> {
        if self.refused_void(payment_id) {
            self.pay
                .void_errors
                .get("payment_id")
                .or_else(|| self.pay.void_errors.get("reason"))
                .or_else(|| self.pay.void_errors.get("idempotency_key"))
        } else {
            None
        }
    }
}

/// The page of order `id` from what was read, with the payment forms
/// (fresh, or the one refused) and a fresh note form.
pub(super) fn detail_page(
    chrome: Chrome,
    id: i64,
    page: OrderDetailPage,
    await_change: AwaitChange,
    forms: PaymentForms,
) -> DetailPage {
    build(chrome, id, page, await_change, forms, NoteState::default())
}

fn build(
    chrome: Chrome,
    id: i64,
    page: OrderDetailPage,
    await_change: AwaitChange,
    forms: PaymentForms,
    note: NoteState,
) -> DetailPage {
    let freshness = FreshnessNote::one(&page.freshness);
    let pay = forms.filled(page.order.as_ref(), &chrome);
    let refundable_cents = page.order.as_ref().map_or(0, OrderDetail::refundable_cents);
    let notes = NotesView::new(
        NoteSubject::Order(OrderId(id)),
        page.notes,
        page.more_notes,
        note,
        &chrome,
    );
    DetailPage {
        refundable_cents,
        ships_on_account: page.ships_on_account,
        chrome,
        id,
        order: page.order,
        history: page.history,
        documents: page.documents,
        notes,
        freshness,
        await_change,
        pay,
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
    let freshness = page.freshness.clone();
    let detail = build(
        chrome,
        id,
        page,
        await_change,
        PaymentForms::default(),
        note,
    );
    Ok((detail, freshness))
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
    // The setting decides whether "Ship" shows for an unpaid order.
    let extra = format!(
        "{}|on_account:{}",
        etag::history_key(&page.history),
        page.ships_on_account
    );
    let tag = etag::etag(
        &page.chrome,
        std::slice::from_ref(&freshness),
        &page.freshness,
        &extra,
    );
    let shown_once = page.chrome.flash.is_some() || page.await_change.waiting;
    etag::answer(shown_once, &if_none_match, tag, || render_page(&page))
}
