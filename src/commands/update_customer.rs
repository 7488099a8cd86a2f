//! UpdateCustomer: edit a customer's details, guarded by the version the form showed.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::register_customer::{CustomerDetails, DUPLICATE_EMAIL};
use super::{Ack, CommandContext, CommandError, differing, is_unique_violation, stale_version};
use crate::db::schema::customers;
use crate::domain::event_payload::CustomerUpdated;
use crate::domain::{CustomerId, EventType, Phone};

/// The edit: which customer, the version the user saw, the new details.
#[derive(Debug, Clone)]
pub struct UpdateCustomer {
    pub customer_id: CustomerId,
    pub expected_version: i32,
    pub details: CustomerDetails,
}

/// Saves the new details if nobody changed the customer since `expected_version`.
pub async fn update_customer(
    conn: &mut AsyncPgConnection,
    input: UpdateCustomer,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let d = &input.details;
        let phone = d.phone.as_ref().map(Phone::as_str);
        let updated = diesel::update(
            customers::table
                .filter(customers::id.eq(input.customer_id))
                .filter(customers::version.eq(input.expected_version)),
        )
        .set((
            customers::email.eq(d.email.as_str()),
            customers::name.eq(d.name.as_str()),
            customers::phone.eq(phone),
            customers::version.eq(customers::version + 1),
            customers::updated_at.eq(diesel::dsl::now),
        ))
        .returning(customers::version)
        .get_result::<i32>(conn)
        .await
        .optional();
        let version = match updated {
            Ok(Some(version)) => version,
            Ok(None) => return Err(rejection(conn, &input).await?),
            Err(e) if is_unique_violation(&e, "customers_email_key") => {
                return Err(CommandError::field("email", DUPLICATE_EMAIL));
            }
            Err(e) => return Err(e.into()),
        };
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::Customer,
            input.customer_id.get(),
            EventType::CustomerUpdated,
            CustomerUpdated {
                details: d.payload(),
                version,
            }
            .to_payload(),
        )
        .await?;
        Ok(Ack {
            id: input.customer_id.get(),
            version: Some(version),
            event_id,
            replayed: false,
        })
    })
    .await
}

/// Why the guarded update matched no row: the customer is gone, or its version moved on.
async fn rejection(
    conn: &mut AsyncPgConnection,
    input: &UpdateCustomer,
) -> Result<CommandError, CommandError> {
    let current: Option<(String, String, Option<String>, i32)> = customers::table
        .find(input.customer_id)
        .select((
            customers::email,
            customers::name,
            customers::phone,
            customers::version,
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((email, name, phone, version)) = current else {
        return Ok(CommandError::NotFound {
            what: "customer",
            id: input.customer_id.get(),
        });
    };
    let d = &input.details;
    let changes = differing(&[
        ("email", email, d.email.to_string()),
        ("name", name, d.name.to_string()),
        (
            "phone",
            phone.unwrap_or_default(),
            d.phone
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
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
