//! `orderdesk-bench`: the measurements `script/bench` cannot make from the
//! outside. An example, so the product binary is untouched:
//! `cargo build --release --example orderdesk-bench`.
//!
//! - `reads`: read models vs the same answers computed live from the write tables
//! - `prepare`: stock for the load; prints the SKUs and the customer id range
//! - `place`: orders/s through `commands::place_order` at N concurrent clients
//! - `staleness`: a steady order rate; how long until each order is in the views
//! - `floor`: a trivial Rocket route, the framework's ceiling on this machine

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::too_many_lines
)]

mod live;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use clap::{Parser, Subcommand};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use orderdesk::commands::place_order::{LineForm, OrderForm, PlaceOrder, place_order};
use orderdesk::commands::receive_stock::{ReceiptForm, ReceiveStock, receive_stock};
use orderdesk::commands::{CommandContext, CommandError};
use orderdesk::db::pools::READ_SESSION_SETUP;
use orderdesk::domain::Actor;
use orderdesk::queries::{dashboard, freshness, orders};
use tokio::sync::Mutex;

#[derive(Parser)]
#[command(name = "orderdesk-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read models vs live SQL: median/p99 per query set, ratio, same answers.
    Reads {
        #[arg(long, env = "DATABASE_URL")]
        url: String,
        /// Label of the data set in the output (e.g. 100k).
        #[arg(long)]
        label: String,
        /// Time budget per read-model query set.
        #[arg(long, default_value_t = 3.0)]
        read_secs: f64,
        /// Time budget per live-SQL query set.
        #[arg(long, default_value_t = 20.0)]
        live_secs: f64,
    },
    /// Receive stock for the `products` active products with most stock; print
    /// `SKUS=a,b,…` and `CUSTOMERS=max_id` for the shell.
    Prepare {
        #[arg(long, env = "DATABASE_URL")]
        url: String,
        #[arg(long, default_value_t = 200)]
        products: i64,
        #[arg(long, default_value_t = 10_000)]
        units: i64,
    },
    /// Orders placed per second through `commands::place_order`.
    Place {
        #[arg(long, env = "DATABASE_URL")]
        url: String,
        #[arg(long)]
        clients: usize,
        #[arg(long)]
        secs: f64,
        #[arg(long, value_delimiter = ',')]
        skus: Vec<String>,
        #[arg(long)]
        customers: i64,
    },
    /// Orders at a steady rate; seconds from commit to appearing in each view.
    Staleness {
        #[arg(long, env = "DATABASE_URL")]
        url: String,
        #[arg(long, default_value_t = 50)]
        rate: u64,
        #[arg(long, default_value_t = 120.0)]
        secs: f64,
        #[arg(long, value_delimiter = ',')]
        skus: Vec<String>,
        #[arg(long)]
        customers: i64,
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "order_summaries,daily_sales"
        )]
        views: Vec<String>,
    },
    /// A trivial Rocket route: no database, no template.
    Floor {
        #[arg(long, default_value_t = 8099)]
        port: u16,
    },
}

#[rocket::main]
async fn main() -> Result<(), String> {
    match Cli::parse().command {
        Command::Reads {
            url,
            label,
            read_secs,
            live_secs,
        } => reads(&url, &label, read_secs, live_secs).await,
        Command::Prepare {
            url,
            products,
            units,
        } => prepare(&url, products, units).await,
        Command::Place {
            url,
            clients,
            secs,
            skus,
            customers,
        } => place(&url, clients, secs, Arc::new(skus), customers).await,
        Command::Staleness {
            url,
            rate,
            secs,
            skus,
            customers,
            views,
        } => staleness(&url, rate, secs, &skus, customers, &views).await,
        Command::Floor { port } => floor(port).await,
    }
}

async fn connect(url: &str) -> Result<AsyncPgConnection, String> {
    AsyncPgConnection::establish(url)
        .await
        .map_err(|e| format!("cannot connect to {url}: {e}"))
}

/// Milliseconds at the given quantile (nearest rank) of sorted samples.
fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

/// Runs `f` repeatedly (2 warm-ups, then at least 5 runs, until `budget`
/// seconds have passed or 2000 runs); returns the sorted durations.
async fn repeat<F, Fut>(budget: f64, mut f: F) -> Result<Vec<Duration>, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    for _ in 0..2 {
        f().await?;
    }
    let started = Instant::now();
    let mut samples = Vec::new();
    while samples.len() < 5 || (started.elapsed().as_secs_f64() < budget && samples.len() < 2000) {
        let t = Instant::now();
        f().await?;
        samples.push(t.elapsed());
    }
    samples.sort();
    Ok(samples)
}

