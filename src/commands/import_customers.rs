//! ImportCustomers: one chunk of an import's customer rows (at most
//! `imports::CHUNK`), applied set-based inside the caller's transaction:
//! customers registered or updated, each row's address added to the book or
//! edited, with the guards and the events of RegisterCustomer,
//! UpdateCustomer, AddAddress and EditAddress, but one statement per step
//! for the whole chunk instead of several per row.
//!
//! The guards are checked up front with the records locked (the customers in
//! id order, `FOR NO KEY UPDATE` as the address commands lock them; the
//! edited addresses), so nothing can move between the check and the writes.
//! A row that fails one (its version moved on, its book gained an address or
//! is full, the address was edited or removed, its email was taken by a
//! customer registered since the preview) is left untouched and *declined*:
//! the caller runs it through the one-row commands, which refuse it with the
//! reason (or apply it, if the record is as previewed after all).

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Int4, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::address_book::{self, MAX_ADDRESSES};
use super::events::{self, Aggregate};
use super::register_customer::CustomerDetails;
use super::{CommandContext, CommandError};
use crate::db::prepared::Prepare;
use crate::db::schema::{customer_addresses as ca, customers};
use crate::domain::event_payload::{
    CustomerAddressAdded, CustomerAddressEdited, CustomerRegistered, CustomerUpdated,
};
use crate::domain::{AddressId, AddressLabel, CustomerId, EventType, Phone, PostalAddress};

/// Which customer a row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A new customer (its email must still be free).
    Create,
    /// An existing one at the version the preview saw; its details are
    /// written (and the version checked) only when they change.
    Update {
        customer_id: CustomerId,
        expected_version: i32,
        details_changed: bool,
    },
}

/// What a row does to the customer's address book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookChange {
    /// A new entry; `seen` is the highest address id the book had at the
    /// preview (0: none): a book that grew since declines the row.
    Add { seen: i64 },
    /// The entry `address_id`, at the version the preview compared.
    Edit {
        address_id: AddressId,
        expected_version: i32,
    },
}

/// One row of the chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRow {
    pub details: CustomerDetails,
    pub target: Target,
    pub address: Option<(AddressLabel, PostalAddress, BookChange)>,
}

/// A locked customer as the guards read it: version and defaults.
type Locked = (i64, i32, Option<i64>, Option<i64>);

#[derive(QueryableByName)]
struct Versioned {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Int4)]
    version: i32,
}

/// Applies every row it can; answers, per row in order, whether it was
/// applied (`false`: declined, nothing of it written).
pub async fn import_customers(
    conn: &mut AsyncPgConnection,
    rows: &[CustomerRow],
    ctx: &CommandContext,
) -> Result<Vec<bool>, CommandError> {
    conn.transaction(async move |conn| {
        let (mut applied, no_defaults) = guard(conn, rows).await?;
        let created = register(conn, rows, &mut applied).await?;
        let id_of = |i: usize| match rows[i].target {
            Target::Create => created.get(&i).copied(),
            Target::Update { customer_id, .. } => Some(customer_id.get()),
        };
        let mut customer_events = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            if let (true, Target::Create, Some(id)) = (applied[i], row.target, id_of(i)) {
                let payload = CustomerRegistered {
                    details: row.details.payload(),
                };
                customer_events.push((id, EventType::CustomerRegistered, payload.to_payload()));
            }
        }
        let row_of: HashMap<i64, usize> = (0..rows.len())
            .filter_map(|i| id_of(i).map(|id| (id, i)))
            .collect();
        for (id, version) in update_details(conn, rows, &applied).await? {
            let i = row_of.get(&id).copied().ok_or_else(|| {
                CommandError::Invariant(format!("customer {id} updated but not in the chunk"))
            })?;
            let payload = CustomerUpdated {
                details: rows[i].details.payload(),
                version,
            };
            customer_events.push((id, EventType::CustomerUpdated, payload.to_payload()));
        }
        let adds = Adds {
            rows,
            applied: &applied,
            id_of: &id_of,
            no_defaults: &no_defaults,
        };
        let mut address_events = add_addresses(conn, &adds).await?;
        address_events.extend(edit_addresses(conn, rows, &applied).await?);
        // A customer's registration before its address, as one row's commands would.
        customer_events.extend(address_events);
        events::append_many(conn, ctx, Aggregate::Customer, customer_events).await?;
        Ok(applied)
    })
    .await
}

