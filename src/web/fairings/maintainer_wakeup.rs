//! Starts the read-model maintainer with the server and stops it with the
//! server's shutdown; starts the nightly report refresh; and wakes the
//! maintainer after every command the server commits (a `POST` answered with
//! a redirect), so the user's own change is applied at once, without waiting
//! for the poll.

use std::sync::Arc;
use std::time::Duration;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Method;
use rocket::{Orbit, Request, Response, Rocket};

use crate::config::Settings;
use crate::read_models::maintainer::run::{self, Options, Signal};
use crate::read_models::schedule;

/// The fairing; puts the maintainer's [`Signal`] in Rocket's state.
pub struct Maintainer {
    signal: Arc<Signal>,
}

impl Maintainer {
    pub fn new() -> Self {
        Self {
            signal: Arc::new(Signal::default()),
        }
    }

    pub fn signal(&self) -> Arc<Signal> {
        Arc::clone(&self.signal)
    }
}

#[rocket::async_trait]
impl Fairing for Maintainer {
    fn info(&self) -> Info {
        Info {
            name: "read-model maintainer",
            kind: Kind::Liftoff | Kind::Response,
        }
    }

    async fn on_liftoff(&self, rocket: &Rocket<Orbit>) {
        let Some(settings) = rocket.state::<Settings>() else {
            return;
        };
        if settings.maintainer_enabled {
            let options = Options {
                url: settings.database_url.clone(),
                poll: Duration::from_millis(settings.maintainer_poll_ms.max(10)),
                max_keys: i64::try_from(settings.maintainer_batch_keys.max(1)).unwrap_or(i64::MAX),
            };
            tokio::spawn(run::run(self.signal(), options, rocket.shutdown()));
        }
        if let Some(hour) = settings.reports_hour() {
            tokio::spawn(schedule::run(
                settings.database_url.clone(),
                hour,
                rocket.shutdown(),
            ));
        }
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        if request.method() == Method::Post && response.status().class().is_redirection() {
            self.signal.wake();
        }
    }
}
