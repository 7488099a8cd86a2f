//! The apply: "Import" queues a previewed job with no refused row; the
//! worker then applies its create and update rows as previewed, in chunks of
//! at most [`CHUNK`] rows, each chunk one transaction: every change through
//! the commands, with its event, so the read models follow; the rows'
//! results and the job's progress written in the same transaction. A crash
//! loses at most the chunk in flight, which the next run applies again from
//! the last committed row.
//!
//! Customers and products rows go set-based (`commands::import_customers`,
//! `commands::import_products`: the chunk's records locked and checked up
//! front, then one statement per step for the whole chunk), the bulk of a
//! large import; the rows they decline, and every stock counts row, go one
//! at a time through their one-row command in a savepoint, so a refused row
//! is recorded and the others go on.
//!
//! A row whose record moved since the preview (its version; a stock count:
//! the units on hand; a create: the SKU or email now taken) is refused at
//! apply time and reported, never applied over a change nobody saw. Unchanged
//! rows are never touched, so the same file imported twice changes nothing
//! the second time.
//!
//! Jobs apply one at a time, oldest "Import" first: each chunk locks the
//! oldest applying job's row (`FOR UPDATE NOWAIT`), so a second worker (another
//! server, `orderdesk import resume`) waits its turn instead of interleaving
//! two files' chunks; a later job's rows that the earlier one changed are
//! refused at apply, by version, and reported.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Array, BigInt, Int4, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::{CHUNK, ImportError, address, request_id};
use crate::commands::add_address::{AddAddress, add_address};
use crate::commands::count_stock::{CountStock, count_stock};
use crate::commands::create_product::{CreateProduct, ProductDetails, create_product};
use crate::commands::edit_address::{EditAddress, edit_address};
use crate::commands::import_customers::{BookChange, CustomerRow, Target, import_customers};
use crate::commands::import_products::{ProductRow, ProductTarget, import_products};
use crate::commands::register_customer::{CustomerDetails, register_customer};
use crate::commands::update_customer::{UpdateCustomer, update_customer};
use crate::commands::update_product::{UpdateProduct, update_product};
use crate::commands::{CommandContext, CommandError, Conflict};
use crate::db::prepared::Prepare;
use crate::db::schema::{customer_addresses, customers, import_jobs, import_rows};
use crate::domain::{
    Actor, AddressId, CustomerId, Email, ImportKind, ImportState, Money, Name, Phone, ProductId,
    RowOutcome, Sku, StockLevel, TaxRateId,
};

/// What pressing "Import" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Started {
    /// Queued now.
    Queued,
    /// Already queued or done (a second press): nothing more.
    AlreadyStarted,
    /// Not importable: refused rows, still being checked, or expired.
    NotImportable,
    NotFound,
}

