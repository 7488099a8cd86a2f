//! `POST /products/<id>`: save name, description, price and active flag against
//! the version the form showed. A stale version answers 409 with the user's
//! values, what changed meanwhile and the new version to save again against.

use rocket::form::FromForm;

use crate::web::auth::CsrfForm;
use rocket::http::Status;
use rocket::{post, routes};

use super::detail::{Forms, page};
use crate::commands::CommandError;
use crate::commands::create_product::{ProductDetails, ProductForm};
use crate::commands::update_product::{UpdateProduct, update_product};
use crate::domain::{Currency, FieldErrors};
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::queries::products::ProductRow;
use crate::web::PathId;
use crate::web::{AwaitChange, Chrome, FormAnswer, ReadConn, Staff, WriteConn, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![update]
}

/// The edit form as submitted (the SKU never changes, so it is not a field).
#[derive(Debug, Clone, Default, FromForm)]
pub struct EditForm {
    pub name: String,
    pub description: String,
    pub price: String,
    pub active: bool,
    /// The version the form was filled from.
    pub version: String,
}

impl EditForm {
    /// The form filled with a product's stored values, the price written
    /// plainly in the shop's currency (`12.50`, `1500`).
    pub fn of(p: &ProductRow, currency: Currency) -> Self {
        Self {
            name: p.name.clone(),
            description: p.description.clone(),
            price: currency.plain(p.price_cents),
            active: p.active,
            version: p.version.to_string(),
        }
    }

    fn parse(&self, product_id: i64, currency: Currency) -> Result<UpdateProduct, FieldErrors> {
        let mut errors = FieldErrors::new();
        let version = errors.check(
            "version",
            self.version
                .trim()
                .parse::<i32>()
                .map_err(|_| "the form lost its version; reload the page".to_owned()),
        );
        let details = ProductDetails::parse_in(
            &ProductForm {
                sku: String::new(),
                name: self.name.clone(),
                description: self.description.clone(),
                price: self.price.clone(),
                active: self.active,
            },
            currency.exponent(),
            &mut errors,
        );
        match (version, details) {
            (Some(expected_version), Some(details)) if errors.is_empty() => Ok(UpdateProduct {
                product_id,
                expected_version,
                details,
            }),
            _ => Err(errors),
        }
    }
}

#[post("/products/<id>", data = "<form>")]
async fn update(
    chrome: Chrome,
    staff: Staff,
    mut conn: WriteConn,
    mut read: ReadConn,
    id: PathId,
    form: CsrfForm<EditForm>,
) -> Result<FormAnswer, AppError> {
    let id = id.or_404("product")?;
    let result = match form.parse(id, chrome.currency) {
        Ok(input) => {
            instrument_command(
                "update_product",
                update_product(&mut conn.0, input, &staff.ctx()),
            )
            .await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    let mut edit = form.into_inner();
    let (status, forms) = match result {
        Ok(ack) => {
            return Ok(FormAnswer::done(
                format!("/products/{id}?after={}", ack.event_id),
                format!("Product “{}” saved", edit.name.trim()),
            ));
        }
        Err(CommandError::Invalid(edit_errors)) => (
            Status::UnprocessableEntity,
            Forms {
                edit: Some(edit),
                edit_errors,
                ..Forms::default()
            },
        ),
        Err(CommandError::Conflict(conflict)) => {
            if let Some(v) = conflict.current_version {
                edit.version = v.to_string();
            }
            (
                Status::Conflict,
                Forms {
                    edit: Some(edit),
                    conflict: Some(conflict),
                    ..Forms::default()
                },
            )
        }
        Err(e) => return Err(e.into()),
    };
    let page = page(&mut read.0, chrome, id, AwaitChange::default(), forms).await?;
    Ok(FormAnswer::refused(status, render_page(&page)?))
}
