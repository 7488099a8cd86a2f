//! The address forms: an address's fields as posted (order entry's new
//! address and the address book's forms share them), the book's add / edit /
//! remove / default forms and their parsing, and the fields as a template
//! draws them, each error beside its input.

use rocket::form::FromForm;

use crate::commands::add_address::AddAddress;
use crate::commands::edit_address::EditAddress;
use crate::commands::remove_address::RemoveAddress;
use crate::commands::set_default_address::SetDefaultAddress;
use crate::domain::{
    AddressFields, AddressId, AddressLabel, AddressRole, Country, CustomerId, FieldErrors,
    PostalAddress,
};
use crate::queries::address::BookAddress;
use crate::web::shell::command_form::{CommandForm, expected_version};

/// An address's parts as posted (`<prefix>.name`, `<prefix>.line1` …).
#[derive(Debug, Clone, Default, FromForm)]
pub struct AddressForm {
    #[field(default = String::new())]
    pub name: String,
    #[field(default = String::new())]
    pub company: String,
    #[field(default = String::new())]
    pub line1: String,
    #[field(default = String::new())]
    pub line2: String,
    #[field(default = String::new())]
    pub city: String,
    #[field(default = String::new())]
    pub region: String,
    #[field(default = String::new())]
    pub postal_code: String,
    #[field(default = String::new())]
    pub country: String,
    #[field(default = String::new())]
    pub phone: String,
}

impl AddressForm {
    /// The parts as the domain parses them.
    pub fn fields(&self) -> AddressFields {
        AddressFields {
            name: self.name.clone(),
            company: self.company.clone(),
            line1: self.line1.clone(),
            line2: self.line2.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
            phone: self.phone.clone(),
        }
    }

    /// The form filled with stored parts.
    pub fn of(f: &AddressFields) -> Self {
        Self {
            name: f.name.clone(),
            company: f.company.clone(),
            line1: f.line1.clone(),
            line2: f.line2.clone(),
            city: f.city.clone(),
            region: f.region.clone(),
            postal_code: f.postal_code.clone(),
            country: f.country.clone(),
            phone: f.phone.clone(),
        }
    }

    /// Whether nothing was typed.
    pub fn is_blank(&self) -> bool {
        [
            &self.name,
            &self.company,
            &self.line1,
            &self.line2,
            &self.city,
            &self.region,
            &self.postal_code,
            &self.country,
            &self.phone,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// An address book entry as posted: adding (no version) or editing.
#[derive(Debug, Clone, Default, FromForm)]
pub struct BookAddressForm {
    #[field(default = String::new())]
    pub label: String,
    pub address: AddressForm,
    #[field(default = false)]
    pub default_shipping: bool,
    #[field(default = false)]
    pub default_billing: bool,
    /// The version an edit form was filled from (empty when adding).
    #[field(default = String::new())]
    pub version: String,
}

impl BookAddressForm {
    /// The edit form of a stored address.
    pub fn of(a: &BookAddress) -> Self {
        Self {
            label: a.label.clone(),
            address: AddressForm::of(&a.fields),
            default_shipping: a.default_shipping,
            default_billing: a.default_billing,
            version: a.version.to_string(),
        }
    }

    fn label_and_address(&self, errors: &mut FieldErrors) -> Option<(AddressLabel, PostalAddress)> {
        let label = errors.check("label", AddressLabel::parse(&self.label));
        let address = PostalAddress::parse(&self.address.fields(), "address.", errors);
        Some((label?, address?))
    }
}

impl CommandForm for BookAddressForm {
    type Input = AddAddress;
    /// The customer's id.
    type Context = i64;

    fn parse(&self, customer_id: i64) -> Result<AddAddress, FieldErrors> {
        let mut errors = FieldErrors::new();
        match self.label_and_address(&mut errors) {
            Some((label, address)) if errors.is_empty() => Ok(AddAddress {
                customer_id: CustomerId(customer_id),
                label,
                address,
                default_shipping: self.default_shipping,
                default_billing: self.default_billing,
            }),
            _ => Err(errors),
        }
    }
}

/// The edit of one address: the same form, with its version.
#[derive(Debug, Clone)]
pub struct EditOf<'a>(pub &'a BookAddressForm);

impl CommandForm for EditOf<'_> {
    type Input = EditAddress;
    /// The customer's and the address's ids.
    type Context = (i64, i64);

    fn parse(&self, (customer_id, address_id): (i64, i64)) -> Result<EditAddress, FieldErrors> {
        let mut errors = FieldErrors::new();
        let parts = self.0.label_and_address(&mut errors);
        let version = expected_version(&mut errors, &self.0.version);
        match (parts, version) {
            (Some((label, address)), Some(expected_version)) if errors.is_empty() => {
                Ok(EditAddress {
                    customer_id: CustomerId(customer_id),
                    address_id: AddressId(address_id),
                    expected_version,
                    label,
                    address,
                })
            }
            _ => Err(errors),
        }
    }
}

/// "Remove": the version the page showed.
#[derive(Debug, Clone, Default, FromForm)]
pub struct RemoveAddressForm {
    #[field(default = String::new())]
    pub version: String,
}

impl CommandForm for RemoveAddressForm {
    type Input = RemoveAddress;
    type Context = (i64, i64);

