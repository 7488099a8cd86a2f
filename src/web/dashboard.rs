//! `GET /`: the dashboard.

use askama::Template;
use chrono::Utc;
use rocket::response::content::RawHtml;
use rocket::{get, routes};

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
            .find(|(s, _)| s == status)
            .map_or(0, |c| c.1)
    }
}

#[get("/")]
async fn show(chrome: Chrome, mut conn: ReadConn) -> Result<RawHtml<String>, AppError> {
    let d = dashboard::load(&mut conn.0, Utc::now().date_naive()).await?;
    render_page(&DashboardPage {
        revenue_chart: charts::daily_revenue(&d.daily, chrome.currency),
        status_chart: charts::status_bars(&d.status_counts),
        freshness: FreshnessNote::of(&d.freshness),
        chrome,
        d,
    })
}
