//! Bulk loading: every table is streamed with COPY inside one transaction, so
//! a failed seed leaves nothing behind. Rows are generated on a blocking
//! thread while PostgreSQL parses the previous chunk.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::SinkExt;
use tokio::sync::mpsc;
use tokio_postgres::Client;

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
pub async fn context(client: &Client, seed: u64) -> Result<Context, String> {
    let row = client
        .query_one(
            "SELECT (SELECT coalesce(max(id), 0) FROM customers), \
                    (SELECT coalesce(max(id), 0) FROM products), \
                    (SELECT coalesce(max(id), 0) FROM orders)",
            &[],
        )
        .await
        .map_err(|e| format!("cannot read existing ids: {e}"))?;
    Ok(Context {
        customer_offset: row.get(0),
        product_offset: row.get(1),
        order_offset: row.get(2),
        seed,
    })
}

/// Loads the plan in one transaction and moves the id sequences past it.
pub async fn load(
    client: &mut Client,
    plan: Arc<Plan>,
    cx: Context,
    progress: &Progress,
) -> Result<Vec<Loaded>, String> {
    let db = |what: &'static str| move |e: tokio_postgres::Error| format!("{what}: {e}");
    client
        .batch_execute("SET synchronous_commit = off")
        .await
        .map_err(db("session setup"))?;
    let tx = client.transaction().await.map_err(db("begin"))?;
    let mut loaded = Vec::new();
    for table in Table::ALL {
        progress.table(table.name());
        let rows = copy(&tx, table, Arc::clone(&plan), cx, progress).await?;
        loaded.push(Loaded { table, rows });
    }
    progress.note("sequences");
    tx.batch_execute(
        "SELECT setval(pg_get_serial_sequence('customers', 'id'), max(id)) FROM customers; \
         SELECT setval(pg_get_serial_sequence('products', 'id'), max(id)) FROM products; \
         SELECT setval(pg_get_serial_sequence('orders', 'id'), max(id)) FROM orders;",
    )
    .await
    .map_err(db("moving id sequences"))?;
    progress.note("commit");
    tx.commit().await.map_err(db("commit"))?;
    progress.note("analyze");
    client
        .batch_execute(
            "ANALYZE customers, products, inventory, orders, order_lines, stock_movements, events",
        )
        .await
        .map_err(db("analyze"))?;
    Ok(loaded)
}

/// Streams one table: a blocking thread renders chunks, this task sends them.
async fn copy(
    tx: &tokio_postgres::Transaction<'_>,
    table: Table,
    plan: Arc<Plan>,
    cx: Context,
    progress: &Progress,
) -> Result<u64, String> {
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
    let error = |e: tokio_postgres::Error| format!("loading {}: {e}", table.name());
    let sink = tx
        .copy_in::<_, Bytes>(table.copy_sql())
        .await
        .map_err(error)?;
    futures_util::pin_mut!(sink);
    while let Some((chunk, units)) = receive.recv().await {
        sink.send(chunk).await.map_err(error)?;
        progress.advance(units);
    }
    let copied = sink.as_mut().finish().await.map_err(error)?;
    let rendered = render
        .await
        .map_err(|e| format!("generating {}: {e}", table.name()))?;
    if copied != rendered {
        return Err(format!(
            "{}: rendered {rendered} rows but the server took {copied}",
            table.name()
        ));
    }
    Ok(copied)
}
