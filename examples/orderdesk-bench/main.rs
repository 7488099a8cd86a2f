//! `orderdesk-bench`: the measurements `script/bench` cannot make from the
//! outside. An example, so the product binary is untouched:
//! `cargo build --release --example orderdesk-bench`.
//!
//! - `reads`: read models vs the same answers computed live from the write tables
//! - `prepare`: stock for the load; prints the SKUs and the customer id range
//!   (`--tax-rate-ppm`: the products get that rate too)
//! - `place`: orders/s through `commands::place_order` at N concurrent clients
//!   (`--priced`: with discounts and a taxed shipping charge)
//! - `staleness`: a steady order rate; how long until each order is in each live
//!   read model, and what the maintainer spent on it (batches, CPU)
//!   (`--payments`: a payment recorded for each order too, measured alike;
//!   `--edit-rate`: edits of the bench's orders beside it, measured alike)
//! - `edit`: edits/s through `commands::edit_order` at N concurrent clients,
//!   of one-line orders the bench placed (`edit-orders` lists them for
//!   `script/bench.d/edit_order.lua`)
//! - `floor`: a trivial Rocket route, the framework's ceiling on this machine

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::too_many_lines
)]

mod edits;
mod live;
mod money;
mod signins;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use clap::{Parser, Subcommand};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use orderdesk::commands::place_order::place_order;
use orderdesk::commands::receive_stock::receive_stock;
use orderdesk::commands::{CommandContext, CommandError};
use orderdesk::db::pools::READ_SESSION_SETUP;
use orderdesk::domain::Actor;
use orderdesk::queries::{dashboard, orders};
use orderdesk::web::forms::{AddressForm, CommandForm, LineForm, OrderForm, ReceiptForm};
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
        /// Skip this many of the products with most stock (a second set).
        #[arg(long, default_value_t = 0)]
        offset: i64,
        /// Only products priced at least this (a priced order's discounts fit).
        #[arg(long, default_value_t = 0)]
        min_price_cents: i64,
        /// Give the products an active rate of this many ppm (created as
        /// "Standard N%" if the shop has none); print `TAX_RATE=id`.
        #[arg(long)]
        tax_rate_ppm: Option<u32>,
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
        /// Each order with 10 % off its line, 2.00 off the order and 4.99
        /// shipping taxed at the rate of the first SKU's product.
        #[arg(long)]
        priced: bool,
    },
    /// Orders at a steady rate; seconds from commit to appearing in each view.
    Staleness {
        #[arg(long, env = "DATABASE_URL")]
        url: String,
        #[arg(long, default_value_t = 50)]
        rate: u64,
        #[arg(long, default_value_t = 120.0)]
        secs: f64,
        /// Connections placing orders, each at rate / writers
        /// (default: one per 25 orders/s, at most 32).
        #[arg(long)]
        writers: Option<usize>,
        #[arg(long, value_delimiter = ',')]
        skus: Vec<String>,
        #[arg(long)]
        customers: i64,
        /// Live read models to watch (default: all six).
        #[arg(long, value_delimiter = ',', default_value = LIVE_MODELS)]
        views: Vec<String>,
        /// The server's process id, to report its CPU over the run.
        #[arg(long)]
        server_pid: Option<i32>,
        /// Priced orders, as `place --priced`.
        #[arg(long)]
        priced: bool,
        /// Record a payment for each placed order (all or half of its total),
        /// right after it on the same connection; its staleness is measured
        /// too (`LAG view=<model>:payments`).
        #[arg(long)]
        payments: bool,
        /// Edits per second beside the orders (`edit`'s edits of the orders
        /// whose key is LIKE `--edit-key-like`); their staleness is measured
        /// too (`LAG view=<model>:edits`).
        #[arg(long, default_value_t = 0)]
        edit_rate: u64,
        #[arg(long, default_value = "bd%")]
        edit_key_like: String,
    },
    /// Edits per second through `commands::edit_order`: one-line orders the
    /// bench placed (key LIKE `--key-like`) get a second line and a changed
    /// quantity, or lose them again.
    Edit {
        #[arg(long, env = "DATABASE_URL")]
        url: String,
        #[arg(long)]
        clients: usize,
        #[arg(long)]
        secs: f64,
        /// The SKUs the orders were placed with (the edits add the next one).
        #[arg(long, value_delimiter = ',')]
        skus: Vec<String>,
        #[arg(long, default_value = "bd%")]
        key_like: String,
        /// Keep the priced orders' discounts and taxed shipping, as `place --priced`.
        #[arg(long)]
        priced: bool,
    },
    /// The orders `edit` would take, one a line: `id version skuA skuB lines`.
    EditOrders {
        #[arg(long, env = "DATABASE_URL")]
        url: String,
        #[arg(long, value_delimiter = ',')]
        skus: Vec<String>,
        #[arg(long)]
        key_like: String,
    },
    /// A clerk's command under a flood of bad sign-ins from many loopback
    /// addresses, against the server on `port`.
    Signins {
        #[arg(long)]
        port: u16,
        /// Concurrent bad sign-ins.
        #[arg(long, default_value_t = 2_000)]
        flood: u32,
        /// The clerk's session cookie (`name=value`).
        #[arg(long)]
        cookie: String,
        /// The clerk's command: its path, and its form body (CSRF token included).
        #[arg(long)]
        path: String,
        #[arg(long)]
        body: String,
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
            offset,
            min_price_cents,
            tax_rate_ppm,
        } => {
            let set = Selection {
                products,
                offset,
                min_price_cents,
            };
            prepare(&url, set, units, tax_rate_ppm).await
        }
        Command::Place {
            url,
            clients,
            secs,
            skus,
            customers,
            priced,
        } => place(&url, clients, secs, Arc::new(skus), customers, priced).await,
        Command::Staleness {
            url,
            rate,
            secs,
            writers,
            skus,
            customers,
            views,
            server_pid,
            priced,
            payments,
            edit_rate,
            edit_key_like,
        } => {
            let writers = writers.unwrap_or_else(|| rate.div_ceil(25).clamp(1, 32) as usize);
            let load = Load {
                rate,
                secs,
                writers,
                priced,
                payments,
                edit_rate,
                edit_key_like,
            };
            staleness(&url, &load, &skus, customers, &views, server_pid).await
        }
        Command::Edit {
            url,
            clients,
            secs,
            skus,
            key_like,
            priced,
        } => {
            let run = edits::EditRun {
                clients,
                secs,
                skus,
                key_like,
                priced,
            };
            edits::edit(&url, run).await
        }
        Command::EditOrders {
            url,
            skus,
            key_like,
        } => edits::list(&url, &skus, &key_like).await,
        Command::Signins {
            port,
            flood,
            cookie,
            path,
            body,
        } => signins::signins(port, flood, signins::Clerk { cookie, path, body }).await,
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
    let d = dashboard::load(&mut *read.lock().await)
        .await
        .map_err(|e| e.to_string())?
        .data;
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
        .filter(|c| c.orders > 0)
        .map(|c| (c.fulfilment_status.as_str(), c.orders))
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
            r.fulfilment_status.to_string(),
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
            dashboard::load(&mut *read.lock().await)
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

