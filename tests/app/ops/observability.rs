//! `/metrics` behind its token, counters that move, and the request id that
//! travels from the request to the response header and the events it caused.

use orderdesk::commands::{CommandContext, register_customer};
use orderdesk::config::Settings;
use orderdesk::domain::Actor;
use orderdesk::observability;
use orderdesk::web::{RequestId, WriteConn};
use rocket::http::{Header, Status};
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;

const TOKEN: &str = "s3cret-token";

async fn client(app: &TestApp, token: Option<&str>) -> Client {
    // As in production: the server's roles, never the superuser.
    let as_role = |role| orderdesk::db::roles::url_as(&app.db.url, role).unwrap();
    let mut figment = Settings::figment()
        .merge(("database_url", as_role(orderdesk::db::roles::APP)))
        .merge(("read_database_url", as_role(orderdesk::db::roles::READER)));
    if let Some(token) = token {
        figment = figment.merge(("metrics_token", token));
    }
    let rocket = orderdesk::build_rocket(figment)
        .unwrap()
        .mount("/test", rocket::routes![register]);
    Client::tracked(rocket).await.unwrap()
}

/// A handler as the web layer will write them: the request id goes into the
/// command's context, and the command runs instrumented.
#[rocket::post("/customers/<email>")]
async fn register(email: &str, id: RequestId, mut conn: WriteConn) -> String {
    let input = crate::support::inputs::customer(email, "Ada", "");
    let ctx = CommandContext {
        actor: Actor::system("test"),
        request_id: Some(id.0),
        issuer: orderdesk::domain::Issuer::default(),
    };
    let ack = observability::instrument_command(
        "register_customer",
        register_customer::register_customer(&mut conn.0, input, &ctx),
    )
    .await;
    ack.map_or_else(|e| e.to_string(), |a| a.id.to_string())
}

async fn scrape(client: &Client) -> String {
    let response = client
        .get("/metrics")
        .header(Header::new("Authorization", format!("Bearer {TOKEN}")))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    response.into_string().await.unwrap()
}

/// The value of the sample whose line starts with `prefix`, 0 when absent.
fn sample(exposition: &str, prefix: &str) -> f64 {
    exposition
        .lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .map_or(0.0, |v| v.parse().unwrap())
}

#[tokio::test]
async fn metrics_are_404_without_a_configured_token_and_refused_without_the_right_one() {
    let app = TestApp::spawn().await;
    let open = client(&app, None).await;
    let guarded = client(&app, Some(TOKEN)).await;

    let disabled = open.get("/metrics").dispatch().await.status();
    let missing = guarded.get("/metrics").dispatch().await;
    let wrong = guarded
        .get("/metrics")
        .header(Header::new("Authorization", "Bearer nope"))
        .dispatch()
        .await
        .status();

    assert_eq!(disabled, Status::NotFound);
    assert_eq!(missing.status(), Status::Unauthorized);
    assert!(missing.headers().get_one("WWW-Authenticate").is_some());
    assert_eq!(wrong, Status::Forbidden);
}

