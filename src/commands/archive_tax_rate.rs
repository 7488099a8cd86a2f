//! ArchiveTaxRate: a rate no longer offered for new choices, guarded by its
//! version. Nothing is deleted: the products that have it keep it (and show
//! it), as later orders will. The shop's default rate cannot be archived;
//! another default is chosen first.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::events::{self, Aggregate};
use super::{Ack, CommandContext, CommandError, stale_version};
use crate::db::schema::{shop_settings, tax_rates};
use crate::domain::event_payload::TaxRateArchived;
use crate::domain::{EventType, TaxRateId};

/// Which rate, at the version the admin saw.
#[derive(Debug, Clone, Copy)]
pub struct ArchiveTaxRate {
    pub tax_rate_id: TaxRateId,
    pub expected_version: i32,
}

/// Archives the rate; an archived one answers as a stale version would if
/// its version moved, and is refused when it is the shop's default.
pub async fn archive_tax_rate(
    conn: &mut AsyncPgConnection,
    input: ArchiveTaxRate,
    ctx: &CommandContext,
) -> Result<Ack, CommandError> {
    conn.transaction(async move |conn| {
        let id = input.tax_rate_id.get();
        // The settings row first, locked: a concurrent change of the default
        // waits, so the default is never an archived rate.
        let default: i64 = shop_settings::table
            .select(shop_settings::default_tax_rate_id)
            .for_update()
            .first(conn)
            .await?;
        if default == id {
            return Err(CommandError::field(
                "rate",
                "this is the shop's default rate: choose another default in Settings first",
            ));
        }
        let version: Option<i32> = diesel::update(
            tax_rates::table
                .find(id)
                .filter(tax_rates::version.eq(input.expected_version))
                .filter(tax_rates::active),
        )
        .set((
            tax_rates::active.eq(false),
            tax_rates::version.eq(tax_rates::version + 1),
            tax_rates::updated_at.eq(diesel::dsl::now),
        ))
        .returning(tax_rates::version)
        .get_result(conn)
        .await
        .optional()?;
        let Some(version) = version else {
            let current: Option<i32> = tax_rates::table
                .find(id)
                .select(tax_rates::version)
                .first(conn)
                .await
                .optional()?;
            return Err(match current {
                None => CommandError::NotFound {
                    what: "tax rate",
                    id,
                },
                Some(v) if v == input.expected_version => {
                    CommandError::field("rate", "this rate is already archived")
                }
                Some(v) => stale_version(conn, Aggregate::TaxRate, id, v, Vec::new()).await,
            });
        };
        let event_id = events::append(
            conn,
            ctx,
            Aggregate::TaxRate,
            id,
            EventType::TaxRateArchived,
            TaxRateArchived { version }.to_payload(),
        )
        .await?;
        Ok(Ack {
            id,
            version: Some(version),
            event_id,
            replayed: false,
        })
    })
    .await
}
