//! CreateTaxRate: a new tax rate (a name unique whatever its case, and a
//! percentage from 0 to 100 %), offered at once on the product form.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError, is_unique_violation};
use crate::db::schema::tax_rates;
use crate::domain::event_payload::TaxRateCreated;
use crate::domain::{EventType, Percent, TaxRateName};

/// What an admin edits on a rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxRateDetails {
    pub name: TaxRateName,
    pub rate: Percent,
}

/// The refusal of a name another rate has.
pub(crate) fn name_taken() -> CommandError {
    CommandError::field("name", "a tax rate with this name already exists")
}

/// Creates the rate (active, version 1).
pub async fn create_tax_rate(
    conn: &mut AsyncPgConnection,
    input: TaxRateDetails,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let result = conn
        .transaction(async move |conn| {
            let id: i64 = diesel::insert_into(tax_rates::table)
                .values((
                    tax_rates::name.eq(input.name.as_str()),
                    tax_rates::rate_ppm.eq(ppm(input.rate)?),
                ))
                .returning(tax_rates::id)
                .get_result(conn)
                .await?;
            let event_id = events::append(
                conn,
                ctx,
                Aggregate::TaxRate,
                id,
                EventType::TaxRateCreated,
                TaxRateCreated {
                    name: input.name.as_str().to_owned(),
                    rate_ppm: ppm(input.rate)?,
                }
                .to_payload(),
            )
            .await?;
            Ok::<_, CommandError>(Ack {
                id,
                version: Some(1),
                event_id,
                replayed: false,
            })
        })
        .await;
    match result {
        Err(CommandError::Database(e)) if is_unique_violation(&e, "tax_rates_name_key") => {
            Err(name_taken())
        }
        other => other,
    }
}

/// The rate as stored (parts per million, at most 1 000 000: fits an `integer`).
pub(crate) fn ppm(rate: Percent) -> Result<i32, CommandError> {
    i32::try_from(rate.ppm()).map_err(|_| CommandError::Invariant("a percentage over 100".into()))
}
