//! The products pages: the list with stock and sales, creating a product, the
//! product page with its edit form, and receiving and adjusting stock.

mod edit;
mod export;
mod form;
mod list;
mod new;
mod show;
mod stock;
mod stock_form;

pub use form::{ProductEditForm, ProductForm};
pub use stock_form::{AdjustmentForm, ReceiptForm};

/// Every route of the products pages.
pub fn routes() -> Vec<rocket::Route> {
    let mut routes = list::routes();
    routes.extend(export::routes());
    routes.extend(new::routes());
    routes.extend(show::routes());
    routes.extend(edit::routes());
    routes.extend(stock::routes());
    routes
}
