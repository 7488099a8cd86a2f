//! RegisterCustomer: a new customer with a unique email.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError};
use crate::db::schema::customers;
use crate::domain::{Email, EventType, Name, Phone};

/// The customer's details, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerDetails {
    pub email: Email,
    pub name: Name,
    pub phone: Option<Phone>,
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
            json!({
                "email": input.email.as_str(),
                "name": input.name.as_str(),
                "phone": input.phone.as_ref().map(Phone::as_str),
            }),
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
