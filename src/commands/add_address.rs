//! AddAddress: a new address in a customer's book, optionally their default
//! for shipping and/or billing. A customer's first address becomes both.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::address_book::{self, MAX_ADDRESSES};
use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::{customer_addresses as ca, customers};
use crate::domain::event_payload::CustomerAddressAdded;
use crate::domain::{AddressId, AddressLabel, CustomerId, EventType, PostalAddress};

/// The new address and whether it becomes a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddAddress {
    pub customer_id: CustomerId,
    pub label: AddressLabel,
    pub address: PostalAddress,
    pub default_shipping: bool,
    pub default_billing: bool,
}

/// Adds the address; the ack's id is the address's.
pub async fn add_address(
    conn: &mut AsyncPgConnection,
    input: AddAddress,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let (id, event_id) = add_in_transaction(conn, &input, ctx).await?;
        Ok(Ack {
            id: id.get(),
            version: Some(1),
            event_id,
            replayed: false,
        })
    })
    .await
}

/// The work of [`add_address`] inside a transaction the caller holds (placing
/// an order saves a new address to the book this way). Returns the address's
/// id and its event's.
pub(super) async fn add_in_transaction(
    conn: &mut AsyncPgConnection,
    input: &AddAddress,
    ctx: &CommandContext,
) -> Result<(AddressId, i64), CommandError> {
    let defaults = address_book::lock_customer(conn, input.customer_id).await?;
    let count: i64 = ca::table
        .filter(ca::customer_id.eq(input.customer_id))
        .count()
        .get_result(conn)
        .await?;
    if count >= MAX_ADDRESSES {
        return Err(CommandError::field(
            "address",
            format!("a customer's book holds at most {MAX_ADDRESSES} addresses; remove one first"),
        ));
    }
    let f = input.address.fields();
    let id: i64 = diesel::insert_into(ca::table)
        .values((
            ca::customer_id.eq(input.customer_id),
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
        ))
        .returning(ca::id)
        .get_result(conn)
        .await?;
    let shipping = input.default_shipping || defaults.shipping.is_none();
    let billing = input.default_billing || defaults.billing.is_none();
    if shipping || billing {
        diesel::update(customers::table.find(input.customer_id))
            .set((
                customers::default_shipping_address_id.eq(if shipping {
                    Some(id)
                } else {
                    defaults.shipping
                }),
                customers::default_billing_address_id.eq(if billing {
                    Some(id)
                } else {
                    defaults.billing
                }),
            ))
            .execute(conn)
            .await?;
    }
    let payload = CustomerAddressAdded {
        address_id: id,
        entry: address_book::payload(&input.label, &input.address),
        default_shipping: shipping,
        default_billing: billing,
    };
    let event_id = events::append(
        conn,
        ctx,
        Aggregate::Customer,
        input.customer_id.get(),
        EventType::CustomerAddressAdded,
        payload.to_payload(),
    )
    .await?;
    Ok((AddressId(id), event_id))
}
