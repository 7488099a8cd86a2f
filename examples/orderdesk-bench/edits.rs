//! The edit side of the bench (issue 25): one-line orders the bench placed,
//! edited through `commands::edit_order` as a clerk would: each edit changes
//! the quantity of the order's line and adds a second line of the next SKU
//! (`A × 1` becomes `A × 2, B × 1`), or undoes that (`B` at quantity 0 is
//! removed), keeping the order's discounts and taxed shipping charge. The
//! edit is built from the same order form a placement parses, so both sides
//! pay the same parsing.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use orderdesk::commands::edit_order::{EditOrder, edit_order};
use orderdesk::domain::{Currency, OrderId, Sku};
use orderdesk::web::forms::{AddressForm, CommandForm, LineForm, OrderForm};

use super::{Acks, Kind, bench_ctx, connect, money, quantile_ms, shipping_rate};

#[derive(QueryableByName)]
struct EditableRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Integer)]
    version: i32,
    #[diesel(sql_type = Text)]
    a: String,
    #[diesel(sql_type = BigInt)]
    lines: i64,
}

/// An order the bench may edit, as it stands now.
#[derive(Debug, Clone)]
pub struct Editable {
    pub id: i64,
    pub version: i32,
    /// The line every edit keeps (the one with most units).
    pub a: String,
    /// The SKU an edit adds or removes: the one after `a` in the run's list.
    pub b: String,
    /// How many lines it has now: 1 (`A × 1`) or 2 (`A × 2, B × 1`).
    pub lines: i64,
}

/// Unshipped orders whose key is `LIKE key_like` (the bench's own, placed
/// by `place` or through `place_order.lua`), of one or two lines all of
/// `skus`, newest first, at most `limit`.
pub async fn editable(
    conn: &mut AsyncPgConnection,
    skus: &[String],
    key_like: &str,
    limit: i64,
) -> Result<Vec<Editable>, String> {
    let rows: Vec<EditableRow> = diesel::sql_query(
        "SELECT o.id, o.version,
                (array_agg(p.sku ORDER BY l.quantity DESC, l.id))[1] AS a,
                count(*) AS lines
         FROM orders o
         JOIN order_lines l ON l.order_id = o.id
         JOIN products p ON p.id = l.product_id
         WHERE o.fulfilment_status = 'unfulfilled' AND o.idempotency_key LIKE $1
         GROUP BY o.id
         HAVING count(*) <= 2 AND bool_and(p.sku = ANY($2))
         ORDER BY o.id DESC
         LIMIT $3",
    )
    .bind::<Text, _>(key_like)
    .bind::<Array<Text>, _>(skus)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
    .map_err(|e| format!("orders to edit: {e}"))?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let at = skus.iter().position(|s| *s == r.a).unwrap_or(0);
            Editable {
                id: r.id,
                version: r.version,
                b: skus[(at + 1) % skus.len()].clone(),
                a: r.a,
                lines: r.lines,
            }
        })
        .collect())
}

/// The next edit of `o` under `key`: priced as a priced placement (10 % off
/// line `A`, 2.00 off the order, 4.99 shipping at `shipping_rate`) or plain.
pub fn next_edit(o: &Editable, key: &str, shipping_rate: Option<i64>) -> Result<EditOrder, String> {
    let line = |sku: &str, q: &str| LineForm {
        sku: sku.to_owned(),
        quantity: q.into(),
        discount: String::new(),
    };
    let lines = if o.lines == 2 {
        vec![line(&o.a, "1")]
    } else {
        vec![line(&o.a, "2"), line(&o.b, "1")]
    };
    let mut form = OrderForm {
        customer_id: "1".into(),
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
        idempotency_key: key.to_owned(),
        lines,
        order_discount: String::new(),
        shipping_charge: String::new(),
        shipping_tax_rate: String::new(),
    };
    if let Some(rate) = shipping_rate {
        money::price(&mut form, rate);
    }
    let parsed = form
        .parse(Currency::default())
        .map_err(|e| format!("order {}: {e:?}", o.id))?;
    let mut lines: BTreeMap<Sku, _> = parsed
        .lines
        .into_iter()
        .map(|(sku, q)| (sku, Some(q)))
        .collect();
    if o.lines == 2 {
        // Quantity 0: the line is removed.
        lines.insert(Sku::parse(&o.b)?, None);
    }
    Ok(EditOrder {
        order_id: OrderId(o.id),
        expected_version: o.version,
        lines,
        line_discounts: parsed.line_discounts,
        order_discount: parsed.order_discount,
        shipping_charge: parsed.shipping_charge,
        shipping: parsed.shipping,
        billing: None,
        idempotency_key: parsed.idempotency_key,
    })
}

/// Edits `o` once; on success it stands at the new version and shape.
async fn edit_once(
    conn: &mut AsyncPgConnection,
    o: &mut Editable,
    key: &str,
    shipping_rate: Option<i64>,
) -> Result<i64, String> {
    let input = next_edit(o, key, shipping_rate)?;
    let ack = edit_order(conn, input, &bench_ctx())
        .await
        .map_err(|e| format!("order {}: {e}", o.id))?;
    o.version = ack.version.unwrap_or(o.version + 1);
    o.lines = 3 - o.lines;
    Ok(ack.event_id)
}

/// What `edit` is given: the orders to take (`key_like`, see [`editable`]),
/// the products and whether the edits are priced.
pub struct EditRun {
    pub clients: usize,
    pub secs: f64,
    pub skus: Vec<String>,
    pub key_like: String,
    pub priced: bool,
}

