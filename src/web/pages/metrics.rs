//! `GET /metrics`: the Prometheus exposition, behind a bearer token
//! (`metrics_token`). Without a configured token the endpoint does not exist (404).

use rocket::http::{ContentType, Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::{Responder, State, get, routes};

use crate::config::Settings;
use crate::db::Pools;
use crate::observability;

pub fn routes() -> Vec<rocket::Route> {
    routes![metrics]
}

/// A request that carries the configured metrics token.
struct Scraper;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Scraper {
    type Error = &'static str;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let expected = req
            .rocket()
            .state::<Settings>()
            .and_then(|s| s.metrics_token.as_deref())
            .filter(|t| !t.is_empty());
        let Some(expected) = expected else {
            return Outcome::Error((Status::NotFound, "metrics are disabled"));
        };
        let given = req
            .headers()
            .get_one("Authorization")
            .and_then(|h| h.strip_prefix("Bearer "));
        match given {
            Some(given) if crate::security::constant_time_eq(given, expected) => {
                Outcome::Success(Scraper)
            }
            Some(_) => Outcome::Error((Status::Forbidden, "wrong metrics token")),
            None => Outcome::Error((Status::Unauthorized, "metrics token required")),
        }
    }
}

#[derive(Responder)]
enum MetricsResponse {
    Exposition(String, ContentType),
    #[response(status = 401)]
    Unauthorized(&'static str, Header<'static>),
    Refused(Status),
}

/// 200 with the exposition; 401 without a token, 403 with a wrong one, 404
/// when no token is configured.
#[get("/metrics")]
async fn metrics(scraper: Outcome<Scraper, &'static str>, pools: &State<Pools>) -> MetricsResponse {
    match scraper {
        Outcome::Success(Scraper) => {
            record_pending(pools).await;
            MetricsResponse::Exposition(
                observability::render(Some(pools.inner())),
                ContentType::new("text", "plain").with_params(("version", "0.0.4")),
            )
        }
        Outcome::Error((Status::Unauthorized, message)) => MetricsResponse::Unauthorized(
            message,
            Header::new("WWW-Authenticate", "Bearer realm=\"metrics\""),
        ),
        Outcome::Error((status, _)) | Outcome::Forward(status) => MetricsResponse::Refused(status),
    }
}

/// Each read model's pending events and snapshot age, read at scrape time
/// (the read side's own answer, so the gauges and the pages agree). A
/// database that does not answer leaves the gauges as they were.
async fn record_pending(pools: &Pools) {
    let Ok(mut conn) = pools.read.get().await else {
        return;
    };
    let names: Vec<_> = crate::read_models::READ_MODELS
        .iter()
        .map(|m| m.name)
        .collect();
    if let Ok(all) = crate::queries::freshness::of(&mut conn, &names).await {
        let now = chrono::Utc::now();
        for f in all {
            observability::set_pending(f.view.as_str(), f.pending);
            if let Some(as_of) = f.as_of {
                let age = (now - as_of).num_milliseconds().max(0);
                observability::set_snapshot_age(f.view.as_str(), seconds(age));
            }
        }
    }
}

/// Milliseconds as fractional seconds for a gauge.
#[expect(clippy::cast_precision_loss, reason = "ages fit an f64 closely enough")]
fn seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}