/// Which products `prepare` stocks: `products` of those priced at least
/// `min_price_cents`, by available stock, after the first `offset`.
struct Selection {
    products: i64,
    offset: i64,
    min_price_cents: i64,
}

async fn prepare(
    url: &str,
    set: Selection,
    units: i64,
    tax_rate_ppm: Option<u32>,
) -> Result<(), String> {
    let mut conn = connect(url).await?;
    let rows: Vec<StockRow> = diesel::sql_query(
        "SELECT p.id, p.sku FROM products p JOIN inventory i ON i.product_id = p.id
         WHERE p.active AND p.price_cents >= $3
         ORDER BY i.on_hand - i.reserved DESC, p.id LIMIT $1 OFFSET $2",
    )
    .bind::<BigInt, _>(set.products)
    .bind::<BigInt, _>(set.offset)
    .bind::<BigInt, _>(set.min_price_cents)
    .load(&mut conn)
    .await
    .map_err(|e| e.to_string())?;
    for r in &rows {
        let mut left = units;
        while left > 0 {
            let q = left.min(10_000);
            left -= q;
            let input = (ReceiptForm {
                quantity: q.to_string(),
                note: "bench".into(),
            })
            .parse(r.id)
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
    if let Some(ppm) = tax_rate_ppm {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        println!(
            "TAX_RATE={}",
            money::assign_rate(&mut conn, &ids, ppm).await?
        );
    }
    let skus: Vec<&str> = rows.iter().map(|r| r.sku.as_str()).collect();
    println!("SKUS={}", skus.join(","));
    println!("CUSTOMERS={}", customers.n);
    Ok(())
}

/// The `n`-th order of client `client`: a customer and a SKU spread over the
/// ranges, one unit, a key no other run uses; priced (discounts, shipping
/// taxed at that rate) when `shipping_rate` is given.
fn order_form(
    (run, client, n): (&str, usize, u64),
    skus: &[String],
    customers: i64,
    shipping_rate: Option<i64>,
) -> OrderForm {
    let mut form = plain_form(run, client, n, skus, customers);
    if let Some(rate) = shipping_rate {
        money::price(&mut form, rate);
    }
    form
}

fn plain_form(run: &str, client: usize, n: u64, skus: &[String], customers: i64) -> OrderForm {
    let mix = (n.wrapping_mul(2_654_435_761) ^ (client as u64).wrapping_mul(40_503)) as usize;
    OrderForm {
        customer_id: (1 + (mix % customers.max(1) as usize) as u64).to_string(),
        ship_to: String::new(),
        shipping: AddressForm {
            name: "Bench Customer".into(),
            line1: "1 Bench Street".into(),
            city: "Testville".into(),
            country: "GB".into(),
            ..AddressForm::default()
        },
        save_address: false,
        bill_to: String::new(),
        idempotency_key: format!("{run}-{client}-{n}"),
        lines: vec![LineForm {
            sku: skus[mix % skus.len()].clone(),
            quantity: "1".into(),
            discount: String::new(),
        }],
        order_discount: String::new(),
        shipping_charge: String::new(),
        shipping_tax_rate: String::new(),
    }
}

async fn place(
    url: &str,
    clients: usize,
    secs: f64,
    skus: Arc<Vec<String>>,
    customers: i64,
    priced: bool,
) -> Result<(), String> {
    let run = format!("bd{}", Utc::now().timestamp_micros());
    let shipping_rate = shipping_rate(url, priced, &skus).await?;
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
                let form = order_form((&run, client, n), &skus, customers, shipping_rate);
                let t = Instant::now();
                let result = match form.parse(orderdesk::domain::Currency::default()) {
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
        concat!(
            "PLACE priced={} clients={} orders={} failed={} secs={:.1} orders_per_s={:.1}",
            " p50_ms={:.2} p99_ms={:.2}"
        ),
        priced,
        clients,
        n,
        AtomicU64::load(&failed, Ordering::Relaxed),
        elapsed,
        n as f64 / elapsed,
        quantile_ms(&lat, 0.5),
        quantile_ms(&lat, 0.99),
    );
    Ok(())
}

/// The live read models whose staleness is measured by default: all six.
const LIVE_MODELS: &str = "order_summaries,order_status_counts,daily_sales,product_sales_daily,inventory_status,customer_stats";

/// Pending orders checked first per model per poll (the oldest).
const POLL_PROBE: usize = 64;
/// At most this many more when some of those have caught up.
const POLL_BATCH: usize = 20_000;

#[derive(QueryableByName)]
struct CaughtUp {
    #[diesel(sql_type = BigInt)]
    i: i64,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    flag: bool,
}

#[derive(QueryableByName)]
struct Now {
    #[diesel(sql_type = Timestamptz)]
    at: chrono::DateTime<Utc>,
}

#[derive(QueryableByName)]
struct Pid {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

/// User plus system CPU seconds of a process so far (`/proc/<pid>/stat`),
/// `None` when it is gone or unreadable.
fn cpu_secs(pid: i32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command (which may hold spaces) in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after it.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / clock_ticks())
}

/// Clock ticks per second of `/proc` CPU times (`getconf CLK_TCK`, 100 on Linux).
fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// PostgreSQL backends of the read-model maintainer (`application_name`
/// `orderdesk-maintainer`) in this database.
async fn maintainer_pids(conn: &mut AsyncPgConnection) -> Result<Vec<i32>, String> {
    let rows: Vec<Pid> = diesel::sql_query(
        "SELECT pid FROM pg_stat_activity
         WHERE application_name = 'orderdesk-maintainer' AND datname = current_database()
         ORDER BY pid",
    )
    .load(conn)
    .await
    .map_err(|e| e.to_string())?;
    Ok(rows.into_iter().map(|r| r.pid).collect())
}

/// `name` if a relation of that name exists (`to_regclass`), else `None`.
async fn relation(conn: &mut AsyncPgConnection, names: &[&str]) -> Result<Option<String>, String> {
    for name in names {
        let found: Vec<Name> =
            diesel::sql_query("SELECT $1 AS name WHERE to_regclass($1) IS NOT NULL")
                .bind::<Text, _>(*name)
                .load(conn)
                .await
                .map_err(|e| e.to_string())?;
        if let Some(n) = found.into_iter().next() {
            return Ok(Some(n.name));
        }
    }
    Ok(None)
}

/// The columns of `table` (as `to_regclass` resolves it).
async fn columns(conn: &mut AsyncPgConnection, table: &str) -> Result<Vec<String>, String> {
    let rows: Vec<Name> = diesel::sql_query(
        "SELECT attname::text AS name FROM pg_attribute
         WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
    )
    .bind::<Text, _>(table)
    .load(conn)
    .await
    .map_err(|e| e.to_string())?;
    Ok(rows.into_iter().map(|r| r.name).collect())
}

#[derive(QueryableByName)]
struct BatchFigures {
    #[diesel(sql_type = BigInt)]
    batches: i64,
    #[diesel(sql_type = BigInt)]
    failed: i64,
    #[diesel(sql_type = BigInt)]
    events: i64,
    #[diesel(sql_type = BigInt)]
    orders_changed: i64,
    #[diesel(sql_type = BigInt)]
    rows_changed: i64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    busy_ms: f64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    p50_ms: f64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    p99_ms: f64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    max_ms: f64,
}

/// One `BATCHES …` line: the maintainer's batches that started in the run
/// (`read_model_batches`), or why there is no such figure.
async fn batch_report(
    conn: &mut AsyncPgConnection,
    from: chrono::DateTime<Utc>,
    to: chrono::DateTime<Utc>,
) -> Result<String, String> {
    let Some(table) = relation(conn, &["read_model_batches", "read.read_model_batches"]).await?
    else {
        return Ok("BATCHES n/a reason=no_read_model_batches_table".into());
    };
    let cols = columns(conn, &table).await?;
    let has = |c: &str| cols.iter().any(|x| x == c);
    for needed in ["started_at", "duration_ms"] {
        if !has(needed) {
            return Ok(format!("BATCHES n/a reason=no_{needed}_column"));
        }
    }
    // Columns that may not exist (yet) count as zero.
    let sum = |c: &str| {
        if has(c) {
            format!("coalesce(sum({c}), 0)::bigint")
        } else {
            "0::bigint".into()
        }
    };
    let failed = if has("outcome") {
        "count(*) FILTER (WHERE outcome IS DISTINCT FROM 'ok')"
    } else {
        "0::bigint"
    };
    let sql = format!(
        "SELECT count(*) AS batches, {failed} AS failed, {} AS events, {} AS orders_changed,
                {} AS rows_changed,
                coalesce(sum(duration_ms), 0)::float8 AS busy_ms,
                coalesce((percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms))::float8, 'NaN') AS p50_ms,
                coalesce((percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_ms))::float8, 'NaN') AS p99_ms,
                coalesce(max(duration_ms)::float8, 'NaN') AS max_ms
         FROM {table} WHERE started_at >= $1 AND started_at < $2",
        sum("events"),
        // The maintainer's log names it `orders` (orders recomputed per batch).
        sum(if has("orders") { "orders" } else { "orders_changed" }),
        sum("rows_changed"),
    );
    let b: BatchFigures = diesel::sql_query(sql)
        .bind::<Timestamptz, _>(from)
        .bind::<Timestamptz, _>(to)
        .get_result(conn)
        .await
        .map_err(|e| e.to_string())?;
    let wall_ms = (to - from).num_milliseconds().max(1) as f64;
    let counts_orders = has("orders") || has("orders_changed");
    let per_order = if counts_orders && b.orders_changed > 0 {
        format!("{:.3}", b.busy_ms / b.orders_changed as f64)
    } else {
        "n/a".into()
    };
    let per_batch_orders = if counts_orders && b.batches > 0 {
        format!("{:.1}", b.orders_changed as f64 / b.batches as f64)
    } else {
        "n/a".into()
    };
    Ok(format!(
        "BATCHES table={table} n={} failed={} events={} orders_changed={} rows_changed={} orders_per_batch={per_batch_orders} \
         busy_ms={:.0} wall_s={:.1} busy_share={:.3} ms_per_order={per_order} p50_ms={:.0} p99_ms={:.0} max_ms={:.0}",
        b.batches,
        b.failed,
        b.events,
        b.orders_changed,
        b.rows_changed,
        b.busy_ms,
        wall_ms / 1000.0,
        b.busy_ms / wall_ms,
        b.p50_ms,
        b.p99_ms,
        b.max_ms,
    ))
}

