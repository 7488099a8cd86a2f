//! Import helpers: a CSV file on disk, staged as an admin would upload it,
//! and the worker's steps run to the end (tests run them; the server's
//! worker is off in tests).

use orderdesk::domain::{Actor, Currency, ImportKind};
use orderdesk::imports::stage::{Upload, stage};
use orderdesk::imports::worker::{Step, run_pending};
use orderdesk::imports::{ImportError, apply};

use crate::support::helpers::TestApp;

/// A temporary file holding `bytes`, removed when dropped.
pub struct CsvFile(pub std::path::PathBuf);

impl CsvFile {
    pub fn new(bytes: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!(
            "orderdesk-test-{}.csv",
            orderdesk::security::random_token()
        ));
        std::fs::write(&path, bytes).unwrap();
        Self(path)
    }
}

impl Drop for CsvFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl TestApp {
    /// Stages `bytes` as a `kind` file uploaded by "admin"; the job's id.
    pub async fn stage(&self, kind: ImportKind, bytes: &[u8]) -> Result<i64, ImportError> {
        let file = CsvFile::new(bytes);
        let upload = Upload {
            kind,
            owner: Actor::system("import-test"),
            file_name: "test.csv".into(),
            path: file.0.clone(),
        };
        stage(&mut *self.conn().await, upload, Currency::default()).await
    }

    /// Runs the worker's steps until nothing is pending.
    pub async fn work(&self) -> Vec<Step> {
        run_pending(&mut *self.conn().await, Currency::default())
            .await
            .unwrap()
    }

    /// Stages and previews `bytes`; the job's id.
    pub async fn preview(&self, kind: ImportKind, bytes: &[u8]) -> i64 {
        let id = self.stage(kind, bytes).await.unwrap();
        self.work().await;
        id
    }

    /// Presses "Import" on job `id` and runs the worker to the end.
    pub async fn import(&self, id: i64) -> apply::Started {
        let started = apply::start(&mut *self.conn().await, id).await.unwrap();
        self.work().await;
        started
    }

    /// A column of job `id` (`creates`, `refused`, `state` as text …).
    pub async fn job_figure(&self, id: i64, column: &str) -> i64 {
        self.scalar(&format!("SELECT {column} FROM import_jobs WHERE id = {id}"))
            .await
    }

    /// `(line, refusals or apply error as text)` of job `id`'s refused rows.
    pub async fn refused_rows(&self, id: i64) -> Vec<(i32, String)> {
        use diesel::QueryableByName;
        use diesel::sql_types::{Int4, Text};
        use diesel_async::RunQueryDsl;
        #[derive(QueryableByName)]
        struct R {
            #[diesel(sql_type = Int4)]
            line: i32,
            #[diesel(sql_type = Text)]
            why: String,
        }
        let rows: Vec<R> = diesel::sql_query(format!(
            "SELECT line, coalesce(refusals::text, apply_error) AS why FROM import_rows \
             WHERE job_id = {id} AND (outcome = 'refused' OR applied = 'refused') ORDER BY seq"
        ))
        .load(&mut *self.conn().await)
        .await
        .unwrap();
        rows.into_iter().map(|r| (r.line, r.why)).collect()
    }
}
