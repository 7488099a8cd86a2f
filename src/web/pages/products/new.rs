//! `GET /products/new` and `POST /products`: create a product. Invalid input
//! re-renders the form (422) with every value kept; success redirects (303) to
//! the new product's page with a flash.

use crate::web::guards::CsrfForm;
use askama::Template;
use rocket::http::Status;
use rocket::response::content::RawHtml;
use rocket::{get, post, routes};

use crate::commands::CommandError;
use crate::commands::create_product::create_product;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::observability::instrument_command;
use crate::queries::shop::{self, TaxRateRow};
use crate::web::filters;
use crate::web::forms::{CommandForm, ProductForm};
use crate::web::{Chrome, FormAnswer, ReadConn, Staff, WriteConn, after_url, render};

pub fn routes() -> Vec<rocket::Route> {
    routes![new, create]
}

#[derive(Template)]
#[template(path = "products/new.html")]
struct NewPage {
    chrome: Chrome,
    form: ProductForm,
    /// The active tax rates (read side).
    rates: Vec<TaxRateRow>,
    errors: FieldErrors,
}

#[get("/products/new")]
async fn new(chrome: Chrome, read: ReadConn) -> Result<RawHtml<String>, AppError> {
    let shop = shop::page(&read.0).await?;
    let default_rate = shop.default_rate().map(|id| id.to_string());
    render(&NewPage {
        chrome,
        form: ProductForm {
            active: true,
            low_stock_threshold: crate::domain::DEFAULT_LOW_STOCK_THRESHOLD.to_string(),
            tax_rate: default_rate.unwrap_or_default(),
            ..ProductForm::default()
        },
        rates: shop.choices(None),
        errors: FieldErrors::new(),
    })
}

#[post("/products", data = "<form>")]
async fn create(
    chrome: Chrome,
    staff: Staff,
    mut conn: WriteConn,
    read: ReadConn,
    form: CsrfForm<ProductForm>,
) -> Result<FormAnswer, AppError> {
    let result = match form.parse(chrome.currency) {
        Ok(input) => {
            instrument_command(
                "create_product",
                create_product(&mut conn.0, input, &staff.ctx()),
            )
            .await
        }
        Err(errors) => Err(CommandError::Invalid(errors)),
    };
    match result {
        Ok(ack) => Ok(FormAnswer::done(
            after_url(
                &format!("/products/{}", ack.id),
                ack.event_id,
                staff.clerk.0.csrf_token(),
            ),
            format!("Product {} created", form.sku.trim()),
        )),
        Err(CommandError::Invalid(errors)) => {
            let shop = shop::page(&read.0).await?;
            let page = NewPage {
                chrome,
                form: form.into_inner(),
                rates: shop.choices(None),
                errors,
            };
            Ok(FormAnswer::page(
                Status::UnprocessableEntity,
                render(&page)?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