/// Edits per second through `commands::edit_order` at `clients` concurrent
/// clients, each editing its own share of the orders in turn (never one
/// another's, so no edit is stale); prints one `EDIT …` line.
pub async fn edit(url: &str, run: EditRun) -> Result<(), String> {
    let tag = format!("be{}", Utc::now().timestamp_micros());
    let shipping_rate = shipping_rate(url, run.priced, &run.skus).await?;
    let orders = editable(&mut connect(url).await?, &run.skus, &run.key_like, 200_000).await?;
    let clients = run.clients.max(1);
    if orders.len() < clients {
        return Err(format!(
            "{} orders LIKE {:?} to edit, fewer than the {clients} clients",
            orders.len(),
            run.key_like
        ));
    }
    let mut shares: Vec<Vec<Editable>> = vec![Vec::new(); clients];
    for (i, o) in orders.iter().enumerate() {
        shares[i % clients].push(o.clone());
    }
    let (edited, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut conns = Vec::new();
    for _ in 0..clients {
        conns.push(connect(url).await?);
    }
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(run.secs);
    let mut tasks = Vec::new();
    for (client, (mut conn, mut mine)) in conns.into_iter().zip(shares).enumerate() {
        let (edited, failed, tag) = (Arc::clone(&edited), Arc::clone(&failed), tag.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut n = 0usize;
            while Instant::now() < deadline {
                let at = n % mine.len();
                n += 1;
                let key = format!("{tag}-{client}-{n}");
                let t = Instant::now();
                match edit_once(&mut conn, &mut mine[at], &key, shipping_rate).await {
                    Ok(_) => {
                        edited.fetch_add(1, Ordering::Relaxed);
                        lat.push(t.elapsed());
                    }
                    Err(e) => {
                        if failed.fetch_add(1, Ordering::Relaxed) < 3 {
                            eprintln!("edit failed: {e}");
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
    let n = AtomicU64::load(&edited, Ordering::Relaxed);
    println!(
        concat!(
            "EDIT priced={} clients={} orders={} edits={} failed={} secs={:.1} edits_per_s={:.1}",
            " p50_ms={:.2} p99_ms={:.2}"
        ),
        run.priced,
        clients,
        orders.len(),
        n,
        AtomicU64::load(&failed, Ordering::Relaxed),
        elapsed,
        n as f64 / elapsed,
        quantile_ms(&lat, 0.5),
        quantile_ms(&lat, 0.99),
    );
    Ok(())
}

/// `edit-orders`: the orders `edit` would take, one a line, for
/// `edit_order.lua`: `<id> <version> <sku A> <sku B> <lines now>`.
pub async fn list(url: &str, skus: &[String], key_like: &str) -> Result<(), String> {
    for o in editable(&mut connect(url).await?, skus, key_like, 200_000).await? {
        println!("{} {} {} {} {}", o.id, o.version, o.a, o.b, o.lines);
    }
    Ok(())
}

/// The edits beside a staleness run: `rate` edits/s from one connection
/// per 25/s over the orders `LIKE key_like`, until `deadline`; each acked
/// edit goes into `acks` as [`Kind::Edit`]. The tasks answer their failures.
pub struct Editors {
    pub rate: u64,
    pub key_like: String,
    pub shipping_rate: Option<i64>,
}

impl Editors {
    pub async fn spawn(
        &self,
        url: &str,
        skus: &[String],
        run: &str,
        acks: &Acks,
        deadline: Instant,
    ) -> Result<Vec<tokio::task::JoinHandle<u64>>, String> {
        if self.rate == 0 {
            return Ok(Vec::new());
        }
        let writers = self.rate.div_ceil(25).clamp(1, 32) as usize;
        let orders = editable(&mut connect(url).await?, skus, &self.key_like, 200_000).await?;
        if orders.len() < writers {
            return Err(format!(
                "{} orders LIKE {:?} to edit beside the staleness run",
                orders.len(),
                self.key_like
            ));
        }
        let mut shares: Vec<Vec<Editable>> = vec![Vec::new(); writers];
        for (i, o) in orders.into_iter().enumerate() {
            shares[i % writers].push(o);
        }
        let period = Duration::from_secs_f64(writers as f64 / self.rate as f64);
        let mut tasks = Vec::new();
        for (w, mut mine) in shares.into_iter().enumerate() {
            let mut conn = connect(url).await?;
            let (acks, run, shipping_rate) = (Arc::clone(acks), run.to_owned(), self.shipping_rate);
            tasks.push(tokio::spawn(async move {
                // Spread over one period, and off the placing writers' beat.
                let offset = period.mul_f64((w as f64 + 0.5) / writers as f64);
                let start = tokio::time::Instant::now() + offset;
                let mut tick = tokio::time::interval_at(start, period);
                let (mut failed, mut n) = (0u64, 0usize);
                loop {
                    tick.tick().await;
                    if Instant::now() >= deadline {
                        break;
                    }
                    let at = n % mine.len();
                    n += 1;
                    let key = format!("{run}-e{w}-{n}");
                    match edit_once(&mut conn, &mut mine[at], &key, shipping_rate).await {
                        Ok(event_id) => acks
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push((event_id, Instant::now(), Kind::Edit)),
                        Err(e) => {
                            if failed < 3 {
                                eprintln!("edit failed: {e}");
                            }
                            failed += 1;
                        }
                    }
                }
                failed
            }));
        }
        Ok(tasks)
    }
}
