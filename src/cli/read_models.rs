//! The operator commands `orderdesk refresh` and `orderdesk verify`.

use crate::read_models::refresh::refresh_all;
use crate::read_models::{READ_MODELS, ReadModel, Trigger, catalog, verify};
use diesel_async::{AsyncConnection, AsyncPgConnection};

async fn connect(url: &str) -> Result<AsyncPgConnection, String> {
    AsyncPgConnection::establish(url)
        .await
        .map_err(|e| format!("cannot connect to the database: {e}"))
}

fn select(names: &[String]) -> Result<Vec<&'static ReadModel>, String> {
    if names.is_empty() {
        return Ok(READ_MODELS.iter().collect());
    }
    names
        .iter()
        .map(|n| {
            catalog::find(n).ok_or_else(|| {
                let known: Vec<_> = READ_MODELS.iter().map(|m| m.name).collect();
                format!("unknown read model {n:?}; known: {}", known.join(", "))
            })
        })
        .collect()
}

/// Refreshes the named views (all when none is named), one line per view.
pub async fn refresh(url: &str, names: &[String]) -> Result<(), String> {
    let models = select(names)?;
    let mut conn = connect(url).await?;
    let results = refresh_all(&mut conn, &models, Trigger::Cron).await;
    let mut failed = 0;
    for (model, outcome) in &results {
        println!("{:<22} {outcome}", model.name);
        failed += usize::from(outcome.is_failure());
    }
    if failed > 0 {
        return Err(format!("{failed} read model(s) failed to refresh"));
    }
    Ok(())
}

/// Refreshes everything, then checks every view against the write tables.
pub async fn verify(url: &str) -> Result<(), String> {
    let mut conn = connect(url).await?;
    let models: Vec<_> = READ_MODELS.iter().collect();
    for (model, outcome) in refresh_all(&mut conn, &models, Trigger::Manual).await {
        if outcome.is_failure() {
            return Err(format!("refresh of {} failed: {outcome}", model.name));
        }
    }
    let results = verify::verify(&mut conn, &verify::checks())
        .await
        .map_err(|e| format!("verify failed to run: {e}"))?;
    let mut drifted = 0;
    for result in &results {
        if result.ok() {
            println!("{:<22} OK", result.name);
        } else {
            drifted += 1;
            println!(
                "{:<22} DIFFERS in {} row(s)",
                result.name, result.differences
            );
            for (side, row) in &result.samples {
                println!("    {side:<10} {row}");
            }
        }
    }
    if drifted > 0 {
        return Err(format!("{drifted} check(s) differ from the write tables"));
    }
    Ok(())
}
