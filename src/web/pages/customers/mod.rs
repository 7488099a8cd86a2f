//! The customers pages: the list with order statistics, registering a
//! customer, and the customer page with their address book, orders and the
//! edit form.

mod address_form;
mod addresses;
mod edit;
mod export;
mod form;
mod list;
mod new;
pub(crate) mod show;

pub use address_form::{
    AddressForm, BookAddressForm, DefaultAddressForm, EditOf, FieldView, RemoveAddressForm,
    address_inputs, countries,
};
pub use form::{CustomerEditForm, CustomerForm};

/// Every route of the customers pages.
pub fn routes() -> Vec<rocket::Route> {
    let mut routes = list::routes();
    routes.extend(export::routes());
    routes.extend(new::routes());
    routes.extend(show::routes());
    routes.extend(edit::routes());
    routes.extend(addresses::routes());
    routes
}
