//! A placement's statements stay prepared on its connection. Diesel prepares,
//! runs and closes a statement it deems unsafe to cache (a row with DEFAULT
//! in it, a batch insert, an UPDATE with an arithmetic filter) each time it
//! runs: placing ran at about half its speed with five such statements
//! (BENCHMARKS.md, runs V and V2). Counted on the wire: once a connection has
//! placed an order, the next placement sends no Parse message at all.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use diesel_async::{AsyncConnection, AsyncPgConnection};
use orderdesk::commands::place_order::place_order;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::helpers::{TestApp, ctx, order_input};

/// A proxy in front of PostgreSQL counting the client's Parse ('P') messages.
async fn parse_counter(upstream: String) -> (u16, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let parses = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&parses);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let server = TcpStream::connect(&upstream).await.unwrap();
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = server.into_split();
            let parses = Arc::clone(&counter);
            tokio::spawn(async move {
                // The frontend's stream: a startup message (length first),
                // then messages of a type byte and a length that counts itself.
                let mut pending: Vec<u8> = Vec::new();
                let mut started = false;
                let mut buf = vec![0_u8; 64 * 1024];
                while let Ok(n) = client_read.read(&mut buf).await {
                    if n == 0 || server_write.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                    pending.extend_from_slice(&buf[..n]);
                    loop {
                        let head = usize::from(started);
                        let Some(len) = pending.get(head..head + 4) else {
                            break;
                        };
                        let len = u32::from_be_bytes(len.try_into().unwrap()) as usize;
                        if pending.len() < head + len {
                            break;
                        }
                        if started && pending[0] == b'P' {
                            parses.fetch_add(1, Ordering::SeqCst);
                        }
                        pending.drain(..head + len);
                        started = true;
                    }
                }
            });
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
            });
        }
    });
    (port, parses)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_placement_on_a_connection_prepares_no_statement() {
    let app = TestApp::spawn().await;
    let ada = app.customer("ada@example.com").await;
    app.product("TEE", "10.00", 100).await;
    app.product("MUG", "7.50", 100).await;
    let at = app.db.url.find('@').unwrap() + 1;
    let slash = at + app.db.url[at..].find('/').unwrap();
    let (port, parses) = parse_counter(app.db.url[at..slash].to_owned()).await;
    let url = format!(
        "{}127.0.0.1:{port}{}",
        &app.db.url[..at],
        &app.db.url[slash..]
    );
    let mut conn = AsyncPgConnection::establish(&url).await.unwrap();

    let lines = [("TEE", 1), ("MUG", 2)];
    place_order(&mut conn, order_input(ada, &lines), &ctx())
        .await
        .unwrap();
    let first = parses.swap(0, Ordering::SeqCst);
    assert!(first > 0, "the first placement prepares its statements");
    place_order(&mut conn, order_input(ada, &lines), &ctx())
        .await
        .unwrap();
    assert_eq!(
        parses.load(Ordering::SeqCst),
        0,
        "the second placement of the same shape re-prepared statements (the first prepared {first})"
    );
}
