//! `GET /settings`: the shop's settings and its tax rates, read from the
//! read side (`queries::shop`), with their freshness; "processing" while the
//! read models catch up with a change. Admins get the forms; everyone else
//! reads. The page is also what a refused settings or rate form re-renders.

use askama::Template;
use rocket::response::content::RawHtml;
use rocket::{get, routes};

use super::form::{SettingsForm, TaxRateEditForm, TaxRateForm};
use crate::commands::Conflict;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::queries::shop::{self, ShopPage, TaxRateRow};
use crate::read_models::ReadModelName;
use crate::web::{
    AfterParams, AwaitChange, ChangeWaiter, Chrome, FreshnessNote, ReadConn, filters, page,
    render_page,
};

pub fn routes() -> Vec<rocket::Route> {
    routes![show]
}

/// The page's forms: from the stored values, or as submitted with errors.
#[derive(Debug, Clone, Default)]
pub struct Forms {
    /// `None`: the stored settings.
    pub settings: Option<SettingsForm>,
    pub settings_errors: FieldErrors,
    pub settings_conflict: Option<Conflict>,
    pub new_rate: TaxRateForm,
    pub new_rate_errors: FieldErrors,
    /// The rate whose edit (or archiving) was refused, and its form as submitted.
    pub rate: Option<(i64, TaxRateEditForm)>,
    pub rate_errors: FieldErrors,
    pub rate_conflict: Option<Conflict>,
}

/// One rate's row: the rate and its edit form.
#[derive(Debug, Clone)]
pub struct RateRow {
    pub rate: TaxRateRow,
    pub form: TaxRateEditForm,
    pub is_default: bool,
    /// Whether the refused form of the page is this row's.
    pub refused: bool,
}

#[derive(Template)]
#[template(path = "settings/show.html")]
pub struct SettingsPage {
    chrome: Chrome,
    freshness: FreshnessNote,
    await_change: AwaitChange,
    shop: ShopPage,
    settings: SettingsForm,
    rows: Vec<RateRow>,
    forms: Forms,
}

page!(SettingsPage);

/// Reads the rates and settings and fills the page.
pub async fn page(
    conn: &mut diesel_async::AsyncPgConnection,
    chrome: Chrome,
    await_change: AwaitChange,
    forms: Forms,
) -> Result<SettingsPage, AppError> {
    let shop = shop::page(conn).await?;
    let settings = forms
        .settings
        .clone()
        .or_else(|| shop.settings.as_ref().map(SettingsForm::of))
        .unwrap_or_default();
    let default = shop.default_rate();
    let rows = shop
        .rates
        .iter()
        .map(|r| {
            let refused = forms.rate.as_ref().filter(|(id, _)| *id == r.id);
            RateRow {
                rate: r.clone(),
                form: refused.map_or_else(|| TaxRateEditForm::of(r), |(_, f)| f.clone()),
                is_default: Some(r.id) == default,
                refused: refused.is_some(),
            }
        })
        .collect();
    Ok(SettingsPage {
        chrome,
        freshness: FreshnessNote::of(std::slice::from_ref(&shop.freshness)),
        await_change,
        shop,
        settings,
        rows,
        forms,
    })
}

#[get("/settings?<params..>")]
async fn show(
    chrome: Chrome,
    mut conn: ReadConn,
    params: AfterParams,
    waiter: ChangeWaiter,
) -> Result<RawHtml<String>, AppError> {
    let await_change = AwaitChange::check(
        &mut conn.0,
        ReadModelName::ShopSettings,
        &params,
        "/settings",
        &waiter,
    )
    .await?;
    let page = page(&mut conn.0, chrome, await_change, Forms::default()).await?;
    render_page(&page)
}
