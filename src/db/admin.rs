//! Database-level chores: creating the application's database when it is missing.

use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::DbError;

/// Splits a connection URL into (URL up to the database name, database name, query string).
fn split(url: &str) -> Result<(&str, &str, &str), DbError> {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let slash = url[after_scheme..]
        .find('/')
        .map(|i| i + after_scheme)
        .ok_or_else(|| DbError::NoDatabase {
            url: url.to_owned(),
        })?;
    let (db, query) = match url[slash + 1..].split_once('?') {
        Some((db, q)) => (db, q),
        None => (&url[slash + 1..], ""),
    };
    Ok((&url[..slash], db, query))
}

/// The database name in a connection URL.
pub fn database_name(url: &str) -> Result<String, DbError> {
    let (_, db, _) = split(url)?;
    if db.is_empty() {
        return Err(DbError::NoDatabase {
            url: url.to_owned(),
        });
    }
    Ok(db.to_owned())
}

/// The same server's URL with another database name (e.g. `postgres`).
pub fn with_database(url: &str, name: &str) -> Result<String, DbError> {
    let (base, _, query) = split(url)?;
    Ok(if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    })
}

/// The same URL with another user name (any password is dropped).
pub fn with_user(url: &str, user: &str) -> Result<String, DbError> {
    let scheme_end = url
        .find("://")
        .map(|i| i + 3)
        .ok_or_else(|| DbError::NoScheme {
            url: url.to_owned(),
        })?;
    let rest = &url[scheme_end..];
    let host_start = rest
        .find('/')
        .map_or(rest.len(), |slash| slash)
        .min(rest.len());
    let authority = &rest[..host_start];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Ok(format!(
        "{}{user}@{host}{}",
        &url[..scheme_end],
        &rest[host_start..]
    ))
}

/// `target` with the user (and password) of `source`: the reader's
/// credentials on the write server, for reads that fall back to it.
pub fn with_userinfo_of(target: &str, source: &str) -> Result<String, DbError> {
    let (t_scheme, t_rest) = target.split_once("://").ok_or_else(|| DbError::NoScheme {
        url: target.to_owned(),
    })?;
    let (_, s_rest) = source.split_once("://").ok_or_else(|| DbError::NoScheme {
        url: source.to_owned(),
    })?;
    let authority = |rest: &str| rest[..rest.find('/').unwrap_or(rest.len())].to_owned();
    let (s_auth, t_auth) = (authority(s_rest), authority(t_rest));
    let userinfo = s_auth.rsplit_once('@').map(|(u, _)| u);
    let host = t_auth.rsplit_once('@').map_or(t_auth.as_str(), |(_, h)| h);
    let path = &t_rest[t_auth.len()..];
    Ok(match userinfo {
        Some(u) => format!("{t_scheme}://{u}@{host}{path}"),
        None => format!("{t_scheme}://{host}{path}"),
    })
}

/// Whether two URLs name the same server and database (users may differ).
pub fn same_database(a: &str, b: &str) -> bool {
    let key = |url: &str| {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
        rest.split('?').next().unwrap_or(rest).to_owned()
    };
    key(a) == key(b)
}

/// Quotes an identifier for SQL.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[derive(diesel::QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    exists: bool,
}

/// Creates the database `url` names unless it exists; returns whether it created it.
pub async fn create_database_if_missing(url: &str) -> Result<bool, DbError> {
    let name = database_name(url)?;
    let admin_url = with_database(url, "postgres")?;
    let mut admin = AsyncPgConnection::establish(&admin_url)
        .await
        .map_err(DbError::connecting(&admin_url))?;
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<Text, _>(&name)
            .get_result(&mut admin)
            .await
            .map_err(DbError::at("cannot look the database up"))?;
    if found.exists {
        return Ok(false);
    }
    match diesel::sql_query(format!("CREATE DATABASE {}", quote_ident(&name)))
        .execute(&mut admin)
        .await
    {
        Ok(_) => Ok(true),
        // Someone else created it at the same moment.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(DbError::at(format!("cannot create database {name}"))(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_the_database_name_and_keeps_the_query() {
        assert_eq!(
            with_database("postgres://u@h:5432/shop?sslmode=disable", "postgres").unwrap(),
            "postgres://u@h:5432/postgres?sslmode=disable"
        );
        assert_eq!(database_name("postgres://u@h/shop").unwrap(), "shop");
        assert!(matches!(
            database_name("postgres://u@h"),
            Err(DbError::NoDatabase { url }) if url == "postgres://u@h"
        ));
        assert!(matches!(
            with_user("u@h/shop", "app"),
            Err(DbError::NoScheme { .. })
        ));
        assert_eq!(
            with_user("postgres://u:pw@h:5432/shop?x=1", "app").unwrap(),
            "postgres://app@h:5432/shop?x=1"
        );
        assert_eq!(
            with_user("postgres://h/shop", "app").unwrap(),
            "postgres://app@h/shop"
        );
    }

    #[test]
    fn borrows_the_readers_credentials_for_the_write_server() {
        assert_eq!(
            with_userinfo_of(
                "postgres://app@primary:5432/shop",
                "postgres://reader:pw@standby:5433/shop"
            )
            .unwrap(),
            "postgres://reader:pw@primary:5432/shop"
        );
        assert_eq!(
            with_userinfo_of("postgres://app@primary/shop", "postgres://standby/shop").unwrap(),
            "postgres://primary/shop"
        );
        assert!(same_database(
            "postgres://app@h:1/shop",
            "postgres://reader:x@h:1/shop?a=b"
        ));
        assert!(!same_database(
            "postgres://app@h:1/shop",
            "postgres://app@h:2/shop"
        ));
    }
}
