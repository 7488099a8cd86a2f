//! The `orderdesk` command: serve the web app, migrate, set up the database
//! roles, refresh and verify the read models, seed a demo shop, and manage
//! staff accounts. The work is done in the library (`orderdesk::cli`,
//! `orderdesk::seed`, …), whose errors are typed; here, at the edge, any of
//! them is printed with its whole chain of causes.

use std::error::Error;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use orderdesk::config::Settings;
use orderdesk::db::migrations;

/// mimalloc instead of glibc's malloc: a page's allocations (request, rows,
/// rendered HTML) are many and short-lived, spread over the runtime's worker
/// threads; `script/bench --pages` measured the difference (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "orderdesk", version, about = "OrderDesk: a shop's back office")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app (refuses to start unless every migration is applied).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Bring read models up to date (for cron): by default apply every pending
    /// change to the live models; exit 1 if anything failed.
    Refresh {
        /// Limit to this read model (repeatable).
        #[arg(long = "view", value_name = "NAME")]
        views: Vec<String>,
        /// Refresh the report views (monthly sales, cohorts…) whole (nightly).
        #[arg(long, conflicts_with = "rebuild")]
        reports: bool,
        /// Rebuild live models from their definitions without blocking readers.
        #[arg(long)]
        rebuild: bool,
    },
    /// Compare every live model with its definition, exactly, and the stock
    /// ledger with the inventory; exit 1 on any difference.
    Verify {
        /// Limit to this live model (repeatable).
        #[arg(long = "view", value_name = "NAME")]
        views: Vec<String>,
        /// Replace exactly the differing rows with the definition's.
        #[arg(long)]
        repair: bool,
    },
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// If there are no staff accounts, create `admin` with a random password
    /// and print it once.
    EnsureAdmin,
    /// Create the database roles (owner, app, reader, read owner) and the
    /// database, owned by the owner role, if missing. Run as a superuser:
    /// --admin-url, else ADMIN_DATABASE_URL, else postgres@ on DATABASE_URL's server.
    SetupRoles {
        #[arg(long)]
        admin_url: Option<String>,
        /// Only the roles; do not create the database.
        #[arg(long)]
        roles_only: bool,
    },
    /// Fill an empty database with a realistic, deterministic demo shop.
    Seed(orderdesk::seed::SeedOptions),
    /// CSV imports (the server's import worker does this by itself).
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Finish every pending preview and queued import (after a crash, or
    /// with the server down), chunk by chunk from where each stopped.
    Resume,
    /// Delete the jobs that expired (a day after their upload).
    Prune,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from the terminal or stdin.
    Add {
        #[arg(long)]
        username: String,
        /// admin, clerk or viewer
        #[arg(long)]
        role: String,
    },
    /// Set a new password (read from the terminal or stdin); ends the user's sessions.
    Passwd {
        #[arg(long)]
        username: String,
    },
    /// List every account.
    List,
}

/// Any failure, typed where it was raised.
type Failure = Box<dyn Error + Send + Sync>;

/// What was being done when `source` happened.
#[derive(Debug, thiserror::Error)]
#[error("{what}")]
struct Context {
    what: &'static str,
    #[source]
    source: Failure,
}

fn context<E: Into<Failure>>(what: &'static str) -> impl FnOnce(E) -> Context {
    move |e| Context {
        what,
        source: e.into(),
    }
}

