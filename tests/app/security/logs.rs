//! Logs and probes: text a visitor types cannot forge a log line, and
//! `/readyz` names failed checks without explaining them to the public.

use orderdesk::config::Settings;
use rocket::figment::value::Value;
use rocket::http::Status;

use crate::support::helpers::TestApp;
use crate::support::http::sign_in;
use crate::support::log_capture::Sink;

#[tokio::test]
async fn a_username_with_a_newline_stays_on_its_own_log_line() {
    let app = TestApp::spawn().await;
    let sink = Sink::default();
    let _guard = sink.install(tracing::Level::INFO);
    let client = app.client().await;

    sign_in(
        &client,
        "mallory\n2026-11-25T00:00:00Z  INFO login attempt username=admin outcome=succeeded",
        "wrong-password-guess",
    )
    .await;

    let logs = sink.text();
    let attempts: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("login attempt"))
        .collect();
    assert_eq!(attempts.len(), 1, "{logs}");
    assert!(
        attempts[0].contains(
            r#"username="mallory\n2026-11-25t00:00:00z  info login attempt username=admin outcome=succeeded""#
        ),
        "{logs}"
    );
    assert!(
        !logs.lines().any(|l| l.starts_with("2026-11-25t00")),
        "{logs}"
    );
}

#[tokio::test]
async fn readyz_names_the_failed_check_and_only_the_log_says_why() {
    let app = TestApp::spawn().await;
    app.refresh().await;
    let missing = orderdesk::db::admin::with_database(&app.db.url, "orderdesk_no_such_db").unwrap();
    let client = app
        .client_from(
            Settings::figment(),
            &[
                ("read_database_url", Value::from(missing)),
                ("read_fallback", Value::from(false)),
            ],
        )
        .await;
    let sink = Sink::default();
    let _guard = sink.install(tracing::Level::INFO);

    let response = client.get("/readyz").dispatch().await;

    assert_eq!(response.status(), Status::ServiceUnavailable);
    let body: serde_json::Value =
        serde_json::from_str(&response.into_string().await.unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "status": "unavailable",
            "write_database": "ok",
            "read_database": "unavailable",
            "standby": "unavailable",
            "reads_from": "none",
            "replication_lag_bytes": 0,
            "replication_lag_seconds": 0.0,
            "migrations": "ok",
            "read_models_never_refreshed": [],
        })
    );
    let logs = sink.text();
    assert!(
        logs.lines().any(|l| l.contains("not ready")
            && l.contains("check=\"read_database\"")
            && l.contains("orderdesk_no_such_db")),
        "{logs}"
    );
}
