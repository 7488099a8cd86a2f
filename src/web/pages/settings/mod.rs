//! The Settings page: the shop's settings (prices include tax, its tax id,
//! ship on account, invoice on payment, the default tax rate) and its tax
//! rates (list, new, edit, archive). Every signed-in user reads it; only
//! admins change it.

mod archive_rate;
mod edit;
mod edit_rate;
mod form;
mod new_rate;
mod show;

pub use form::{ArchiveRateForm, SettingsForm, TaxRateEditForm, TaxRateForm};

pub fn routes() -> Vec<rocket::Route> {
    let mut routes = show::routes();
    routes.extend(edit::routes());
    routes.extend(new_rate::routes());
    routes.extend(edit_rate::routes());
    routes.extend(archive_rate::routes());
    routes
}
