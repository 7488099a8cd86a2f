//! A PostgreSQL restart under load (issue 13), on the replica tests' own
//! pair: while writers place orders and a reader lists them, the primary is
//! stopped and started. No request hangs, the only errors are 503s while it
//! is away, every acknowledged order is there with its line, nothing is
//! half-written, and the read models catch up afterwards.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rocket::http::Status;
use rocket::local::asynchronous::Client;

use crate::replica::reads::{BANNER, order_fields, shop, until};
use crate::support::http::{location, post, session_csrf};
use crate::support::replica_pair::{self, Server};

/// Every request answers within the pool timeout (2 s) plus the form's and
/// the page's own bounds; this long means "hung".
const HUNG: Duration = Duration::from_secs(20);

/// What one request of the load saw.
#[derive(Debug, Default)]
struct Tally {
    acked: Vec<i64>,
    statuses: BTreeMap<u16, usize>,
    hung: usize,
}

/// One client of the load until `stop`: worker 0 reads the orders list, the
/// others place one-line orders; each request bounded by [`HUNG`].
async fn run_worker(
    worker: usize,
    client: Arc<Client>,
    stop: Arc<AtomicBool>,
    csrf: String,
    customer: i64,
) -> Tally {
    let mut tally = Tally::default();
    let customer = customer.to_string();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let key = format!("key-load-{worker}-{n:06}");
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("action", "place"),
            ("idempotency_key", key.as_str()),
            ("customer_id", customer.as_str()),
            ("shipping.name", "Ada Tester"),
            ("shipping.line1", "1 High Street"),
            ("shipping.city", "Town"),
            ("shipping.country", "GB"),
            ("lines[0].sku", "BULK"),
            ("lines[0].quantity", "1"),
        ];
        let answer = if worker == 0 {
            tokio::time::timeout(HUNG, client.get("/orders").dispatch())
                .await
                .map(|r| (r.status().code, String::new()))
        } else {
            tokio::time::timeout(HUNG, post(&client, "/orders", &fields))
                .await
                .map(|r| (r.status().code, location(&r)))
        };
        let Ok((status, to)) = answer else {
            tally.hung += 1;
            continue;
        };
        *tally.statuses.entry(status).or_default() += 1;
        if status == 303 {
            let id = to
                .trim_start_matches("/orders/")
                .split('?')
                .next()
                .and_then(|s| s.parse().ok())
                .expect("the placed order's id");
            tally.acked.push(id);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tally
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_primary_restart_under_load_hangs_nothing_loses_no_acknowledged_order_and_heals() {
    let pair = replica_pair::take().await;
    let (app, client, customer) = shop(&pair).await;
    app.product("BULK", "1.00", 10_000).await;
    let csrf = session_csrf(&client).await;
    let client = Arc::new(client);
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for worker in 0..3 {
        let (client, stop, csrf) = (client.clone(), stop.clone(), csrf.clone());
        load.push(tokio::spawn(run_worker(
            worker, client, stop, csrf, customer,
        )));
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    pair.set(Server::Primary, false).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    pair.set(Server::Primary, true).await;
    until(&client, "/", |s, b| s == Status::Ok && !b.contains(BANNER)).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = Tally::default();
    for task in load {
        let t = task.await.unwrap();
        total.acked.extend(t.acked);
        total.hung += t.hung;
        for (s, n) in t.statuses {
            *total.statuses.entry(s).or_default() += n;
        }
    }
    // Once it is back, a command goes through at once.
    let after = post(
        &client,
        "/orders",
        &order_fields(&csrf, &customer.to_string(), "key-load-after"),
    )
    .await
    .status();
    // The server's own maintainer catches the read models up: the test only
    // watches (catching up itself would pass with a dead maintainer).
    let orders = app.scalar("SELECT count(*) FROM orders").await;
    let mut summaries = 0;
    for _ in 0..300 {
        summaries = app
            .scalar("SELECT count(*) FROM read.order_summaries")
            .await;
        if summaries == orders {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "replica: restart under load: {} orders acknowledged, statuses {:?}, {} hung",
        total.acked.len(),
        total.statuses,
        total.hung
    );

    assert_eq!(total.hung, 0, "{total:?}");
    assert!(
        total.statuses.keys().all(|s| [200, 303, 503].contains(s)),
        "only 503 while the primary was away, never a 500: {total:?}"
    );
    assert!(
        total.statuses.get(&503).copied().unwrap_or(0) > 0,
        "some requests met the outage: {total:?}"
    );
    assert!(total.acked.len() > 2, "{total:?}");
    assert_eq!(after, Status::SeeOther);
    let acked = total
        .acked
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) FROM orders WHERE id IN ({acked})"
        ))
        .await,
        i64::try_from(total.acked.len()).unwrap(),
        "every acknowledged order is there"
    );
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM orders o WHERE NOT EXISTS \
             (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)"
        )
        .await,
        0,
        "no order without its line"
    );
    assert_eq!(
        summaries, orders,
        "the server's maintainer caught the read models up"
    );
}
