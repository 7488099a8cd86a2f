//! The `orderdesk` command: serve the web app, run migrations, and (as the
//! read side and operations arrive) refresh, verify, seed and manage users.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use orderdesk::config::Settings;
use orderdesk::db::migrations;

#[derive(Parser)]
#[command(name = "orderdesk", version, about = "OrderDesk: a shop's back office")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve the web app.
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Fill an empty database with a realistic, deterministic demo shop.
    Seed(orderdesk::seed::SeedOptions),
}

#[rocket::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("orderdesk: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), String> {
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
                .map_err(|e| format!("migrations failed: {e}"))?;
            println!("applied {n} migration(s); {} in total", migrations::count());
            Ok(())
        }
        Command::Seed(options) => seed(&settings.database_url, &options).await,
        Command::Serve => {
            migrations::run_pending(&settings.database_url)
                .await
                .map_err(|e| format!("migrations failed: {e}"))?;
            let rocket = orderdesk::build_rocket(figment)?;
            rocket
                .launch()
                .await
                .map(|_| ())
                .map_err(|e| format!("server failed: {e}"))
        }
    }
}

async fn seed(url: &str, options: &orderdesk::seed::SeedOptions) -> Result<(), String> {
    match orderdesk::seed::run(url, options).await? {
        orderdesk::seed::Outcome::Skipped => {
            println!("the database already holds data; not seeding");
        }
        orderdesk::seed::Outcome::Seeded(summary) => println!("seeded:\n{summary}"),
    }
    Ok(())
}
