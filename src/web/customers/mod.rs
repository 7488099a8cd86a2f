//! The customers pages: the list with order statistics, registering a
//! customer, and the customer page with their orders and the edit form.

mod detail;
mod edit;
mod form;
mod list;

/// Every route of the customers pages.
pub fn routes() -> Vec<rocket::Route> {
    let mut routes = list::routes();
    routes.extend(form::routes());
    routes.extend(detail::routes());
    routes.extend(edit::routes());
    routes
}