fn check(ok: &mut bool, what: &str, same: bool, detail: impl FnOnce() -> String) {
    if same {
        println!("CHECK {what}: same");
    } else {
        *ok = false;
        println!("CHECK {what}: DIFFERENT\n{}", detail());
    }
}

async fn reads(url: &str, label: &str, read_secs: f64, live_secs: f64) -> Result<(), String> {
    let mut read = connect(url).await?;
    read.batch_execute(READ_SESSION_SETUP)
        .await
        .map_err(|e| e.to_string())?;
    let read = Arc::new(Mutex::new(read));
    let live = Arc::new(Mutex::new(connect(url).await?));
    let today = Utc::now().date_naive();

    // Same answers?
    let d = dashboard::load(&mut *read.lock().await, today)
        .await
        .map_err(|e| e.to_string())?;
    let l = live::dashboard(&mut *live.lock().await, today)
        .await
        .map_err(|e| e.to_string())?;
    let mut ok = true;
    let kpis = |k: &dashboard::Kpi| (k.orders, k.revenue_cents);
    let lk = |k: &live::Kpi| (k.orders, k.revenue_cents);
    check(
        &mut ok,
        "KPIs today/7d/30d",
        [kpis(&d.today), kpis(&d.last_7_days), kpis(&d.last_30_days)]
            == [lk(&l.today), lk(&l.last_7_days), lk(&l.last_30_days)],
        || {
            format!(
                "{:?} vs {:?}",
                (d.today, d.last_30_days),
                (l.today, l.last_30_days)
            )
        },
    );
    let read_status: BTreeMap<&str, i64> = d
        .status_counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| (s.as_str(), *n))
        .collect();
    let live_status: BTreeMap<&str, i64> = l
        .status_counts
        .iter()
        .map(|s| (s.status.as_str(), s.orders))
        .collect();
    check(&mut ok, "status counts", read_status == live_status, || {
        format!("{read_status:?} vs {live_status:?}")
    });
    let read_days: Vec<_> = d
        .daily
        .iter()
        .filter(|r| r.orders + r.cancellations > 0)
        .map(|r| (r.day, r.orders, r.revenue_cents, r.units, r.cancellations))
        .collect();
    let live_days: Vec<_> = l
        .daily
        .iter()
        .map(|r| (r.day, r.orders, r.revenue_cents, r.units, r.cancellations))
        .collect();
    check(&mut ok, "30 days of sales", read_days == live_days, || {
        format!("{read_days:?}\nvs\n{live_days:?}")
    });
    let read_top: Vec<_> = d
        .top_products
        .iter()
        .map(|t| (t.product_id, t.sku.clone(), t.units, t.revenue_cents))
        .collect();
    let live_top: Vec<_> = l
        .top_products
        .iter()
        .map(|t| (t.product_id, t.sku.clone(), t.units, t.revenue_cents))
        .collect();
    check(&mut ok, "top 10 products", read_top == live_top, || {
        format!("{read_top:?}\nvs\n{live_top:?}")
    });
    let read_low: Vec<_> = d
        .low_stock
        .iter()
        .map(|r| (r.product_id, r.available, r.low_stock_threshold))
        .collect();
    let live_low: Vec<_> = l
        .low_stock
        .iter()
        .map(|r| (r.product_id, r.available, r.low_stock_threshold))
        .collect();
    check(
        &mut ok,
        "low stock (top 10 and count)",
        read_low == live_low && d.low_stock_count == l.low_stock_count,
        || {
            format!(
                "{read_low:?} {} vs {live_low:?} {}",
                d.low_stock_count, l.low_stock_count
            )
        },
    );
    let row = |r: &orders::OrderRow| {
        (
            r.id,
            r.customer_name.clone(),
            r.status.clone(),
            r.item_count,
            r.total_cents,
            r.placed_at,
        )
    };
    let lrow = |r: &live::Order| {
        (
            r.id,
            r.customer_name.clone(),
            r.status.clone(),
            r.item_count,
            r.total_cents,
            r.placed_at,
        )
    };
    let read_recent: Vec<_> = d.recent_orders.iter().map(row).collect();
    let live_recent: Vec<_> = l.recent_orders.iter().map(lrow).collect();
    check(
        &mut ok,
        "10 recent orders",
        read_recent == live_recent,
        || format!("{read_recent:?}\nvs\n{live_recent:?}"),
    );
    let filter = orders::OrderFilter {
        page_size: 50,
        ..orders::OrderFilter::default()
    };
    let page = orders::list(&mut *read.lock().await, &filter)
        .await
        .map_err(|e| e.to_string())?;
    let live_page = live::orders(&mut *live.lock().await, 50)
        .await
        .map_err(|e| e.to_string())?;
    let read_rows: Vec<_> = page.rows.iter().map(row).collect();
    let live_rows: Vec<_> = live_page.iter().map(lrow).collect();
    check(
        &mut ok,
        "orders page (50 rows)",
        read_rows == live_rows && read_rows.len() == 50,
        || format!("{} rows vs {} rows", read_rows.len(), live_rows.len()),
    );

    // Timings.
    let dash_read = repeat(read_secs, || {
        let read = Arc::clone(&read);
        async move {
            dashboard::load(&mut *read.lock().await, today)
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        }
    })
    .await?;
    let dash_live = repeat(live_secs, || {
        let live = Arc::clone(&live);
        async move {
            live::dashboard(&mut *live.lock().await, today)
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        }
    })
    .await?;
    let list_read = repeat(read_secs, || {
        let read = Arc::clone(&read);
        let filter = filter.clone();
        async move {
            orders::list(&mut *read.lock().await, &filter)
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        }
    })
    .await?;
    let list_live = repeat(live_secs, || {
        let live = Arc::clone(&live);
        async move {
            live::orders(&mut *live.lock().await, 50)
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        }
    })
    .await?;
    println!(
        "| data | query set | read models: median / p99 (n) | live SQL: median / p99 (n) | median ratio | same answer |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (name, r, l) in [
        ("dashboard data", &dash_read, &dash_live),
        ("orders page 1 (50 rows)", &list_read, &list_live),
    ] {
        let (rm, lm) = (quantile_ms(r, 0.5), quantile_ms(l, 0.5));
        println!(
            "| {label} | {name} | {rm:.2} / {:.2} ms ({}) | {lm:.1} / {:.1} ms ({}) | {:.0}× | {} |",
            quantile_ms(r, 0.99),
            r.len(),
            quantile_ms(l, 0.99),
            l.len(),
            lm / rm,
            if ok { "yes" } else { "NO" },
        );
    }
    if ok {
        Ok(())
    } else {
        Err("read models and live SQL disagree".into())
    }
}

