//! The HTTP skeleton: liveness and readiness, error pages, 503 rather than a
//! hang when the database is away, recovery after connections die.

use diesel_async::RunQueryDsl;
use orderdesk::config::Settings;
use orderdesk::db::Pools;
use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;

async fn client(database_url: &str, pool_size: usize) -> Client {
    let figment = Settings::figment()
        .merge(("database_url", database_url))
        .merge(("read_database_url", database_url))
        .merge(("pool_size", pool_size))
        .merge(("pool_timeout_ms", 300))
        .merge(("maintainer_enabled", false));
    Client::tracked(orderdesk::build_rocket(figment).unwrap())
        .await
        .unwrap()
}

async fn get(client: &Client, uri: &'static str) -> (Status, String) {
    let r = client.get(uri).dispatch().await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

#[tokio::test]
async fn readyz_is_ready_once_migrated_since_the_migration_builds_every_read_model() {
    let app = TestApp::spawn().await;
    let client = client(&app.db.url, 4).await;

    let (status, ready) = get(&client, "/readyz").await;

    assert_eq!(status, Status::Ok, "{ready}");
    assert!(ready.contains(r#""status":"ready""#), "{ready}");
    assert!(ready.contains(r#""migrations":"ok""#), "{ready}");
    assert!(
        ready.contains(r#""read_models_never_refreshed":[]"#),
        "{ready}"
    );
}

#[tokio::test]
async fn an_unreachable_database_is_not_ready_but_the_process_stays_alive() {
    let client = client("postgres://postgres@127.0.0.1:1/nowhere", 2).await;

    let (health, _) = get(&client, "/healthz").await;
    let (ready, body) = get(&client, "/readyz").await;

    assert_eq!(health, Status::Ok);
    assert_eq!(ready, Status::ServiceUnavailable);
    assert_eq!(
        checks(&body),
        ["unavailable", "unavailable", "unavailable", "unknown"],
        "status, write database, read database, migrations: {body}"
    );
}

/// `/readyz`'s overall status and its named checks: the write database,
/// the read database and the migrations.
fn checks(body: &str) -> [String; 4] {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    ["status", "write_database", "read_database", "migrations"]
        .map(|k| v[k].as_str().unwrap_or("(missing)").to_owned())
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_instead_of_hanging() {
    let app = TestApp::spawn().await;
    app.refresh().await;
    let client = client(&app.db.url, 1).await;
    let pools = client.rocket().state::<Pools>().unwrap();
    let held = pools.write.get().await.unwrap();

    let (busy, body) = get(&client, "/readyz").await;
    drop(held);
    let (free, _) = get(&client, "/readyz").await;

    assert_eq!(busy, Status::ServiceUnavailable, "{body}");
    assert_eq!(
        checks(&body),
        ["unavailable", "unavailable", "ok", "unknown"],
        "only the write database's pool is exhausted: {body}"
    );
    assert_eq!(free, Status::Ok);
}

#[tokio::test]
async fn the_pools_recover_by_themselves_when_their_connections_are_killed() {
    let app = TestApp::spawn().await;
    app.refresh().await;
    let client = client(&app.db.url, 2).await;
    assert_eq!(get(&client, "/readyz").await.0, Status::Ok);

    // What a database restart does to pooled connections.
    let killed = format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}' AND pid <> pg_backend_pid()",
        app.db.name
    );
    diesel::sql_query(killed)
        .execute(&mut *app.conn().await)
        .await
        .unwrap();

    assert_eq!(get(&client, "/readyz").await.0, Status::Ok);
}

#[tokio::test]
async fn unknown_pages_get_the_404_page_in_the_layout() {
    let app = TestApp::spawn().await;
    let client = client(&app.db.url, 2).await;

    let (status, body) = get(&client, "/no/such/page").await;

    assert_eq!(status, Status::NotFound);
    assert!(
        body.contains("404 · Not Found") && body.contains("/static/app."),
        "{body}"
    );
}

#[tokio::test]
async fn static_files_are_linked_by_content_hash_and_cached_for_a_year() {
    let app = TestApp::spawn().await;
    let client = client(&app.db.url, 2).await;
    let (_, page) = get(&client, "/login").await;
    let start = page.find("/static/app.").expect("the stylesheet's link");
    let href = &page[start..start + page[start..].find('"').unwrap()];
    let css =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/app.css")).unwrap();
    let hash = &orderdesk::security::sha256_hex(&css)[..12];
    assert_eq!(href, format!("/static/app.{hash}.css"));

    let res = client.get(href.to_owned()).dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(
        res.headers().get_one("Cache-Control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(res.into_string().await.unwrap(), css);

    let res = client.get("/static/app.css").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.headers().get_one("Cache-Control"), Some("no-cache"));

    for gone in [
        "/static/app.000000000000.css",
        "/static/../Cargo.toml",
        "/static/nope.js",
    ] {
        assert_eq!(
            client.get(gone).dispatch().await.status(),
            Status::NotFound,
            "{gone}"
        );
    }
}