#[derive(QueryableByName)]
struct RefreshFigures {
    #[diesel(sql_type = Text)]
    view_name: String,
    #[diesel(sql_type = BigInt)]
    runs: i64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    mean_ms: f64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    max_ms: f64,
}

/// `REFRESHES …` lines: whole-view refreshes logged in `read_model_refreshes`
/// during the run (the read side before issue 10), if that log exists.
async fn refresh_report(
    conn: &mut AsyncPgConnection,
    from: chrono::DateTime<Utc>,
    to: chrono::DateTime<Utc>,
) -> Result<Vec<String>, String> {
    let Some(table) = relation(conn, &["read_model_refreshes"]).await? else {
        return Ok(Vec::new());
    };
    let cols = columns(conn, &table).await?;
    if !["view_name", "started_at", "duration_ms", "outcome"]
        .iter()
        .all(|c| cols.iter().any(|x| x == c))
    {
        return Ok(Vec::new());
    }
    let rows: Vec<RefreshFigures> = diesel::sql_query(format!(
        "SELECT view_name::text, count(*) AS runs, avg(duration_ms)::float8 AS mean_ms,
                max(duration_ms)::float8 AS max_ms
         FROM {table} WHERE outcome = 'ok' AND started_at >= $1 AND started_at < $2
         GROUP BY view_name ORDER BY view_name"
    ))
    .bind::<Timestamptz, _>(from)
    .bind::<Timestamptz, _>(to)
    .load(conn)
    .await
    .map_err(|e| e.to_string())?;
    Ok(rows
        .into_iter()
        .map(|r| {
            format!(
                "REFRESHES view={} runs={} mean_ms={:.0} max_ms={:.0}",
                r.view_name, r.runs, r.mean_ms, r.max_ms
            )
        })
        .collect())
}

