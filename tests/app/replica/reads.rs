//! Reads on a hot standby (issue 13), against a real primary + standby pair
//! of the tests' own (`support/replica_pair.rs`): pages are read from the standby,
//! the user's own order shows after the bounded wait, staff keep reading
//! with a banner while the primary is stopped (commands answer 503 with what
//! was typed, write nothing, and work again when it is back, no restart), and
//! reads fall back to the primary while the standby is stopped or lags beyond
//! the bound (1 s here; replay paused with `pg_wal_replay_pause()`).

use std::time::Duration;

use orderdesk::config::Settings;
use orderdesk::db::Pools;
use orderdesk::db::pools::PoolOptions;
use orderdesk::db::roles::{APP, READER};
use rocket::http::{Header, Status};
use rocket::local::asynchronous::Client;

use crate::support::helpers::TestApp;
use crate::support::html::row_with;
use crate::support::http::{PASSWORD, location, post, session_csrf, sign_in};
use crate::support::log_capture::Sink;
use crate::support::replica_pair::{self, PairLock, Server};

pub const BANNER: &str = "Changes are paused: the main database cannot be reached";
const METRICS_TOKEN: &str = "replica-test-token";

/// This test's database on the pair, a shop in it, and a signed-in clerk of
/// an app that writes to the primary and reads from the standby.
pub async fn shop(pair: &PairLock) -> (TestApp, Client, i64) {
    shop_with_lag_bound(pair, 30).await
}

/// [`shop`], the standby allowed `max_lag_secs` of lag.
async fn shop_with_lag_bound(pair: &PairLock, max_lag_secs: u64) -> (TestApp, Client, i64) {
    let db = pair.database().await;
    let pools = Pools::new(
        &db.url,
        &db.url,
        PoolOptions {
            max_size: 4,
            wait_timeout: Duration::from_secs(10),
        },
    )
    .unwrap();
    let app = TestApp { pools, db };
    let customer = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 5).await;
    app.product("MUG", "7.50", 2).await;
    app.refresh().await;
    app.user("clerk", "clerk").await;
    let figment = Settings::figment()
        .merge(("database_url", pair.url(Server::Primary, APP, &app.db.name)))
        .merge((
            "read_database_url",
            pair.url(Server::Standby, READER, &app.db.name),
        ))
        .merge(("pool_size", 4))
        .merge(("pool_timeout_ms", 2_000))
        .merge(("maintainer_enabled", true))
        .merge(("read_your_writes_wait_ms", 5_000))
        .merge(("db_probe_ms", 100))
        .merge(("max_replication_lag_secs", max_lag_secs))
        .merge(("metrics_token", METRICS_TOKEN));
    let client = Client::tracked(orderdesk::build_rocket(figment).unwrap())
        .await
        .unwrap();
    let signed_in = sign_in(&client, "clerk", PASSWORD).await.status();
    assert_eq!(signed_in, Status::SeeOther);
    (app, client, customer)
}

pub fn order_fields<'a>(csrf: &'a str, customer: &'a str, key: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("action", "place"),
        ("idempotency_key", key),
        ("customer_id", customer),
        ("shipping.name", "Ada Tester"),
        ("shipping.line1", "7 Standby Lane"),
        ("shipping.city", "Failover Town"),
        ("shipping.country", "GB"),
        ("lines[0].sku", "TEE"),
        ("lines[0].quantity", "2"),
        ("lines[1].sku", "MUG"),
        ("lines[1].quantity", "1"),
    ]
}