    fn parse(&self, (customer_id, address_id): (i64, i64)) -> Result<RemoveAddress, FieldErrors> {
        let mut errors = FieldErrors::new();
        expected_version(&mut errors, &self.version)
            .map(|expected_version| RemoveAddress {
                customer_id: CustomerId(customer_id),
                address_id: AddressId(address_id),
                expected_version,
            })
            .ok_or(errors)
    }
}

/// "Make default for shipping / billing": the button's role.
#[derive(Debug, Clone, Default, FromForm)]
pub struct DefaultAddressForm {
    #[field(default = String::new())]
    pub role: String,
}

impl CommandForm for DefaultAddressForm {
    type Input = SetDefaultAddress;
    type Context = (i64, i64);

    fn parse(
        &self,
        (customer_id, address_id): (i64, i64),
    ) -> Result<SetDefaultAddress, FieldErrors> {
        AddressRole::parse(&self.role)
            .map(|role| SetDefaultAddress {
                customer_id: CustomerId(customer_id),
                address_id: AddressId(address_id),
                role,
            })
            .map_err(|_| FieldErrors::single("address", "choose shipping or billing"))
    }
}

/// One input as a template draws it.
#[derive(Debug, Clone)]
pub struct FieldView {
    pub id: String,
    pub name: String,
    pub label: &'static str,
    pub value: String,
    pub error: Option<String>,
    pub required: bool,
    pub autocomplete: &'static str,
    /// The country input offers the page's `<datalist id="countries">`.
    pub countries: bool,
}

/// An address's inputs for a template: the posted names start with
/// `prefix` (`shipping.`, `address.`), the HTML ids with `id_prefix`, and
/// each error is looked up under the posted name.
pub fn address_inputs(
    form: &AddressForm,
    prefix: &str,
    id_prefix: &str,
    errors: &FieldErrors,
) -> Vec<FieldView> {
    let parts: [(&str, &'static str, &String, bool, &'static str); 9] = [
        ("name", "Recipient", &form.name, true, "name"),
        ("company", "Company", &form.company, false, "organization"),
        (
            "line1",
            "Address line 1",
            &form.line1,
            true,
            "address-line1",
        ),
        (
            "line2",
            "Address line 2",
            &form.line2,
            false,
            "address-line2",
        ),
        ("city", "Town or city", &form.city, true, "address-level2"),
        (
            "region",
            "Region, state or county",
            &form.region,
            false,
            "address-level1",
        ),
        (
            "postal_code",
            "Postal code",
            &form.postal_code,
            false,
            "postal-code",
        ),
        (
            "country",
            "Country (code or name)",
            &form.country,
            true,
            "country",
        ),
        ("phone", "Phone", &form.phone, false, "tel"),
    ];
    parts
        .into_iter()
        .map(|(part, label, value, required, autocomplete)| {
            let name = format!("{prefix}{part}");
            FieldView {
                id: format!("{id_prefix}-{}", part.replace('_', "-")),
                error: errors.get(&name).map(str::to_owned),
                name,
                label,
                value: value.clone(),
                required,
                autocomplete,
                countries: part == "country",
            }
        })
        .collect()
}

/// Every country, for the page's one `<datalist id="countries">`.
pub fn countries() -> &'static [(&'static str, &'static str)] {
    Country::all()
}
