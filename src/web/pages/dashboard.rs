//! `GET /`: the dashboard, from one statement (the `dashboard` live model's
//! version and freshness) sent in one round trip with the session look-up
//! (`guards::with_session`); 304 when the browser already has it.
//!
//! The figures' markup (tiles, charts, tables) depends only on the row, so it
//! is rendered once per version of the row and kept ([`Kept`]). A request
//! renders only the layout and the freshness line around it; the row itself
//! crosses the wire only when its version differs from the kept one.

use std::sync::{Arc, Mutex, PoisonError};

use askama::Template;
use diesel::QueryResult;
use futures_util::FutureExt;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::{State, get, routes};

use crate::error::AppError;
use crate::queries::dashboard::{self, Dashboard};
use crate::web::guards::with_session;
use crate::web::shell::charts;
use crate::web::shell::etag::{self, Cached, IfNoneMatch};
use crate::web::{Chrome, FreshnessNote, filters, page, render_page};

pub fn routes() -> Vec<rocket::Route> {
    routes![show]
}

#[derive(Template)]
#[template(path = "dashboard/index.html")]
struct DashboardPage {
    chrome: Chrome,
    figures: Arc<Figures>,
    freshness: FreshnessNote,
}

page!(DashboardPage);

/// The figures' markup for one row (`dashboard/figures.html`).
#[derive(Template)]
#[template(path = "dashboard/figures.html")]
struct FiguresMarkup<'a> {
    d: &'a Dashboard,
    revenue_chart: String,
    status_chart: String,
}

impl FiguresMarkup<'_> {
    fn waiting(&self, status: &str) -> i64 {
        self.d
            .status_counts
            .iter()
            .find(|c| c.fulfilment_status.as_str() == status)
            .map_or(0, |c| c.orders)
    }
}

/// The dashboard's figures, rendered for one version of its row.
pub struct Figures {
    version: Option<i64>,
    /// "Wednesday 25 November 2026 (Europe/Paris)".
    shop_day: String,
    html: String,
}

impl Figures {
    fn render(version: Option<i64>, d: &Dashboard, chrome: &Chrome) -> Result<Self, AppError> {
        let markup = FiguresMarkup {
            d,
            revenue_chart: charts::daily_revenue(&d.daily, chrome.currency),
            status_chart: charts::status_bars(&d.status_counts),
        };
        Ok(Self {
            version,
            shop_day: format!("{} ({})", d.day.format("%A %d %B %Y"), d.time_zone),
            html: markup
                .render_with_values(chrome)
                .map_err(|e| AppError::Internal(format!("template: {e}")))?,
        })
    }
}

/// The figures rendered last, shared by every request until the row changes.
#[derive(Default)]
pub struct Kept(Mutex<Option<Arc<Figures>>>);

impl Kept {
    fn get(&self) -> Option<Arc<Figures>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn keep(&self, figures: Figures) -> Arc<Figures> {
        let figures = Arc::new(figures);
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&figures));
        figures
    }
}

/// The dashboard's row (unless the kept figures are current) and the figures
/// held when it was asked, read in one round trip with the session.
struct Read {
    answer: QueryResult<dashboard::Snapshot<Option<Dashboard>>>,
    held: Option<Arc<Figures>>,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Read {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let held = req.rocket().state::<Kept>().and_then(Kept::get);
        let known = held.as_ref().and_then(|f| f.version);
        with_session::with_session(req, |c| dashboard::load_unless(c, known).boxed())
            .await
            .map(|answer| Read { answer, held })
    }
}

// `read` comes first: it settles the session that `chrome` then uses. The
// handler awaits nothing: the database was read by the `Read` guard.
#[get("/")]
#[expect(
    clippy::needless_pass_by_value,
    reason = "Rocket hands request guards over by value"
)]
fn show(
    read: Read,
    chrome: Chrome,
    if_none_match: IfNoneMatch,
    kept: &State<Kept>,
) -> Result<Cached, AppError> {
    let Read { answer, held } = read;
    let s = answer?;
    let version = format!("{:?}", s.version);
    let freshness = FreshnessNote::one(&s.freshness);
    let tag = etag::etag(
        &chrome,
        std::slice::from_ref(&s.freshness),
        &freshness,
        &version,
    );
    etag::answer(chrome.flash.is_some(), &if_none_match, tag, || {
        let figures = match (s.data, held) {
            (Some(d), _) => kept.keep(Figures::render(s.version, &d, &chrome)?),
            (None, Some(held)) => held,
            (None, None) => {
                return Err(AppError::Internal(
                    "dashboard: the row was not sent and none is kept".to_owned(),
                ));
            }
        };
        render_page(&DashboardPage {
            chrome,
            figures,
            freshness,
        })
    })
}
