//! RegisterCustomer: a new customer with a unique email.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::customers;
use crate::domain::event_payload::{CustomerDetailsPayload, CustomerRegistered};
use crate::domain::{Email, EventType, Name, Phone};

/// The customer's details, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerDetails {
    pub email: Email,
    pub name: Name,
    pub phone: Option<Phone>,
}

impl CustomerDetails {
    /// The details as the customer's events state them.
    pub(crate) fn payload(&self) -> CustomerDetailsPayload {
        CustomerDetailsPayload {
            email: self.email.as_str().to_owned(),
            name: self.name.as_str().to_owned(),
            phone: self.phone.as_ref().map(|p| p.as_str().to_owned()),
        }
    }
}

pub(super) const DUPLICATE_EMAIL: &str = "a customer with this email is already registered";

/// Registers a customer. A taken email is a field error.
pub async fn register_customer(
    conn: &mut AsyncPgConnection,
    input: CustomerDetails,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let id: Option<i64> = diesel::insert_into(customers::table)
            .values((
                customers::email.eq(input.email.as_str()),
                customers::name.eq(input.name.as_str()),
                customers::phone.eq(input.phone.as_ref().map(Phone::as_str)),
            ))
            .on_conflict(customers::email)
            .do_nothing()
            .returning(customers::id)
            .get_result(conn)
            .await
            .optional()?;
        let Some(id) = id else {
            return Err(CommandError::field("email", DUPLICATE_EMAIL));
        };
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Customer,
            id,
            EventType::CustomerRegistered,
            CustomerRegistered {
                details: input.payload(),
            }
            .to_payload(),
        )
        .await?;
        Ok(Ack {
            id,
            version: Some(1),
            event_id,
            replayed: false,
        })
    })
    .await
}
