//! [`SeedError`]: why seeding stopped, with the database's or the generator's
//! own error as its source. Nothing is half-loaded in any case: the load is
//! one transaction.

/// Why `orderdesk seed` did not seed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("orders need at least one customer and one product")]
    NothingToOrder,
    #[error("--days must be at least 1")]
    NoDays,
    #[error(
        "the database already holds customers, products or orders; \
         seed an empty database, or pass --force to add the shop to it"
    )]
    HasData,
    #[error("cannot connect to the database")]
    Connect(#[source] tokio_postgres::Error),
    /// A statement failed; `step` says which (`"commit"`, `"loading orders"`, a DDL statement).
    #[error("{step}")]
    Database {
        step: String,
        #[source]
        source: tokio_postgres::Error,
    },
    /// A generator thread failed (it panicked or was cancelled).
    #[error("generating {what} failed")]
    Generate {
        what: &'static str,
        #[source]
        source: tokio::task::JoinError,
    },
    #[error("{table}: rendered {rendered} rows but the server took {copied}")]
    RowCount {
        table: &'static str,
        rendered: u64,
        copied: u64,
    },
}

impl SeedError {
    /// A failed statement, named by what it was doing.
    pub(super) fn at(step: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> Self {
        let step = step.into();
        move |source| Self::Database { step, source }
    }
}
