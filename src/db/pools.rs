//! The write pool and the read pool.
//!
//! The read pool's connections are read-only, act as the `orderdesk_reader`
//! role and see only the `read` schema, so a query that tries to write or to
//! read a write table fails loudly instead of quietly breaking CQRS.
//!
//! Both request pools carry a `statement_timeout` (and the write pool a
//! `lock_timeout`), so a runaway query or a row held by another transaction
//! costs a request a bounded wait, never a connection for good. (The
//! read-model maintainer and the CLI's rebuilds open connections of their
//! own, without such limits: a full rebuild may take minutes.)
//!
//! The request pools recycle connections the fast way (no query per
//! checkout: a connection whose socket has closed is dropped, see
//! [`super::retry`] for the rare one that dies unnoticed).

use std::time::Duration;

use diesel_async::AsyncConnection;
use diesel_async::AsyncPgConnection;
use diesel_async::SimpleAsyncConnection;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use futures_util::FutureExt;

use super::DbError;

/// A pool of async PostgreSQL connections.
pub type PgPool = Pool<AsyncPgConnection>;
/// Why a connection could not be checked out (timeout, database down).
pub type PoolError = diesel_async::pooled_connection::deadpool::PoolError;
/// A connection checked out of a [`PgPool`].
pub type PooledConn = Object<AsyncPgConnection>;

/// The statements every read-side connection runs once, when it is opened.
pub const READ_SESSION_SETUP: &str = "SET ROLE orderdesk_reader; \
     SET search_path = read; \
     SET default_transaction_read_only = on;";

/// Per-connection limits of the request pools; a zero duration means none.
#[derive(Debug, Clone, Copy, Default)]
pub struct SessionLimits {
    pub write_statement_timeout: Duration,
    pub read_statement_timeout: Duration,
    pub lock_timeout: Duration,
}

impl SessionLimits {
    fn write_setup(&self) -> String {
        format!(
            "SET statement_timeout = {}; SET lock_timeout = {};",
            self.write_statement_timeout.as_millis(),
            self.lock_timeout.as_millis()
        )
    }

    fn read_setup(&self) -> String {
        format!(
            "{READ_SESSION_SETUP} SET statement_timeout = {};",
            self.read_statement_timeout.as_millis()
        )
    }
}

/// Both pools, kept in Rocket's managed state.
#[derive(Clone)]
pub struct Pools {
    pub write: PgPool,
    pub read: PgPool,
    /// Read-side connections (same role and limits as `read`) on the write
    /// server, when `read` points at another server (a standby): where reads
    /// fall back while the standby is down or lagging. Connections are opened
    /// only when used.
    pub read_fallback: Option<PgPool>,
}

/// How a pool is sized and how long a request may wait for a connection.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    pub max_size: usize,
    pub wait_timeout: Duration,
}

/// The pools' figures for the metrics (`read_fallback` only when configured).
impl crate::observability::PoolGauges for Pools {
    fn pool_statuses(&self) -> Vec<crate::observability::PoolStatus> {
        let fallback = self.read_fallback.as_ref().map(|p| ("read_fallback", p));
        [("write", &self.write), ("read", &self.read)]
            .into_iter()
            .chain(fallback)
            .map(|(name, pool)| {
                let status = pool.status();
                crate::observability::PoolStatus {
                    name,
                    max_size: status.max_size,
                    size: status.size,
                    available: status.available,
                    waiting: status.waiting,
                }
            })
            .collect()
    }
}

impl Pools {
    /// Both pools without statement or lock timeouts.
    pub fn new(write_url: &str, read_url: &str, options: PoolOptions) -> Result<Self, DbError> {
        Self::with_limits(write_url, read_url, options, SessionLimits::default())
    }

    /// Both pools, each connection set up with `limits`.
    pub fn with_limits(
        write_url: &str,
        read_url: &str,
        options: PoolOptions,
        limits: SessionLimits,
    ) -> Result<Self, DbError> {
        let fallback_url = super::admin::with_userinfo_of(write_url, read_url)?;
        let read_fallback = if super::admin::same_database(write_url, read_url) {
            None
        } else {
            Some(with_setup(&fallback_url, options, limits.read_setup())?)
        };
        Ok(Self {
            write: with_setup(write_url, options, limits.write_setup())?,
            read: with_setup(read_url, options, limits.read_setup())?,
            read_fallback,
        })
    }

    /// Whether reads go to another server than writes (a standby).
    pub fn reads_elsewhere(&self) -> bool {
        self.read_fallback.is_some()
    }
}

/// A request pool whose connections run `setup` once, when opened. Reuse
/// costs no round trip (`Fast`: a connection whose socket closed is dropped).
fn with_setup(url: &str, options: PoolOptions, setup: String) -> Result<PgPool, DbError> {
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |url| {
        let (url, setup) = (url.to_owned(), setup.clone());
        async move {
            let mut conn = AsyncPgConnection::establish(&url).await?;
            conn.batch_execute(&setup)
                .await
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        }
        .boxed()
    });
    build(url, config, options)
}

fn build(
    url: &str,
    config: ManagerConfig<AsyncPgConnection>,
    options: PoolOptions,
) -> Result<PgPool, DbError> {
    let manager = AsyncDieselConnectionManager::new_with_config(url, config);
    Pool::builder(manager)
        .max_size(options.max_size)
        .wait_timeout(Some(options.wait_timeout))
        .create_timeout(Some(options.wait_timeout))
        .recycle_timeout(Some(options.wait_timeout))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(DbError::Pool)
}
