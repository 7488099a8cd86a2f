//! The Settings page's forms and their parsing into the commands' inputs:
//! the settings, a new tax rate, a rate's edit and its archiving.

use rocket::form::FromForm;

use crate::commands::archive_tax_rate::ArchiveTaxRate;
use crate::commands::change_shop_settings::{ChangeShopSettings, ShopSettings};
use crate::commands::create_tax_rate::TaxRateDetails;
use crate::commands::update_tax_rate::UpdateTaxRate;
use crate::domain::{FieldErrors, Percent, TaxId, TaxRateId, TaxRateName};
use crate::queries::shop::{SettingsRow, TaxRateRow};
use crate::web::shell::command_form::{CommandForm, expected_version};

/// The settings as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct SettingsForm {
    pub prices_include_tax: bool,
    #[field(default = String::new())]
    pub tax_id: String,
    pub ship_on_account: bool,
    pub invoice_on_payment: bool,
    #[field(default = String::new())]
    pub default_tax_rate: String,
    #[field(default = String::new())]
    pub version: String,
}

impl SettingsForm {
    /// The form filled with the stored settings.
    pub fn of(s: &SettingsRow) -> Self {
        Self {
            prices_include_tax: s.prices_include_tax,
            tax_id: s.tax_id.clone().unwrap_or_default(),
            ship_on_account: s.ship_on_account,
            invoice_on_payment: s.invoice_on_payment,
            default_tax_rate: s.default_tax_rate_id.to_string(),
            version: s.version.to_string(),
        }
    }
}

impl CommandForm for SettingsForm {
    type Input = ChangeShopSettings;
    type Context = ();

    fn parse(&self, (): ()) -> Result<ChangeShopSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let version = expected_version(&mut errors, &self.version);
        let tax_id = errors.check("tax_id", TaxId::parse_optional(&self.tax_id));
        let rate = errors.check("default_tax_rate", rate_id(&self.default_tax_rate));
        match (version, tax_id, rate) {
            (Some(expected_version), Some(tax_id), Some(default_tax_rate)) if errors.is_empty() => {
                Ok(ChangeShopSettings {
                    expected_version,
                    settings: ShopSettings {
                        prices_include_tax: self.prices_include_tax,
                        tax_id,
                        ship_on_account: self.ship_on_account,
                        invoice_on_payment: self.invoice_on_payment,
                        default_tax_rate,
                    },
                })
            }
            _ => Err(errors),
        }
    }
}

/// A rate chosen in a select: its id.
fn rate_id(raw: &str) -> Result<TaxRateId, String> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(TaxRateId)
        .ok_or_else(|| "choose one of the tax rates".to_owned())
}

/// A new tax rate as submitted: a name and a percentage (`20`, `5.5`).
#[derive(Debug, Clone, Default, FromForm)]
pub struct TaxRateForm {
    #[field(default = String::new())]
    pub name: String,
    #[field(default = String::new())]
    pub rate: String,
}

impl CommandForm for TaxRateForm {
    type Input = TaxRateDetails;
    type Context = ();

    fn parse(&self, (): ()) -> Result<TaxRateDetails, FieldErrors> {
        let mut errors = FieldErrors::new();
        let details = details(&self.name, &self.rate, &mut errors);
        details.filter(|_| errors.is_empty()).ok_or(errors)
    }
}

fn details(name: &str, rate: &str, errors: &mut FieldErrors) -> Option<TaxRateDetails> {
    let name = errors.check("name", TaxRateName::parse(name));
    let rate = errors.check("rate", Percent::parse(rate));
    Some(TaxRateDetails {
        name: name?,
        rate: rate?,
    })
}

/// A rate's edit as submitted, against the version the form showed.
#[derive(Debug, Clone, Default, FromForm)]
pub struct TaxRateEditForm {
    #[field(default = String::new())]
    pub name: String,
    #[field(default = String::new())]
    pub rate: String,
    #[field(default = String::new())]
    pub version: String,
}

impl TaxRateEditForm {
    /// The form filled with a stored rate.
    pub fn of(r: &TaxRateRow) -> Self {
        Self {
            name: r.name.clone(),
            rate: r.plain(),
            version: r.version.to_string(),
        }
    }
}

impl CommandForm for TaxRateEditForm {
    type Input = UpdateTaxRate;
    /// The rate's id from the path.
    type Context = i64;

    fn parse(&self, id: i64) -> Result<UpdateTaxRate, FieldErrors> {
        let mut errors = FieldErrors::new();
        let version = expected_version(&mut errors, &self.version);
        let details = details(&self.name, &self.rate, &mut errors);
        match (version, details) {
            (Some(expected_version), Some(details)) if errors.is_empty() => Ok(UpdateTaxRate {
                tax_rate_id: TaxRateId(id),
                expected_version,
                details,
            }),
            _ => Err(errors),
        }
    }
}

/// Archiving a rate: the version the list showed.
#[derive(Debug, Clone, Default, FromForm)]
pub struct ArchiveRateForm {
    #[field(default = String::new())]
    pub version: String,
}

impl CommandForm for ArchiveRateForm {
    type Input = ArchiveTaxRate;
    type Context = i64;

    fn parse(&self, id: i64) -> Result<ArchiveTaxRate, FieldErrors> {
        let mut errors = FieldErrors::new();
        let version = expected_version(&mut errors, &self.version);
        match version {
            Some(expected_version) if errors.is_empty() => Ok(ArchiveTaxRate {
                tax_rate_id: TaxRateId(id),
                expected_version,
            }),
            _ => Err(errors),
        }
    }
}
