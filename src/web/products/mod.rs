//! The products pages: the list with stock and sales, creating a product, the
//! product page with its edit form, and receiving and adjusting stock.

mod detail;
mod edit;
mod form;
mod list;
mod stock;

/// Every route of the products pages.
pub fn routes() -> Vec<rocket::Route> {
    let mut routes = list::routes();
    routes.extend(form::routes());
    routes.extend(detail::routes());
    routes.extend(edit::routes());
    routes.extend(stock::routes());
    routes
}
