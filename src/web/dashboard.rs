//! `GET /`: the dashboard, from one read (the `dashboard` live model and its
//! freshness) plus the session; 304 when the browser already has it.

use askama::Template;
use rocket::{get, routes};

use super::etag::{self, Cached, IfNoneMatch};
use super::{Chrome, FreshnessNote, ReadConn, charts, filters, page, render_page};
use crate::error::AppError;
use crate::queries::dashboard::{self, Dashboard};

pub fn routes() -> Vec<rocket::Route> {
    routes![show]
}

#[derive(Template)]
#[template(path = "dashboard/index.html")]
struct DashboardPage {
    chrome: Chrome,
    d: Dashboard,
    revenue_chart: String,
    status_chart: String,
    freshness: FreshnessNote,
}

page!(DashboardPage);

impl DashboardPage {
    fn waiting(&self, status: &str) -> i64 {
        self.d
            .status_counts
            .iter()
            .find(|c| c.status == status)
            .map_or(0, |c| c.orders)
    }
}

#[get("/")]
async fn show(
    chrome: Chrome,
    if_none_match: IfNoneMatch,
    mut conn: ReadConn,
) -> Result<Cached, AppError> {
    let d = dashboard::load(&mut conn.0).await?;
    drop(conn);
    let tag = etag::etag(&chrome, &d.freshness, d.changed_at, "");
    etag::answer(chrome.flash.is_some(), &if_none_match, tag, || {
        render_page(&DashboardPage {
            revenue_chart: charts::daily_revenue(&d.daily, chrome.currency),
            status_chart: charts::status_bars(&d.status_counts),
            freshness: FreshnessNote::one(&d.freshness),
            chrome,
            d,
        })
    })
}