/// Locks the rows' customers and edited addresses and answers which rows
/// may be applied (creates: all, until their insert), and which of the
/// locked customers lack a default (shipping, billing).
async fn guard(
    conn: &mut AsyncPgConnection,
    rows: &[CustomerRow],
) -> Result<(Vec<bool>, NoDefaults), CommandError> {
    let mut ids: Vec<i64> = rows
        .iter()
        .filter_map(|r| match r.target {
            Target::Update { customer_id, .. } => Some(customer_id.get()),
            Target::Create => None,
        })
        .collect();
    ids.sort_unstable();
    let locked: Vec<Locked> = if ids.is_empty() {
        Vec::new()
    } else {
        customers::table
            .filter(customers::id.eq_any(&ids))
            .order(customers::id)
            .select((
                customers::id,
                customers::version,
                customers::default_shipping_address_id,
                customers::default_billing_address_id,
            ))
            .for_no_key_update()
            .load(conn)
            .await?
    };
    let versions: HashMap<i64, i32> = locked.iter().map(|c| (c.0, c.1)).collect();
    let no_defaults: NoDefaults = locked
        .iter()
        .map(|c| (c.0, (c.2.is_none(), c.3.is_none())))
        .collect();
    // (customer, newest address id, addresses): the books rows add to.
    let books: Vec<(i64, Option<i64>, i64)> = if ids.is_empty() {
        Vec::new()
    } else {
        ca::table
            .filter(ca::customer_id.eq_any(&ids))
            .group_by(ca::customer_id)
            .select((
                ca::customer_id,
                diesel::dsl::max(ca::id),
                diesel::dsl::count_star(),
            ))
            .load(conn)
            .await?
    };
    let books: HashMap<i64, (i64, i64)> = books
        .into_iter()
        .map(|(c, newest, n)| (c, (newest.unwrap_or(0), n)))
        .collect();
    let addresses = edited_addresses(conn, rows).await?;
    let applied = rows
        .iter()
        .map(|row| {
            let Target::Update {
                customer_id,
                expected_version,
                details_changed,
            } = row.target
            else {
                return true;
            };
            let id = customer_id.get();
            let Some(version) = versions.get(&id) else {
                return false;
            };
            if details_changed && *version != expected_version {
                return false;
            }
            match row.address {
                None => true,
                Some((_, _, BookChange::Add { seen })) => {
                    let (newest, count) = books.get(&id).copied().unwrap_or((0, 0));
                    newest <= seen && count < MAX_ADDRESSES
                }
                Some((
                    _,
                    _,
                    BookChange::Edit {
                        address_id,
                        expected_version,
                    },
                )) => addresses.get(&address_id.get()) == Some(&(id, expected_version)),
            }
        })
        .collect();
    Ok((applied, no_defaults))
}

/// Locks the addresses the rows edit: `id → (customer, version)`.
async fn edited_addresses(
    conn: &mut AsyncPgConnection,
    rows: &[CustomerRow],
) -> Result<HashMap<i64, (i64, i32)>, CommandError> {
    let mut edited: Vec<i64> = rows
        .iter()
        .filter_map(|r| match r.address {
            Some((_, _, BookChange::Edit { address_id, .. })) => Some(address_id.get()),
            _ => None,
        })
        .collect();
    edited.sort_unstable();
    Ok(if edited.is_empty() {
        HashMap::new()
    } else {
        ca::table
            .filter(ca::id.eq_any(&edited))
            .order(ca::id)
            .select((ca::id, ca::customer_id, ca::version))
            .for_no_key_update()
            .load::<(i64, i64, i32)>(conn)
            .await?
            .into_iter()
            .map(|(id, customer, version)| (id, (customer, version)))
            .collect()
    })
}

