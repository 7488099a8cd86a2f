//! `GET /customers/<id>`: the customer's statistics, address book (with its
//! forms), orders, edit form and history; "processing" while the read model
//! catches up with a change. The page is also what a refused edit (of the
//! customer or of an address) re-renders.

use askama::Template;
use rocket::{get, routes};

use crate::commands::Conflict;
use crate::domain::{CustomerId, FieldErrors, NoteSubject};
use crate::error::AppError;
use crate::queries::address::BookAddress;
use crate::queries::customers::{self, CustomerDetail};
use crate::queries::history::HistoryLine;
use crate::read_models::ReadModelName::CustomerStats;
use crate::web::PathId;
use crate::web::forms::{BookAddressForm, CustomerEditForm};
use crate::web::pages::customers::{FieldView, address_inputs, countries};
use crate::web::pages::notes::{NoteState, NotesView};
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
    /// An address book form shown again, with what went wrong.
    pub address: Option<AddressState>,
    /// The note form: empty, or as typed with its error.
    pub note: NoteState,
}

/// An address book form shown again: which address (`None`: the add form),
/// the values typed (or, for remove and default, the stored ones), errors
/// (`address` for the whole entry) and a conflict.
#[derive(Debug, Clone, Default)]
pub struct AddressState {
    pub target: Option<i64>,
    pub form: BookAddressForm,
    /// Whether `form` holds what was typed, not the stored values.
    pub typed: bool,
    pub errors: FieldErrors,
    pub conflict: Option<Conflict>,
}

impl AddressState {
    /// The add form, as typed.
    pub fn adding(form: BookAddressForm) -> Self {
        Self {
            form,
            typed: true,
            ..Self::default()
        }
    }

    /// An address's edit form, as typed.
    pub fn editing(id: i64, form: BookAddressForm) -> Self {
        Self {
            target: Some(id),
            form,
            typed: true,
            ..Self::default()
        }
    }

    /// A button on an address (remove, make default): its stored values.
    pub fn acting_on(id: i64) -> Self {
        Self {
            target: Some(id),
            ..Self::default()
        }
    }
}

/// One address of the book as the page shows it, with its forms.
#[derive(Debug, Clone)]
pub struct AddressEntry {
    pub address: BookAddress,
    pub form: BookAddressForm,
    pub inputs: Vec<FieldView>,
    pub errors: FieldErrors,
    pub conflict: Option<Conflict>,
    /// Its edit form is open (it was just refused).
    pub open: bool,
}

/// The add form as the page shows it.
#[derive(Debug, Clone)]
pub struct NewAddress {
    /// Every country, for the page's one `<datalist>`.
    pub countries: &'static [(&'static str, &'static str)],
    pub form: BookAddressForm,
    pub inputs: Vec<FieldView>,
    pub errors: FieldErrors,
    pub open: bool,
}

/// The book's entries and the add form, with the state shown again.
fn address_views(
    book: &[BookAddress],
    state: Option<AddressState>,
) -> (Vec<AddressEntry>, NewAddress) {
    let state = state.unwrap_or_default();
    let entries = book
        .iter()
        .map(|a| {
            let mine = state.target == Some(a.id);
            let form = if mine && state.typed {
                state.form.clone()
            } else {
                BookAddressForm::of(a)
            };
            let errors = if mine {
                state.errors.clone()
            } else {
                FieldErrors::new()
            };
            AddressEntry {
                inputs: address_inputs(
                    &form.address,
                    "address.",
                    &format!("address-{}", a.id),
                    &errors,
                ),
                open: mine && state.typed,
                conflict: if mine { state.conflict.clone() } else { None },
                address: a.clone(),
                form,
                errors,
            }
        })
        .collect();
    let adding = state.target.is_none() && state.typed;
    let (form, errors) = if adding {
        (state.form, state.errors)
    } else {
        (BookAddressForm::default(), FieldErrors::new())
    };
    let new = NewAddress {
        countries: countries(),
        inputs: address_inputs(&form.address, "address.", "new-address", &errors),
        open: adding || book.is_empty(),
        form,
        errors,
    };
    (entries, new)
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
    history: Vec<HistoryLine>,
    edit: CustomerEditForm,
    errors: FieldErrors,
    conflict: Option<Conflict>,
    addresses: Vec<AddressEntry>,
    new_address: NewAddress,
    notes: NotesView,
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
    let notes = NotesView::new(
        NoteSubject::Customer(CustomerId(id)),
        std::mem::take(&mut detail.notes),
        detail.more_notes,
        state.note,
        &chrome,
    );
    let (addresses, new_address) = address_views(&detail.addresses, state.address);
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
        addresses,
        new_address,
        notes,
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
