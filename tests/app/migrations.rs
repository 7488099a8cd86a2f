//! Every migration's down.sql undoes its up.sql.

use diesel_async::{AsyncConnection, SimpleAsyncConnection};
use orderdesk::db::{DbError, migrations, replaceable};

use crate::helpers::{TestApp, TestDb};

#[tokio::test(flavor = "multi_thread")]
async fn every_migration_goes_up_down_and_up_again() {
    let db = TestDb::empty().await;

    let applied = migrations::run_pending(&db.url).await.unwrap();
    assert_eq!(applied, migrations::count());
    assert!(migrations::all_applied(&db.url).await.unwrap());

    let reverted = migrations::revert_all(&db.url).await.unwrap();
    assert_eq!(reverted, applied);
    assert!(!migrations::all_applied(&db.url).await.unwrap());

    assert_eq!(migrations::run_pending(&db.url).await.unwrap(), applied);
}

#[tokio::test]
async fn the_database_refuses_impossible_stock_even_without_the_commands() {
    let app = TestApp::spawn().await;
    let id = app.product("TEE", "10", 5).await;
    for bad in [
        format!("UPDATE inventory SET reserved = 6 WHERE product_id = {id}"),
        format!("UPDATE inventory SET on_hand = -1 WHERE product_id = {id}"),
        format!("UPDATE products SET price_cents = 0 WHERE id = {id}"),
    ] {
        let result =
            diesel_async::RunQueryDsl::execute(diesel::sql_query(&bad), &mut *app.conn().await)
                .await;
        assert!(
            matches!(
                result,
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::CheckViolation,
                    _
                ))
            ),
            "{bad}: {result:?}"
        );
    }
    assert_eq!(app.stock(id).await, (5, 0));
}

/// The old chain's `pg_dump --schema-only` (owners and privileges kept), taken
/// before the squash (tests/fixtures/old_chain_schema.sql).
const OLD_CHAIN_SCHEMA: &str = include_str!("../fixtures/old_chain_schema.sql");

/// `pg_dump` on PATH, else the newest under /usr/lib/postgresql (as
/// script/lib/postgres.sh finds pg_ctl).
fn pg_dump() -> std::path::PathBuf {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join("pg_dump");
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    let mut dirs: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin/pg_dump")).collect())
        .unwrap_or_default();
    dirs.retain(|p: &std::path::PathBuf| p.is_file());
    dirs.sort_by_key(|p| {
        p.components()
            .nth(4)
            .and_then(|c| c.as_os_str().to_str()?.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop().expect("pg_dump on PATH or under /usr/lib/postgresql/*/bin")
}

/// A schema dump as a sorted list of statements: comments, `\restrict` lines
/// and anything about `replaceable_schema` (new with the baseline) dropped;
/// grant blocks split into single grants (their order follows the order the
/// grants were made in); otherwise exact.
fn normalised(dump: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    for line in dump.lines() {
        let skip = line.starts_with("--")
            || line.starts_with("\\restrict")
            || line.starts_with("\\unrestrict");
        if skip || line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    let mut out = Vec::new();
    for block in blocks {
        if block.contains("replaceable_schema") {
            continue;
        }
        if block
            .lines()
            .all(|l| l.starts_with("GRANT ") || l.starts_with("REVOKE "))
        {
            out.extend(block.lines().map(|l| format!("{l}\n")));
        } else {
            out.push(block);
        }
    }
    out.sort();
    out
}

async fn dump(db: &TestDb) -> String {
    let out = tokio::process::Command::new(pg_dump())
        .args(["--schema-only", "--dbname", &db.url])
        .output()
        .await
        .expect("pg_dump runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_baseline_makes_the_old_chains_schema() {
    let db = TestDb::empty().await;
    // The baseline alone (later migrations are appended after it), then the
    // replaceable SQL.
    let n = migrations::run_pending_migrations(&db.url, Some(migrations::BASELINE_LAST))
        .await
        .unwrap();
    assert_eq!(n, 3);
    assert!(replaceable::apply(&db.url).await.unwrap());
    let new = normalised(&dump(&db).await);
    let old = normalised(OLD_CHAIN_SCHEMA);
    let missing: Vec<_> = old.iter().filter(|s| !new.contains(s)).collect();
    let extra: Vec<_> = new.iter().filter(|s| !old.contains(s)).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && old.len() == new.len(),
        "only in the old chain's schema:\n{}\nonly in the baseline's:\n{}",
        missing.iter().map(|s| s.as_str()).collect::<String>(),
        extra.iter().map(|s| s.as_str()).collect::<String>()
    );
}

#[test]
fn the_old_chains_versions_are_the_ones_refused() {
    let listed: Vec<&str> = include_str!("../fixtures/old_chain_versions.txt")
        .lines()
        .collect();
    assert_eq!(listed, migrations::OLD_CHAIN);
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_and_serve_refuse_a_database_made_by_the_old_chain() {
    let db = TestDb::empty().await;
    let mut conn = diesel_async::AsyncPgConnection::establish(&db.url).await.unwrap();
    conn.batch_execute(
        "CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY, \
         run_on timestamp NOT NULL DEFAULT current_timestamp); \
         INSERT INTO __diesel_schema_migrations (version) VALUES ('20261125000011');",
    )
    .await
    .unwrap();
    let err = migrations::run_pending(&db.url).await.unwrap_err();
    match err.downcast_ref::<DbError>() {
        Some(DbError::OldChain(versions)) => assert_eq!(versions, &["20261125000011"]),
        other => panic!("expected the old-chain refusal, got {other:?} ({err})"),
    }
    assert!(err.to_string().contains("re-create it"), "{err}");
    assert!(matches!(
        migrations::ensure_current(&db.url).await,
        Err(DbError::OldChain(_))
    ));
    // Nothing was applied.
    let n: Count = diesel_async::RunQueryDsl::get_result(
        diesel::sql_query("SELECT count(*) AS n FROM __diesel_schema_migrations"),
        &mut conn,
    )
    .await
    .unwrap();
    assert_eq!(n.n, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_refuses_until_the_replaceable_sql_is_applied_and_migrate_applies_it() {
    let db = TestDb::migrated().await;
    migrations::ensure_current(&db.url).await.unwrap();
    assert!(!replaceable::apply(&db.url).await.unwrap(), "already applied");

    let mut conn = diesel_async::AsyncPgConnection::establish(&db.url).await.unwrap();
    conn.batch_execute("UPDATE replaceable_schema SET sha256 = 'stale'")
        .await
        .unwrap();
    assert!(matches!(
        migrations::ensure_current(&db.url).await,
        Err(DbError::ReplaceablePending)
    ));
    assert_eq!(migrations::run_pending(&db.url).await.unwrap(), 0);
    migrations::ensure_current(&db.url).await.unwrap();
    // Applied again, the functions are there and answer.
    conn.batch_execute("SELECT * FROM read.page_freshness('order_summaries', ARRAY['order_placed'])")
        .await
        .unwrap();
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}
