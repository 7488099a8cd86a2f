//! The operator commands `orderdesk refresh` and `orderdesk verify`.

use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use indicatif::{ProgressBar, ProgressStyle};

use super::CliError;
use crate::read_models::maintainer::{self, BatchOutcome};
use crate::read_models::refresh::refresh_all;
use crate::read_models::{READ_MODELS, ReadModel, Trigger, catalog, rebuild, time_zone, verify};

/// What `orderdesk refresh` should do.
#[derive(Debug, Clone, Default)]
pub struct RefreshRequest {
    /// Models named with `--view` (none: all of the kind asked for).
    pub views: Vec<String>,
    /// Refresh the report views (`--reports`).
    pub reports: bool,
    /// Rebuild live models from their definitions (`--rebuild`).
    pub rebuild: bool,
    /// Show a progress bar (a terminal, not cron).
    pub progress: bool,
}

async fn connect(url: &str) -> Result<AsyncPgConnection, CliError> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(CliError::Connect)?;
    // Planned like the server's maintainer (see its SESSION_SETUP).
    conn.batch_execute(maintainer::run::SESSION_SETUP)
        .await
        .map_err(CliError::Setup)?;
    Ok(conn)
}

fn select(names: &[String]) -> Result<Vec<&'static ReadModel>, CliError> {
    names
        .iter()
        .map(|n| {
            catalog::find(n).ok_or_else(|| {
                let known: Vec<_> = READ_MODELS.iter().map(|m| m.name.as_str()).collect();
                CliError::UnknownReadModel {
                    name: n.clone(),
                    known: known.join(", "),
                }
            })
        })
        .collect()
}

/// `orderdesk refresh`: by default the cron safety net — apply every pending
/// change to the live models. `--reports` refreshes the report views,
/// `--rebuild` rebuilds live models from their definitions; `--view` narrows
/// either. One line per model; an error if anything failed.
pub async fn refresh(url: &str, request: &RefreshRequest) -> Result<(), CliError> {
    let named = select(&request.views)?;
    let mut conn = connect(url).await?;
    if request.rebuild {
        let models: Vec<_> = if named.is_empty() {
            catalog::live().collect()
        } else {
            named.iter().copied().filter(|m| m.is_live()).collect()
        };
        return rebuild_models(&mut conn, &models, request.progress).await;
    }
    let reports: Vec<_> = if request.reports && named.is_empty() {
        catalog::reports().collect()
    } else {
        named.iter().copied().filter(|m| !m.is_live()).collect()
    };
    let mut failed = 0;
    if !request.reports || named.iter().any(|m| m.is_live()) {
        match maintainer::catch_up(&mut conn, Trigger::Cron).await {
            BatchOutcome::Applied { applied, duration } => println!(
                "{:<22} caught up: {} events, {} orders, {} rows changed in {} ms",
                "live models",
                applied.events,
                applied.orders,
                applied.total_rows_changed(),
                duration.as_millis()
            ),
            BatchOutcome::Busy => println!(
                "{:<22} skipped: another maintainer is running (the server keeps them)",
                "live models"
            ),
            BatchOutcome::Failed(e) => {
                failed += 1;
                println!("{:<22} FAILED: {e}", "live models");
            }
        }
    }
    for (model, outcome) in refresh_all(&mut conn, &reports, Trigger::Cron).await {
        println!("{:<22} {outcome}", model.name);
        failed += usize::from(outcome.is_failure());
    }
    if failed > 0 {
        return Err(CliError::RefreshFailed(failed));
    }
    Ok(())
}

