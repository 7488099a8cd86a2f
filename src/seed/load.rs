//! Bulk loading: every table is streamed with COPY inside one transaction, so
//! a failed seed leaves nothing behind. Rows are generated on a blocking
//! thread while PostgreSQL parses the previous chunk.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::SinkExt;
use tokio::sync::mpsc;
use tokio_postgres::Client;

use super::SeedError;
use super::plan::Plan;
use super::progress::Progress;
use super::rows::{Context, Table};

/// Chunks of about this many bytes go to the server.
const CHUNK: usize = 1 << 20;

/// Rows loaded into one table.
#[derive(Debug, Clone, Copy)]
pub struct Loaded {
    pub table: Table,
    pub rows: u64,
}

/// Ids already used in the write tables, so seeded rows come after them.
pub async fn context(client: &Client, seed: u64) -> Result<Context, SeedError> {
    let row = client
        .query_one(
            "SELECT (SELECT coalesce(max(id), 0) FROM customers), \
                    (SELECT coalesce(max(id), 0) FROM products), \
                    (SELECT coalesce(max(id), 0) FROM orders), \
                    (SELECT coalesce(max(id), 0) FROM customer_addresses), \
                    (SELECT coalesce(max(id), 0) FROM notes), \
                    (SELECT coalesce(max(id), 0) FROM payments)",
            &[],
        )
        .await
        .map_err(SeedError::at("cannot read existing ids"))?;
    Ok(Context {
        customer_offset: row.get(0),
        product_offset: row.get(1),
        order_offset: row.get(2),
        address_offset: row.get(3),
        note_offset: row.get(4),
        payment_offset: row.get(5),
        seed,
        // Known once the load has made them (`tax_rates`).
        tax_rates: [0; 3],
    })
}

/// The seeded shop's tax rates: Standard 20 %, Reduced 5 % and Zero 0 %
/// (each created unless a rate of that name exists, with its event), Standard
/// made the default. Returns their ids in that order.
async fn tax_rates(tx: &tokio_postgres::Transaction<'_>, at: i64) -> Result<[i64; 3], SeedError> {
    for statement in include_str!("sql/tax_rates.sql").split("-- statement") {
        tx.execute(statement, &[&at])
            .await
            .map_err(SeedError::at("tax rates"))?;
    }
    let row = tx
        .query_one(
            "SELECT (SELECT id FROM tax_rates WHERE lower(name) = 'standard'), \
                    (SELECT id FROM tax_rates WHERE lower(name) = 'reduced'), \
                    (SELECT id FROM tax_rates WHERE lower(name) = 'zero')",
            &[],
        )
        .await
        .map_err(SeedError::at("tax rates"))?;
    Ok([row.get(0), row.get(1), row.get(2)])
}

/// Loads the plan in one transaction and moves the id sequences past it.
pub async fn load(
    client: &mut Client,
    plan: Arc<Plan>,
    cx: Context,
    progress: &Progress,
) -> Result<Vec<Loaded>, SeedError> {
    let db = SeedError::at;
    client
        .batch_execute("SET synchronous_commit = off")
        .await
        .map_err(db("session setup"))?;
    let tx = client.transaction().await.map_err(db("begin"))?;
    progress.note("tax rates");
    let mut cx = cx;
    // An hour before the first customer or product, so events stay in
    // business-time order (and the same seed gives the same shop).
    let first = plan
        .products
        .iter()
        .map(|p| p.created_at)
        .chain(plan.customers.iter().map(|c| c.registered_at))
        .min()
        .unwrap_or(0);
    cx.tax_rates = tax_rates(&tx, first - 3_600).await?;
    progress.note("dropping indexes");
    let rebuild = set_aside(&tx).await?;
    let mut loaded = Vec::new();
    for table in Table::ALL {
        progress.table(table.name());
        let rows = copy(&tx, table, Arc::clone(&plan), cx, progress).await?;
        loaded.push(Loaded { table, rows });
    }
    progress.note("indexes, keys");
    for statement in rebuild {
        tx.batch_execute(&statement)
            .await
            .map_err(SeedError::at(statement.as_str()))?;
    }
    progress.note("sequences");
    tx.batch_execute(
        "SELECT setval(pg_get_serial_sequence('customers', 'id'), max(id)) FROM customers; \
         SELECT setval(pg_get_serial_sequence('products', 'id'), max(id)) FROM products; \
         SELECT setval(pg_get_serial_sequence('orders', 'id'), max(id)) FROM orders; \
         SELECT setval(pg_get_serial_sequence('customer_addresses', 'id'), max(id)) \
             FROM customer_addresses; \
         SELECT setval(pg_get_serial_sequence('notes', 'id'), max(id)) FROM notes; \
         SELECT setval(pg_get_serial_sequence('payments', 'id'), max(id)) FROM payments \
             HAVING max(id) IS NOT NULL;",
    )
    .await
    .map_err(db("moving id sequences"))?;
    // Statistics for what follows: the tables were loaded in this
    // transaction and have none, so the edits' and the invoices' set-based
    // statements were planned blind.
    progress.note("analyze the load");
    tx.batch_execute(
        "ANALYZE customers, customer_addresses, products, orders, order_addresses, order_lines, \
         order_taxes, payments",
    )
    .await
    .map_err(db("analyzing the load"))?;
    progress.note("order edits");
    record_edits(&tx, &super::rows::edited_orders(&plan, &cx), cx.seed).await?;
    progress.note("invoices");
    let issued_at = plan.timeline.last().map_or(0, |(at, _)| *at) + 60;
    super::invoices::issue(&tx, issued_at).await?;
    progress.note("commit");
    tx.commit().await.map_err(db("commit"))?;
    progress.note("analyze");
    client
        .batch_execute(
            "ANALYZE customers, customer_addresses, products, inventory, orders, order_addresses, \
             order_lines, order_taxes, payments, stock_movements, events, notes, order_edits",
        )
        .await
        .map_err(db("analyze"))?;
    Ok(loaded)
}

