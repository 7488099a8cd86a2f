//! The database roles OrderDesk runs as (see the migration
//! `…_least_privilege_roles`): created and wired by `orderdesk setup-roles`,
//! which a superuser runs once per cluster (script/server, script/test and the
//! test harness do). Roles are cluster-wide; grants on tables are the
//! migrations' business.

use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use super::DbError;
use super::admin::{quote_ident, with_database, with_user};

/// Owns the database and its schema; runs `orderdesk migrate` and the
/// owner-only operations (seed, user management from the CLI, rebuilds).
pub const OWNER: &str = "orderdesk_owner";
/// The server's write pool and its read-model maintainer: DML only, owner of
/// nothing (it refreshes report views through `read.refresh_report`, a
/// SECURITY DEFINER function of [`READ_OWNER`]).
pub const APP: &str = "orderdesk_app";
/// Owns the relations in schema `read` (NOLOGIN); only `OWNER` is a member
/// (rebuilds): `APP` is not, so the server cannot DROP, ALTER, TRUNCATE or
/// add triggers to the read models.
pub const READ_OWNER: &str = "orderdesk_read_owner";
/// The server's read pool: SELECT on `read` only.
pub const READER: &str = "orderdesk_reader";

/// Creates the roles (LOGIN, no password: set one with `ALTER ROLE … PASSWORD`
/// where the server does not trust local connections), their memberships, and
/// (given `url`) the database it names, owned by [`OWNER`], if missing.
/// `admin_url` is a superuser's URL on the same server.
pub async fn setup(admin_url: &str, url: Option<&str>) -> Result<(), DbError> {
    // The maintenance database: the one `url` names may not exist yet.
    let admin_url = with_database(admin_url, "postgres")?;
    let mut admin = AsyncPgConnection::establish(&admin_url)
        .await
        .map_err(DbError::connecting(&admin_url))?;
    setup_roles(&mut admin).await?;
    match url {
        Some(url) => create_database(&mut admin, &admin_url, url).await,
        None => Ok(()),
    }
}

/// Creates the roles and their memberships (see [`setup`]) on a superuser's connection.
pub async fn setup_roles(admin: &mut AsyncPgConnection) -> Result<(), DbError> {
    // One at a time across processes: CREATE ROLE races otherwise.
    let sql = format!(
        "SELECT pg_advisory_lock(4242012); \
         DO $$ BEGIN \
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{OWNER}') THEN CREATE ROLE {OWNER}; END IF; \
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP}') THEN CREATE ROLE {APP}; END IF; \
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READ_OWNER}') THEN CREATE ROLE {READ_OWNER}; END IF; \
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READER}') THEN CREATE ROLE {READER}; END IF; \
         END $$; \
         ALTER ROLE {OWNER} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; \
         ALTER ROLE {APP} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT; \
         ALTER ROLE {READ_OWNER} NOLOGIN; \
         ALTER ROLE {READER} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; \
         GRANT {READ_OWNER}, {READER} TO {OWNER} WITH ADMIN OPTION; \
         REVOKE {READ_OWNER} FROM {APP}; \
         SELECT pg_advisory_unlock(4242012);"
    );
    admin
        .batch_execute(&sql)
        .await
        .map_err(DbError::at("cannot set up roles"))
}

#[derive(diesel::QueryableByName)]
struct Found {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Creates the database `url` names, owned by [`OWNER`], unless it exists;
/// an existing one owned by another role is adopted (see `adopt.sql`).
async fn create_database(
    admin: &mut AsyncPgConnection,
    admin_url: &str,
    url: &str,
) -> Result<(), DbError> {
    let name = super::admin::database_name(url)?;
    let found: Found =
        diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<Text, _>(&name)
            .get_result(admin)
            .await
            .map_err(DbError::at(format!("cannot look database {name} up")))?;
    if found.n == 0 {
        diesel::sql_query(format!(
            "CREATE DATABASE {} OWNER {OWNER}",
            quote_ident(&name)
        ))
        .execute(admin)
        .await
        .map_err(DbError::at(format!("cannot create database {name}")))?;
        return Ok(());
    }
    let owned: Found = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_database WHERE datname = $1 AND datdba = $2::regrole",
    )
    .bind::<Text, _>(&name)
    .bind::<Text, _>(OWNER)
    .get_result(admin)
    .await
    .map_err(DbError::at(format!(
        "cannot read the owner of database {name}"
    )))?;
    if owned.n == 1 {
        return Ok(());
    }
    let inside_url = with_database(admin_url, &name)?;
    let mut inside = AsyncPgConnection::establish(&inside_url)
        .await
        .map_err(DbError::connecting(&inside_url))?;
    inside
        .batch_execute(include_str!("adopt.sql"))
        .await
        .map_err(DbError::at(format!(
            "cannot hand database {name} to {OWNER}"
        )))
}

#[derive(diesel::QueryableByName)]
struct Powers {
    #[diesel(sql_type = Text)]
    role: String,
    /// `superuser`, `owner` or `read_owner`: the first power the role has.
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    power: Option<String>,
}

/// Ok when the role `url` logs in as may not change the schema or the read
/// models: not a superuser, not (a member of) the database's owner or
/// [`OWNER`], not a member of [`READ_OWNER`]. Otherwise
/// [`DbError::PrivilegedServer`], which `orderdesk serve` refuses to start with.
pub async fn ensure_unprivileged(url: &str) -> Result<(), DbError> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(DbError::connecting(url))?;
    let powers: Powers = diesel::sql_query(format!(
        "SELECT r.rolname::text AS role, CASE \
           WHEN r.rolsuper THEN 'superuser' \
           WHEN pg_has_role(r.oid, d.datdba, 'MEMBER') OR EXISTS (SELECT 1 FROM pg_roles g \
                WHERE g.rolname = '{OWNER}' AND pg_has_role(r.oid, g.oid, 'MEMBER')) \
             THEN 'owner' \
           WHEN EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = '{READ_OWNER}' \
                AND pg_has_role(r.oid, g.oid, 'MEMBER')) THEN 'read_owner' \
         END AS power \
         FROM pg_roles r, pg_database d \
         WHERE r.rolname = current_user AND d.datname = current_database()"
    ))
    .get_result(&mut conn)
    .await
    .map_err(DbError::at("cannot read the server role's privileges"))?;
    let why = match powers.power.as_deref() {
        None => return Ok(()),
        Some("superuser") => "it is a superuser",
        Some("owner") => "it owns the database (or is a member of its owner)",
        Some(_) => "it is a member of orderdesk_read_owner, the owner of the read models",
    };
    Err(DbError::PrivilegedServer {
        role: powers.role,
        why,
    })
}

/// `url` with the user set to `role` (same server, same database).
pub fn url_as(url: &str, role: &str) -> Result<String, DbError> {
    with_user(url, role)
}

/// A superuser's URL on the same server as `url`: `ADMIN_DATABASE_URL`, or
/// `postgres@` on its maintenance database.
pub fn default_admin_url(url: &str) -> Result<String, DbError> {
    match std::env::var("ADMIN_DATABASE_URL") {
        Ok(admin) => Ok(admin),
        Err(_) => with_user(&with_database(url, "postgres")?, "postgres"),
    }
}
