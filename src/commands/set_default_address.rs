//! SetDefaultAddress: make an address of a customer's book their default for
//! shipping or for billing. The default is one column per role on the
//! customer, so two of these at once leave exactly one default: they take
//! turns on the customer's row and the later one wins.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::address_book::{self, no_such_address};
use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::{customer_addresses as ca, customers};
use crate::domain::event_payload::CustomerDefaultAddressSet;
use crate::domain::{AddressId, AddressRole, CustomerId, EventType};

/// Which address becomes the default for which role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetDefaultAddress {
    pub customer_id: CustomerId,
    pub address_id: AddressId,
    pub role: AddressRole,
}

/// Sets the default; the ack's id is the address's. Setting the default it
/// already is changes nothing and appends nothing (`replayed`).
pub async fn set_default_address(
    conn: &mut AsyncPgConnection,
    input: SetDefaultAddress,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let defaults = address_book::lock_customer(conn, input.customer_id).await?;
        let exists: Option<i64> = ca::table
            .filter(ca::id.eq(input.address_id))
            .filter(ca::customer_id.eq(input.customer_id))
            .select(ca::id)
            .first(conn)
            .await
            .optional()?;
        if exists.is_none() {
            return Err(no_such_address(input.address_id));
        }
        let id = Some(input.address_id.get());
        let current = match input.role {
            AddressRole::Shipping => defaults.shipping,
            AddressRole::Billing => defaults.billing,
        };
        if current == id {
            return Ok(Ack {
                id: input.address_id.get(),
                version: None,
                event_id: 0,
                replayed: true,
            });
        }
        let target = customers::table.find(input.customer_id);
        match input.role {
            AddressRole::Shipping => {
                diesel::update(target)
                    .set(customers::default_shipping_address_id.eq(id))
                    .execute(conn)
                    .await?
            }
            AddressRole::Billing => {
                diesel::update(target)
                    .set(customers::default_billing_address_id.eq(id))
                    .execute(conn)
                    .await?
            }
        };
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Customer,
            input.customer_id.get(),
            EventType::CustomerDefaultAddressSet,
            CustomerDefaultAddressSet {
                address_id: input.address_id.get(),
                role: input.role.as_str().to_owned(),
            }
            .to_payload(),
        )
        .await?;
        Ok(Ack {
            id: input.address_id.get(),
            version: None,
            event_id,
            replayed: false,
        })
    })
    .await
}
