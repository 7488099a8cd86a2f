//! [`DbError`]: why a database chore failed (a URL that names no database,
//! a connection refused, a statement that failed, pending migrations), with
//! the underlying error as its source so `main` can print the whole chain.

use diesel::ConnectionError;
use diesel_async::pooled_connection::deadpool::BuildError;

/// Why one of `db`'s set-up chores (URLs, roles, databases, pools,
/// migrations) failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database URL {url:?} names no database")]
    NoDatabase { url: String },
    #[error("database URL {url:?} has no scheme")]
    NoScheme { url: String },
    /// `url` is the one asked for, without its password.
    #[error("cannot connect to {url}")]
    Connect {
        url: String,
        #[source]
        source: ConnectionError,
    },
    /// A statement failed; `step` says what it was for.
    #[error("{step}")]
    Statement {
        step: String,
        #[source]
        source: diesel::result::Error,
    },
    #[error("could not build connection pool")]
    Pool(#[source] BuildError),
    #[error("cannot read the embedded migrations")]
    EmbeddedMigrations(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The database is behind the binary: these versions are not applied.
    #[error(
        "the database has not applied {} migration(s) this binary needs ({}); \
         run `orderdesk migrate` as the owner role first, then start the server again",
        .0.len(),
        .0.join(", ")
    )]
    MigrationsPending(Vec<String>),
    /// The database was made by the migration chain squashed by issue 21's
    /// baseline (it holds these old versions): it cannot be migrated.
    #[error(
        "the database was made by the old migration chain (it has applied {}), which this \
         binary's baseline replaced; re-create it: drop it (e.g. `dropdb orderdesk`) and run \
         `orderdesk migrate` (or script/server) again",
        .0.join(", ")
    )]
    OldChain(Vec<String>),
    /// The read side's replaceable SQL (src/read_models/schema/) is not the
    /// one this binary carries.
    #[error(
        "the database has not applied this binary's read-side functions \
         (src/read_models/schema/*.sql); run `orderdesk migrate` as the owner role first, \
         then start the server again"
    )]
    ReplaceablePending,
    /// `orderdesk serve`'s write URL logs in as a role that may change the
    /// schema or the read models (`why` says how): the server runs as
    /// `orderdesk_app`, which owns nothing.
    #[error(
        "`orderdesk serve` refuses to run as {role}: {why}; give it DATABASE_URL as \
         orderdesk_app and READ_DATABASE_URL as orderdesk_reader (docs/SECURITY.md, \
         \"Database roles\")"
    )]
    PrivilegedServer { role: String, why: &'static str },
}

impl DbError {
    /// A failed statement, for [`Result::map_err`]: `step` says what it was for.
    pub fn at(step: impl Into<String>) -> impl FnOnce(diesel::result::Error) -> Self {
        let step = step.into();
        move |source| Self::Statement { step, source }
    }

    /// A refused connection to `url`, for [`Result::map_err`]; the error
    /// keeps the URL without its password.
    pub fn connecting(url: &str) -> impl FnOnce(ConnectionError) -> Self {
        let url = without_password(url);
        move |source| Self::Connect { url, source }
    }
}

/// `url` with any password dropped (`postgres://u:pw@h/db` → `postgres://u@h/db`).
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!("{scheme}://{user}@{host}{}", &rest[authority.len()..])
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn a_refused_connection_does_not_repeat_the_password() {
        assert_eq!(
            without_password("postgres://app:s3cret@h:5432/shop?x=1"),
            "postgres://app@h:5432/shop?x=1"
        );
        assert_eq!(without_password("postgres://h/shop"), "postgres://h/shop");
    }
}
