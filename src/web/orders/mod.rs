//! The orders pages: the list (with CSV export), order entry, the detail page
//! and its status actions, bulk actions, printables (slips, invoices, the
//! pick list) and the type-ahead's JSON look-ups.

mod actions;
mod bulk;
mod detail;
mod entry;
mod entry_form;
mod export;
mod export_slots;
mod list;
mod lookup;
mod print;

pub use export_slots::ExportSlots;

pub fn routes() -> Vec<rocket::Route> {
    let mut routes = list::routes();
    routes.extend(export::routes());
    routes.extend(entry::routes());
    routes.extend(detail::routes());
    routes.extend(actions::routes());
    routes.extend(lookup::routes());
    routes.extend(bulk::routes());
    routes.extend(print::routes());
    routes
}
