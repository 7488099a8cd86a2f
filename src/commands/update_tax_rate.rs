//! UpdateTaxRate: rename a rate or change its percentage, guarded by its
//! version. Products that have the rate show the new name and percentage
//! (the read side fans the change out to them); orders never change: when
//! they use rates, their lines keep the rate they were priced with.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::create_tax_rate::{TaxRateDetails, name_taken, ppm};
use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError, differing, is_unique_violation, stale_version};
use crate::db::schema::tax_rates;
use crate::domain::event_payload::TaxRateUpdated;
use crate::domain::{EventType, Percent, TaxRateId};

/// The edit: which rate, the version the admin saw, the new details.
#[derive(Debug, Clone)]
pub struct UpdateTaxRate {
    pub tax_rate_id: TaxRateId,
    pub expected_version: i32,
    pub details: TaxRateDetails,
}

/// Saves the new name and percentage if nobody changed the rate since
/// `expected_version`.
pub async fn update_tax_rate(
    conn: &mut AsyncPgConnection,
    input: UpdateTaxRate,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    let result = conn
        .transaction(async move |conn| {
            let d = &input.details;
            let before: Option<(String, i32)> = tax_rates::table
                .find(input.tax_rate_id.get())
                .filter(tax_rates::version.eq(input.expected_version))
                .select((tax_rates::name, tax_rates::rate_ppm))
                .for_update()
                .first(conn)
                .await
                .optional()?;
            let Some((old_name, old_ppm)) = before else {
                return Err(rejection(conn, &input).await?);
            };
            let version: i32 = diesel::update(tax_rates::table.find(input.tax_rate_id.get()))
                .set((
                    tax_rates::name.eq(d.name.as_str()),
                    tax_rates::rate_ppm.eq(ppm(d.rate)?),
                    tax_rates::version.eq(tax_rates::version + 1),
                    tax_rates::updated_at.eq(diesel::dsl::now),
                ))
                .returning(tax_rates::version)
                .get_result(conn)
                .await?;
            let event_id = events::append(
                conn,
                ctx,
                Aggregate::TaxRate,
                input.tax_rate_id.get(),
                EventType::TaxRateUpdated,
                TaxRateUpdated {
                    name: d.name.as_str().to_owned(),
                    rate_ppm: ppm(d.rate)?,
                    old_name,
                    old_rate_ppm: old_ppm,
                    version,
                }
                .to_payload(),
            )
            .await?;
            Ok(Ack {
                id: input.tax_rate_id.get(),
                version: Some(version),
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

async fn rejection(
    conn: &mut AsyncPgConnection,
    input: &UpdateTaxRate,
) -> Result<CommandError, CommandError> {
    let current: Option<(String, i32, i32)> = tax_rates::table
        .find(input.tax_rate_id.get())
        .select((tax_rates::name, tax_rates::rate_ppm, tax_rates::version))
        .first(conn)
        .await
        .optional()?;
    let Some((name, rate_ppm, version)) = current else {
        return Ok(CommandError::NotFound {
            what: "tax rate",
            id: input.tax_rate_id.get(),
        });
    };
    let stored_rate = u32::try_from(rate_ppm)
        .ok()
        .and_then(Percent::from_ppm)
        .map_or_else(|| rate_ppm.to_string(), |p| p.to_string());
    let d = &input.details;
    let changes = differing(&[
        ("name", name, d.name.to_string()),
        ("rate", stored_rate, d.rate.to_string()),
    ]);
    Ok(stale_version(
        conn,
        Aggregate::TaxRate,
        input.tax_rate_id.get(),
        version,
        changes,
    )
    .await)
}