/// Whether each of the orders `batch` (indexes into `acks`) is in `view`.
async fn caught_up(
    poller: &mut AsyncPgConnection,
    view: &str,
    batch: &[usize],
    acks: &[(i64, Instant, Kind)],
) -> Result<Vec<bool>, String> {
    let ids: Vec<i64> = batch.iter().map(|&i| acks[i].0).collect();
    let rows: Vec<CaughtUp> = diesel::sql_query(
        "SELECT t.i AS i, coalesce(read.has_caught_up($1, t.e), false) AS flag
         FROM unnest($2::bigint[]) WITH ORDINALITY AS t(e, i) ORDER BY t.i",
    )
    .bind::<Text, _>(view)
    .bind::<diesel::sql_types::Array<BigInt>, _>(&ids)
    .load(poller)
    .await
    .map_err(|e| format!("read.has_caught_up({view}, …): {e}"))?;
    let mut flags = vec![false; ids.len()];
    for r in rows {
        if let Some(f) = usize::try_from(r.i - 1).ok().and_then(|k| flags.get_mut(k)) {
            *f = r.flag;
        }
    }
    Ok(flags)
}

async fn server_now(conn: &mut AsyncPgConnection) -> Result<chrono::DateTime<Utc>, String> {
    let n: Now = diesel::sql_query("SELECT clock_timestamp() AS at")
        .get_result(conn)
        .await
        .map_err(|e| e.to_string())?;
    Ok(n.at)
}

