//! Starts the read-model refresher with the server (NOTIFY listener and, if
//! configured, the schedule) and stops it with the server's shutdown.

use std::time::Duration;

use rocket::fairing::AdHoc;

use crate::config::Settings;
use crate::db::Pools;
use crate::read_models::{listener, schedule};

pub fn fairing() -> AdHoc {
    AdHoc::on_liftoff("read-model refresher", |rocket| {
        Box::pin(async move {
            let (Some(settings), Some(pools)) =
                (rocket.state::<Settings>(), rocket.state::<Pools>())
            else {
                return;
            };
            if settings.refresher_enabled {
                tokio::spawn(listener::run(
                    settings.database_url.clone(),
                    pools.write.clone(),
                    Duration::from_millis(settings.refresh_debounce_ms),
                    rocket.shutdown(),
                ));
            }
            if settings.refresh_interval_secs > 0 {
                tokio::spawn(schedule::run(
                    pools.write.clone(),
                    Duration::from_secs(settings.refresh_interval_secs),
                    rocket.shutdown(),
                ));
            }
        })
    })
}
