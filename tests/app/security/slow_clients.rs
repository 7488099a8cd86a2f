//! Slow clients over real TCP: a form body trickling in holds no database
//! connection, and is refused with 408 once `form_read_timeout_secs` passes;
//! a CSV upload arriving slower than `import_min_bytes_per_sec` is cut off (408).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::e2e_support::Server;
use crate::support::helpers::TestApp;

/// Sends a request's headers announcing a 20 000-byte form and its first
/// 611 bytes (past Rocket's 512-byte peek, so routing and guards run).
async fn slow_sign_in(port: u16) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = "POST /login HTTP/1.1\r\nHost: x\r\n\
                Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 20000\r\n\r\n";
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(format!("username=x&{}", "a".repeat(600)).as_bytes())
        .await
        .unwrap();
    s
}

/// The status line of the answer on `s` (bounded wait; the server must answer).
async fn status_line(s: &mut TcpStream) -> String {
    let mut buf = vec![0; 64];
    let n = tokio::time::timeout(Duration::from_secs(60), s.read(&mut buf))
        .await
        .expect("an answer in time")
        .unwrap();
    String::from_utf8_lossy(&buf[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn trickling_sign_in_bodies_hold_no_connection_and_end_with_408() {
    let app = TestApp::spawn().await;
    app.refresh().await;
    let server = Server::start_with(
        &app,
        serde_json::json!({ "pool_size": 2, "form_read_timeout_secs": 3 }),
    )
    .await;
    let port: u16 = server.base.rsplit(':').next().unwrap().parse().unwrap();
    let mut slow = Vec::new();
    for _ in 0..6 {
        slow.push(slow_sign_in(port).await);
    }
    // Let the slow requests reach their handlers' guards.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut probe = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    probe
        .write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let ready = status_line(&mut probe).await;
    let mut refused = Vec::new();
    for s in &mut slow {
        refused.push(status_line(s).await);
    }
    server.stop().await;

    assert_eq!(ready, "HTTP/1.1 200 OK");
    assert_eq!(refused, vec!["HTTP/1.1 408 Request Timeout"; 6]);
    assert_eq!(app.scalar("SELECT count(*) FROM login_attempts").await, 0);
}

/// An admin's CSV upload over real TCP whose body trickles in: the token,
/// the file's first row, then a few bytes at a time, slower than
/// `import_min_bytes_per_sec` but never pausing as long as the grace period.
#[tokio::test]
async fn an_upload_slower_than_the_minimum_transfer_rate_is_cut_off_with_408_and_nothing_staged() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("admin").await;
    let token = crate::support::http::session_csrf(&admin).await;
    let session = admin
        .cookies()
        .get("orderdesk_session")
        .unwrap()
        .value()
        .to_owned();
    let server = Server::start_with(
        &app,
        serde_json::json!({ "form_read_timeout_secs": 1, "import_min_bytes_per_sec": 4096 }),
    )
    .await;
    let port: u16 = server.base.rsplit(':').next().unwrap().parse().unwrap();
    let boundary = "----slow-upload";
    let start = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.csv\"\r\n\
         Content-Type: text/csv\r\n\r\nemail,name\r\n"
    );
    let head = format!(
        "POST /imports/customers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Cookie: orderdesk_session={session}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 1000000\r\n\r\n"
    );
    let s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let (mut from_server, mut to_server) = s.into_split();
    to_server.write_all(head.as_bytes()).await.unwrap();
    to_server.write_all(start.as_bytes()).await.unwrap();
    // About 400 bytes a second, a row every tenth of a second, until cut off.
    let trickle = tokio::spawn(async move {
        for n in 0..600 {
            let row = format!("slow{n:04}@example.com,Slow Customer\r\n");
            if to_server.write_all(row.as_bytes()).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let mut answer = Vec::new();
    tokio::time::timeout(
        Duration::from_secs(60),
        from_server.read_to_end(&mut answer),
    )
    .await
    .expect("an answer in time")
    .unwrap();
    trickle.abort();
    server.stop().await;

    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 408 Request Timeout"),
        "{answer}"
    );
    assert!(answer.contains("too slow"), "{answer}");
    assert_eq!(app.scalar("SELECT count(*) FROM import_jobs").await, 0);
}
