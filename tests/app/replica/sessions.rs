//! Writes are authorised on the primary, whatever the standby says (issue 22's
//! High finding), on the tests' own primary + standby pair: with the
//! standby's WAL receiver stopped (it replays all it received and receives
//! nothing more), an admin deactivated on the primary can no longer change
//! anything from her open tab, and the stalled standby shows as lagging.

use std::time::{Duration, Instant};

use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use orderdesk::commands::deactivate_user::{DeactivateUser, deactivate_user};
use orderdesk::config::Settings;
use orderdesk::db::Pools;
use orderdesk::db::pools::PoolOptions;
use orderdesk::db::roles::{APP, READER};
use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::{TestApp, ctx};
use crate::support::http::{PASSWORD, post, session_csrf, sign_in};
use crate::support::replica_pair::{self, PairLock, Server};

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(url: &str, sql: &str) -> i64 {
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .await
        .unwrap()
        .n
}

/// The standby's WAL receiver, stopped (`primary_conninfo` emptied and the
/// configuration reloaded) until this is dropped, which puts it back.
struct ReceiverStopped {
    admin_url: String,
    conninfo: String,
}

impl ReceiverStopped {
    async fn new(pair: &PairLock) -> Self {
        #[derive(diesel::QueryableByName)]
        struct Setting {
            #[diesel(sql_type = diesel::sql_types::Text)]
            primary_conninfo: String,
        }
        let admin_url = pair.admin_url(Server::Standby);
        let mut conn = AsyncPgConnection::establish(&admin_url).await.unwrap();
        let conninfo = diesel::sql_query("SHOW primary_conninfo")
            .get_result::<Setting>(&mut conn)
            .await
            .unwrap()
            .primary_conninfo;
        assert!(!conninfo.is_empty(), "the standby streams from the primary");
        // ALTER SYSTEM may not share a statement batch (an implicit transaction).
        for sql in [
            "ALTER SYSTEM SET primary_conninfo = ''",
            "SELECT pg_reload_conf()",
        ] {
            conn.batch_execute(sql).await.unwrap();
        }
        let stopped = Self {
            admin_url,
            conninfo,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while count(
            &stopped.admin_url,
            "SELECT count(*) AS n FROM pg_stat_wal_receiver",
        )
        .await
            > 0
        {
            assert!(Instant::now() < deadline, "the WAL receiver did not stop");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        stopped
    }
}

impl Drop for ReceiverStopped {
    fn drop(&mut self) {
        let url = self.admin_url.clone();
        let sql = format!(
            "ALTER SYSTEM SET primary_conninfo = '{}'",
            self.conninfo.replace('\'', "''")
        );
        // Off this test's runtime: a runtime of its own on a thread of its own.
        let restored = std::thread::spawn(move || {
            tokio::runtime::Runtime::new()
                .expect("a runtime")
                .block_on(async move {
                    let mut conn = AsyncPgConnection::establish(&url)
                        .await
                        .map_err(|e| e.to_string())?;
                    conn.batch_execute(&sql).await.map_err(|e| e.to_string())?;
                    conn.batch_execute("SELECT pg_reload_conf()")
                        .await
                        .map_err(|e| e.to_string())
                })
        })
        .join();
        assert!(
            matches!(restored, Ok(Ok(()))),
            "the standby's primary_conninfo could not be restored"
        );
    }
}

/// An app writing to the pair's primary and reading from its standby, which
/// may lag 1 s.
async fn client(pair: &PairLock, app: &TestApp) -> Client {
    let figment = Settings::figment()
        .merge(("database_url", pair.url(Server::Primary, APP, &app.db.name)))
        .merge((
            "read_database_url",
            pair.url(Server::Standby, READER, &app.db.name),
        ))
        .merge(("pool_size", 4))
        .merge(("pool_timeout_ms", 2_000))
        .merge(("maintainer_enabled", false))
        .merge(("read_your_writes_wait_ms", 0))
        .merge(("db_probe_ms", 100))
        .merge(("max_replication_lag_secs", 1));
    Client::tracked(orderdesk::build_rocket(figment).unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivated_admin_cannot_write_through_a_stalled_standby_which_shows_as_lagging() {
    let pair = replica_pair::take().await;
    let db = pair.database().await;
    let pools = Pools::new(
        &db.url,
        &db.url,
        PoolOptions {
            max_size: 2,
            wait_timeout: Duration::from_secs(10),
        },
    )
    .unwrap();
    let app = TestApp { pools, db };
    app.user("keeper", "admin").await;
    let boss = app.user("boss", "admin").await;
    let client = client(&pair, &app).await;
    assert_eq!(
        sign_in(&client, "boss", PASSWORD).await.status(),
        Status::SeeOther
    );
    let standby = pair.url(Server::Standby, "postgres", &app.db.name);
    let session_on_standby = format!("SELECT count(*) AS n FROM sessions WHERE user_id = {boss}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while count(&standby, &session_on_standby).await == 0 {
        assert!(
            Instant::now() < deadline,
            "the session never reached the standby"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let csrf = session_csrf(&client).await;

    let receiver = ReceiverStopped::new(&pair).await;
    deactivate_user(
        &mut *app.conn().await,
        DeactivateUser { user_id: boss },
        &ctx(),
    )
    .await
    .unwrap();
    let posted = post(
        &client,
        "/users",
        &[
            ("username", "mallory"),
            ("password", "a-long-enough-password"),
            ("role", "admin"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    let status = posted.status();

    // The standby still holds her session; the primary refused her anyway.
    assert_eq!(count(&standby, &session_on_standby).await, 1);
    assert_eq!(
        app.scalar("SELECT count(*) FROM staff_users WHERE username = 'mallory'")
            .await,
        0
    );
    assert_eq!(status, Status::Unauthorized, "her session has ended");

    // The standby has replayed all it received, yet it is behind the primary:
    // past the 1 s bound, /readyz says so and reads leave it.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let body = client
            .get("/readyz")
            .dispatch()
            .await
            .into_string()
            .await
            .unwrap_or_default();
        let ready: serde_json::Value = serde_json::from_str(&body).unwrap();
        if ready["standby"] == "lagging" {
            assert!(ready["replication_lag_bytes"].as_i64() > Some(0), "{ready}");
            break;
        }
        assert!(Instant::now() < deadline, "never reported lagging: {ready}");
        // Something for the primary to write that the standby cannot receive.
        app.exec("SELECT txid_current()").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop(receiver);
}
