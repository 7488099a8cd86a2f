//! EditAddress: change an address in a customer's book, guarded by the
//! version the form showed. Orders placed with it keep their own copy.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::address_book::{self, no_such_address};
use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError, differing, stale_version};
use crate::db::schema::customer_addresses as ca;
use crate::domain::event_payload::CustomerAddressEdited;
use crate::domain::{AddressId, AddressLabel, CustomerId, EventType, PostalAddress};

/// The edit: which address of which customer, the version seen, the new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditAddress {
    pub customer_id: CustomerId,
    pub address_id: AddressId,
    pub expected_version: i32,
    pub label: AddressLabel,
    pub address: PostalAddress,
}

/// Saves the address if nobody changed it since `expected_version`; the ack's
/// id is the address's.
pub async fn edit_address(
    conn: &mut AsyncPgConnection,
    input: EditAddress,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let f = input.address.fields();
        let version: Option<i32> = diesel::update(
            ca::table
                .filter(ca::id.eq(input.address_id))
                .filter(ca::customer_id.eq(input.customer_id))
                .filter(ca::version.eq(input.expected_version)),
        )
        .set((
            ca::label.eq(input.label.as_str()),
            ca::name.eq(&f.name),
            ca::company.eq(&f.company),
            ca::line1.eq(&f.line1),
            ca::line2.eq(&f.line2),
            ca::city.eq(&f.city),
            ca::region.eq(&f.region),
            ca::postal_code.eq(&f.postal_code),
            ca::country.eq(&f.country),
            ca::phone.eq(&f.phone),
            ca::version.eq(ca::version + 1),
            ca::updated_at.eq(diesel::dsl::now),
        ))
        .returning(ca::version)
        .get_result(conn)
        .await
        .optional()?;
        let Some(version) = version else {
            return Err(rejection(conn, &input).await?);
        };
        let payload = CustomerAddressEdited {
            address_id: input.address_id.get(),
            entry: address_book::payload(&input.label, &input.address),
            version,
        };
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Customer,
            input.customer_id.get(),
            EventType::CustomerAddressEdited,
            payload.to_payload(),
        )
        .await?;
        Ok(Ack {
            id: input.address_id.get(),
            version: Some(version),
            event_id,
            replayed: false,
        })
    })
    .await
}

/// Why the guarded update matched no row: the address is gone (or another
/// customer's), or its version moved on.
async fn rejection(
    conn: &mut AsyncPgConnection,
    input: &EditAddress,
) -> Result<CommandError, CommandError> {
    let Some((label, now, version)) =
        address_book::stored(conn, input.customer_id, input.address_id).await?
    else {
        return Ok(no_such_address(input.address_id));
    };
    let mine = input.address.fields();
    let changes = differing(&[
        ("label", label, input.label.as_str().to_owned()),
        ("name", now.name, mine.name.clone()),
        ("company", now.company, mine.company.clone()),
        ("line1", now.line1, mine.line1.clone()),
        ("line2", now.line2, mine.line2.clone()),
        ("city", now.city, mine.city.clone()),
        ("region", now.region, mine.region.clone()),
        ("postal_code", now.postal_code, mine.postal_code.clone()),
        ("country", now.country, mine.country.clone()),
        ("phone", now.phone, mine.phone.clone()),
    ]);
    Ok(stale_version(
        conn,
        Aggregate::Customer,
        input.customer_id.get(),
        version,
        changes,
    )
    .await)
}
