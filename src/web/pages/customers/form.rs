//! The customer forms: registering (also inline on the order-entry form)
//! and editing against the version the form showed.

use rocket::form::FromForm;

use crate::commands::register_customer::CustomerDetails;
use crate::commands::update_customer::UpdateCustomer;
use crate::domain::{CustomerId, Email, FieldErrors, Name, Phone};
use crate::queries::customers::CustomerRow;
use crate::web::shell::command_form::{CommandForm, expected_version};

/// A new customer as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct CustomerForm {
    pub email: String,
    pub name: String,
    pub phone: String,
}

impl CommandForm for CustomerForm {
    type Input = CustomerDetails;
    type Context = ();

    fn parse(&self, (): ()) -> Result<CustomerDetails, FieldErrors> {
        let mut errors = FieldErrors::new();
        let details = details(self, &mut errors);
        details.filter(|_| errors.is_empty()).ok_or(errors)
    }
}

/// The customer's details, recording each field's error into `errors`.
fn details(form: &CustomerForm, errors: &mut FieldErrors) -> Option<CustomerDetails> {
    let email = errors.check("email", Email::parse(&form.email));
    let name = errors.check("name", Name::parse(&form.name));
    let phone = errors.check("phone", Phone::parse_optional(&form.phone));
    Some(CustomerDetails {
        email: email?,
        name: name?,
        phone: phone?,
    })
}

/// A customer's edit form as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct CustomerEditForm {
    pub name: String,
    pub email: String,
    pub phone: String,
    /// The version the form was filled from.
    pub version: String,
}

impl CustomerEditForm {
    /// The form filled with a customer's stored values.
    pub fn of(c: &CustomerRow) -> Self {
        Self {
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone().unwrap_or_default(),
            version: c.version.to_string(),
        }
    }
}

impl CommandForm for CustomerEditForm {
    type Input = UpdateCustomer;
    /// The customer's id.
    type Context = i64;

    fn parse(&self, customer_id: i64) -> Result<UpdateCustomer, FieldErrors> {
        let mut errors = FieldErrors::new();
        let fields = CustomerForm {
            email: self.email.clone(),
            name: self.name.clone(),
            phone: self.phone.clone(),
        };
        let details = details(&fields, &mut errors);
        let version = expected_version(&mut errors, &self.version);
        match (version, details) {
            (Some(expected_version), Some(details)) if errors.is_empty() => Ok(UpdateCustomer {
                customer_id: CustomerId(customer_id),
                expected_version,
                details,
            }),
            _ => Err(errors),
        }
    }
}
