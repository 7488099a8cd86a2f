//! The server's role owns nothing (issue 22): `orderdesk_app` is no member
//! of `orderdesk_read_owner`, so it cannot DROP, TRUNCATE, ALTER or attach a
//! trigger to a read model, nor make a temporary table or function; it
//! refreshes a report view only through `read.refresh_report`, which accepts
//! nothing but a report view's name; and `serve` refuses a write URL whose
//! role could do more.

use std::time::Duration;

use diesel_async::SimpleAsyncConnection;
use orderdesk::db::DbError;
use orderdesk::db::roles::{APP, OWNER, READER, ensure_unprivileged, url_as};

use super::roles::{connect_as, refused};
use crate::support::helpers::TestApp;

#[tokio::test]
async fn the_app_role_cannot_drop_truncate_alter_or_add_a_trigger_to_a_read_model() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    app.place(ada, &[("TEE", 2)]).await.unwrap();
    app.refresh().await;
    let mut conn = connect_as(&app, APP).await;

    for (sql, message) in [
        (
            "DROP TABLE read.order_summaries",
            "must be owner of table order_summaries",
        ),
        (
            "TRUNCATE read.order_summaries",
            "permission denied for table order_summaries",
        ),
        (
            "ALTER TABLE read.order_summaries ADD COLUMN x int",
            "must be owner of table order_summaries",
        ),
        (
            "ALTER TABLE read.dashboard DISABLE TRIGGER ALL",
            "must be owner of table dashboard",
        ),
        (
            "CREATE TRIGGER t BEFORE INSERT ON read.order_summaries \
             FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only()",
            "permission denied for table order_summaries",
        ),
        (
            "DROP MATERIALIZED VIEW read.monthly_sales",
            "must be owner of materialized view monthly_sales",
        ),
        (
            "REFRESH MATERIALIZED VIEW read.monthly_sales",
            "must be owner of materialized view monthly_sales",
        ),
        (
            "TRUNCATE read_model_state",
            "permission denied for table read_model_state",
        ),
        (
            "SET ROLE orderdesk_read_owner",
            "permission denied to set role \"orderdesk_read_owner\"",
        ),
    ] {
        assert_eq!(refused(&mut conn, sql).await, message, "{sql}");
    }
    // Still the read models' maintainer: plain DML works.
    conn.batch_execute("UPDATE read.order_summaries SET version = version")
        .await
        .unwrap();
    assert_eq!(
        app.scalar("SELECT count(*) FROM read.order_summaries")
            .await,
        1
    );
}

#[tokio::test]
async fn nobody_but_the_owners_may_create_temporary_tables_or_functions() {
    let app = TestApp::spawn().await;
    let temp_refused = format!(
        "permission denied to create temporary tables in database \"{}\"",
        app.db.name
    );

    for role in [APP, READER] {
        let mut conn = connect_as(&app, role).await;
        for sql in [
            "CREATE TEMP TABLE t (id int)",
            "CREATE FUNCTION pg_temp.f() RETURNS trigger LANGUAGE plpgsql \
             AS $$ BEGIN RETURN NULL; END $$",
        ] {
            assert_eq!(refused(&mut conn, sql).await, temp_refused, "{role}: {sql}");
        }
    }
}

#[tokio::test]
async fn the_app_refreshes_a_report_view_only_through_the_definer_function() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    app.place(ada, &[("TEE", 2)]).await.unwrap();
    let mut conn = connect_as(&app, APP).await;

    for concurrently in ["true", "false"] {
        conn.batch_execute(&format!(
            "SELECT read.refresh_report('monthly_sales', {concurrently})"
        ))
        .await
        .unwrap();
    }
    for view in [
        "order_summaries",
        "dashboard",
        "events",
        "monthly_sales; DROP TABLE read.dashboard",
        "MONTHLY_SALES",
    ] {
        let sql = format!("SELECT read.refresh_report('{view}', true)");
        assert_eq!(
            refused(&mut conn, &sql).await,
            format!("not a report view: {view}"),
            "{sql}"
        );
    }
    assert_eq!(
        refused(&mut conn, "SELECT read.refresh_report(NULL, true)").await,
        "not a report view: <NULL>"
    );
    let mut reader = connect_as(&app, READER).await;
    assert_eq!(
        refused(
            &mut reader,
            "SELECT read.refresh_report('monthly_sales', true)"
        )
        .await,
        "permission denied for function refresh_report"
    );

    assert_eq!(
        app.scalar("SELECT count(*) FROM read.monthly_sales").await,
        1
    );
    assert_eq!(app.scalar("SELECT count(*) FROM read.dashboard").await, 1);
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM pg_proc WHERE oid = 'read.refresh_report(text, boolean)'::regprocedure \
             AND prosecdef AND proowner = 'orderdesk_read_owner'::regrole"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_server_role_check_passes_the_app_and_refuses_a_superuser_and_the_owner() {
    let app = TestApp::spawn().await;

    let ok = ensure_unprivileged(&url_as(&app.db.url, APP).unwrap()).await;
    let superuser = ensure_unprivileged(&app.db.url).await;
    let owner = ensure_unprivileged(&url_as(&app.db.url, OWNER).unwrap()).await;

    assert!(ok.is_ok(), "{ok:?}");
    let superuser_refused = matches!(
        &superuser,
        Err(DbError::PrivilegedServer { why, .. }) if *why == "it is a superuser"
    );
    assert!(superuser_refused, "{superuser:?}");
    assert!(
        matches!(&owner, Err(DbError::PrivilegedServer { role, .. }) if role == OWNER),
        "{owner:?}"
    );
}

/// `orderdesk serve` with `url` as its write URL: whether it exited (within
/// a bound) and what it printed.
async fn serve_as(app: &TestApp, url: &str) -> (Option<bool>, String) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_orderdesk"))
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("READ_DATABASE_URL", url_as(&app.db.url, READER).unwrap())
        .env("ROCKET_PORT", "0")
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run orderdesk serve");
    let exited = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .ok()
        .map(|status| status.unwrap().success());
    if exited.is_none() {
        child.kill().await.unwrap();
    }
    let out = child.wait_with_output().await.unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (exited, printed)
}

#[tokio::test]
async fn serve_refuses_a_superuser_or_owner_write_url() {
    let app = TestApp::spawn().await;

    for (url, role, why) in [
        (app.db.url.clone(), "postgres", "it is a superuser"),
        (
            url_as(&app.db.url, OWNER).unwrap(),
            OWNER,
            "it owns the database (or is a member of its owner)",
        ),
    ] {
        let (exited, printed) = serve_as(&app, &url).await;

        assert_eq!(exited, Some(false), "{role}: {printed}");
        assert!(
            printed.contains(&format!(
                "`orderdesk serve` refuses to run as {role}: {why}; give it DATABASE_URL as \
                 orderdesk_app"
            )),
            "{printed}"
        );
    }
}

#[tokio::test]
async fn the_server_role_check_refuses_a_member_of_the_read_owner() {
    let app = TestApp::spawn().await;
    // A login role of this test's own (roles are cluster-wide), dropped after.
    let role = format!("orderdesk_test_member_{}", std::process::id());
    app.exec(&format!(
        "CREATE ROLE {role} LOGIN IN ROLE orderdesk_read_owner"
    ))
    .await;

    let member = ensure_unprivileged(&url_as(&app.db.url, &role).unwrap()).await;
    app.exec(&format!("DROP ROLE {role}")).await;

    let refused = matches!(
        &member,
        Err(DbError::PrivilegedServer { role: r, why })
            if *r == role && why.contains("member of orderdesk_read_owner")
    );
    assert!(refused, "{member:?}");
}