#[tokio::test]
async fn the_exposition_parses_and_counters_move_with_requests_and_commands() {
    let app = TestApp::spawn().await;
    let client = client(&app, Some(TOKEN)).await;
    let health = r#"orderdesk_http_requests_total{method="GET",route="/healthz",status="200"}"#;
    let command = r#"orderdesk_commands_total{command="register_customer",outcome="ok"}"#;
    let failed = r#"orderdesk_command_failures_total{command="register_customer",kind="invalid"}"#;
    let before = scrape(&client).await;

    client.get("/healthz").dispatch().await;
    client
        .post("/test/customers/grace@example.com")
        .dispatch()
        .await;
    client
        .post("/test/customers/grace@example.com")
        .dispatch()
        .await; // duplicate
    let after = scrape(&client).await;

    for line in after
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (series, value) = line.rsplit_once(' ').unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
        let name = series.split('{').next().unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        assert!(!series.contains('{') || series.ends_with('}'), "{line}");
    }
    assert!(sample(&after, health) >= sample(&before, health) + 1.0);
    assert!(sample(&after, command) >= sample(&before, command) + 1.0);
    assert!(sample(&after, failed) >= sample(&before, failed) + 1.0);
    assert!(after.contains(r#"orderdesk_pool_size{pool="write"}"#));
    assert!(after.contains("orderdesk_http_request_duration_seconds_bucket{"));
    assert!(
        after.contains(r#"orderdesk_command_duration_seconds_bucket{command="register_customer""#)
    );
}

#[tokio::test]
async fn refresh_metrics_can_be_reported_by_the_read_side() {
    let app = TestApp::spawn().await;
    let client = client(&app, Some(TOKEN)).await;

    observability::record_refresh("test_view", std::time::Duration::from_millis(30), 42, true);
    observability::set_pending("test_view", 3);
    let exposition = scrape(&client).await;

    assert!(
        (sample(&exposition, r#"orderdesk_refresh_rows{view="test_view"}"#) - 42.0).abs() < 1e-9
    );
    let pending = sample(
        &exposition,
        r#"orderdesk_refresh_pending_events{view="test_view"}"#,
    );
    assert!((pending - 3.0).abs() < 1e-9, "{pending}");
    assert!(
        sample(
            &exposition,
            r#"orderdesk_refresh_total{view="test_view",outcome="ok"}"#
        ) >= 1.0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn maintainer_batches_and_each_models_snapshot_age_and_pending_are_exposed() {
    let app = TestApp::spawn().await;
    let client = client(&app, Some(TOKEN)).await;
    let before = scrape(&client).await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10", 5).await;
    app.place(ada, &[("TEE", 1)]).await.unwrap();

    let pending = scrape(&client).await;
    app.catch_up().await;
    let after = scrape(&client).await;

    let orders = "orderdesk_maintainer_orders_total";
    let rows = r#"orderdesk_maintainer_rows_changed_total{model="order_summaries"}"#;
    assert!(
        sample(&after, orders) >= sample(&before, orders) + 1.0,
        "{after}"
    );
    assert!(sample(&after, rows) >= 1.0, "{after}");
    let pending_summaries = r#"orderdesk_refresh_pending_events{view="order_summaries"}"#;
    assert!(
        (sample(&pending, pending_summaries) - 1.0).abs() < 1e-9,
        "{pending}"
    );
    assert!(sample(&after, pending_summaries).abs() < 1e-9, "{after}");
    let age = sample(
        &after,
        r#"orderdesk_read_model_snapshot_age_seconds{view="daily_sales"}"#,
    );
    assert!((0.0..60.0).contains(&age), "{age}");
}

#[tokio::test]
async fn a_sane_request_id_is_echoed_and_recorded_on_the_events_it_caused() {
    let app = TestApp::spawn().await;
    let client = client(&app, None).await;

    let response = client
        .post("/test/customers/ada@example.com")
        .header(Header::new("X-Request-Id", "req-abc_123"))
        .dispatch()
        .await;

    assert_eq!(
        response.headers().get_one("X-Request-Id"),
        Some("req-abc_123")
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM events WHERE request_id = 'req-abc_123'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_missing_or_insane_request_id_is_replaced_by_a_generated_one() {
    let app = TestApp::spawn().await;
    let client = client(&app, None).await;

    let plain = client.get("/healthz").dispatch().await;
    let insane = client
        .get("/healthz")
        .header(Header::new("X-Request-Id", "x".repeat(65)))
        .dispatch()
        .await;
    let missing = client.get("/no/such/page").dispatch().await;

    for response in [plain, insane, missing] {
        let id = response
            .headers()
            .get_one("X-Request-Id")
            .unwrap()
            .to_owned();
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    }
}
