//! `orderdesk seed`: fills an empty database with a realistic, deterministic
//! shop (customers, a catalogue with a few best sellers and a long tail,
//! orders over months with a weekly rhythm and growth, their stock movements
//! and events), exactly as the commands would have left it.
//!
//! The plan is generated in memory from one RNG seed ([`plan`]), rendered as
//! COPY text ([`rows`]) and streamed in one transaction ([`load`]).

mod calendar;
mod edits;
mod error;
mod invoices;
mod load;
mod money;
mod names;
mod payments;
mod plan;
mod progress;
mod rows;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use tokio_postgres::NoTls;

pub use error::SeedError;
pub use load::Loaded;
pub use rows::ACTOR;

/// What to seed (also the `orderdesk seed` flags).
#[derive(Debug, Clone, clap::Args)]
pub struct SeedOptions {
    /// Customers to register.
    #[arg(long, default_value_t = 2_000)]
    pub customers: u32,
    /// Products in the catalogue.
    #[arg(long, default_value_t = 300)]
    pub products: u32,
    /// Orders to place.
    #[arg(long, default_value_t = 20_000)]
    pub orders: u32,
    /// Days of order history.
    #[arg(long, default_value_t = 365)]
    pub days: u32,
    /// Seed of the random generator: the same seed gives the same shop.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The history ends at the start of this UTC day (default: today).
    #[arg(long)]
    pub until: Option<NaiveDate>,
    /// Add the shop even though the database already holds data.
    #[arg(long, conflicts_with = "if_empty")]
    pub force: bool,
    /// Do nothing (and succeed) when the database already holds data.
    #[arg(long)]
    pub if_empty: bool,
    /// Hide the progress bar.
    #[arg(long)]
    pub quiet: bool,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self {
            customers: 2_000,
            products: 300,
            orders: 20_000,
            days: 365,
            seed: 1,
            until: None,
            force: false,
            if_empty: false,
            quiet: false,
        }
    }
}

/// What a run did.
#[derive(Debug)]
pub enum Outcome {
    /// The database held data and `--if-empty` was given.
    Skipped,
    Seeded(Summary),
}

/// Rows per table and the time taken.
#[derive(Debug)]
pub struct Summary {
    pub tables: Vec<Loaded>,
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for l in &self.tables {
            writeln!(f, "{:>16} {:>12} rows", l.table.name(), l.rows)?;
        }
        let total: u64 = self.tables.iter().map(|l| l.rows).sum();
        write!(
            f,
            "{:>16} {total:>12} rows in {:.1}s",
            "total",
            self.elapsed.as_secs_f64()
        )
    }
}

/// Seeds the database at `url` (migrations must have been applied).
pub async fn run(url: &str, options: &SeedOptions) -> Result<Outcome, SeedError> {
    let started = Instant::now();
    if options.orders > 0 && (options.customers == 0 || options.products == 0) {
        return Err(SeedError::NothingToOrder);
    }
    if options.days == 0 {
        return Err(SeedError::NoDays);
    }
    let (mut client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .map_err(SeedError::Connect)?;
    let connection = tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::error!(error = %e, "seed connection failed");
        }
    });
    let has_data = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM customers) OR EXISTS (SELECT 1 FROM products) \
                 OR EXISTS (SELECT 1 FROM orders)",
            &[],
        )
        .await
        .map_err(SeedError::at(
            "cannot inspect the database (run `orderdesk migrate` first?)",
        ))?
        .get::<_, bool>(0);
    if has_data && options.if_empty {
        return Ok(Outcome::Skipped);
    }
    if has_data && !options.force {
        return Err(SeedError::HasData);
    }
    let until = options.until.unwrap_or_else(|| Utc::now().date_naive());
    let shape = plan::Shape {
        customers: options.customers,
        products: options.products,
        orders: options.orders,
        days: options.days,
        seed: options.seed,
        end: until.and_time(chrono::NaiveTime::MIN).and_utc().timestamp(),
    };
    let plan = tokio::task::spawn_blocking(move || plan::Plan::generate(shape))
        .await
        .map_err(|source| SeedError::Generate {
            what: "the shop",
            source,
        })?;
    let plan = Arc::new(plan);
    let cx = load::context(&client, options.seed).await?;
    let units: usize = rows::Table::ALL.iter().map(|t| t.units(&plan)).sum();
    let progress = progress::Progress::new(units as u64, !options.quiet);
    let loaded = load::load(&mut client, plan, cx, &progress).await;
    progress.finish();
    drop(client);
    let _ = connection.await;
    Ok(Outcome::Seeded(Summary {
        tables: loaded?,
        elapsed: started.elapsed(),
    }))
}
