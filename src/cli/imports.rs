//! `orderdesk import resume`: runs what the server's import worker would
//! (previews being checked, jobs queued by "Import") until nothing is
//! pending, e.g. after a crash while the server stays down; and
//! `orderdesk import prune`, which deletes expired jobs.

use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::CliError;
use crate::domain::Currency;
use crate::imports::apply::Applied;
use crate::imports::check::Checked;
use crate::imports::worker::{self, Step};

/// What `import resume` did, in lines to print.
pub async fn resume_imports(url: &str, currency: Currency) -> Result<Vec<String>, CliError> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(CliError::Connect)?;
    let steps = worker::run_pending(&mut conn, currency)
        .await
        .map_err(|e| CliError::Import(Box::new(e)))?;
    let mut lines = Vec::new();
    for step in steps {
        match step {
            Step::Checked(Checked::Previewed { job_id }) => {
                lines.push(format!("import {job_id}: preview complete"));
            }
            Step::Applied(Applied::Chunk {
                job_id,
                applied,
                refused,
            }) => lines.push(format!(
                "import {job_id}: chunk applied ({applied} rows, {refused} refused)"
            )),
            Step::Applied(Applied::Done { job_id }) => {
                lines.push(format!("import {job_id}: done"));
            }
            _ => {}
        }
    }
    if lines.is_empty() {
        lines.push("no import pending".to_owned());
    }
    Ok(lines)
}

/// Deletes expired jobs; returns how many.
pub async fn prune_imports(url: &str) -> Result<usize, CliError> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(CliError::Connect)?;
    Ok(crate::imports::prune::prune(&mut conn).await?)
}
