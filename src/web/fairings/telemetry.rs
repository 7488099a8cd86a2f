//! A fairing that times every request, counts it by route template and
//! status, writes one log line for it and returns its request id.

use std::time::Instant;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Data, Request, Response};

use super::request_id::{HEADER, RequestId};
use crate::observability;

/// When the request arrived (kept in the request's local cache).
struct Started(Instant);

/// Request metrics, the request log line and the `X-Request-Id` header.
pub struct Telemetry;

#[rocket::async_trait]
impl Fairing for Telemetry {
    fn info(&self) -> Info {
        Info {
            name: "request telemetry",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        req.local_cache(|| Started(Instant::now()));
        RequestId::of(req);
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let elapsed = req.local_cache(|| Started(Instant::now())).0.elapsed();
        let id = RequestId::of(req);
        // The route's template ("/orders/<id>"), never the raw path, so the
        // number of label values stays bounded.
        let route = req
            .route()
            .map_or_else(|| "unmatched".to_owned(), |r| r.uri.to_string());
        let method = req.method().as_str();
        let status = res.status().code;
        observability::record_request(method, &route, status, elapsed.as_secs_f64());
        tracing::info!(
            target: "orderdesk::request",
            method,
            route = %route,
            path = %req.uri().path(),
            status,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            request_id = id.as_str(),
            "request"
        );
        res.set_header(Header::new(HEADER, id.as_str().to_owned()));
    }
}