#[derive(QueryableByName)]
struct StockRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    sku: String,
}

#[derive(QueryableByName)]
struct MaxId {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn bench_ctx() -> CommandContext {
    CommandContext::new(Actor::system("bench"))
}

async fn prepare(url: &str, products: i64, units: i64) -> Result<(), String> {
    let mut conn = connect(url).await?;
    let rows: Vec<StockRow> = diesel::sql_query(
        "SELECT p.id, p.sku FROM products p JOIN inventory i ON i.product_id = p.id
         WHERE p.active ORDER BY i.on_hand - i.reserved DESC, p.id LIMIT $1",
    )
    .bind::<BigInt, _>(products)
    .load(&mut conn)
    .await
    .map_err(|e| e.to_string())?;
    for r in &rows {
        let mut left = units;
        while left > 0 {
            let q = left.min(10_000);
            left -= q;
            let input = ReceiveStock::parse(
                r.id,
                &ReceiptForm {
                    quantity: q.to_string(),
                    note: "bench".into(),
                },
            )
            .map_err(|e| format!("{e:?}"))?;
            receive_stock(&mut conn, input, &bench_ctx())
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    let customers: MaxId = diesel::sql_query("SELECT max(id) AS n FROM customers")
        .get_result(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    let skus: Vec<&str> = rows.iter().map(|r| r.sku.as_str()).collect();
    println!("SKUS={}", skus.join(","));
    println!("CUSTOMERS={}", customers.n);
    Ok(())
}

/// The `n`-th order of client `client`: a customer and a SKU spread over the
/// ranges, one unit, a key no other run uses.
fn order_form(run: &str, client: usize, n: u64, skus: &[String], customers: i64) -> OrderForm {
    let mix = (n.wrapping_mul(2_654_435_761) ^ (client as u64).wrapping_mul(40_503)) as usize;
    OrderForm {
        customer_id: (1 + (mix % customers.max(1) as usize) as u64).to_string(),
        shipping_address: "1 Bench Street\nTestville".into(),
        idempotency_key: format!("{run}-{client}-{n}"),
        lines: vec![LineForm {
            sku: skus[mix % skus.len()].clone(),
            quantity: "1".into(),
        }],
    }
}

async fn place(
    url: &str,
    clients: usize,
    secs: f64,
    skus: Arc<Vec<String>>,
    customers: i64,
) -> Result<(), String> {
    let run = format!("bd{}", Utc::now().timestamp_micros());
    let placed = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let mut conns = Vec::new();
    for _ in 0..clients {
        conns.push(connect(url).await?);
    }
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for (client, mut conn) in conns.into_iter().enumerate() {
        let (skus, run) = (Arc::clone(&skus), run.clone());
        let (placed, failed) = (Arc::clone(&placed), Arc::clone(&failed));
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let form = order_form(&run, client, n, &skus, customers);
                let t = Instant::now();
                let result = match PlaceOrder::try_from(&form) {
                    Ok(input) => place_order(&mut conn, input, &bench_ctx()).await,
                    Err(e) => Err(CommandError::Invalid(e)),
                };
                match result {
                    Ok(_) => {
                        placed.fetch_add(1, Ordering::Relaxed);
                        lat.push(t.elapsed());
                    }
                    Err(e) => {
                        if failed.fetch_add(1, Ordering::Relaxed) < 3 {
                            eprintln!("place failed: {e}");
                        }
                    }
                }
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.map_err(|e| e.to_string())?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    lat.sort();
    let n = AtomicU64::load(&placed, Ordering::Relaxed);
    println!(
        "PLACE clients={clients} orders={n} failed={} secs={elapsed:.1} orders_per_s={:.1} p50_ms={:.2} p99_ms={:.2}",
        AtomicU64::load(&failed, Ordering::Relaxed),
        n as f64 / elapsed,
        quantile_ms(&lat, 0.5),
        quantile_ms(&lat, 0.99),
    );
    Ok(())
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    flag: bool,
}

async fn staleness(
    url: &str,
    rate: u64,
    secs: f64,
    skus: &[String],
    customers: i64,
    views: &[String],
) -> Result<(), String> {
    let run = format!("bs{}", Utc::now().timestamp_micros());
    // (event id, commit time) of every placed order, in commit order.
    let acks: Arc<std::sync::Mutex<Vec<(i64, Instant)>>> = Arc::default();
    let mut writer = connect(url).await?;
    let sender = {
        let acks = Arc::clone(&acks);
        let skus = skus.to_vec();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
            let deadline = Instant::now() + Duration::from_secs_f64(secs);
            let mut failed = 0u64;
            let mut n = 0u64;
            while Instant::now() < deadline {
                tick.tick().await;
                n += 1;
                let form = order_form(&run, 0, n, &skus, customers);
                let Ok(input) = PlaceOrder::try_from(&form) else {
                    failed += 1;
                    continue;
                };
                match place_order(&mut writer, input, &bench_ctx()).await {
                    Ok(ack) => acks
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push((ack.event_id, Instant::now())),
                    Err(e) => {
                        failed += 1;
                        eprintln!("place failed: {e}");
                    }
                }
            }
            failed
        })
    };
    let mut poller = connect(url).await?;
    let mut next = vec![0usize; views.len()];
    let mut lags: Vec<Vec<Duration>> = vec![Vec::new(); views.len()];
    let mut give_up: Option<Instant> = None;
    loop {
        let sending = !sender.is_finished();
        let snapshot: Vec<(i64, Instant)> = acks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        for (v, view) in views.iter().enumerate() {
            while let Some(&(event_id, committed)) = snapshot.get(next[v]) {
                let f: Flag = diesel::sql_query("SELECT read.has_caught_up($1, $2) AS flag")
                    .bind::<Text, _>(view)
                    .bind::<BigInt, _>(event_id)
                    .get_result(&mut poller)
                    .await
                    .map_err(|e| e.to_string())?;
                if !f.flag {
                    break;
                }
                lags[v].push(committed.elapsed());
                next[v] += 1;
            }
        }
        let done = next.iter().all(|&i| i >= snapshot.len());
        if !sending {
            if done {
                break;
            }
            let limit = *give_up.get_or_insert_with(|| Instant::now() + Duration::from_secs(120));
            if Instant::now() > limit {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let failed = sender.await.map_err(|e| e.to_string())?;
    let total = acks
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .len();
    println!("STALENESS rate={rate}/s secs={secs} placed={total} failed={failed}");
    for (v, view) in views.iter().enumerate() {
        let l = &mut lags[v];
        l.sort();
        println!(
            "LAG view={view} n={} not_caught_up={} p50_s={:.2} p99_s={:.2} max_s={:.2}",
            l.len(),
            total - l.len(),
            quantile_ms(l, 0.5) / 1000.0,
            quantile_ms(l, 0.99) / 1000.0,
            l.last().map_or(f64::NAN, Duration::as_secs_f64),
        );
    }
    let mut conn = connect(url).await?;
    for view in views {
        let s = freshness::status(&mut conn, view)
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "REFRESH view={view} last_duration_ms={:?} rows={:?}",
            s.last_duration_ms, s.last_rows
        );
    }
    Ok(())
}

#[rocket::get("/")]
fn hello() -> &'static str {
    "Hello, world!"
}

async fn floor(port: u16) -> Result<(), String> {
    let config = rocket::Config {
        port,
        address: std::net::Ipv4Addr::LOCALHOST.into(),
        log_level: rocket::config::LogLevel::Off,
        ..rocket::Config::release_default()
    };
    rocket::custom(config)
        .mount("/", rocket::routes![hello])
        .launch()
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}
