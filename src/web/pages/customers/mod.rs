//! The customers pages: the list with order statistics, registering a
//! customer, and the customer page with their orders and the edit form.

mod edit;
mod export;
mod form;
mod list;
mod new;
mod show;

pub use form::{CustomerEditForm, CustomerForm};

/// Every route of the customers pages.
pub fn routes() -> Vec<rocket::Route> {
    let mut routes = list::routes();
    routes.extend(export::routes());
    routes.extend(new::routes());
    routes.extend(show::routes());
    routes.extend(edit::routes());
    routes
}
