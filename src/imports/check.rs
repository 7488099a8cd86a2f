//! The preview: the worker compares a job's staged rows with the records,
//! a chunk at a time (one transaction each, the job's row locked so two
//! workers never compare the same chunk), and records per row what
//! importing it would do: create, update (each field that changes, old →
//! new), unchanged, or refused (the column and the reason). An update keeps
//! the record's version (a stock count: the units on hand) so the apply can
//! tell whether the record moved since. When every row is compared, the job
//! is `previewed` with its count of each outcome.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Int4, Int8, Jsonb, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value, json};

use super::rows::Refusal;
use super::{CHUNK, ImportError, address};
use crate::db::prepared::Prepare;
use crate::db::schema::{
    customer_addresses, customers, import_jobs, import_rows, inventory, order_lines, orders,
    products, shop_settings, tax_rates,
};
use crate::domain::{
    AddressFields, Currency, DEFAULT_LOW_STOCK_THRESHOLD, ImportKind, ImportState, OrderStatus,
    RowOutcome,
};

/// Orders named at most when a count is below what they reserve.
const ORDERS_NAMED: usize = 5;

/// What one call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Rows of `job_id` compared.
    Chunk { job_id: i64, rows: usize },
    /// `job_id`'s preview is complete.
    Previewed { job_id: i64 },
}

/// One staged row, to compare.
#[derive(Debug, Clone)]
struct Row {
    seq: i32,
    key: Option<String>,
    fields: Map<String, Value>,
}

/// What the preview found for one row.
#[derive(Debug, Clone, PartialEq)]
struct Verdict {
    seq: i32,
    outcome: RowOutcome,
    target_id: Option<i64>,
    target_version: Option<i32>,
    fields: Value,
    changes: Option<Value>,
    refusals: Option<Value>,
}

impl Verdict {
    fn refused(row: &Row, refusals: &[Refusal]) -> Self {
        Self {
            seq: row.seq,
            outcome: RowOutcome::Refused,
            target_id: None,
            target_version: None,
            fields: Value::Object(row.fields.clone()),
            changes: None,
            refusals: Some(json!(refusals)),
        }
    }
}

/// Compares the next chunk of the oldest job being checked (jobs another
/// worker holds are skipped); `None` when no job is being checked.
pub async fn check_next(
    conn: &mut AsyncPgConnection,
    currency: Currency,
) -> Result<Option<Checked>, ImportError> {
    conn.transaction(async move |conn| {
        let job: Option<(i64, ImportKind)> = import_jobs::table
            .filter(import_jobs::state.eq(ImportState::Checking))
            .order(import_jobs::id)
            .select((import_jobs::id, import_jobs::kind))
            .for_update()
            .skip_locked()
            .first(conn)
            .await
            .optional()?;
        let Some((job_id, kind)) = job else {
            return Ok(None);
        };
        let staged: Vec<(i32, Option<String>, Value)> = import_rows::table
            .filter(import_rows::job_id.eq(job_id))
            .filter(import_rows::outcome.is_null())
            .order(import_rows::seq)
            .limit(CHUNK)
            .select((import_rows::seq, import_rows::key, import_rows::fields))
            .load(conn)
            .await?;
        if staged.is_empty() {
            finish(conn, job_id).await?;
            return Ok(Some(Checked::Previewed { job_id }));
        }
        let rows: Vec<Row> = staged
            .into_iter()
            .map(|(seq, key, fields)| Row {
                seq,
                key,
                fields: match fields {
                    Value::Object(map) => map,
                    _ => Map::new(),
                },
            })
            .collect();
        let verdicts = match kind {
            ImportKind::Products => products_verdicts(conn, &rows, currency).await?,
            ImportKind::StockCounts => stock_verdicts(conn, &rows).await?,
            ImportKind::Customers => customer_verdicts(conn, &rows).await?,
        };
        record(conn, job_id, &verdicts).await?;
        let n = i32::try_from(verdicts.len()).unwrap_or(i32::MAX);
        diesel::update(import_jobs::table.find(job_id))
            .set(import_jobs::rows_checked.eq(import_jobs::rows_checked + n))
            .execute(conn)
            .await?;
        Ok(Some(Checked::Chunk {
            job_id,
            rows: verdicts.len(),
        }))
    })
    .await
}

