//! Starts the database probe ([`crate::db::health::watch`]) with the server
//! and stops it at shutdown.

use std::sync::Arc;
use std::time::Duration;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::{Orbit, Rocket};

use crate::config::Settings;
use crate::db::Pools;
use crate::db::health::{self, DbHealth};

pub struct DbWatch;

#[rocket::async_trait]
impl Fairing for DbWatch {
    fn info(&self) -> Info {
        Info {
            name: "database probe",
            kind: Kind::Liftoff,
        }
    }

    async fn on_liftoff(&self, rocket: &Rocket<Orbit>) {
        let (Some(settings), Some(pools), Some(health)) = (
            rocket.state::<Settings>(),
            rocket.state::<Pools>(),
            rocket.state::<Arc<DbHealth>>(),
        ) else {
            return;
        };
        let every = Duration::from_millis(settings.db_probe_ms.max(50));
        let shutdown = rocket.shutdown();
        tokio::spawn(health::watch(
            pools.clone(),
            Arc::clone(health),
            every,
            async move {
                shutdown.await;
            },
        ));
    }
}
