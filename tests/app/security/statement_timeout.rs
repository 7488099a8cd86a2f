//! `write_statement_timeout_ms` is enforced, not only set: a command whose
//! statement runs past it is cancelled by PostgreSQL, the request answers
//! 503, and nothing of it is written.

use diesel_async::RunQueryDsl;
use rocket::figment::value::Value;
use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::log_capture::Sink;
use crate::support::pages_http::post;

#[tokio::test]
async fn a_statement_past_the_timeout_is_cancelled_with_503_and_writes_nothing() {
    let app = TestApp::spawn().await;
    // A tiny statement timeout, and a lock timeout far beyond it, so only
    // the statement timeout can end the wait below.
    let (client, _) = app
        .signed_in_with(
            "clerk",
            &[
                ("write_statement_timeout_ms", Value::from(300)),
                ("lock_timeout_ms", Value::from(5_000)),
            ],
        )
        .await;
    let before = app.snapshot().await;
    let events = app.scalar("SELECT count(*) FROM events").await;
    let logs = Sink::default();
    let _capture = logs.install(tracing::Level::INFO);

    // Another transaction holds `events` against writers: the command's
    // append waits on it, and keeps waiting past the statement timeout.
    let mut holder = app.conn().await;
    diesel::sql_query("BEGIN")
        .execute(&mut *holder)
        .await
        .unwrap();
    diesel::sql_query("LOCK TABLE events IN EXCLUSIVE MODE")
        .execute(&mut *holder)
        .await
        .unwrap();
    let response = post(
        &client,
        "/products",
        &[
            ("sku", "SLOW-1"),
            ("name", "Slow Tee"),
            ("description", ""),
            ("price", "9.99"),
            ("active", "true"),
        ],
    )
    .await;
    let status = response.status();
    let page = response.into_string().await.unwrap_or_default();
    diesel::sql_query("ROLLBACK")
        .execute(&mut *holder)
        .await
        .unwrap();
    drop(holder);

    assert_eq!(status, Status::ServiceUnavailable, "{page}");
    assert!(
        logs.text()
            .contains("canceling statement due to statement timeout"),
        "cancelled by the statement timeout, not the lock timeout: {}",
        logs.text()
    );
    assert_eq!(app.snapshot().await, before, "nothing was written");
    assert_eq!(app.scalar("SELECT count(*) FROM events").await, events);
    assert_eq!(
        app.scalar("SELECT count(*) FROM products WHERE sku = 'SLOW-1'")
            .await,
        0
    );
}
