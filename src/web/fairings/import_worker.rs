//! Starts the CSV import worker with the server (unless
//! `import_worker_enabled` is off) and stops it with the server's shutdown;
//! wakes it after every form the server answers with a redirect (an upload,
//! "Import"), so a preview or an import starts at once rather than at the
//! next poll.

use std::sync::Arc;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Method;
use rocket::{Orbit, Request, Response, Rocket};

use crate::config::Settings;
use crate::imports::worker::{self, Options, Signal};
use crate::read_models::maintainer::run::Signal as MaintainerSignal;

/// The fairing.
#[derive(Default)]
pub struct ImportWorker {
    signal: Arc<Signal>,
}

#[rocket::async_trait]
impl Fairing for ImportWorker {
    fn info(&self) -> Info {
        Info {
            name: "CSV import worker",
            kind: Kind::Liftoff | Kind::Response,
        }
    }

    async fn on_liftoff(&self, rocket: &Rocket<Orbit>) {
        let Some(settings) = rocket.state::<Settings>() else {
            return;
        };
        if !settings.import_worker_enabled {
            return;
        }
        let maintainer = rocket
            .state::<Arc<MaintainerSignal>>()
            .map_or_else(|| Arc::new(MaintainerSignal::default()), Arc::clone);
        let options = Options {
            url: settings.database_url.clone(),
            currency: settings.currency,
            lock_timeout_ms: settings.lock_timeout_ms,
        };
        tokio::spawn(worker::run(
            Arc::clone(&self.signal),
            maintainer,
            options,
            rocket.shutdown(),
        ));
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        if request.method() == Method::Post && response.status().class().is_redirection() {
            self.signal.wake();
        }
    }
}