/// Inserts the new customers; a row whose email is taken by now is declined.
/// Returns the new ids by row.
async fn register(
    conn: &mut AsyncPgConnection,
    rows: &[CustomerRow],
    applied: &mut [bool],
) -> Result<HashMap<usize, i64>, CommandError> {
    let new: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].target == Target::Create)
        .collect();
    if new.is_empty() {
        return Ok(HashMap::new());
    }
    let values: Vec<_> = new
        .iter()
        .map(|&i| {
            let d = &rows[i].details;
            (
                customers::email.eq(d.email.as_str()),
                customers::name.eq(d.name.as_str()),
                customers::phone.eq(d.phone.as_ref().map(Phone::as_str)),
            )
        })
        .collect();
    let inserted: Vec<(i64, String)> = diesel::insert_into(customers::table)
        .values(values)
        .on_conflict(customers::email)
        .do_nothing()
        .returning((customers::id, customers::email))
        .get_results(conn)
        .await?;
    let by_email: HashMap<String, i64> = inserted.into_iter().map(|(id, e)| (e, id)).collect();
    let mut ids = HashMap::new();
    for i in new {
        match by_email.get(rows[i].details.email.as_str()) {
            Some(id) => {
                ids.insert(i, *id);
            }
            None => applied[i] = false,
        }
    }
    Ok(ids)
}

/// Writes the changed details of the applied updates; `(id, new version)`.
async fn update_details(
    conn: &mut AsyncPgConnection,
    rows: &[CustomerRow],
    applied: &[bool],
) -> Result<Vec<(i64, i32)>, CommandError> {
    let (mut ids, mut emails, mut names, mut phones) = (vec![], vec![], vec![], vec![]);
    for (row, _) in rows.iter().zip(applied).filter(|(_, a)| **a) {
        if let Target::Update {
            customer_id,
            details_changed: true,
            ..
        } = row.target
        {
            ids.push(customer_id.get());
            emails.push(row.details.email.as_str());
            names.push(row.details.name.as_str());
            phones.push(row.details.phone.as_ref().map(Phone::as_str));
        }
    }
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let updated: Vec<Versioned> = diesel::sql_query(
        "UPDATE customers c
         SET email = u.email, name = u.name, phone = u.phone,
             version = c.version + 1, updated_at = now()
         FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[]) AS u (id, email, name, phone)
         WHERE c.id = u.id
         RETURNING c.id, c.version",
    )
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Array<Text>, _>(emails)
    .bind::<Array<Text>, _>(names)
    .bind::<Array<Nullable<Text>>, _>(phones)
    .prepared()
    .load(conn)
    .await?;
    Ok(updated.into_iter().map(|u| (u.id, u.version)).collect())
}

/// Customers locked by the guard without a default address: `(shipping, billing)`.
type NoDefaults = HashMap<i64, (bool, bool)>;

/// What [`add_addresses`] works from.
struct Adds<'a, F: Fn(usize) -> Option<i64>> {
    rows: &'a [CustomerRow],
    applied: &'a [bool],
    /// A row's customer (a new one's id once inserted).
    id_of: &'a F,
    no_defaults: &'a NoDefaults,
}

/// Adds the applied rows' new book entries (a customer without a default
/// gets this one, as AddAddress does: a new customer both); their events.
async fn add_addresses<F: Fn(usize) -> Option<i64>>(
    conn: &mut AsyncPgConnection,
    work: &Adds<'_, F>,
) -> Result<Vec<(i64, EventType, Value)>, CommandError> {
    let mut adds = Vec::new();
    for (i, row) in work.rows.iter().enumerate() {
        let Some((label, address, change)) = row.address.as_ref() else {
            continue;
        };
        let (Some(customer), true) = (
            (work.id_of)(i),
            work.applied[i] && matches!(change, BookChange::Add { .. }),
        ) else {
            continue;
        };
        let (shipping, billing) = match row.target {
            Target::Create => (true, true),
            Target::Update { .. } => work.no_defaults.get(&customer).copied().unwrap_or_default(),
        };
        adds.push((customer, label, address, shipping, billing));
    }
    if adds.is_empty() {
        return Ok(Vec::new());
    }
    let values: Vec<_> = adds
        .iter()
        .map(|(customer, label, address, _, _)| {
            let f = address.fields();
            (
                ca::customer_id.eq(*customer),
                ca::label.eq(label.as_str()),
                ca::name.eq(&f.name),
                ca::company.eq(&f.company),
                ca::line1.eq(&f.line1),
                ca::line2.eq(&f.line2),
                ca::city.eq(&f.city),
                ca::region.eq(&f.region),
                ca::postal_code.eq(&f.postal_code),
                ca::country.eq(&f.country),
                ca::phone.eq(&f.phone),
            )
        })
        .collect();
    let inserted: Vec<(i64, i64)> = diesel::insert_into(ca::table)
        .values(values)
        .returning((ca::id, ca::customer_id))
        .get_results(conn)
        .await?;
    let address_of: HashMap<i64, i64> = inserted.iter().map(|(id, c)| (*c, *id)).collect();
    let address_id_of = |c: i64| address_of.get(&c).copied().unwrap_or_default();
    let defaulted: Vec<_> = adds.iter().filter(|a| a.3 || a.4).collect();
    if !defaulted.is_empty() {
        diesel::sql_query(
            "UPDATE customers c
             SET default_shipping_address_id = coalesce(c.default_shipping_address_id, u.address_id),
                 default_billing_address_id = coalesce(c.default_billing_address_id, u.address_id)
             FROM unnest($1::int8[], $2::int8[]) AS u (id, address_id)
             WHERE c.id = u.id",
        )
        .bind::<Array<BigInt>, _>(defaulted.iter().map(|a| a.0).collect::<Vec<_>>())
        .bind::<Array<BigInt>, _>(defaulted.iter().map(|a| address_id_of(a.0)).collect::<Vec<_>>())
        .prepared()
        .execute(conn)
        .await?;
    }
    Ok(adds
        .into_iter()
        .map(|(customer, label, address, shipping, billing)| {
            let payload = CustomerAddressAdded {
                address_id: address_id_of(customer),
                entry: address_book::payload(label, address),
                default_shipping: shipping,
                default_billing: billing,
            };
            (
                customer,
                EventType::CustomerAddressAdded,
                payload.to_payload(),
            )
        })
        .collect())
}

