//! The preview of a customers row: created by email, or its name and phone
//! compared, and its address matched with the customer's book
//! (`address::decide`).

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};

use super::{Row, Verdict, change, created, existing, keys};
use crate::db::schema::{customer_addresses, customers};
use crate::domain::AddressFields;
use crate::imports::{ImportError, address};

type CustomerNow = (i64, String, String, Option<String>, i32, Option<i64>);

pub(super) async fn verdicts(
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