/// Makes the read models count days in the shop's time zone `zone` (part of
/// `orderdesk migrate`): nothing when they already do; otherwise the per-day
/// live models are rebuilt and the report views refreshed, one line each.
pub async fn apply_time_zone(url: &str, zone: &str) -> Result<(), CliError> {
    let mut conn = connect(url).await?;
    let Some(rebuilt) = time_zone::change(&mut conn, zone, &mut |step| {
        tracing::info!("{step}");
    })
    .await
    .map_err(|source| CliError::TimeZone {
        zone: zone.to_owned(),
        source,
    })?
    else {
        return Ok(());
    };
    println!("read models now count days in {zone}");
    for r in rebuilt {
        println!(
            "{:<22} rebuilt: {} rows in {} ms",
            r.name,
            r.rows,
            r.duration.as_millis()
        );
    }
    let reports: Vec<_> = catalog::reports().collect();
    let mut failed = 0;
    for (model, outcome) in refresh_all(&mut conn, &reports, Trigger::Manual).await {
        println!("{:<22} {outcome}", model.name);
        failed += usize::from(outcome.is_failure());
    }
    if failed > 0 {
        return Err(CliError::ReportsNotRefreshed {
            failed,
            zone: zone.to_owned(),
        });
    }
    Ok(())
}

/// Checks that the read models count days in `zone` (before serving).
pub async fn check_time_zone(url: &str, zone: &str) -> Result<(), CliError> {
    time_zone::check(&mut connect(url).await?, zone)
        .await
        .map_err(CliError::WrongTimeZone)
}

/// Rebuilds every live model from its definition (after a bulk load, or to
/// repair wholesale); used by `refresh --rebuild` and the seeder.
pub async fn rebuild_all(url: &str, progress: bool) -> Result<(), CliError> {
    let mut conn = connect(url).await?;
    let models: Vec<_> = catalog::live().collect();
    rebuild_models(&mut conn, &models, progress).await
}

async fn rebuild_models(
    conn: &mut AsyncPgConnection,
    models: &[&'static ReadModel],
    progress: bool,
) -> Result<(), CliError> {
    let bar = if progress {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    } else {
        ProgressBar::hidden()
    };
    let rebuilt = rebuild::rebuild(conn, models, &mut |step| bar.set_message(step))
        .await
        .map_err(CliError::Rebuild)?;
    bar.finish_and_clear();
    for r in rebuilt {
        println!(
            "{:<22} rebuilt: {} rows in {} ms",
            r.name,
            r.rows,
            r.duration.as_millis()
        );
    }
    Ok(())
}

/// The line of `verify`'s table for the write model's own check (inventory
/// figures against the sums of their movements), apart from the live model
/// `stock_ledger`, which is compared with its definition like the others.
const STOCK_FIGURES: &str = "stock_figures";

/// `orderdesk verify [--repair] [--view NAME]…`: every live model against its
/// definition, and the stock ledger against the inventory; an error on any
/// difference (after `--repair`, the differences it fixed are listed).
pub async fn verify(url: &str, views: &[String], repair: bool) -> Result<(), CliError> {
    let named = select(views)?;
    let models: Vec<_> = if named.is_empty() {
        catalog::live().collect()
    } else {
        named
    };
    let mut conn = connect(url).await?;
    let drifts = verify::verify(&mut conn, &models, repair)
        .await
        .map_err(CliError::Verify)?;
    let mut drifted = 0;
    for drift in &drifts {
        if drift.ok() {
            println!("{:<22} OK", drift.name);
            continue;
        }
        drifted += usize::from(!drift.repaired);
        println!(
            "{:<22} {} {} row(s) missing, {} unexpected; keys:",
            drift.name,
            if drift.repaired {
                "REPAIRED"
            } else {
                "DIFFERS"
            },
            drift.missing,
            drift.unexpected
        );
        for key in &drift.keys {
            println!("    {key}");
        }
    }
    let ledger = verify::stock_ledger(&mut conn)
        .await
        .map_err(CliError::Ledger)?;
    if ledger.is_empty() {
        println!("{STOCK_FIGURES:<22} OK");
    } else {
        drifted += 1;
        println!(
            "{:<22} DIFFERS for {} product(s):",
            STOCK_FIGURES,
            ledger.len()
        );
        for row in &ledger {
            println!("    {row}");
        }
    }
    if drifted > 0 {
        return Err(CliError::Differs {
            drifted,
            repaired: repair,
        });
    }
    Ok(())
}
