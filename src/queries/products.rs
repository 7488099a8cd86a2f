//! Products with stock and sales: the product list and one product. (The
//! order form's product search is `order_entry::find_products`.)

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::history::{self, HistoryEntry, HistoryLine};
use super::keyset::{self, Direction};
use super::{Freshness, contains_pattern, freshness};
use crate::db::read_schema::{inventory_status as inv, product_sales_30d as ps};
use crate::domain::Aggregate;
use crate::read_models::ReadModelName;

/// One product with its stock and all-time sales.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = inv, check_for_backend(diesel::pg::Pg))]
pub struct ProductRow {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub active: bool,
    pub version: i32,
    pub on_hand: i32,
    pub reserved: i32,
    pub available: i32,
    pub low_stock_threshold: i32,
    pub is_low: bool,
    pub units_sold: i64,
    pub revenue_cents: i64,
    pub tax_rate_id: i64,
    /// The product's tax rate: its name and parts per million.
    pub tax_rate_name: String,
    pub tax_rate_ppm: i32,
}

impl ProductRow {
    /// The rate as staff read it: `Standard (20%)`.
    pub fn tax_rate_label(&self) -> String {
        crate::domain::Percent::label(&self.tax_rate_name, self.tax_rate_ppm)
    }
}

/// A product row with its last-30-days sales.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductListRow {
    pub product: ProductRow,
    pub units_30d: i64,
    pub revenue_30d_cents: i64,
}

/// What the product list shows.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub search: Option<String>,
    pub low_only: bool,
    /// Keyset: the SKU after which the page starts.
    pub after_sku: Option<String>,
    pub page_size: i64,
}

#[derive(Debug, Clone)]
pub struct ProductPage {
    pub rows: Vec<ProductListRow>,
    pub next_sku: Option<String>,
    pub freshness: Vec<Freshness>,
}

/// A page of products by SKU, with their sales over the last 30 shop days
/// (the live model `product_sales_30d`).
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &ProductFilter,
) -> Result<ProductPage, diesel::result::Error> {
    const VIEWS: &[ReadModelName] = &[
        ReadModelName::InventoryStatus,
        ReadModelName::ProductSales30d,
    ];
    let mut q = inv::table
        .left_join(ps::table)
        .select((
            ProductRow::as_select(),
            ps::units.nullable(),
            ps::revenue_cents.nullable(),
        ))
        .into_boxed();
    if let Some(text) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        q = q.filter(inv::search_text.like(contains_pattern(text)));
    }
    if filter.low_only {
        q = q.filter(inv::is_low).filter(inv::active);
    }
    let after = filter.after_sku.clone().map(|sku| (sku,));
    let q = keyset::page(
        q,
        (inv::sku,),
        Direction::Ascending,
        after,
        filter.page_size,
    );
    // One round trip: the freshness, then the page with its sales, pipelined.
    let shared: &AsyncPgConnection = conn;
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let page = q.load::<(ProductRow, Option<i64>, Option<i64>)>(&mut &*shared);
    let (fresh, products) = futures_util::try_join!(fresh, page)?;
    let (products, next_sku) = keyset::split(products, filter.page_size, |p| p.0.sku.clone());
    let rows = products
        .into_iter()
        .map(|(product, units, revenue)| ProductListRow {
            units_30d: units.unwrap_or(0),
            revenue_30d_cents: revenue.unwrap_or(0),
            product,
        })
        .collect();
    Ok(ProductPage {
        rows,
        next_sku,
        freshness: freshness::decode(VIEWS, fresh),
    })
}

/// One product with its history and freshness, read in one round trip
/// (on a shared connection, so a page can send more statements with them).
pub async fn detail(
    shared: &AsyncPgConnection,
    product_id: i64,
) -> Result<(Option<ProductRow>, Vec<HistoryLine>, Freshness), diesel::result::Error> {
    const VIEWS: &[ReadModelName] = &[ReadModelName::InventoryStatus];
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*shared);
    let product = inv::table
        .find(product_id)
        .select(ProductRow::as_select())
        .load::<ProductRow>(&mut &*shared);
    let history =
        history::query(Aggregate::Product, product_id).load::<HistoryEntry>(&mut &*shared);
    let (fresh, product, history) = futures_util::try_join!(fresh, product, history)?;
    Ok((
        product.into_iter().next(),
        history::in_words(history),
        freshness::decode(VIEWS, fresh).remove(0),
    ))
}
