//! The shop's own records on the read side: its tax rates (the Tax rates
//! page, the product form's choice) and its settings (the Settings page).

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{Freshness, freshness};
use crate::db::read_schema::{shop_settings as ss, tax_rates as tr};
use crate::read_models::ReadModelName;

/// One tax rate as pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = tr, check_for_backend(diesel::pg::Pg))]
pub struct TaxRateRow {
    pub id: i64,
    pub name: String,
    /// Parts per million of the whole (20 % = 200 000).
    pub rate_ppm: i32,
    pub active: bool,
    pub version: i32,
}

impl TaxRateRow {
    /// `Standard (20%)`.
    pub fn label(&self) -> String {
        crate::domain::Percent::label(&self.name, self.rate_ppm)
    }

    /// The percentage as a form shows it: `20`, `5.5`.
    pub fn plain(&self) -> String {
        crate::domain::Percent::plain(self.rate_ppm)
    }
}

/// The shop's settings as stored on the read side.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = ss, check_for_backend(diesel::pg::Pg))]
pub struct SettingsRow {
    pub prices_include_tax: bool,
    pub tax_id: Option<String>,
    pub ship_on_account: bool,
    pub invoice_on_payment: bool,
    pub default_tax_rate_id: i64,
    pub version: i32,
}

/// The rates (active first, then by name), the settings, and the freshness
/// of both models, in one round trip.
#[derive(Debug, Clone)]
pub struct ShopPage {
    pub rates: Vec<TaxRateRow>,
    /// `None` only before the read side has its row (a fresh database).
    pub settings: Option<SettingsRow>,
    pub freshness: Freshness,
}

impl ShopPage {
    /// The rates offered for a new choice.
    pub fn active_rates(&self) -> impl Iterator<Item = &TaxRateRow> {
        self.rates.iter().filter(|r| r.active)
    }

    /// What a product form offers: the active rates, and `keep` (the
    /// product's own rate) even when it is archived.
    pub fn choices(&self, keep: Option<i64>) -> Vec<TaxRateRow> {
        self.rates
            .iter()
            .filter(|r| r.active || Some(r.id) == keep)
            .cloned()
            .collect()
    }

    /// The rate a new product gets unless another is chosen.
    pub fn default_rate(&self) -> Option<i64> {
        self.settings.as_ref().map(|s| s.default_tax_rate_id)
    }
}

/// Every rate and the settings (a shop has a handful of rates: no paging).
pub async fn page(shared: &AsyncPgConnection) -> Result<ShopPage, diesel::result::Error> {
    const VIEWS: &[ReadModelName] = &[ReadModelName::TaxRates, ReadModelName::ShopSettings];
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let rates = tr::table
        .order((tr::active.desc(), tr::name, tr::id))
        .select(TaxRateRow::as_select())
        .load::<TaxRateRow>(&mut &*shared);
    let settings = ss::table
        .select(SettingsRow::as_select())
        .load::<SettingsRow>(&mut &*shared);
    let (fresh, rates, settings) = futures_util::try_join!(fresh, rates, settings)?;
    let freshness = Freshness::worst(&freshness::decode(VIEWS, fresh))
        .ok_or(diesel::result::Error::NotFound)?;
    Ok(ShopPage {
        rates,
        settings: settings.into_iter().next(),
        freshness,
    })
}
