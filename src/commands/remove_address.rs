//! RemoveAddress: take an address out of a customer's book, guarded by the
//! version the page showed. A default address never silently vanishes: while
//! the book holds other addresses, removing a default is refused (make
//! another the default first); the book's last address may go, and the
//! defaults it held are cleared, which the event and the answer say.
//! (The database holds the rule too: a default's reference refuses its
//! deletion.)

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::address_book::{self, no_such_address};
use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError, stale_version};
use crate::db::schema::{customer_addresses as ca, customers};
use crate::domain::event_payload::CustomerAddressRemoved;
use crate::domain::{AddressId, AddressRole, CustomerId, EventType};

/// Which address, of which customer, at the version seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoveAddress {
    pub customer_id: CustomerId,
    pub address_id: AddressId,
    pub expected_version: i32,
}

/// What a removal did besides deleting the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub ack: Ack,
    /// The defaults that pointed at the removed address (its book's last).
    pub cleared_defaults: Vec<AddressRole>,
}

/// Removes the address; the ack's id is the address's.
pub async fn remove_address(
    conn: &mut AsyncPgConnection,
    input: RemoveAddress,
    ctx: &CommandContext,
) -> Result<Removed, CommandError> {
    conn.transaction(async move |conn| {
        let defaults = address_book::lock_customer(conn, input.customer_id).await?;
        let version: Option<i32> = ca::table
            .filter(ca::id.eq(input.address_id))
            .filter(ca::customer_id.eq(input.customer_id))
            .select(ca::version)
            .first(conn)
            .await
            .optional()?;
        let Some(version) = version else {
            return Err(no_such_address(input.address_id));
        };
        if version != input.expected_version {
            return Err(stale_version(
                conn,
                Aggregate::Customer,
                input.customer_id.get(),
                version,
                Vec::new(),
            )
            .await);
        }
        let id = input.address_id.get();
        let roles: Vec<AddressRole> = [
            (AddressRole::Shipping, defaults.shipping),
            (AddressRole::Billing, defaults.billing),
        ]
        .into_iter()
        .filter(|(_, d)| *d == Some(id))
        .map(|(role, _)| role)
        .collect();
        if !roles.is_empty() {
            let others: i64 = ca::table
                .filter(ca::customer_id.eq(input.customer_id))
                .filter(ca::id.ne(id))
                .count()
                .get_result(conn)
                .await?;
            if others > 0 {
                let which: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                return Err(CommandError::field(
                    "address",
                    format!(
                        "this is the default {} address: make another address the default \
                         first",
                        which.join(" and ")
                    ),
                ));
            }
            diesel::update(customers::table.find(input.customer_id))
                .set((
                    customers::default_shipping_address_id.eq(None::<i64>),
                    customers::default_billing_address_id.eq(None::<i64>),
                ))
                .execute(conn)
                .await?;
        }
        diesel::delete(ca::table.filter(ca::id.eq(id)))
            .execute(conn)
            .await?;
        let payload = CustomerAddressRemoved {
            address_id: id,
            version,
            cleared_defaults: roles.iter().map(|r| r.as_str().to_owned()).collect(),
        };
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Customer,
            input.customer_id.get(),
            EventType::CustomerAddressRemoved,
            payload.to_payload(),
        )
        .await?;
        Ok(Removed {
            ack: Ack {
                id,
                version: None,
                event_id,
                replayed: false,
            },
            cleared_defaults: roles,
        })
    })
    .await
}
