//! What the address-book commands share: the customer's row locked with its
//! defaults, an address's columns and its event payload.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::CommandError;
use crate::db::schema::{customer_addresses as ca, customers};
use crate::domain::event_payload::AddressEntryPayload;
use crate::domain::{AddressFields, AddressId, AddressLabel, CustomerId, PostalAddress};

/// The most addresses one customer's book holds.
pub const MAX_ADDRESSES: i64 = 50;

/// A customer's default addresses, as locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Defaults {
    pub shipping: Option<i64>,
    pub billing: Option<i64>,
}

/// Locks the customer's row (`FOR NO KEY UPDATE`: orders referencing the
/// customer still go on) and reads its defaults, so changes of one book take
/// turns; a missing customer is `NotFound`.
pub(super) async fn lock_customer(
    conn: &mut AsyncPgConnection,
    customer_id: CustomerId,
) -> Result<Defaults, CommandError> {
    let row: Option<(Option<i64>, Option<i64>)> = customers::table
        .find(customer_id)
        .select((
            customers::default_shipping_address_id,
            customers::default_billing_address_id,
        ))
        .for_no_key_update()
        .first(conn)
        .await
        .optional()?;
    let (shipping, billing) = row.ok_or(CommandError::NotFound {
        what: "customer",
        id: customer_id.get(),
    })?;
    Ok(Defaults { shipping, billing })
}

/// A book entry as the event payloads carry it.
pub(super) fn payload(label: &AddressLabel, address: &PostalAddress) -> AddressEntryPayload {
    AddressEntryPayload {
        label: label.as_str().to_owned(),
        address: address.fields().clone(),
    }
}

/// The book's address `id` of this customer, as stored, with its version.
pub(super) async fn stored(
    conn: &mut AsyncPgConnection,
    customer_id: CustomerId,
    id: AddressId,
) -> Result<Option<(String, AddressFields, i32)>, CommandError> {
    type Row = (
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
        i32,
    );
    let row: Option<Row> = ca::table
        .filter(ca::id.eq(id))
        .filter(ca::customer_id.eq(customer_id))
        .select((
            ca::label,
            (
                ca::name,
                ca::company,
                ca::line1,
                ca::line2,
                ca::city,
                ca::region,
                ca::postal_code,
                ca::country,
                ca::phone,
            ),
            ca::version,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(row.map(|(label, f, version)| {
        let (name, company, line1, line2, city, region, postal_code, country, phone) = f;
        (
            label,
            AddressFields {
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
            version,
        )
    }))
}

/// "address {id} does not exist" (in this customer's book).
pub(super) fn no_such_address(id: AddressId) -> CommandError {
    CommandError::NotFound {
        what: "address",
        id: id.get(),
    }
}