/// Queues a previewed job without refused rows (one guarded UPDATE, so two
/// presses queue it once).
pub async fn start(conn: &mut AsyncPgConnection, job_id: i64) -> Result<Started, ImportError> {
    let queued = diesel::update(
        import_jobs::table
            .find(job_id)
            .filter(import_jobs::state.eq(ImportState::Previewed))
            .filter(import_jobs::refused.eq(0))
            .filter(import_jobs::expires_at.gt(diesel::dsl::now)),
    )
    .set((
        import_jobs::state.eq(ImportState::Applying),
        import_jobs::queued_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await?;
    if queued == 1 {
        return Ok(Started::Queued);
    }
    let state: Option<ImportState> = import_jobs::table
        .find(job_id)
        .select(import_jobs::state)
        .first(conn)
        .await
        .optional()?;
    Ok(match state {
        None => Started::NotFound,
        Some(ImportState::Applying | ImportState::Done) => Started::AlreadyStarted,
        Some(_) => Started::NotImportable,
    })
}

/// What one call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// A chunk of `job_id` committed: rows applied and refused.
    Chunk {
        job_id: i64,
        applied: usize,
        refused: usize,
    },
    /// `job_id` is done.
    Done { job_id: i64 },
    /// Another worker holds the oldest applying job.
    Busy,
}

/// A staged row as the apply loads it: seq, fields, outcome, target and its version.
type StagedColumns = (i32, Value, RowOutcome, Option<i64>, Option<i32>);

/// The job the apply works on: id, kind, owner (id, name), the last row
/// applied, the rows in the file (the last row's seq).
type ApplyingJob = (i64, ImportKind, Option<i64>, String, i32, i32);

/// The create and update rows of the next chunk after row `through`, and
/// the last row they cover (unchanged rows included). Rows are read by
/// windows of [`CHUNK`] seqs along the primary key, so each read costs one
/// window whatever the file's size: asking for "the first 1,000 create or
/// update rows after `through`" let the planner (the staging table's
/// statistics lag far behind a fresh upload) fetch and sort every remaining
/// row for each chunk, quadratic in the file's length. Windows holding only
/// unchanged rows are passed over in the same transaction.
async fn next_rows(
    conn: &mut AsyncPgConnection,
    job_id: i64,
    through: i32,
    total: i32,
) -> Result<(Vec<StagedColumns>, i32), ImportError> {
    let window = i32::try_from(CHUNK).unwrap_or(i32::MAX);
    let mut from = through;
    while from < total {
        let to = from.saturating_add(window).min(total);
        let rows: Vec<StagedColumns> = import_rows::table
            .filter(import_rows::job_id.eq(job_id))
            .filter(import_rows::seq.gt(from))
            .filter(import_rows::seq.le(to))
            .filter(import_rows::outcome.eq_any([RowOutcome::Create, RowOutcome::Update]))
            .order(import_rows::seq)
            .select((
                import_rows::seq,
                import_rows::fields,
                import_rows::outcome.assume_not_null(),
                import_rows::target_id,
                import_rows::target_version,
            ))
            .load(conn)
            .await?;
        if !rows.is_empty() {
            return Ok((rows, to));
        }
        from = to;
    }
    Ok((Vec::new(), from))
}

/// The oldest applying job's next chunk; `None` when no job is applying.
pub async fn apply_next(conn: &mut AsyncPgConnection) -> Result<Option<Applied>, ImportError> {
    let result = conn
        .transaction(async move |conn| {
            let job: Option<ApplyingJob> = import_jobs::table
                .filter(import_jobs::state.eq(ImportState::Applying))
                .order((import_jobs::queued_at, import_jobs::id))
                .select((
                    import_jobs::id,
                    import_jobs::kind,
                    import_jobs::owner_user_id,
                    import_jobs::owner,
                    import_jobs::applied_through,
                    import_jobs::rows_total,
                ))
                .for_update()
                .no_wait()
                .first(conn)
                .await
                .optional()?;
            let Some((job_id, kind, owner_id, owner, through, total)) = job else {
                return Ok(None);
            };
            let (rows, last) = next_rows(conn, job_id, through, total).await?;
            if rows.is_empty() {
                finish(conn, job_id).await?;
                return Ok(Some(Applied::Done { job_id }));
            }
            let ctx = CommandContext {
                actor: Actor {
                    user_id: owner_id,
                    name: owner,
                },
                request_id: Some(request_id(job_id)),
                issuer: crate::domain::Issuer::default(),
            };
            let staged: Vec<Staged> = rows
                .into_iter()
                .map(|(seq, fields, outcome, target_id, target_version)| Staged {
                    job_id,
                    seq,
                    fields,
                    outcome,
                    target_id,
                    target_version,
                })
                .collect();
            let results = match kind {
                ImportKind::Customers => apply_customers(conn, job_id, &staged, &ctx).await?,
                ImportKind::Products => apply_products(conn, job_id, &staged, &ctx).await?,
                ImportKind::StockCounts => {
                    one_by_one(conn, job_id, kind, &staged.iter().collect::<Vec<_>>(), &ctx).await?
                }
            };
            record(conn, job_id, &results).await?;
            let refused = results.iter().filter(|(_, r)| r.is_some()).count();
            let applied = results.len() - refused;
            diesel::update(import_jobs::table.find(job_id))
                .set((
                    import_jobs::applied_through.eq(last),
                    import_jobs::rows_applied
                        .eq(import_jobs::rows_applied + i32::try_from(applied).unwrap_or(0)),
                    import_jobs::apply_refused
                        .eq(import_jobs::apply_refused + i32::try_from(refused).unwrap_or(0)),
                    import_jobs::last_error.eq(None::<String>),
                ))
                .execute(conn)
                .await?;
            Ok(Some(Applied::Chunk {
                job_id,
                applied,
                refused,
            }))
        })
        .await;
    match result {
        Err(ImportError::Database(DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            info,
        ))) if info.message().contains("could not obtain lock") => Ok(Some(Applied::Busy)),
        other => other,
    }
}

