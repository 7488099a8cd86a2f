//! A clerk's command under a flood of bad sign-ins (issue 22): `flood`
//! concurrent `POST /login` with random usernames, each from its own loopback
//! address (127.0.0.0/8, so a per-address limit cannot pass it trivially),
//! while one clerk keeps sending a command (e.g. a stock receipt) on a
//! kept-alive connection, as a browser does. Prints one
//! line: `SIGNINS` with the flood's answers by status and the clerk's
//! latencies during the flood and, before it, alone.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

/// What the clerk sends, and as whom.
pub struct Clerk {
    pub cookie: String,
    pub path: String,
    pub body: String,
}

/// One HTTP/1.1 request on a fresh connection from `from`; its status code
/// (0 when the connection failed) and body.
async fn request(port: u16, from: Ipv4Addr, head: &str, body: &str) -> (u16, String) {
    let Ok(socket) = TcpSocket::new_v4() else {
        return (0, String::new());
    };
    if socket.bind(SocketAddr::new(IpAddr::V4(from), 0)).is_err() {
        return (0, String::new());
    }
    let to = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
    let Ok(mut stream) = socket.connect(to).await else {
        return (0, String::new());
    };
    let message = format!(
        "{head}Host: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    if stream.write_all(message.as_bytes()).await.is_err() {
        return (0, String::new());
    }
    let mut answer = Vec::new();
    if stream.read_to_end(&mut answer).await.is_err() {
        return (0, String::new());
    }
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

/// The `n`th flooding address: 127.0.0.2 onwards, every one different.
fn address(n: u32) -> Ipv4Addr {
    let [_, a, b, c] = (n + 2).to_be_bytes();
    Ipv4Addr::new(127, a, b, c)
}

/// The sign-in form's cookie and token, from `GET /login`.
async fn login_token(port: u16) -> Result<(String, String), String> {
    let (status, page) = request(port, Ipv4Addr::LOCALHOST, "GET /login HTTP/1.1\r\n", "").await;
    if status != 200 {
        return Err(format!("GET /login answered {status}"));
    }
    let cookie = page
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or(l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .ok_or("no sign-in cookie")?
        .to_owned();
    let marker = r#"name="csrf_token" value=""#;
    let start = page.find(marker).ok_or("no sign-in token")? + marker.len();
    let token = page[start..]
        .split('"')
        .next()
        .ok_or("no sign-in token")?
        .to_owned();
    Ok((cookie, token))
}

/// Reads one HTTP/1.1 response (headers, then `Content-Length` bytes) from a
/// kept-alive connection; its status code.
async fn response(stream: &mut tokio::net::TcpStream) -> Option<u16> {
    let mut buf = Vec::new();
    let mut byte = [0_u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).await.ok()?;
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0_u8; length];
    stream.read_exact(&mut body).await.ok()?;
    head.split(' ').nth(1)?.parse().ok()
}

/// The clerk's command one after another on one kept-alive connection, as a
/// browser sends it, until `until` says stop; each one's latency and whether
/// it was a 303 (done). A broken connection is replaced (and that request
/// counts as not done).
async fn clerk_runs(
    port: u16,
    clerk: &Clerk,
    until: impl Fn(usize) -> bool,
) -> Vec<(Duration, bool)> {
    let message = format!(
        "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{}",
        clerk.path,
        clerk.cookie,
        clerk.body.len(),
        clerk.body
    );
    let to = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
    let mut stream = None;
    let mut out = Vec::new();
    while !until(out.len()) {
        let started = Instant::now();
        if stream.is_none() {
            stream = tokio::net::TcpStream::connect(to).await.ok();
        }
        let status = match stream.as_mut() {
            Some(s) => match s.write_all(message.as_bytes()).await {
                Ok(()) => response(s).await,
                Err(_) => None,
            },
            None => None,
        };
        if status.is_none() {
            stream = None;
        }
        out.push((started.elapsed(), status == Some(303)));
    }
    out
}

fn summary(runs: &[(Duration, bool)]) -> (usize, usize, f64, f64) {
    let mut times: Vec<Duration> = runs.iter().map(|(t, _)| *t).collect();
    times.sort();
    let ok = runs.iter().filter(|(_, done)| *done).count();
    (
        runs.len(),
        ok,
        crate::quantile_ms(&times, 0.5),
        crate::quantile_ms(&times, 0.99),
    )
}

/// Runs the measure and prints its `SIGNINS` line.
pub async fn signins(port: u16, flood: u32, clerk: Clerk) -> Result<(), String> {
    let (cookie, token) = login_token(port).await?;
    // Warmed up first: connections in the pools, statements prepared.
    clerk_runs(port, &clerk, |n| n >= 20).await;
    let alone = clerk_runs(port, &clerk, |n| n >= 200).await;

    let head = format!(
        "POST /login HTTP/1.1\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    );
    let started = Instant::now();
    let attempts: Vec<_> = (0..flood)
        .map(|n| {
            let head = head.clone();
            let body = format!("username=nobody{n}&password=a+guess&csrf_token={token}&next=%2F");
            tokio::spawn(async move { request(port, address(n), &head, &body).await.0 })
        })
        .collect();
    let watching = tokio::spawn(async move {
        let mut statuses = Vec::new();
        for attempt in attempts {
            statuses.push(attempt.await.unwrap_or(0));
        }
        statuses
    });
    let during = clerk_runs(port, &clerk, |n| n >= 1 && watching.is_finished()).await;
    let statuses = watching.await.map_err(|e| e.to_string())?;
    let flood_secs = started.elapsed().as_secs_f64();

    let count = |s: u16| statuses.iter().filter(|x| **x == s).count();
    let (n, ok, p50, p99) = summary(&during);
    let (_, alone_ok, alone_p50, alone_p99) = summary(&alone);
    println!(
        "SIGNINS flood={flood} flood_secs={flood_secs:.1} unauthorized={} throttled={} shed={} \
         other={} clerk_n={n} clerk_ok={ok} clerk_p50_ms={p50:.1} clerk_p99_ms={p99:.1} \
         alone_ok={alone_ok} alone_p50_ms={alone_p50:.1} alone_p99_ms={alone_p99:.1}",
        count(401),
        count(429),
        count(503),
        statuses.len() - count(401) - count(429) - count(503),
    );
    Ok(())
}
