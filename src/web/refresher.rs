//! Starts the read-model refresher with the server (NOTIFY listener and, if
//! configured, the schedule) and stops it with the server's shutdown. The
//! refresher has a small pool of its own: a refresh holds its connection for
//! as long as the refresh takes, and must never starve requests of theirs.

use std::time::Duration;

use rocket::fairing::AdHoc;

use crate::config::Settings;
use crate::db::pools::{PoolOptions, write_pool};
use crate::read_models::{READ_MODELS, listener, schedule};

pub fn fairing() -> AdHoc {
    AdHoc::on_liftoff("read-model refresher", |rocket| {
        Box::pin(async move {
            let Some(settings) = rocket.state::<Settings>() else {
                return;
            };
            let options = PoolOptions {
                max_size: READ_MODELS.len(),
                wait_timeout: Duration::from_secs(30),
            };
            let refresh_pool = match write_pool(&settings.database_url, options) {
                Ok(pool) => pool,
                Err(e) => {
                    tracing::error!(error = %e, "no refresher pool; read models refresh only by cron");
                    return;
                }
            };
            if settings.refresher_enabled {
                tokio::spawn(listener::run(
                    settings.database_url.clone(),
                    refresh_pool.clone(),
                    Duration::from_millis(settings.refresh_debounce_ms),
                    rocket.shutdown(),
                ));
            }
            if settings.refresh_interval_secs > 0 {
                tokio::spawn(schedule::run(
                    refresh_pool,
                    Duration::from_secs(settings.refresh_interval_secs),
                    rocket.shutdown(),
                ));
            }
        })
    })
}
