//! `GET /orders/lookup/products?q=` and `GET /orders/lookup/customers?q=`:
//! the small JSON endpoint behind order entry's type-ahead. Only staff who may
//! enter orders (clerks, admins) get answers; at most ten rows; every string
//! is JSON-escaped with `<`, `>` and `&` as `\u003c`-style escapes, so the
//! body cannot be read as markup even by a browser that sniffs.

use rocket::http::ContentType;
use rocket::{get, routes};
use serde::Serialize;

use crate::error::AppError;
use crate::queries::lookup;
use crate::queries::order_entry::{CustomerChoice, ProductChoice};
use crate::web::{Chrome, ReadConn, Staff};

pub fn routes() -> Vec<rocket::Route> {
    routes![products, customers]
}

/// One product as the type-ahead lists it.
#[derive(Debug, Serialize)]
struct ProductHit {
    id: i64,
    sku: String,
    name: String,
    price_cents: i64,
    /// In the shop's currency, e.g. `$12.50`.
    price: String,
    available: i32,
    active: bool,
    /// Why it cannot be ordered now, if it cannot: "not for sale", "out of stock".
    note: Option<&'static str>,
}

impl ProductHit {
    fn new(p: ProductChoice, chrome: &Chrome) -> Self {
        let note = if !p.active {
            Some("not for sale")
        } else if p.available <= 0 {
            Some("out of stock")
        } else {
            None
        };
        Self {
            price: chrome.currency.format(p.price_cents),
            id: p.product_id,
            sku: p.sku,
            name: p.name,
            price_cents: p.price_cents,
            available: p.available,
            active: p.active,
            note,
        }
    }
}

/// One customer as the type-ahead lists them, with their address book (so
/// choosing them offers their addresses without another request).
#[derive(Debug, Serialize)]
struct CustomerHit {
    id: i64,
    name: String,
    email: String,
    addresses: Vec<AddressHit>,
}

/// A book address as the order form offers it.
#[derive(Debug, Serialize)]
struct AddressHit {
    id: i64,
    /// The label and the address on one line (the shared formatter's).
    summary: String,
    default_shipping: bool,
    default_billing: bool,
}

impl From<CustomerChoice> for CustomerHit {
    fn from(c: CustomerChoice) -> Self {
        Self {
            id: c.customer_id,
            name: c.name,
            email: c.email,
            addresses: c
                .addresses
                .iter()
                .map(|a| AddressHit {
                    id: a.id,
                    summary: a.summary(),
                    default_shipping: a.default_shipping,
                    default_billing: a.default_billing,
                })
                .collect(),
        }
    }
}

/// JSON whose strings cannot close a `<script>` or open a tag: `<`, `>` and
/// `&` only ever occur inside JSON strings, where `\u003c` means the same.
fn json_body(value: &impl Serialize) -> Result<(ContentType, String), AppError> {
    let raw = serde_json::to_string(value).map_err(|e| AppError::Internal(format!("json: {e}")))?;
    let safe = raw
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    Ok((ContentType::JSON, safe))
}

#[get("/orders/lookup/products?<q>&<limit>")]
async fn products(
    chrome: Chrome,
    _staff: Staff,
    mut read: ReadConn,
    q: Option<&str>,
    limit: Option<i64>,
) -> Result<(ContentType, String), AppError> {
    let limit = limit.unwrap_or(lookup::MAX_RESULTS);
    let rows = lookup::products(&mut read.0, q.unwrap_or(""), limit).await?;
    let hits: Vec<ProductHit> = rows
        .into_iter()
        .map(|p| ProductHit::new(p, &chrome))
        .collect();
    json_body(&hits)
}

#[get("/orders/lookup/customers?<q>&<limit>")]
async fn customers(
    _staff: Staff,
    mut read: ReadConn,
    q: Option<&str>,
    limit: Option<i64>,
) -> Result<(ContentType, String), AppError> {
    let limit = limit.unwrap_or(lookup::MAX_RESULTS);
    let rows = lookup::customers(&mut read.0, q.unwrap_or(""), limit).await?;
    let hits: Vec<CustomerHit> = rows.into_iter().map(CustomerHit::from).collect();
    json_body(&hits)
}