/// The preview is complete: the count of each outcome, and the new state.
async fn finish(conn: &mut AsyncPgConnection, job_id: i64) -> Result<(), ImportError> {
    let counts: Vec<(Option<RowOutcome>, i64)> = import_rows::table
        .filter(import_rows::job_id.eq(job_id))
        .group_by(import_rows::outcome)
        .select((import_rows::outcome, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    let count = |o: RowOutcome| {
        counts
            .iter()
            .find(|(k, _)| *k == Some(o))
            .map_or(0, |(_, n)| i32::try_from(*n).unwrap_or(i32::MAX))
    };
    diesel::update(import_jobs::table.find(job_id))
        .set((
            import_jobs::state.eq(ImportState::Previewed),
            import_jobs::rows_checked.eq(import_jobs::rows_total),
            import_jobs::creates.eq(count(RowOutcome::Create)),
            import_jobs::updates.eq(count(RowOutcome::Update)),
            import_jobs::unchanged.eq(count(RowOutcome::Unchanged)),
            import_jobs::refused.eq(count(RowOutcome::Refused)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

async fn record(
    conn: &mut AsyncPgConnection,
    job_id: i64,
    verdicts: &[Verdict],
) -> Result<(), ImportError> {
    diesel::sql_query(include_str!("sql/record_check.sql"))
        .bind::<BigInt, _>(job_id)
        .bind::<Array<Int4>, _>(verdicts.iter().map(|v| v.seq).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(
            verdicts
                .iter()
                .map(|v| v.outcome.as_str())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Int8>>, _>(verdicts.iter().map(|v| v.target_id).collect::<Vec<_>>())
        .bind::<Array<Nullable<Int4>>, _>(
            verdicts
                .iter()
                .map(|v| v.target_version)
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Jsonb>, _>(
            verdicts
                .iter()
                .map(|v| v.fields.clone())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Jsonb>>, _>(
            verdicts
                .iter()
                .map(|v| v.changes.clone())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Jsonb>>, _>(
            verdicts
                .iter()
                .map(|v| v.refusals.clone())
                .collect::<Vec<_>>(),
        )
        .prepared()
        .execute(conn)
        .await?;
    Ok(())
}

fn keys(rows: &[Row]) -> Vec<String> {
    rows.iter().filter_map(|r| r.key.clone()).collect()
}

/// `(field, old, new)` as the preview shows it.
fn change(field: &str, old: &str, new: &str) -> Value {
    json!({ "field": field, "old": old, "new": new })
}

/// The outcome of an existing record: unchanged, or updated with `changes`.
fn existing(
    row: &Row,
    fields: Map<String, Value>,
    (id, version): (i64, i32),
    changes: Vec<Value>,
) -> Verdict {
    Verdict {
        seq: row.seq,
        outcome: if changes.is_empty() {
            RowOutcome::Unchanged
        } else {
            RowOutcome::Update
        },
        target_id: Some(id),
        target_version: Some(version),
        fields: Value::Object(fields),
        changes: (!changes.is_empty()).then_some(Value::Array(changes)),
        refusals: None,
    }
}

fn created(row: &Row, fields: Map<String, Value>) -> Verdict {
    Verdict {
        seq: row.seq,
        outcome: RowOutcome::Create,
        target_id: None,
        target_version: None,
        fields: Value::Object(fields),
        changes: None,
        refusals: None,
    }
}

type ProductNow = (i64, String, String, String, i64, bool, i32, i32, i64);

async fn products_verdicts(
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

async fn stock_verdicts(
    conn: &mut AsyncPgConnection,
    rows: &[Row],
) -> Result<Vec<Verdict>, ImportError> {
    let now: Vec<(i64, String, i32, i32)> = products::table
        .inner_join(inventory::table)
        .filter(products::sku.eq_any(keys(rows)))
        .select((
            products::id,
            products::sku,
            inventory::on_hand,
            inventory::reserved,
        ))
        .load(conn)
        .await?;
    let by_sku: HashMap<&str, &(i64, String, i32, i32)> =
        now.iter().map(|p| (p.1.as_str(), p)).collect();
    let short: Vec<i64> = rows
        .iter()
        .filter_map(|row| {
            let p = by_sku.get(row.key.as_deref()?)?;
            let counted = row.fields.get("counted")?.as_i64()?;
            (counted < i64::from(p.3)).then_some(p.0)
        })
        .collect();
    let holders = holding_orders(conn, &short).await?;
    Ok(rows
        .iter()
        .map(|row| {
            let counted = row
                .fields
                .get("counted")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let Some((id, _, on_hand, reserved)) = row.key.as_deref().and_then(|k| by_sku.get(k))
            else {
                return Verdict::refused(row, &[Refusal::new("sku", "no product has this SKU")]);
            };
            if counted < i64::from(*reserved) {
                let orders = holders.get(id).map_or_else(String::new, |ids| {
                    let named: Vec<String> = ids
                        .iter()
                        .take(ORDERS_NAMED)
                        .map(|o| format!("#{o}"))
                        .collect();
                    let more = ids.len().saturating_sub(ORDERS_NAMED);
                    let more = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    format!(" (orders {}{more})", named.join(", "))
                });
                return Verdict::refused(
                    row,
                    &[Refusal::new(
                        "counted",
                        format!(
                            "{reserved} are reserved for open orders{orders}; a count below \
                             that cannot be right: count again or cancel those orders first"
                        ),
                    )],
                );
            }
            let changes = if counted == i64::from(*on_hand) {
                Vec::new()
            } else {
                vec![change(
                    "on_hand",
                    &on_hand.to_string(),
                    &counted.to_string(),
                )]
            };
            existing(row, row.fields.clone(), (*id, *on_hand), changes)
        })
        .collect())
}

/// The open orders (placed or paid: their stock is reserved) of each product.
async fn holding_orders(
    conn: &mut AsyncPgConnection,
    product_ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, ImportError> {
    if product_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let pairs: Vec<(i64, i64)> = order_lines::table
        .inner_join(orders::table)
        .filter(order_lines::product_id.eq_any(product_ids))
        .filter(orders::status.eq_any([OrderStatus::Placed, OrderStatus::Paid]))
        .order((order_lines::product_id, orders::id))
        .select((order_lines::product_id, orders::id))
        .load(conn)
        .await?;
    let mut by_product: HashMap<i64, Vec<i64>> = HashMap::new();
    for (product, order) in pairs {
        by_product.entry(product).or_default().push(order);
    }
    Ok(by_product)
}

type CustomerNow = (i64, String, String, Option<String>, i32, Option<i64>);

async fn customer_verdicts(
    conn: &mut AsyncPgConnection,
    rows: &[Row],
) -> Result<Vec<Verdict>, ImportError> {
    let now: Vec<CustomerNow> = customers::table
        .filter(customers::email.eq_any(keys(rows)))
        .select((
            customers::id,
            customers::email,
            customers::name,
            customers::phone,
            customers::version,
            customers::default_shipping_address_id,
        ))
        .load(conn)
        .await?;
    let by_email: HashMap<&str, &CustomerNow> = now.iter().map(|c| (c.1.as_str(), c)).collect();
    let books = address_books(conn, &now.iter().map(|c| c.0).collect::<Vec<_>>()).await?;
    Ok(rows
        .iter()
        .map(|row| {
            let mut f = row.fields.clone();
            let Some((id, _, name, phone, version, default_shipping)) =
                row.key.as_deref().and_then(|k| by_email.get(k))
            else {
                f.entry("phone").or_insert(Value::Null);
                return created(row, f);
            };
            f.entry("phone").or_insert_with(|| json!(phone));
            let mut changes = Vec::new();
            let new_name = f.get("name").and_then(Value::as_str).unwrap_or_default();
            if new_name != name {
                changes.push(change("name", name, new_name));
            }
            let new_phone = f.get("phone").and_then(Value::as_str);
            if new_phone != phone.as_deref() {
                changes.push(change(
                    "phone",
                    phone.as_deref().unwrap_or_default(),
                    new_phone.unwrap_or_default(),
                ));
            }
            f.insert(address::DETAILS_CHANGED.into(), json!(!changes.is_empty()));
            if let Some(new) = address::Labelled::from_fields(&f) {
                let book = books.get(id).map_or(&[][..], Vec::as_slice);
                match address::decide(&new, book, *default_shipping) {
                    address::Decision::Refused(refusal) => {
                        return Verdict::refused(row, &[refusal]);
                    }
                    address::Decision::Plan {
                        plan,
                        changes: more,
                    } => {
                        if plan != address::Plan::Unchanged {
                            f.insert(address::PLAN.into(), json!(plan));
                        }
                        changes.extend(more.iter().map(|(k, old, new)| change(k, old, new)));
                    }
                }
            }
            existing(row, f, (*id, *version), changes)
        })
        .collect())
}

type BookRow = (
    i64,
    i64,
    i32,
    String,
    (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    ),
);

/// The address books of `customer_ids`, each by id.
async fn address_books(
    conn: &mut AsyncPgConnection,
    customer_ids: &[i64],
) -> Result<HashMap<i64, Vec<address::BookEntry>>, ImportError> {
    let mut books: HashMap<i64, Vec<address::BookEntry>> = HashMap::new();
    if customer_ids.is_empty() {
        return Ok(books);
    }
    let rows: Vec<BookRow> = customer_addresses::table
        .filter(customer_addresses::customer_id.eq_any(customer_ids))
        .order(customer_addresses::id)
        .select((
            customer_addresses::customer_id,
            customer_addresses::id,
            customer_addresses::version,
            customer_addresses::label,
            (
                customer_addresses::name,
                customer_addresses::company,
                customer_addresses::line1,
                customer_addresses::line2,
                customer_addresses::city,
                customer_addresses::region,
                customer_addresses::postal_code,
                customer_addresses::country,
                customer_addresses::phone,
            ),
        ))
        .load(conn)
        .await?;
    for (customer_id, id, version, label, parts) in rows {
        let (name, company, line1, line2, city, region, postal_code, country, phone) = parts;
        books
            .entry(customer_id)
            .or_default()
            .push(address::BookEntry {
                id,
                version,
                address: address::Labelled {
                    label,
                    fields: AddressFields {
                        name,
                        company,
                        line1,
                        line2,
                        city,
                        region,
                        postal_code,
                        country,
                        phone,
                    },
                },
            });
    }
    Ok(books)
}
