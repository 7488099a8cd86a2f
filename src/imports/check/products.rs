//! The preview of a products row: created by SKU, or each field that changes
//! (name, description, price, active, low-stock threshold, tax rate by name).

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};

use super::{Row, Verdict, change, created, existing, keys};
use crate::db::schema::{inventory, products, shop_settings, tax_rates};
use crate::domain::{Currency, DEFAULT_LOW_STOCK_THRESHOLD};
use crate::imports::ImportError;
use crate::imports::rows::Refusal;

type ProductNow = (i64, String, String, String, i64, bool, i32, i32, i64);

pub(super) async fn verdicts(
    conn: &mut AsyncPgConnection,
    rows: &[Row],
    currency: Currency,
) -> Result<Vec<Verdict>, ImportError> {
    let now: Vec<ProductNow> = products::table
        .inner_join(inventory::table)
        .filter(products::sku.eq_any(keys(rows)))
        .select((
            products::id,
            products::sku,
            products::name,
            products::description,
            products::price_cents,
            products::active,
            inventory::low_stock_threshold,
            products::version,
            products::tax_rate_id,
        ))
        .load(conn)
        .await?;
    let by_sku: HashMap<&str, &ProductNow> = now.iter().map(|p| (p.1.as_str(), p)).collect();
    let rates = Rates::load(conn).await?;
    Ok(rows
        .iter()
        .map(|row| {
            let mut f = row.fields.clone();
            let found = row.key.as_deref().and_then(|k| by_sku.get(k));
            let current_rate = found.map(|p| p.8);
            let rate = match rates.choose(f.get("tax_rate"), current_rate) {
                Ok(rate) => rate,
                Err(refusal) => return Verdict::refused(row, &[refusal]),
            };
            f.insert("tax_rate".into(), json!(rates.name(rate)));
            f.insert("tax_rate_id".into(), json!(rate));
            let Some((id, _, name, description, price, active, threshold, version, _)) = found
            else {
                f.entry("description").or_insert_with(|| json!(""));
                f.entry("active").or_insert_with(|| json!(true));
                f.entry("low_stock_threshold")
                    .or_insert_with(|| json!(DEFAULT_LOW_STOCK_THRESHOLD));
                return created(row, f);
            };
            f.entry("description").or_insert_with(|| json!(description));
            f.entry("active").or_insert_with(|| json!(active));
            f.entry("low_stock_threshold")
                .or_insert_with(|| json!(threshold));
            let mut changes = Vec::new();
            let text = |v: Option<&Value>| match v {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            if text(f.get("name")) != *name {
                changes.push(change("name", name, &text(f.get("name"))));
            }
            if text(f.get("description")) != *description {
                changes.push(change(
                    "description",
                    description,
                    &text(f.get("description")),
                ));
            }
            let new_price = f
                .get("price_cents")
                .and_then(Value::as_i64)
                .unwrap_or(*price);
            if new_price != *price {
                changes.push(change(
                    "price",
                    &currency.plain(*price),
                    &currency.plain(new_price),
                ));
            }
            let new_active = f.get("active").and_then(Value::as_bool).unwrap_or(*active);
            if new_active != *active {
                changes.push(change(
                    "active",
                    &active.to_string(),
                    &new_active.to_string(),
                ));
            }
            let new_threshold = f
                .get("low_stock_threshold")
                .and_then(Value::as_i64)
                .unwrap_or(i64::from(*threshold));
            if new_threshold != i64::from(*threshold) {
                changes.push(change(
                    "low_stock_threshold",
                    &threshold.to_string(),
                    &new_threshold.to_string(),
                ));
            }
            if Some(rate) != current_rate {
                let old = current_rate.map(|r| rates.name(r)).unwrap_or_default();
                changes.push(change("tax_rate", &old, &rates.name(rate)));
            }
            existing(row, f, (*id, *version), changes)
        })
        .collect())
}

/// The shop's tax rates (a handful) and its default, to read a file's
/// `tax_rate` cells by name.
struct Rates {
    /// `(id, name, active)`.
    all: Vec<(i64, String, bool)>,
    default: i64,
}

impl Rates {
    async fn load(conn: &mut AsyncPgConnection) -> Result<Self, ImportError> {
        let all = tax_rates::table
            .select((tax_rates::id, tax_rates::name, tax_rates::active))
            .load(conn)
            .await?;
        let default = shop_settings::table
            .select(shop_settings::default_tax_rate_id)
            .first(conn)
            .await?;
        Ok(Self { all, default })
    }

    fn name(&self, id: i64) -> String {
        self.all
            .iter()
            .find(|r| r.0 == id)
            .map(|r| r.1.clone())
            .unwrap_or_default()
    }

    /// The rate a row gets: the one its cell names (whatever its case), else
    /// the product's own, else the shop's default. An unknown name, or an
    /// archived rate the product does not have already, is refused.
    fn choose(&self, cell: Option<&Value>, current: Option<i64>) -> Result<i64, Refusal> {
        let Some(name) = cell.and_then(Value::as_str) else {
            return Ok(current.unwrap_or(self.default));
        };
        let lower = name.to_lowercase();
        match self.all.iter().find(|r| r.1.to_lowercase() == lower) {
            None => Err(Refusal::new(
                "tax_rate",
                format!("no tax rate is called “{name}” (Settings lists the shop's rates)"),
            )),
            Some((id, _, false)) if current != Some(*id) => Err(Refusal::new(
                "tax_rate",
                format!("the tax rate “{name}” is archived"),
            )),
            Some((id, _, _)) => Ok(*id),
        }
    }
}