/// A priced run's shipping rate: that of the first SKU's product.
async fn shipping_rate(url: &str, priced: bool, skus: &[String]) -> Result<Option<i64>, String> {
    if !priced {
        return Ok(None);
    }
    let sku = skus.first().ok_or("no SKUs")?;
    Ok(Some(money::rate_of(&mut connect(url).await?, sku).await?))
}

/// A staleness run's load: `rate` orders/s for `secs` from `writers`
/// connections, priced or not, each order followed by a payment or not;
/// `edit_rate` edits/s of the orders `LIKE edit_key_like` beside them.
struct Load {
    rate: u64,
    secs: f64,
    writers: usize,
    priced: bool,
    payments: bool,
    edit_rate: u64,
    edit_key_like: String,
}

/// Which command an ack is of; its lags are kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Order = 0,
    Payment = 1,
    Edit = 2,
}

/// What `acks` holds per command: its event id, when it committed, and
/// which kind of command it was.
type Acks = Arc<std::sync::Mutex<Vec<(i64, Instant, Kind)>>>;

/// Places `rate` orders/s for `secs` from `writers` connections (each at
/// `rate / writers`), each followed by its payment with `--payments`, and
/// measures per view how long after each command's commit
/// `read.has_caught_up(view, event_id)` turns true; then the maintainer's
/// batches and CPU over the same interval.
async fn staleness(
    url: &str,
    load: &Load,
    skus: &[String],
    customers: i64,
    views: &[String],
    server_pid: Option<i32>,
) -> Result<(), String> {
    let run = format!("bs{}", Utc::now().timestamp_micros());
    let writers = load.writers.max(1);
    let (rate, secs, payments) = (load.rate.max(1), load.secs, load.payments);
    let shipping_rate = shipping_rate(url, load.priced, skus).await?;
    let acks: Acks = Arc::default();
    let mut conns = Vec::new();
    for _ in 0..writers {
        conns.push(connect(url).await?);
    }
    let mut poller = connect(url).await?;
    let mut probe = connect(url).await?;
    let pids = maintainer_pids(&mut probe).await?;
    let cpu_before: Vec<Option<f64>> = pids.iter().map(|&p| cpu_secs(p)).collect();
    let server_before = server_pid.and_then(cpu_secs);
    let from = server_now(&mut probe).await?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(secs);
    let period = Duration::from_secs_f64(writers as f64 / rate as f64);
    let mut senders = Vec::new();
    for (w, mut writer) in conns.into_iter().enumerate() {
        let acks = Arc::clone(&acks);
        let skus = skus.to_vec();
        let run = run.clone();
        senders.push(tokio::spawn(async move {
            // Writers start spread over one period, so the load is even.
            let offset = period.mul_f64(w as f64 / writers as f64);
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + offset, period);
            let mut failed = 0u64;
            let mut n = 0u64;
            loop {
                tick.tick().await;
                if Instant::now() >= deadline {
                    break;
                }
                n += 1;
                let form = order_form((&run, w, n), &skus, customers, shipping_rate);
                let Ok(input) = form.parse(orderdesk::domain::Currency::default()) else {
                    failed += 1;
                    continue;
                };
                let order = match place_order(&mut writer, input, &bench_ctx()).await {
                    Ok(ack) => ack,
                    Err(e) => {
                        if failed < 3 {
                            eprintln!("place failed: {e}");
                        }
                        failed += 1;
                        continue;
                    }
                };
                let push = |event_id, kind| {
                    acks.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push((event_id, Instant::now(), kind));
                };
                push(order.event_id, Kind::Order);
                if !payments {
                    continue;
                }
                let key = format!("{run}-p{w}-{n}");
                match money::pay(&mut writer, order.id, &key, n).await {
                    Ok(ack) => push(ack.event_id, Kind::Payment),
                    Err(e) => {
                        if failed < 3 {
                            eprintln!("payment failed: {e}");
                        }
                        failed += 1;
                    }
                }
            }
            failed
        }));
    }
    let editors = edits::Editors {
        rate: load.edit_rate,
        key_like: load.edit_key_like.clone(),
        shipping_rate,
    };
    senders.extend(editors.spawn(url, skus, &run, &acks, deadline).await?);
    // Per view: the orders not yet seen (indexes into `acks`), and the lags.
    let mut pending: Vec<Vec<usize>> = vec![Vec::new(); views.len()];
    let mut seen = 0usize;
    // Per view: the lags of orders [0], payments [1] and edits [2].
    let mut lags: Vec<[Vec<Duration>; 3]> = vec![Default::default(); views.len()];
    let mut give_up: Option<Instant> = None;
    loop {
        let sending = senders.iter().any(|s| !s.is_finished());
        let snapshot: Vec<(i64, Instant, Kind)> = acks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        for p in &mut pending {
            p.extend(seen..snapshot.len());
        }
        seen = snapshot.len();
        for (v, view) in views.iter().enumerate() {
            if pending[v].is_empty() {
                continue;
            }
            // The oldest few first; the rest only when some of those are in
            // (orders commit in about ack order), so a model far behind costs
            // one small query per poll, not thousands of look-ups.
            let mut batch: Vec<usize> = pending[v].iter().copied().take(POLL_PROBE).collect();
            let mut flags = caught_up(&mut poller, view, &batch, &snapshot).await?;
            if flags.iter().any(|&f| f) && pending[v].len() > batch.len() {
                let rest: Vec<usize> = pending[v][batch.len()..]
                    .iter()
                    .copied()
                    .take(POLL_BATCH)
                    .collect();
                flags.extend(caught_up(&mut poller, view, &rest, &snapshot).await?);
                batch.extend(rest);
            }
            let now = Instant::now();
            for (k, &idx) in batch.iter().enumerate() {
                if flags[k] {
                    let (_, at, kind) = snapshot[idx];
                    lags[v][kind as usize].push(now.saturating_duration_since(at));
                }
            }
            let mut k = 0;
            pending[v].retain(|_| {
                let keep = k >= flags.len() || !flags[k];
                k += 1;
                keep
            });
        }
        if !sending {
            if pending.iter().all(Vec::is_empty) {
                break;
            }
            let limit = *give_up.get_or_insert_with(|| Instant::now() + Duration::from_secs(120));
            if Instant::now() > limit {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let wall = started.elapsed().as_secs_f64();
    let to = server_now(&mut probe).await?;
    let cpu_after: Vec<Option<f64>> = pids.iter().map(|&p| cpu_secs(p)).collect();
    let server_after = server_pid.and_then(cpu_secs);
    let mut failed = 0;
    for s in senders {
        failed += s.await.map_err(|e| e.to_string())?;
    }
    let [total, paid, edited] = {
        let a = acks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        [Kind::Order, Kind::Payment, Kind::Edit].map(|k| a.iter().filter(|x| x.2 == k).count())
    };
    println!(
        concat!(
            "STALENESS rate={}/s secs={} writers={} placed={} failed={} achieved_per_s={:.1}",
            " wall_s={:.1} priced={} payments={} edit_rate={}/s edits={} edits_per_s={:.1}"
        ),
        rate,
        secs,
        writers,
        total,
        failed,
        total as f64 / secs,
        wall,
        load.priced,
        paid,
        load.edit_rate,
        edited,
        edited as f64 / secs,
    );
    let kinds = [
        ("", total, true),
        (":payments", paid, payments),
        (":edits", edited, load.edit_rate > 0),
    ];
    for (v, view) in views.iter().enumerate() {
        for (kind, (suffix, of, measured)) in kinds.into_iter().enumerate() {
            if !measured {
                continue;
            }
            let l = &mut lags[v][kind];
            l.sort();
            println!(
                "LAG view={view}{suffix} n={} not_caught_up={} p50_s={:.2} p99_s={:.2} max_s={:.2}",
                l.len(),
                of - l.len(),
                quantile_ms(l, 0.5) / 1000.0,
                quantile_ms(l, 0.99) / 1000.0,
                l.last().map_or(f64::NAN, Duration::as_secs_f64),
            );
        }
    }
    match batch_report(&mut probe, from, to).await {
        Ok(line) => println!("{line}"),
        Err(e) => println!("BATCHES n/a reason=query_failed error={e:?}"),
    }
    match refresh_report(&mut probe, from, to).await {
        Ok(lines) => lines.iter().for_each(|l| println!("{l}")),
        Err(e) => eprintln!("read_model_refreshes: {e}"),
    }
    let wall_db = (to - from).num_milliseconds().max(1) as f64 / 1000.0;
    let measured: Vec<f64> = cpu_before
        .iter()
        .zip(&cpu_after)
        .filter_map(|(b, a)| Some(a.as_ref()? - b.as_ref()?))
        .collect();
    if pids.is_empty() {
        println!("MAINTAINER_CPU n/a reason=no_backend_named_orderdesk-maintainer");
    } else if measured.is_empty() {
        println!("MAINTAINER_CPU n/a reason=backends_gone_or_unreadable pids={pids:?}");
    } else {
        let cpu: f64 = measured.iter().sum();
        println!(
            "MAINTAINER_CPU backends={} cpu_s={cpu:.2} wall_s={wall_db:.1} share={:.3}",
            measured.len(),
            cpu / wall_db
        );
    }
    if let (Some(b), Some(a)) = (server_before, server_after) {
        println!(
            "SERVER_CPU cpu_s={:.2} wall_s={wall_db:.1} share={:.3}",
            a - b,
            (a - b) / wall_db
        );
    } else if server_pid.is_some() {
        println!("SERVER_CPU n/a reason=process_gone_or_unreadable");
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
