//! The orders pages: the list (with CSV export), order entry, the detail page
//! and its status actions, bulk actions, printables (slips, the pick list),
//! invoices and credit notes and the type-ahead's JSON look-ups.

mod actions;
mod bulk;
mod bulk_form;
mod documents;
mod edit;
mod edit_form;
mod entry_totals;
mod export;
mod export_slots;
mod form;
mod list;
mod lookup;
mod new;
mod new_form;
mod payment_form;
mod payments;
mod print;
pub(crate) mod show;

pub use bulk_form::BulkForm;
pub use export::ExportRefused;
pub use export_slots::ExportSlots;
pub use form::{CancelForm, LineForm, OrderForm};

pub fn routes() -> Vec<rocket::Route> {
    let mut routes = list::routes();
    routes.extend(export::routes());
    routes.extend(new::routes());
    routes.extend(edit::routes());
    routes.extend(show::routes());
    routes.extend(actions::routes());
    routes.extend(payments::routes());
    routes.extend(lookup::routes());
    routes.extend(bulk::routes());
    routes.extend(print::routes());
    routes.extend(documents::routes());
    routes
}
