//! Printables: `GET /orders/<id>/slip`, the
//! packing slips of several orders (`GET /orders/slips?ids=1,2,3`, what the
//! list's bulk "Print packing slips" opens) and the pick list of every paid,
//! unshipped order (`GET /orders/pick-list`); invoices are documents.rs's.
//! Pages like any other on screen;
//! the print stylesheet drops the chrome and fits A4 and Letter.

use askama::Template;
use rocket::response::content::RawHtml;
use rocket::{State, get, routes};

use crate::config::Settings;
use crate::error::AppError;
use crate::queries::printables::{self, MAX_PRINT_ORDERS, PickList, PrintOrder};
use crate::web::{Chrome, FreshnessNote, PathId, ReadConn, filters, page, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![slip, slips, pick_list]
}

/// The shop as the printables head it.
pub struct Shop {
    pub name: String,
    pub address_lines: Vec<String>,
}

impl Shop {
    pub(super) fn of(settings: &Settings) -> Self {
        Self {
            name: settings.shop_name.clone(),
            address_lines: settings
                .shop_address
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "orders/print/slips.html")]
struct SlipsPage {
    chrome: Chrome,
    shop: Shop,
    orders: Vec<PrintOrder>,
    /// Asked for but not in the read model (yet, or at all).
    missing: Vec<i64>,
    freshness: FreshnessNote,
}

#[derive(Template)]
#[template(path = "orders/print/pick_list.html")]
struct PickListPage {
    chrome: Chrome,
    shop: Shop,
    list: PickList,
    freshness: FreshnessNote,
}

page!(SlipsPage, PickListPage);

/// Parses `1,2,3` (spaces allowed): at least one, at most [`MAX_PRINT_ORDERS`], each positive.
fn parse_ids(raw: &str) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<i64>() {
            Ok(id) if id > 0 => ids.push(id),
            _ => {
                return Err(AppError::Unprocessable(format!(
                    "{part:?} is not an order number; nothing to print."
                )));
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_PRINT_ORDERS {
        return Err(AppError::Unprocessable(format!(
            "Name between 1 and {MAX_PRINT_ORDERS} orders to print."
        )));
    }
    Ok(ids)
}

async fn slips_of(
    chrome: Chrome,
    settings: &Settings,
    read: &mut ReadConn,
    ids: &[i64],
) -> Result<RawHtml<String>, AppError> {
    let (orders, freshness) = printables::orders(&mut read.0, ids).await?;
    if orders.is_empty() {
        return Err(AppError::NotFound(
            "There is no such order to print.".into(),
        ));
    }
    let missing = ids
        .iter()
        .copied()
        .filter(|id| !orders.iter().any(|o| o.id == *id))
        .collect();
    render_page(&SlipsPage {
        chrome,
        shop: Shop::of(settings),
        orders,
        missing,
        freshness: FreshnessNote::one(&freshness),
    })
}

#[get("/orders/<id>/slip")]
async fn slip(
    chrome: Chrome,
    settings: &State<Settings>,
    mut read: ReadConn,
    id: PathId,
) -> Result<RawHtml<String>, AppError> {
    let id = id.or_404("order")?;
    slips_of(chrome, settings, &mut read, &[id]).await
}

#[get("/orders/slips?<ids>")]
async fn slips(
    chrome: Chrome,
    settings: &State<Settings>,
    mut read: ReadConn,
    ids: Option<&str>,
) -> Result<RawHtml<String>, AppError> {
    let ids = parse_ids(ids.unwrap_or(""))?;
    slips_of(chrome, settings, &mut read, &ids).await
}

#[get("/orders/pick-list")]
async fn pick_list(
    chrome: Chrome,
    settings: &State<Settings>,
    mut read: ReadConn,
) -> Result<RawHtml<String>, AppError> {
    let list = printables::pick_list(&mut read.0).await?;
    render_page(&PickListPage {
        chrome,
        shop: Shop::of(settings),
        freshness: FreshnessNote::one(&list.freshness),
        list,
    })
}
