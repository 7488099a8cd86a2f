//! While the primary is away, a post's session is looked up where the reads
//! go (the standby), and only to render the "changes are paused" page. If
//! the primary comes back between that look-up and the command's connection,
//! the command must still not run on the standby's word (review of issue 22):
//! a standby that lags would otherwise authorise a session the primary has
//! already ended, the finding the primary look-up was made for.

use std::sync::Arc;
use std::time::Duration;

use diesel_async::SimpleAsyncConnection;
use orderdesk::db::Pools;
use orderdesk::db::health::{DbHealth, probe};
use rocket::http::{ContentType, Status};

use crate::support::helpers::TestApp;
use crate::support::http::{form, session_csrf};

/// Waits until some statement of this test's database waits for a lock.
async fn until_one_waits_for_a_lock(app: &TestApp) {
    let waiting = "SELECT count(*) FROM pg_stat_activity \
                   WHERE datname = current_database() AND wait_event_type = 'Lock'";
    for _ in 0..2_000 {
        if app.scalar(waiting).await > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the session look-up never waited");
}

#[tokio::test]
async fn a_session_the_standby_vouched_for_runs_no_command_when_the_primary_returns() {
    let app = TestApp::spawn().await;
    // The background probe stays out of the way: the test says when the
    // primary is away and when it is back.
    let (admin, _) = app
        .signed_in_with("admin", &[("db_probe_ms", 3_600_000)])
        .await;
    let csrf = session_csrf(&admin).await;
    let rocket = admin.rocket();
    let health = rocket.state::<Arc<DbHealth>>().expect("health is managed");
    let pools = rocket.state::<Pools>().expect("pools are managed");
    let accounts = "SELECT count(*) FROM staff_users";
    let before = app.scalar(accounts).await;

    // The session look-up is held up (as by a slow standby) while the
    // primary is away, and the primary is back before it answers.
    let mut locker = app.conn().await;
    locker
        .batch_execute("BEGIN; LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    health.primary_unreachable("test: primary away");
    let create = admin
        .post("/users")
        .header(ContentType::Form)
        .body(form(&[
            ("username", "smuggled"),
            ("password", "a-long-enough-passphrase"),
            ("role", "admin"),
            ("csrf_token", &csrf),
        ]))
        .dispatch();
    let primary_returns = async {
        until_one_waits_for_a_lock(&app).await;
        probe(pools, health).await;
        assert!(!health.primary_down(), "the primary answers again");
        locker.batch_execute("ROLLBACK").await.unwrap();
    };

    let (answer, ()) = tokio::join!(create, primary_returns);

    let status = answer.status();
    let page = answer.into_string().await.unwrap_or_default();
    assert_eq!(status, Status::ServiceUnavailable, "{page}");
    assert!(page.contains("Changes are paused"), "{page}");
    assert_eq!(app.scalar(accounts).await, before, "no account was created");
}
