//! Least-privilege roles: the application role cannot change the schema or
//! rewrite history, the reader sees nothing but `read` even after
//! `RESET ROLE`, the application may still refresh the read models, and the
//! server refuses a database behind its migrations.

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use orderdesk::db::DbError;
use orderdesk::db::roles::{APP, READER, url_as};

use crate::support::helpers::{TestApp, TestDb};

/// A connection to the test's database as `role`.
pub async fn connect_as(app: &TestApp, role: &str) -> AsyncPgConnection {
    AsyncPgConnection::establish(&url_as(&app.db.url, role).unwrap())
        .await
        .unwrap()
}

/// The error message of `sql`, which must fail.
pub async fn refused(conn: &mut AsyncPgConnection, sql: &str) -> String {
    match conn.batch_execute(sql).await {
        Ok(()) => panic!("{sql} was allowed"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn the_app_role_cannot_alter_drop_truncate_update_or_delete_events() {
    let app = TestApp::spawn().await;
    app.customer("ada@example.com").await;
    let mut conn = connect_as(&app, APP).await;

    for (sql, message) in [
        (
            "ALTER TABLE events ADD COLUMN x int",
            "must be owner of table events",
        ),
        ("DROP TABLE events", "must be owner of table events"),
        ("TRUNCATE events", "permission denied for table events"),
        ("DELETE FROM events", "permission denied for table events"),
        (
            "UPDATE events SET actor = 'x'",
            "permission denied for table events",
        ),
        (
            "CREATE TABLE public.x (id int)",
            "permission denied for schema public",
        ),
        (
            "DELETE FROM __diesel_schema_migrations",
            "permission denied for table __diesel_schema_migrations",
        ),
    ] {
        assert_eq!(refused(&mut conn, sql).await, message, "{sql}");
    }
    assert_eq!(app.scalar("SELECT count(*) FROM events").await, 1);
}

#[tokio::test]
async fn the_app_role_maintains_the_live_models_and_refreshes_the_reports() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    app.place(ada, &[("TEE", 2)]).await.unwrap();
    let mut conn = connect_as(&app, APP).await;
    let reports: Vec<_> = orderdesk::read_models::catalog::reports().collect();

    let batch = orderdesk::read_models::maintainer::catch_up(
        &mut conn,
        orderdesk::read_models::Trigger::Manual,
    )
    .await;
    let results = orderdesk::read_models::refresh::refresh_all(
        &mut conn,
        &reports,
        orderdesk::read_models::Trigger::Manual,
    )
    .await;

    assert!(
        matches!(
            &batch,
            orderdesk::read_models::maintainer::BatchOutcome::Applied { applied, .. }
                if applied.orders == 1
        ),
        "{batch:?}"
    );
    for (model, outcome) in results {
        assert!(
            matches!(
                outcome,
                orderdesk::read_models::RefreshOutcome::Refreshed { .. }
            ),
            "{}: {outcome}",
            model.name
        );
    }
}

#[tokio::test]
async fn the_owner_rebuilds_a_live_model_which_stays_the_read_owners_and_the_apps_to_maintain() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    // As in production: the database handed to the owner by setup-roles.
    let admin =
        orderdesk::db::admin::with_database(&crate::support::helpers::server_url(), "postgres")
            .unwrap();
    orderdesk::db::roles::setup(&admin, Some(&app.db.url))
        .await
        .unwrap();
    let mut owner = connect_as(&app, orderdesk::db::roles::OWNER).await;
    let model = orderdesk::read_models::catalog::find("customer_stats").unwrap();

    let rebuilt = orderdesk::read_models::rebuild::rebuild(&mut owner, &[model], &mut |_| {}).await;
    app.place(ada, &[("TEE", 1)]).await.unwrap();
    let mut maintainer = connect_as(&app, APP).await;
    let batch = orderdesk::read_models::maintainer::catch_up(
        &mut maintainer,
        orderdesk::read_models::Trigger::Manual,
    )
    .await;

    assert_eq!(rebuilt.unwrap().len(), 1);
    assert_eq!(
        app.scalar("SELECT count(*) FROM pg_class WHERE relname = 'customer_stats' AND relowner = 'orderdesk_read_owner'::regrole")
            .await,
        1
    );
    assert!(
        matches!(
            batch,
            orderdesk::read_models::maintainer::BatchOutcome::Applied { .. }
        ),
        "{batch:?}"
    );
    assert_eq!(
        app.scalar("SELECT order_count FROM read.customer_stats")
            .await,
        1
    );
}

#[tokio::test]
async fn the_reader_sees_no_write_table_even_after_reset_role() {
    let app = TestApp::spawn().await;
    app.refresh().await;
    let mut conn = connect_as(&app, READER).await;

    conn.batch_execute("RESET ROLE; SELECT count(*) FROM read.order_summaries")
        .await
        .unwrap();
    for (sql, message) in [
        (
            "RESET ROLE; SELECT * FROM public.customers",
            "permission denied for table customers",
        ),
        (
            "RESET ROLE; SELECT * FROM public.staff_users",
            "permission denied for table staff_users",
        ),
        (
            "RESET ROLE; INSERT INTO read_model_refreshes DEFAULT VALUES",
            "permission denied for table read_model_refreshes",
        ),
        (
            "SET ROLE orderdesk_app",
            "permission denied to set role \"orderdesk_app\"",
        ),
        (
            "SET ROLE postgres",
            "permission denied to set role \"postgres\"",
        ),
    ] {
        assert_eq!(refused(&mut conn, sql).await, message, "{sql}");
    }
}

#[tokio::test]
async fn serve_refuses_a_database_that_is_behind_its_migrations() {
    let migrated = TestDb::migrated().await;
    let empty = TestDb::empty().await;

    let ok = orderdesk::db::migrations::ensure_current(&url_as(&migrated.url, APP).unwrap()).await;
    let behind = orderdesk::db::migrations::ensure_current(&empty.url).await;

    assert!(ok.is_ok(), "{ok:?}");
    let error = behind.unwrap_err();
    let message = error.to_string();
    let n = orderdesk::db::migrations::count();
    assert!(
        matches!(&error, DbError::MigrationsPending(versions) if versions.len() == n),
        "{error:?}"
    );
    assert!(
        message.starts_with(&format!(
            "the database has not applied {n} migration(s) this binary needs ("
        )),
        "{message}"
    );
    assert!(
        message.ends_with(
            "run `orderdesk migrate` as the owner role first, then start the server again"
        )
    );
}

#[tokio::test]
async fn setup_roles_hands_a_database_migrated_by_a_superuser_to_the_owner() {
    let db = TestDb::migrated().await;
    let admin =
        orderdesk::db::admin::with_database(&crate::support::helpers::server_url(), "postgres")
            .unwrap();

    orderdesk::db::roles::setup(&admin, Some(&db.url))
        .await
        .unwrap();

    let mut owner =
        AsyncPgConnection::establish(&url_as(&db.url, orderdesk::db::roles::OWNER).unwrap())
            .await
            .unwrap();
    owner
        .batch_execute("ALTER TABLE customers ADD COLUMN adopted int; REFRESH MATERIALIZED VIEW read.monthly_sales")
        .await
        .unwrap();
    let applied = orderdesk::db::migrations::run_pending(
        &url_as(&db.url, orderdesk::db::roles::OWNER).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(applied, 0);
    let mut app = AsyncPgConnection::establish(&url_as(&db.url, APP).unwrap())
        .await
        .unwrap();
    assert_eq!(
        refused(&mut app, "ALTER TABLE customers DROP COLUMN adopted").await,
        "must be owner of table customers"
    );
}