#[rocket::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("orderdesk: {}", chain(&*e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes, outermost first: `invalid configuration: …`.
fn chain(error: &(dyn Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

async fn run(command: Command) -> Result<(), Failure> {
    let figment = Settings::figment();
    let settings = Settings::from_figment(&figment)?;
    orderdesk::observability::init_tracing(settings.log_format);
    match command {
        Command::Migrate => {
            if orderdesk::db::admin::create_database_if_missing(&settings.database_url).await? {
                println!(
                    "created database {}",
                    orderdesk::db::admin::database_name(&settings.database_url)?
                );
            }
            let n = migrations::run_pending(&settings.database_url)
                .await
                .map_err(context("migrations failed"))?;
            println!("applied {n} migration(s); {} in total", migrations::count());
            orderdesk::cli::apply_time_zone(&settings.database_url, settings.time_zone.name())
                .await?;
            Ok(())
        }
        Command::Refresh {
            views,
            reports,
            rebuild,
        } => {
            let request = orderdesk::cli::RefreshRequest {
                views,
                reports,
                rebuild,
                progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            };
            Ok(orderdesk::cli::refresh(&settings.database_url, &request).await?)
        }
        Command::Verify { views, repair } => {
            Ok(orderdesk::cli::verify(&settings.database_url, &views, repair).await?)
        }
        Command::User(command) => Ok(user(command, &settings.database_url).await?),
        Command::EnsureAdmin => {
            match orderdesk::cli::ensure_admin(&settings.database_url).await? {
                Some(password) => println!(
                    "created user admin with password {password}\n\
                     (shown only this once; change it with `orderdesk user passwd --username admin`)"
                ),
                None => println!("staff accounts exist; nothing to do"),
            }
            Ok(())
        }
        Command::SetupRoles {
            admin_url,
            roles_only,
        } => {
            let admin = match admin_url {
                Some(url) => url,
                None => orderdesk::db::roles::default_admin_url(&settings.database_url)?,
            };
            let database = (!roles_only).then_some(settings.database_url.as_str());
            orderdesk::db::roles::setup(&admin, database).await?;
            println!(
                "roles {}, {}, {}, {} ready",
                orderdesk::db::roles::OWNER,
                orderdesk::db::roles::APP,
                orderdesk::db::roles::READ_OWNER,
                orderdesk::db::roles::READER,
            );
            Ok(())
        }
        Command::Seed(options) => seed(&settings.database_url, &options).await,
        Command::Import(ImportCommand::Resume) => {
            let lines =
                orderdesk::cli::resume_imports(&settings.database_url, settings.currency).await?;
            for line in lines {
                println!("{line}");
            }
            Ok(())
        }
        Command::Import(ImportCommand::Prune) => {
            let n = orderdesk::cli::prune_imports(&settings.database_url).await?;
            println!("{n} expired import(s) deleted");
            Ok(())
        }
        Command::Serve => {
            // The server runs as the application role, which may not change
            // the schema: migrating is `orderdesk migrate`'s job, as the owner.
            // It refuses a role that could (a superuser, the owner, the read
            // models' owner): its URL must be orderdesk_app's.
            orderdesk::db::roles::ensure_unprivileged(&settings.database_url).await?;
            migrations::ensure_current(&settings.database_url).await?;
            orderdesk::cli::check_time_zone(&settings.database_url, settings.time_zone.name())
                .await?;
            orderdesk::read_models::schedule::fill_at_start(&settings.database_url).await;
            let rocket = orderdesk::build_rocket(figment)?;
            rocket
                .launch()
                .await
                .map(|_| ())
                .map_err(|e| context("server failed")(e).into())
        }
    }
}

async fn user(command: UserCommand, url: &str) -> Result<(), orderdesk::cli::CliError> {
    use orderdesk::cli;
    match command {
        UserCommand::Add { username, role } => {
            let password = cli::read_password("Password for the new account: ")?;
            let id = cli::add_user(url, &username, &role, &password).await?;
            println!("created user {} (id {id})", username.trim().to_lowercase());
        }
        UserCommand::Passwd { username } => {
            let password = cli::read_password("New password: ")?;
            cli::set_password(url, &username, &password).await?;
            println!("password changed; every session of {username} has ended");
        }
        UserCommand::List => {
            for line in cli::list_users(url).await? {
                println!("{line}");
            }
        }
    }
    Ok(())
}

async fn seed(url: &str, options: &orderdesk::seed::SeedOptions) -> Result<(), Failure> {
    match orderdesk::seed::run(url, options).await? {
        orderdesk::seed::Outcome::Skipped => {
            println!("the database already holds data; not seeding");
        }
        orderdesk::seed::Outcome::Seeded(summary) => {
            println!("seeded:\n{summary}");
            // A bulk load is faster to rebuild than to apply change by change.
            orderdesk::cli::rebuild_all(url, !options.quiet).await?;
            // `migrate` filled the report views before these orders existed.
            let reports = orderdesk::cli::RefreshRequest {
                views: Vec::new(),
                reports: true,
                rebuild: false,
                progress: false,
            };
            orderdesk::cli::refresh(url, &reports).await?;
        }
    }
    Ok(())
}