/// Applies rows through their one-row commands, each in a savepoint: a
/// refused row is recorded with the reason and the others go on.
async fn one_by_one(
    conn: &mut AsyncPgConnection,
    job_id: i64,
    kind: ImportKind,
    rows: &[&Staged],
    ctx: &CommandContext,
) -> Result<Vec<(i32, Option<String>)>, ImportError> {
    let mut results = Vec::with_capacity(rows.len());
    for staged in rows {
        let refusal = match apply_row(conn, kind, staged, ctx).await {
            Ok(()) => None,
            Err(CommandError::Database(e)) => return Err(ImportError::Database(e)),
            Err(e @ CommandError::Invariant(_)) => {
                return Err(ImportError::Command { job_id, source: e });
            }
            Err(refused) => Some(apply_refusal(kind, &refused)),
        };
        results.push((staged.seq, refusal));
    }
    Ok(results)
}

/// A chunk of customer rows, set-based (`import_customers`); the rows it
/// declines (their record moved since the preview) go through the one-row
/// commands, which refuse them with the reason.
async fn apply_customers(
    conn: &mut AsyncPgConnection,
    job_id: i64,
    rows: &[Staged],
    ctx: &CommandContext,
) -> Result<Vec<(i32, Option<String>)>, ImportError> {
    let command_error = |source| ImportError::Command { job_id, source };
    let typed = rows
        .iter()
        .map(customer_row)
        .collect::<Result<Vec<_>, _>>()
        .map_err(command_error)?;
    let applied = match import_customers(conn, &typed, ctx).await {
        Ok(applied) => applied,
        Err(CommandError::Database(e)) => return Err(ImportError::Database(e)),
        Err(e) => return Err(command_error(e)),
    };
    declined_one_by_one(conn, job_id, ImportKind::Customers, rows, &applied, ctx).await
}

/// A chunk of products rows, set-based (`import_products`); the rows it
/// declines go through the one-row commands, as customers rows do.
async fn apply_products(
    conn: &mut AsyncPgConnection,
    job_id: i64,
    rows: &[Staged],
    ctx: &CommandContext,
) -> Result<Vec<(i32, Option<String>)>, ImportError> {
    let command_error = |source| ImportError::Command { job_id, source };
    let typed = rows
        .iter()
        .map(product_row)
        .collect::<Result<Vec<_>, _>>()
        .map_err(command_error)?;
    let applied = match import_products(conn, &typed, ctx).await {
        Ok(applied) => applied,
        Err(CommandError::Database(e)) => return Err(ImportError::Database(e)),
        Err(e) => return Err(command_error(e)),
    };
    declined_one_by_one(conn, job_id, ImportKind::Products, rows, &applied, ctx).await
}

/// The rows a set-based command declined (`applied[i]` false) through their
/// one-row commands; every row's result, in order.
async fn declined_one_by_one(
    conn: &mut AsyncPgConnection,
    job_id: i64,
    kind: ImportKind,
    rows: &[Staged],
    applied: &[bool],
    ctx: &CommandContext,
) -> Result<Vec<(i32, Option<String>)>, ImportError> {
    let declined: Vec<&Staged> = rows
        .iter()
        .zip(applied)
        .filter(|(_, done)| !**done)
        .map(|(row, _)| row)
        .collect();
    let mut refusals: HashMap<i32, Option<String>> = one_by_one(conn, job_id, kind, &declined, ctx)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .iter()
        .map(|r| (r.seq, refusals.remove(&r.seq).flatten()))
        .collect())
}

