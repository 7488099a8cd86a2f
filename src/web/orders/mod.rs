//! The orders pages: the list (with CSV export), order entry, the detail page
//! and its status actions.

mod actions;
mod detail;
mod entry;
mod entry_form;
mod export;
mod export_slots;
mod list;

pub use export_slots::ExportSlots;

pub fn routes() -> Vec<rocket::Route> {
    let mut routes = list::routes();
    routes.extend(export::routes());
    routes.extend(entry::routes());
    routes.extend(detail::routes());
    routes.extend(actions::routes());
    routes
}