async fn get(client: &Client, uri: &str) -> (Status, String) {
    let r = client.get(uri.to_owned()).dispatch().await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

/// GETs `uri` until `done` holds for the answer (the server notices a
/// stopped or started database within its probe interval); panics after a
/// generous bound.
pub async fn until(client: &Client, uri: &str, done: impl Fn(Status, &str) -> bool) -> String {
    for _ in 0..300 {
        let (status, body) = get(client, uri).await;
        if done(status, &body) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{uri} never reached the expected state")
}

/// A figure from the statistics of this test's database on `server`
/// (`track_functions = all` on the pair), e.g. calls of a function.
async fn stat(pair: &PairLock, server: Server, db: &str, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel_async::{AsyncConnection, RunQueryDsl};
    let mut conn = diesel_async::AsyncPgConnection::establish(&pair.url(server, "postgres", db))
        .await
        .unwrap();
    diesel::sql_query(format!("SELECT coalesce(({sql}), 0)::bigint AS n"))
        .get_result::<N>(&mut conn)
        .await
        .unwrap()
        .n
}

/// Calls of `read.<function>` in this test's database on `server`.
async fn calls(pair: &PairLock, server: Server, db: &str, function: &str) -> i64 {
    stat(
        pair,
        server,
        db,
        &format!(
            "SELECT sum(calls) FROM pg_stat_user_functions \
             WHERE schemaname = 'read' AND funcname = '{function}'"
        ),
    )
    .await
}

/// Connections of `role` to this test's database on `server`.
async fn connections(pair: &PairLock, server: Server, role: &str, db: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel_async::{AsyncConnection, RunQueryDsl};
    let mut conn = diesel_async::AsyncPgConnection::establish(&pair.admin_url(server))
        .await
        .unwrap();
    diesel::sql_query(format!(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE usename = '{role}' AND datname = '{db}'"
    ))
    .get_result::<N>(&mut conn)
    .await
    .unwrap()
    .n
}

async fn metrics(client: &Client) -> String {
    client
        .get("/metrics")
        .header(Header::new(
            "Authorization",
            format!("Bearer {METRICS_TOKEN}"),
        ))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_read_from_the_standby_and_show_the_users_order_after_the_wait() {
    let pair = replica_pair::take().await;
    let (app, client, customer) = shop(&pair).await;
    // The sign-in's session on the standby before the first page, so every
    // lookup below is found where the reads go (a page a moment after
    // sign-in asks the primary instead: the test after this one).
    pair.caught_up().await;
    let csrf = session_csrf(&client).await;

    let customer = customer.to_string();
    let placed = post(
        &client,
        "/orders",
        &order_fields(&csrf, &customer, "key-replica-0001"),
    )
    .await;
    let placed_status = placed.status();
    let to = location(&placed);
    drop(placed);
    let (status, page) = get(&client, &to).await;
    let (_, ready) = get(&client, "/readyz").await;
    let exposition = metrics(&client).await;

    let id = app.scalar("SELECT max(id) FROM orders").await;
    assert_eq!(placed_status, Status::SeeOther);
    assert_eq!(status, Status::Ok);
    assert!(page.contains(&format!("Order #{id} placed")), "{page}");
    let total = row_with(&page, ">Grand total</th>");
    assert_eq!(
        total.as_ref().and_then(|t| t.last()).map(String::as_str),
        Some("$27.50"),
        "{page}"
    );
    assert!(!page.contains("Processing"), "{page}");
    assert!(ready.contains(r#""reads_from":"standby""#), "{ready}");
    assert!(ready.contains(r#""standby":"ok""#), "{ready}");
    let name = &app.db.name;
    let readers_on_standby = connections(&pair, Server::Standby, READER, name).await;
    // Sessions report their statistics when they end: shut the server down
    // (its probe holds a reader on the primary until then).
    drop(client.terminate().await);
    for _ in 0..100 {
        if connections(&pair, Server::Standby, READER, name).await
            + connections(&pair, Server::Primary, READER, name).await
            + connections(&pair, Server::Primary, APP, name).await
            == 0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(readers_on_standby > 0);
    assert!(calls(&pair, Server::Standby, name, "has_caught_up").await > 0);
    assert_eq!(
        calls(&pair, Server::Primary, name, "has_caught_up").await,
        0,
        "the page waited for the order on the standby, not on the primary"
    );
    // One session statement per page that carries the cookie (GET /, the
    // order's page), on the standby; the POST's session is looked up on the
    // primary, from the tables (a write is authorised where it is made, not
    // by a standby that may lag), never through read.session_lookup; no
    // "last seen" write within the minute.
    let on_standby = calls(&pair, Server::Standby, name, "session_lookup").await;
    let on_primary = calls(&pair, Server::Primary, name, "session_lookup").await;
    let touches = stat(
        &pair,
        Server::Primary,
        name,
        "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'sessions'",
    )
    .await;
    eprintln!(
        "replica: session statements: {on_standby} on the standby, {on_primary} on the primary, {touches} touches"
    );
    assert_eq!(on_standby, 2);
    assert_eq!(on_primary, 0);
    assert_eq!(touches, 0);
    assert!(
        exposition.contains("orderdesk_replication_lag_bytes"),
        "{exposition}"
    );
    eprintln!(
        "replica: lag seen {}",
        exposition
            .lines()
            .filter(|l| l.starts_with("orderdesk_replication_lag"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_the_standby_has_not_replayed_yet_is_found_on_the_primary() {
    use diesel_async::{AsyncConnection, SimpleAsyncConnection};
    let pair = replica_pair::take().await;
    let (app, client, _) = shop(&pair).await;
    let mut standby = diesel_async::AsyncPgConnection::establish(&pair.admin_url(Server::Standby))
        .await
        .unwrap();
    standby
        .batch_execute("SELECT pg_wal_replay_pause()")
        .await
        .unwrap();
    // A second sign-in while nothing is replayed (within the 30 s lag bound,
    // so reads still go to the standby, which lacks this session).
    let signed_in = sign_in(&client, "clerk", PASSWORD).await.status();
    let (status, page) = get(&client, "/").await;
    standby
        .batch_execute("SELECT pg_wal_replay_resume()")
        .await
        .unwrap();
    let name = &app.db.name;
    drop(client.terminate().await);
    // The fallback reads are the reader's, on the primary; its statistics
    // arrive when its sessions end.
    for _ in 0..100 {
        if connections(&pair, Server::Primary, READER, name).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    assert_eq!(signed_in, Status::SeeOther);
    assert_eq!(status, Status::Ok, "{page}");
    assert!(page.contains("Sign out"), "{page}");
    assert!(calls(&pair, Server::Primary, name, "session_lookup").await >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_primary_stopped_staff_read_on_and_commands_wait_for_its_return() {
    let pair = replica_pair::take().await;
    let (app, client, customer) = shop(&pair).await;
    let csrf = session_csrf(&client).await;
    let before = app.snapshot().await;
    let customer = customer.to_string();
    let fields = order_fields(&csrf, &customer, "key-replica-0002");
    let started = std::time::Instant::now();

    pair.set(Server::Primary, false).await;
    let home = until(&client, "/", |s, b| s == Status::Ok && b.contains(BANNER)).await;
    let (entry_status, entry) = get(&client, "/orders/new").await;
    let refused = post(&client, "/orders", &fields).await;
    let refused_status = refused.status();
    let refused_page = refused.into_string().await.unwrap_or_default();
    let (list_status, list) = get(&client, "/orders").await;
    pair.set(Server::Primary, true).await;
    let written_meanwhile = app.snapshot().await;
    until(&client, "/", |s, b| s == Status::Ok && !b.contains(BANNER)).await;
    let placed = post(&client, "/orders", &fields).await;
    eprintln!(
        "replica: primary down and back, with the retried order, in {:?}",
        started.elapsed()
    );

    // A figure only the read models hold, read from the standby while the
    // primary is away: the MUG's line in the dashboard's low-stock table
    // (2 available, threshold 10).
    let mug = row_with(&home, ">MUG</a>");
    assert_eq!(
        mug.as_ref().map(|cells| &cells[1..]),
        Some(&["2".to_owned(), "10".to_owned()][..]),
        "{home}"
    );
    assert!(!home.contains("Processing"), "{home}");
    assert_eq!(entry_status, Status::Ok);
    assert!(
        entry.contains(BANNER) && entry.contains(r#"<fieldset class="paused" disabled>"#),
        "forms are disabled, not hidden: {entry}"
    );
    assert_eq!(refused_status, Status::ServiceUnavailable);
    assert!(
        refused_page.contains("Changes are paused")
            && refused_page.contains("nothing was saved")
            && refused_page.contains("<dt>shipping.line1</dt><dd>7 Standby Lane")
            && refused_page.contains("<dt>idempotency_key</dt><dd>key-replica-0002</dd>")
            && refused_page.contains("<dt>lines[1].sku</dt><dd>MUG</dd>")
            && refused_page.contains(r#"name="lines[1].sku" value="MUG""#),
        "the 503 page keeps what was typed: {refused_page}"
    );
    assert_eq!(list_status, Status::Ok);
    assert!(list.contains(BANNER), "{list}");
    assert_eq!(written_meanwhile, before, "nothing was written");
    assert_eq!(placed.status(), Status::SeeOther);
    assert!(location(&placed).starts_with("/orders/"));
    assert_eq!(app.scalar("SELECT count(*) FROM orders").await, 1);
    assert_eq!(app.scalar("SELECT count(*) FROM order_lines").await, 2);
}

// One thread, so the server's tasks log into this test's sink.
#[tokio::test]
async fn with_the_standby_stopped_reads_fall_back_to_the_primary() {
    let pair = replica_pair::take().await;
    let logs = Sink::default();
    let _capture = logs.install(tracing::Level::INFO);
    let (app, client, _) = shop(&pair).await;

    pair.set(Server::Standby, false).await;
    let (status, page) = get(&client, "/orders").await;
    let (_, ready) = get(&client, "/readyz").await;
    let exposition = metrics(&client).await;
    pair.set(Server::Standby, true).await;

    assert_eq!(status, Status::Ok, "{page}");
    assert!(!page.contains(BANNER), "{page}");
    assert!(ready.contains(r#""standby":"unavailable""#), "{ready}");
    assert!(
        exposition
            .lines()
            .any(|l| l.starts_with("orderdesk_read_fallbacks_total{reason=\"standby_down\"}")),
        "{exposition}"
    );
    assert!(
        logs.text()
            .contains("the standby cannot be reached: reads fall back to the primary"),
        "{}",
        logs.text()
    );
    assert!(connections(&pair, Server::Primary, READER, &app.db.name).await > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_lagging_beyond_the_bound_hands_reads_to_the_primary_until_it_catches_up() {
    use diesel_async::{AsyncConnection, SimpleAsyncConnection};
    let pair = replica_pair::take().await;
    let (app, client, customer) = shop_with_lag_bound(&pair, 1).await;
    let csrf = session_csrf(&client).await;
    let mut standby = diesel_async::AsyncPgConnection::establish(&pair.admin_url(Server::Standby))
        .await
        .unwrap();

    // WAL keeps arriving (the maintainer's poll commits), none is replayed.
    standby
        .batch_execute("SELECT pg_wal_replay_pause()")
        .await
        .unwrap();
    let customer = customer.to_string();
    let placed = post(
        &client,
        "/orders",
        &order_fields(&csrf, &customer, "key-replica-0004"),
    )
    .await;
    let to = location(&placed);
    drop(placed);
    let ready = until(&client, "/readyz", |_, b| {
        b.contains(r#""standby":"lagging""#) && b.contains(r#""reads_from":"primary""#)
    })
    .await;
    let (status, page) = get(&client, &to).await;
    let exposition = metrics(&client).await;
    standby
        .batch_execute("SELECT pg_wal_replay_resume()")
        .await
        .unwrap();
    let back = until(&client, "/readyz", |_, b| {
        b.contains(r#""standby":"ok""#) && b.contains(r#""reads_from":"standby""#)
    })
    .await;

    let id = app.scalar("SELECT max(id) FROM orders").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains(&format!("Order #{id} placed")), "{page}");
    // Read from the primary: the order's own figures, not a "Processing…"
    // page (which carries the order's number from the URL too).
    let total = row_with(&page, ">Grand total</th>");
    assert_eq!(
        total.as_ref().and_then(|t| t.last()).map(String::as_str),
        Some("$27.50"),
        "{page}"
    );
    assert!(!page.contains("Processing"), "{page}");
    assert!(
        exposition
            .lines()
            .any(|l| l.starts_with("orderdesk_read_fallbacks_total{reason=\"lagging\"}")),
        "{exposition}"
    );
    assert!(back.contains(r#""read_database":"ok""#), "{back}");
    eprintln!(
        "replica: lagging standby: {}",
        ready
            .split(',')
            .filter(|f| f.contains("replication_lag"))
            .collect::<Vec<_>>()
            .join(",")
    );
}
