//! `orderdesk refresh --rebuild`: a live model rebuilt from its definition
//! without blocking readers. The new table is built beside the old one
//! (`read.<name>__rebuild`, same columns, same indexes), then swapped in by
//! renaming, which holds an exclusive lock only for the renames at the end.
//!
//! The rebuild holds the maintainer's lock throughout and first applies the
//! pending events in its own transaction, so the rebuilt table and every other
//! live model stand at the same snapshot: deltas applied afterwards add to
//! exactly what the definition produced. While it runs, pages keep reading the
//! old table and show the changes as pending.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use super::maintainer::{self, lock};
use super::{ReadModel, ReadModelName, Trigger};

/// What a rebuild of one model did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuilt {
    pub name: ReadModelName,
    pub rows: i64,
    pub duration: Duration,
}

#[derive(QueryableByName)]
struct IndexDef {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    definition: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Rebuilds each live model in `models`, telling `progress` what it is doing.
pub async fn rebuild(
    conn: &mut AsyncPgConnection,
    models: &[&'static ReadModel],
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Vec<Rebuilt>, diesel::result::Error> {
    progress("waiting for the maintainer's lock".into());
    lock::lock(conn).await?;
    let result = rebuild_locked(conn, models, progress).await;
    if let Err(e) = lock::unlock(conn).await {
        tracing::warn!(error = %e, "could not release the maintainer lock");
    }
    result
}

async fn rebuild_locked(
    conn: &mut AsyncPgConnection,
    models: &[&'static ReadModel],
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Vec<Rebuilt>, diesel::result::Error> {
    let live: Vec<&'static ReadModel> = models.iter().copied().filter(|m| m.is_live()).collect();
    if live.len() == super::catalog::live().count() {
        return rebuild_all(conn, &live, progress).await;
    }
    let mut done = Vec::with_capacity(live.len());
    for model in live {
        progress(format!("{}: applying pending changes", model.name));
        let clock = Instant::now();
        let started_at = chrono::Utc::now();
        let rows = conn
            .build_transaction()
            .repeatable_read()
            .run(async |conn| {
                // Every pending event first, unbounded: the models must be
                // exact at this snapshot before one of them is replaced.
                let applied = maintainer::apply_in_transaction(conn, i64::MAX).await?;
                let rows = build_beside(conn, model, progress).await?;
                progress(format!("{}: swapping in", model.name));
                swap(conn, model).await?;
                maintainer::finish(conn, &applied, Trigger::Manual, started_at, clock.elapsed())
                    .await?;
                record(conn, model, clock.elapsed()).await?;
                Ok::<_, diesel::result::Error>(rows)
            })
            .await?;
        done.push(Rebuilt {
            name: model.name,
            rows,
            duration: clock.elapsed(),
        });
    }
    Ok(done)
}

/// Every live model at once, in one transaction: nothing pending needs
/// applying first, since every model is rebuilt at this snapshot (after a
/// bulk load this is much faster than a million single-key recomputes).
async fn rebuild_all(
    conn: &mut AsyncPgConnection,
    models: &[&'static ReadModel],
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<Vec<Rebuilt>, diesel::result::Error> {
    let clock = Instant::now();
    conn.build_transaction()
        .repeatable_read()
        .run(async |conn| {
            conn.batch_execute(
                "SELECT 1 FROM read_model_state FOR UPDATE; DELETE FROM read_model_queue;",
            )
            .await?;
            let mut done = Vec::with_capacity(models.len());
            for &model in models {
                let model_clock = Instant::now();
                let rows = build_beside(conn, model, progress).await?;
                progress(format!("{}: swapping in", model.name));
                swap(conn, model).await?;
                record(conn, model, model_clock.elapsed()).await?;
                done.push(Rebuilt {
                    name: model.name,
                    rows,
                    duration: model_clock.elapsed(),
                });
            }
            maintainer::finish(
                conn,
                &maintainer::Applied::default(),
                Trigger::Manual,
                chrono::Utc::now(),
                clock.elapsed(),
            )
            .await?;
            Ok(done)
        })
        .await
}

pub(super) async fn record(
    conn: &mut AsyncPgConnection,
    model: &ReadModel,
    duration: Duration,
) -> Result<(), diesel::result::Error> {
    diesel::sql_query(include_str!("sql/record_rebuild.sql"))
        .bind::<Text, _>(model.name)
        .bind::<BigInt, _>(i64::try_from(duration.as_millis()).unwrap_or(i64::MAX))
        .execute(conn)
        .await?;
    Ok(())
}

/// Builds `read.<name>__rebuild` from the definition, with the same indexes.
pub(super) async fn build_beside(
    conn: &mut AsyncPgConnection,
    model: &ReadModel,
    progress: &mut (dyn FnMut(String) + Send),
) -> Result<i64, diesel::result::Error> {
    let name = model.name.as_str();
    progress(format!("{name}: building from its definition"));
    conn.batch_execute(&format!(
        "CREATE TABLE read.{name}__rebuild (LIKE read.{name} INCLUDING DEFAULTS INCLUDING STORAGE);
         INSERT INTO read.{name}__rebuild {definition};",
        definition = model.definition
    ))
    .await?;
    let indexes = indexes_of(conn, name).await?;
    for (i, index) in indexes.iter().enumerate() {
        progress(format!(
            "{name}: index {} of {} ({})",
            i + 1,
            indexes.len(),
            index.name
        ));
        let create = index.definition.replacen(
            &format!("INDEX {} ON read.{name} ", index.name),
            &format!("INDEX {}__rebuild ON read.{name}__rebuild ", index.name),
            1,
        );
        conn.batch_execute(&create).await?;
    }
    conn.batch_execute(&format!("ANALYZE read.{name}__rebuild"))
        .await?;
    let rows: Count = diesel::sql_query(format!("SELECT count(*) AS n FROM read.{name}__rebuild"))
        .get_result(conn)
        .await?;
    Ok(rows.n)
}

/// Renames the new table and its indexes into place, drops the old one and
/// hands the new one to `orderdesk_read_owner` like every relation in `read`
/// (the rebuild runs as the database owner, who alone may create there).
/// Readers wait only for these renames; a reader holding the table longer
/// than `lock_timeout` makes the rebuild fail (and roll back) rather than
/// stall every page behind it.
pub(super) async fn swap(
    conn: &mut AsyncPgConnection,
    model: &ReadModel,
) -> Result<(), diesel::result::Error> {
    let name = model.name.as_str();
    let indexes = indexes_of(conn, name).await?;
    let mut sql = format!(
        "SET LOCAL lock_timeout = '10s';
         DO $$ BEGIN
             EXECUTE format('COMMENT ON TABLE read.{name}__rebuild IS %L',
                            obj_description('read.{name}'::regclass, 'pg_class'));
         END $$;
         ALTER TABLE read.{name} RENAME TO {name}__old;
         ALTER TABLE read.{name}__rebuild RENAME TO {name};"
    );
    for index in &indexes {
        let index = &index.name;
        let _ = write!(
            sql,
            "ALTER INDEX read.{index} RENAME TO {index}__old;
             ALTER INDEX read.{index}__rebuild RENAME TO {index};"
        );
    }
    let _ = write!(
        sql,
        "GRANT SELECT ON read.{name} TO orderdesk_reader;
         DROP TABLE read.{name}__old;
         SELECT orderdesk_read_owner_takes_read();"
    );
    conn.batch_execute(&sql).await
}

async fn indexes_of(
    conn: &mut AsyncPgConnection,
    table: &str,
) -> Result<Vec<IndexDef>, diesel::result::Error> {
    diesel::sql_query(include_str!("sql/indexes.sql"))
        .bind::<Text, _>(table)
        .load(conn)
        .await
}