/// Every row is through: the job is done.
async fn finish(conn: &mut AsyncPgConnection, job_id: i64) -> Result<(), ImportError> {
    diesel::update(import_jobs::table.find(job_id))
        .set((
            import_jobs::state.eq(ImportState::Done),
            import_jobs::finished_at.eq(diesel::dsl::now),
            import_jobs::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// A staged row as the apply reads it.
struct Staged {
    job_id: i64,
    seq: i32,
    fields: Value,
    outcome: RowOutcome,
    target_id: Option<i64>,
    target_version: Option<i32>,
}

impl Staged {
    fn text(&self, name: &str) -> Result<&str, CommandError> {
        self.fields
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| self.corrupt(name))
    }

    fn int(&self, name: &str) -> Result<i64, CommandError> {
        self.fields
            .get(name)
            .and_then(Value::as_i64)
            .ok_or_else(|| self.corrupt(name))
    }

    fn target(&self) -> Result<(i64, i32), CommandError> {
        self.target_id
            .zip(self.target_version)
            .ok_or_else(|| self.corrupt("target"))
    }

    fn corrupt(&self, what: &str) -> CommandError {
        CommandError::Invariant(format!(
            "import {} row {}: staged {what} missing or unreadable",
            self.job_id, self.seq
        ))
    }
}

/// Reads a staged value back through its domain type (it parsed once already).
fn parsed<T>(staged: &Staged, parse: Result<T, String>) -> Result<T, CommandError> {
    parse.map_err(|e| {
        CommandError::Invariant(format!("import {} row {}: {e}", staged.job_id, staged.seq))
    })
}

async fn apply_row(
    conn: &mut AsyncPgConnection,
    kind: ImportKind,
    row: &Staged,
    ctx: &CommandContext,
) -> Result<(), CommandError> {
    match kind {
        ImportKind::Products => {
            let ProductRow { target, details } = product_row(row)?;
            match target {
                ProductTarget::Create(sku) => {
                    create_product(conn, CreateProduct { sku, details }, ctx).await?;
                }
                ProductTarget::Update {
                    product_id,
                    expected_version,
                } => {
                    let input = UpdateProduct {
                        product_id,
                        expected_version,
                        details,
                    };
                    update_product(conn, input, ctx).await?;
                }
            }
        }
        ImportKind::StockCounts => {
            let (id, on_hand) = row.target()?;
            let input = CountStock {
                product_id: ProductId(id),
                counted: parsed(row, StockLevel::new(row.int("counted")?))?,
                expected_on_hand: on_hand,
            };
            count_stock(conn, input, ctx).await?;
        }
        ImportKind::Customers => apply_customer(conn, row, ctx).await?,
    }
    Ok(())
}

/// A products row as the commands take it: which product (new by SKU, or
/// the one previewed at its version) and every value it will hold.
fn product_row(row: &Staged) -> Result<ProductRow, CommandError> {
    let details = ProductDetails {
        name: parsed(row, Name::parse(row.text("name")?))?,
        description: row.text("description")?.to_owned(),
        price: parsed(row, Money::from_minor(row.int("price_cents")?))?,
        active: row
            .fields
            .get("active")
            .and_then(Value::as_bool)
            .ok_or_else(|| row.corrupt("active"))?,
        low_stock_threshold: parsed(row, StockLevel::new(row.int("low_stock_threshold")?))?,
        tax_rate: Some(TaxRateId(row.int("tax_rate_id")?)),
    };
    let target = if row.outcome == RowOutcome::Create {
        ProductTarget::Create(parsed(row, Sku::parse(row.text("sku")?))?)
    } else {
        let (id, version) = row.target()?;
        ProductTarget::Update {
            product_id: ProductId(id),
            expected_version: version,
        }
    };
    Ok(ProductRow { target, details })
}

/// A customers row as the commands take it: the customer's details, which
/// customer (new, or the one previewed at its version), and the address and
/// what the preview planned for it (none when the book holds it already).
fn customer_row(row: &Staged) -> Result<CustomerRow, CommandError> {
    let phone = match row.fields.get("phone") {
        Some(Value::String(p)) => parsed(row, Phone::parse_optional(p))?,
        _ => None,
    };
    let details = CustomerDetails {
        email: parsed(row, Email::parse(row.text("email")?))?,
        name: parsed(row, Name::parse(row.text("name")?))?,
        phone,
    };
    let fields = row
        .fields
        .as_object()
        .ok_or_else(|| row.corrupt("fields"))?;
    let book_entry = address::Labelled::from_fields(fields)
        .map(|a| parsed(row, a.parse()))
        .transpose()?;
    let (target, plan) = if row.outcome == RowOutcome::Create {
        (Target::Create, Some(address::Plan::Add { seen: 0 }))
    } else {
        let (id, version) = row.target()?;
        // Rows staged before addresses were imported lack the flag.
        let changed = fields
            .get(address::DETAILS_CHANGED)
            .and_then(Value::as_bool);
        let plan = match fields.get(address::PLAN) {
            Some(p) => {
                Some(serde_json::from_value(p.clone()).map_err(|_| row.corrupt(address::PLAN))?)
            }
            None => None,
        };
        let target = Target::Update {
            customer_id: CustomerId(id),
            expected_version: version,
            details_changed: changed.unwrap_or(true),
        };
        (target, plan)
    };
    let change = match plan {
        None | Some(address::Plan::Unchanged) => None,
        Some(address::Plan::Add { seen }) => Some(BookChange::Add { seen }),
        Some(address::Plan::Edit { id, version }) => Some(BookChange::Edit {
            address_id: AddressId(id),
            expected_version: version,
        }),
    };
    let address = book_entry
        .zip(change)
        .map(|((label, address), change)| (label, address, change));
    Ok(CustomerRow {
        details,
        target,
        address,
    })
}

/// A customers row through the one-row commands: the customer created or
/// updated (only when its name or phone changes), and its address added or
/// edited as the preview planned, all in one savepoint.
async fn apply_customer(
    conn: &mut AsyncPgConnection,
    row: &Staged,
    ctx: &CommandContext,
) -> Result<(), CommandError> {
    let CustomerRow {
        details,
        target,
        address,
    } = customer_row(row)?;
    conn.transaction(async move |conn| {
        let customer_id = match target {
            Target::Create => CustomerId(register_customer(conn, details, ctx).await?.id),
            Target::Update {
                customer_id,
                expected_version,
                details_changed,
            } => {
                if details_changed {
                    let input = UpdateCustomer {
                        customer_id,
                        expected_version,
                        details,
                    };
                    update_customer(conn, input, ctx).await?;
                }
                customer_id
            }
        };
        let Some((label, address, change)) = address else {
            return Ok(());
        };
        match change {
            BookChange::Add { seen } => {
                if target != Target::Create {
                    book_unchanged_since(conn, customer_id, seen).await?;
                }
                let input = AddAddress {
                    customer_id,
                    label,
                    address,
                    default_shipping: false,
                    default_billing: false,
                };
                add_address(conn, input, ctx).await?;
            }
            BookChange::Edit {
                address_id,
                expected_version,
            } => {
                let input = EditAddress {
                    customer_id,
                    address_id,
                    expected_version,
                    label,
                    address,
                };
                edit_address(conn, input, ctx).await?;
            }
        }
        Ok(())
    })
    .await
}

/// Refuses adding an address when the customer's book gained one since the
/// preview (its highest id then was `seen`): the row was previewed against
/// a book that is no longer there. The customer's row is locked first, as
/// the address commands lock it, so no address slips in between.
async fn book_unchanged_since(
    conn: &mut AsyncPgConnection,
    customer_id: CustomerId,
    seen: i64,
) -> Result<(), CommandError> {
    let found: Option<i64> = customers::table
        .find(customer_id)
        .select(customers::id)
        .for_no_key_update()
        .first(conn)
        .await
        .optional()?;
    if found.is_none() {
        return Err(CommandError::NotFound {
            what: "customer",
            id: customer_id.get(),
        });
    }
    let newer: i64 = customer_addresses::table
        .filter(customer_addresses::customer_id.eq(customer_id))
        .filter(customer_addresses::id.gt(seen))
        .count()
        .get_result(conn)
        .await?;
    if newer > 0 {
        return Err(CommandError::Conflict(Conflict {
            message: "an address was added to the customer's book".into(),
            changes: Vec::new(),
            current_version: None,
        }));
    }
    Ok(())
}

/// Why a row was refused at apply time, for the report.
fn apply_refusal(kind: ImportKind, e: &CommandError) -> String {
    let what = match kind {
        ImportKind::Products | ImportKind::StockCounts => "product",
        ImportKind::Customers => "customer",
    };
    match e {
        CommandError::Conflict(c) => format!(
            "the {what} changed after the preview ({}); upload the file again to preview \
             the current values",
            c.message
        ),
        CommandError::NotFound { what, .. } => format!("the {what} no longer exists"),
        CommandError::Invalid(errors) => {
            let text = errors.to_string();
            if text.contains("already") {
                format!("a {what} with this key was created after the preview")
            } else {
                text
            }
        }
        other => other.to_string(),
    }
}

async fn record(
    conn: &mut AsyncPgConnection,
    job_id: i64,
    results: &[(i32, Option<String>)],
) -> Result<(), ImportError> {
    diesel::sql_query(include_str!("sql/record_apply.sql"))
        .bind::<BigInt, _>(job_id)
        .bind::<Array<Int4>, _>(results.iter().map(|r| r.0).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(
            results
                .iter()
                .map(|r| if r.1.is_some() { "refused" } else { "applied" })
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Text>>, _>(results.iter().map(|r| r.1.clone()).collect::<Vec<_>>())
        .prepared()
        .execute(conn)
        .await?;
    Ok(())
}
