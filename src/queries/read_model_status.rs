//! The read-model status page: every view's last refresh, duration, rows,
//! pending changes and last error.

use diesel_async::AsyncPgConnection;

use super::freshness::{self, StatusRow};
use crate::read_models::READ_MODELS;

/// One read model's status.
#[derive(Debug, Clone)]
pub struct ReadModelStatus {
    pub view: &'static str,
    pub status: StatusRow,
}

/// The status of every read model, in catalog order.
pub async fn all(
    conn: &mut AsyncPgConnection,
) -> Result<Vec<ReadModelStatus>, diesel::result::Error> {
    let mut out = Vec::with_capacity(READ_MODELS.len());
    for model in READ_MODELS {
        out.push(ReadModelStatus {
            view: model.name,
            status: freshness::status(conn, model.name).await?,
        });
    }
    Ok(out)
}