/// Writes the applied rows' edited book entries (locked and checked by the
/// guard); their events.
async fn edit_addresses(
    conn: &mut AsyncPgConnection,
    rows: &[CustomerRow],
    applied: &[bool],
) -> Result<Vec<(i64, EventType, Value)>, CommandError> {
    let edits: Vec<(i64, AddressId, &AddressLabel, &PostalAddress)> = rows
        .iter()
        .zip(applied)
        .filter(|(_, a)| **a)
        .filter_map(|(row, _)| match (&row.target, &row.address) {
            (
                Target::Update { customer_id, .. },
                Some((label, address, BookChange::Edit { address_id, .. })),
            ) => Some((customer_id.get(), *address_id, label, address)),
            _ => None,
        })
        .collect();
    if edits.is_empty() {
        return Ok(Vec::new());
    }
    let column = |part: fn(&PostalAddress) -> &str| -> Vec<&str> {
        edits.iter().map(|e| part(e.3)).collect()
    };
    let updated: Vec<Versioned> = diesel::sql_query(
        "UPDATE customer_addresses a
         SET label = u.label, name = u.name, company = u.company, line1 = u.line1,
             line2 = u.line2, city = u.city, region = u.region, postal_code = u.postal_code,
             country = u.country, phone = u.phone, version = a.version + 1, updated_at = now()
         FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
              AS u (id, label, name, company, line1, line2, city, region, postal_code, country, phone)
         WHERE a.id = u.id
         RETURNING a.id, a.version",
    )
    .bind::<Array<BigInt>, _>(edits.iter().map(|e| e.1.get()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(edits.iter().map(|e| e.2.as_str()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(column(|a| &a.fields().name))
    .bind::<Array<Text>, _>(column(|a| &a.fields().company))
    .bind::<Array<Text>, _>(column(|a| &a.fields().line1))
    .bind::<Array<Text>, _>(column(|a| &a.fields().line2))
    .bind::<Array<Text>, _>(column(|a| &a.fields().city))
    .bind::<Array<Text>, _>(column(|a| &a.fields().region))
    .bind::<Array<Text>, _>(column(|a| &a.fields().postal_code))
    .bind::<Array<Text>, _>(column(|a| &a.fields().country))
    .bind::<Array<Text>, _>(column(|a| &a.fields().phone))
    .prepared()
    .load(conn)
    .await?;
    let versions: HashMap<i64, i32> = updated.into_iter().map(|u| (u.id, u.version)).collect();
    Ok(edits
        .into_iter()
        .map(|(customer, address_id, label, address)| {
            let payload = CustomerAddressEdited {
                address_id: address_id.get(),
                entry: address_book::payload(label, address),
                version: versions.get(&address_id.get()).copied().unwrap_or_default(),
            };
            (
                customer,
                EventType::CustomerAddressEdited,
                payload.to_payload(),
            )
        })
        .collect())
}