/// Records each seeded `order_edited` event in `order_edits`, as EditOrder
/// does in its transaction: under a key of its own (the seed's, the order's
/// and the version it made) with a digest of the edit for a fingerprint, at
/// the event's time. Set-based, after the events have their ids.
async fn record_edits(
    tx: &tokio_postgres::Transaction<'_>,
    orders: &[i64],
    seed: u64,
) -> Result<u64, SeedError> {
    tx.execute(
        "INSERT INTO order_edits (order_id, idempotency_key, request_fingerprint, version_after,
                                  event_id, actor, created_at)
         SELECT e.aggregate_id,
                'seed-' || $1 || '-' || lpad(e.aggregate_id::text, 8, '0') || '-e'
                    || (e.payload->>'version'),
                encode(sha256(convert_to(e.payload::text, 'UTF8')), 'hex'),
                (e.payload->>'version')::int, e.id, e.actor, e.occurred_at
         FROM events e
         WHERE e.aggregate_type = 'order' AND e.aggregate_id = ANY($3)
           AND e.event_type = 'order_edited' AND e.actor = $2
         ORDER BY e.id",
        &[&format!("{seed:x}"), &super::ACTOR, &orders],
    )
    .await
    .map_err(SeedError::at("recording the order edits"))
}

/// Drops the secondary indexes and foreign keys of the seeded tables (inside
/// the load's transaction, so nobody sees them missing) and returns the
/// statements that recreate them. Building an index once from sorted rows and
/// checking a key with one join are much faster than doing both row by row;
/// the definitions come from the catalogue, so the migrations stay the truth.
async fn set_aside(tx: &tokio_postgres::Transaction<'_>) -> Result<Vec<String>, SeedError> {
    let tables: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
    let found = tx
        .query(
            "SELECT format('ALTER TABLE %I DROP CONSTRAINT %I', c.conrelid::regclass::text, c.conname),
                    format('ALTER TABLE %I ADD CONSTRAINT %I %s', c.conrelid::regclass::text,
                           c.conname, pg_get_constraintdef(c.oid)),
                    1 AS phase
               FROM pg_constraint c
              WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY($1)
             UNION ALL
             SELECT format('DROP INDEX %I.%I', i.schemaname, i.indexname), i.indexdef, 0
               FROM pg_indexes i
              WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
              ORDER BY 3, 1",
            &[&tables],
        )
        .await
        .map_err(SeedError::at("reading index definitions"))?;
    let mut rebuild = Vec::new();
    for row in &found {
        let (drop, create): (String, String) = (row.get(0), row.get(1));
        tx.batch_execute(&drop)
            .await
            .map_err(SeedError::at(drop.as_str()))?;
        rebuild.push(create);
    }
    tx.batch_execute("SET LOCAL maintenance_work_mem = '512MB'")
        .await
        .map_err(SeedError::at("session setup"))?;
    Ok(rebuild)
}

/// Streams one table: a blocking thread renders chunks, this task sends them.
async fn copy(
    tx: &tokio_postgres::Transaction<'_>,
    table: Table,
    plan: Arc<Plan>,
    cx: Context,
    progress: &Progress,
) -> Result<u64, SeedError> {
    let (send, mut receive) = mpsc::channel::<(Bytes, u64)>(4);
    let render = tokio::task::spawn_blocking(move || {
        let mut rows = 0;
        let mut units = 0;
        let mut buf = String::with_capacity(CHUNK + 4096);
        for i in 0..table.units(&plan) {
            rows += table.write(&plan, &cx, i, &mut buf);
            units += 1;
            if buf.len() >= CHUNK {
                let chunk = Bytes::from(std::mem::replace(
                    &mut buf,
                    String::with_capacity(CHUNK + 4096),
                ));
                if send
                    .blocking_send((chunk, std::mem::take(&mut units)))
                    .is_err()
                {
                    return rows; // the sender side gave up; its error is reported
                }
            }
        }
        if !buf.is_empty() || units > 0 {
            let _ = send.blocking_send((Bytes::from(buf), units));
        }
        rows
    });
    let error = || SeedError::at(format!("loading {}", table.name()));
    let sink = tx
        .copy_in::<_, Bytes>(table.copy_sql())
        .await
        .map_err(error())?;
    futures_util::pin_mut!(sink);
    while let Some((chunk, units)) = receive.recv().await {
        sink.send(chunk).await.map_err(error())?;
        progress.advance(units);
    }
    let copied = sink.as_mut().finish().await.map_err(error())?;
    let rendered = render.await.map_err(|source| SeedError::Generate {
        what: table.name(),
        source,
    })?;
    if copied != rendered {
        return Err(SeedError::RowCount {
            table: table.name(),
            rendered,
            copied,
        });
    }
    Ok(copied)
}
