//! Round trips to the database per page, counted on the wire: the app's pools
//! connect through a TCP proxy that counts each time the app starts talking
//! after the database has answered (pipelined statements sent together are
//! one round trip, as on a real network).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rocket::figment::value::Value;
use rocket::http::{Header, Status};
use rocket::local::asynchronous::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::helpers::TestApp;

/// Connections per pool of the app under test (support/http.rs).
const POOL_SIZE: usize = 4;

/// A proxy in front of PostgreSQL counting round trips over all its connections.
struct CountingProxy {
    port: u16,
    trips: Arc<AtomicU64>,
}

impl CountingProxy {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let trips = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&trips);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                tokio::spawn(pump(client, server, Arc::clone(&counter)));
            }
        });
        Self { port, trips }
    }

    fn take(&self) -> u64 {
        self.trips.swap(0, Ordering::SeqCst)
    }
}

/// Forwards both ways; a client write that follows a server write (or opens
/// the connection) starts a round trip.
async fn pump(client: TcpStream, server: TcpStream, trips: Arc<AtomicU64>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let answered = Arc::new(AtomicBool::new(true));
    let answered_up = Arc::clone(&answered);
    let up = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match client_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if answered_up.swap(false, Ordering::SeqCst) {
                trips.fetch_add(1, Ordering::SeqCst);
            }
            if server_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = server_write.shutdown().await;
    };
    let down = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match server_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            answered.store(true, Ordering::SeqCst);
            if client_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = client_write.shutdown().await;
    };
    tokio::join!(up, down);
}

/// `url` split around its `host:port`.
fn split(url: &str) -> (&str, &str, &str) {
    let at = url.find('@').expect("a user in the URL") + 1;
    let path = at + url[at..].find('/').expect("a database in the URL");
    (&url[..at], &url[at..path], &url[path..])
}

/// `url` with its host and port replaced by the proxy's.
fn through(url: &str, port: u16) -> String {
    let (user, _, database) = split(url);
    format!("{user}127.0.0.1:{port}{database}")
}

/// Round trips of one GET, after warming GETs of the same page: every pooled
/// connection is open and has the page's statements prepared, as on a
/// running server.
async fn trips_of(client: &Client, proxy: &CountingProxy, uri: &str) -> u64 {
    for _ in 0..=POOL_SIZE {
        let status = client.get(uri).dispatch().await.status();
        assert_eq!(status, Status::Ok, "{uri}");
    }
    proxy.take();
    let res = client.get(uri.to_owned()).dispatch().await;
    assert_eq!(res.status(), Status::Ok, "{uri}");
    proxy.take()
}

/// The dashboard is one round trip: its statement pipelined with the session
/// look-up. Every list page is the session look-up and one more (the list's
/// statements pipelined); detail pages at most two more.
///
/// One thread: the pipelined statements are queued before the connection's
/// task writes any of them, so they leave in one write. On a multi-threaded
/// runtime the second may leave microseconds after the first, still without
/// waiting for its answer, but this proxy cannot tell that from a round trip.
#[tokio::test(flavor = "current_thread")]
async fn the_dashboard_reads_in_one_round_trip_and_each_list_in_one_plus_the_session() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    let tee = app.product("TEE", "10.00", 50).await;
    let order = app.place(ada, &[("TEE", 2)]).await.unwrap().id;
    app.refresh().await;
    let proxy = CountingProxy::start(split(&app.db.url).1.to_owned()).await;
    let as_role = |role| {
        through(
            &orderdesk::db::roles::url_as(&app.db.url, role).unwrap(),
            proxy.port,
        )
    };
    let (client, _) = app
        .signed_in_with(
            "clerk",
            &[
                (
                    "database_url",
                    Value::from(as_role(orderdesk::db::roles::APP)),
                ),
                (
                    "read_database_url",
                    Value::from(as_role(orderdesk::db::roles::READER)),
                ),
                // The database probe's own queries (once a second) are not a page's.
                ("db_probe_ms", Value::from(3_600_000_u64)),
            ],
        )
        .await;

    let mut counted = Vec::new();
    for (uri, most) in [
        ("/".to_owned(), 1),
        ("/orders".to_owned(), 2),
        ("/products".to_owned(), 2),
        ("/customers".to_owned(), 2),
        // A next page: the keyset condition must not cost a round trip.
        // 2100-01-01, in microseconds: every order is before it.
        (format!("/orders?after=p4102444800000000_{order}"), 2),
        ("/products?after=A".to_owned(), 2),
        (format!("/customers?after_name=A&after_id={ada}"), 2),
        (format!("/orders/{order}"), 3),
        (format!("/products/{tee}"), 3),
        (format!("/customers/{ada}"), 3),
    ] {
        // The once-a-minute "last seen" touch is not what is measured here.
        app.exec("UPDATE sessions SET last_seen_at = now()").await;
        let n = trips_of(&client, &proxy, &uri).await;
        counted.push((uri, n, most));
    }
    // The figures, for BENCHMARKS.md: `cargo test round_trips -- --nocapture`.
    for (uri, n, _) in &counted {
        println!("round trips {uri}: {n}");
    }
    for (uri, n, most) in &counted {
        assert!(
            n <= most,
            "{uri}: {n} round trips, at most {most} expected: {counted:?}"
        );
    }

    // A revalidation costs the same single round trip and sends no page.
    let first = client.get("/").dispatch().await;
    let etag = first.headers().get_one("ETag").expect("an ETag").to_owned();
    proxy.take();
    let again = client
        .get("/")
        .header(Header::new("If-None-Match", etag))
        .dispatch()
        .await;
    assert_eq!(again.status(), Status::NotModified);
    assert_eq!(proxy.take(), 1);
}
