//! The product forms: creating one, and editing it against the version the
//! form showed. Prices are read in the shop's currency (`12.50`, or `1500`
//! for a currency without decimals) and stored in its minor unit. The
//! low-stock threshold is a whole number of units, 0 or more; a new product
//! left without one gets the default (10).

use rocket::form::FromForm;

use crate::commands::create_product::{CreateProduct, ProductDetails};
use crate::commands::update_product::UpdateProduct;
use crate::domain::{
    Currency, FieldErrors, Money, Name, ProductId, Sku, StockLevel, TaxRateId, parse_description,
};
use crate::queries::products::ProductRow;
use crate::web::shell::command_form::{CommandForm, expected_version};

/// A new product as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct ProductForm {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price: String,
    pub active: bool,
    /// Empty: the default threshold.
    #[field(default = String::new())]
    pub low_stock_threshold: String,
    /// The chosen rate's id.
    #[field(default = String::new())]
    pub tax_rate: String,
}

impl CommandForm for ProductForm {
    type Input = CreateProduct;
    /// The shop's currency: how many decimals a price may have.
    type Context = Currency;

    fn parse(&self, currency: Currency) -> Result<CreateProduct, FieldErrors> {
        let mut errors = FieldErrors::new();
        let sku = errors.check("sku", Sku::parse(&self.sku));
        let threshold = if self.low_stock_threshold.trim().is_empty() {
            StockLevel::default_threshold().get().to_string()
        } else {
            self.low_stock_threshold.clone()
        };
        let details = details(
            (&self.name, &self.description, &self.price, self.active),
            (&threshold, &self.tax_rate),
            currency,
            &mut errors,
        );
        match (sku, details) {
            (Some(sku), Some(details)) if errors.is_empty() => Ok(CreateProduct { sku, details }),
            _ => Err(errors),
        }
    }
}

/// A product's edit form as submitted (the SKU never changes, so it is not a field).
#[derive(Debug, Clone, Default, FromForm)]
pub struct ProductEditForm {
    pub name: String,
    pub description: String,
    pub price: String,
    pub active: bool,
    #[field(default = String::new())]
    pub low_stock_threshold: String,
    #[field(default = String::new())]
    pub tax_rate: String,
    /// The version the form was filled from.
    pub version: String,
}

impl ProductEditForm {
    /// The form filled with a product's stored values, the price written
    /// plainly in the shop's currency (`12.50`, `1500`).
    pub fn of(p: &ProductRow, currency: Currency) -> Self {
        Self {
            name: p.name.clone(),
            description: p.description.clone(),
            price: currency.plain(p.price_cents),
            active: p.active,
            low_stock_threshold: p.low_stock_threshold.to_string(),
            tax_rate: p.tax_rate_id.to_string(),
            version: p.version.to_string(),
        }
    }
}

impl CommandForm for ProductEditForm {
    type Input = UpdateProduct;
    /// The product's id and the shop's currency.
    type Context = (i64, Currency);

    fn parse(&self, (product_id, currency): (i64, Currency)) -> Result<UpdateProduct, FieldErrors> {
        let mut errors = FieldErrors::new();
        let version = expected_version(&mut errors, &self.version);
        let details = details(
            (&self.name, &self.description, &self.price, self.active),
            (&self.low_stock_threshold, &self.tax_rate),
            currency,
            &mut errors,
        );
        match (version, details) {
            (Some(expected_version), Some(details)) if errors.is_empty() => Ok(UpdateProduct {
                product_id: ProductId(product_id),
                expected_version,
                details,
            }),
            _ => Err(errors),
        }
    }
}

/// The editable fields `(name, description, price, active)`, the threshold
/// and the rate's id, recording each field's error into `errors`.
fn details(
    (name, description, price, active): (&str, &str, &str, bool),
    (threshold, tax_rate): (&str, &str),
    currency: Currency,
    errors: &mut FieldErrors,
) -> Option<ProductDetails> {
    let name = errors.check("name", Name::parse(name));
    let description = errors.check("description", parse_description(description));
    let price = errors.check("price", Money::parse_in(price, currency.exponent()));
    let threshold = errors.check("low_stock_threshold", StockLevel::parse(threshold));
    let tax_rate = errors.check("tax_rate", parse_rate(tax_rate));
    Some(ProductDetails {
        name: name?,
        description: description?,
        price: price?,
        active,
        low_stock_threshold: threshold?,
        tax_rate: tax_rate?,
    })
}

/// A rate chosen in the form's select: its id (the command checks it exists
/// and is active); none chosen: the shop's default for a new product, the
/// product's own for an edit.
fn parse_rate(raw: &str) -> Result<Option<TaxRateId>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(|id| Some(TaxRateId(id)))
        .ok_or_else(|| "choose one of the tax rates".to_owned())
}
