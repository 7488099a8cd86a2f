//! Server-rendered SVG charts: readable without JavaScript, no chart library.
//! Only numbers, dates and fixed status names go into the markup.

use std::fmt::Write;

use crate::queries::dashboard::{DayRow, StatusCount};
use crate::queries::reports::MonthRow;

use crate::domain::Currency;

const W: f64 = 720.0;
const H: f64 = 220.0;
const PAD_LEFT: f64 = 70.0;
const PAD_BOTTOM: f64 = 28.0;

/// One bar of a revenue chart: its axis label (if any), the period it
/// covers, revenue and orders.
struct Bar {
    label: Option<String>,
    period: String,
    revenue_cents: i64,
    orders: i64,
}

/// Daily revenue as bars, one per day, with a y-axis in the shop's currency
/// (whole units: `$1,200.00`, `¥1,200`).
pub fn daily_revenue(days: &[DayRow], currency: Currency) -> String {
    let bars: Vec<Bar> = days
        .iter()
        .enumerate()
        .map(|(i, d)| Bar {
            // Every seventh day counted back from today, so labels never crowd.
            label: ((days.len() - 1 - i) % 7 == 0).then(|| d.day.format("%d %b").to_string()),
            period: d.day.format("%a %d %b").to_string(),
            revenue_cents: d.revenue_cents,
            orders: d.orders,
        })
        .collect();
    let label = format!(
        "Daily revenue in {}, last {} days",
        currency.code(),
        days.len()
    );
    let title = format!("Daily revenue ({})", currency.code());
    let empty = format!("No revenue in the last {} days.", days.len());
    revenue_bars(&bars, currency, &label, &title, &empty)
}

/// Monthly revenue as bars, one per month, oldest first.
pub fn monthly_revenue(months: &[MonthRow], currency: Currency) -> String {
    let bars: Vec<Bar> = months
        .iter()
        .map(|m| Bar {
            label: Some(m.month.format("%b %y").to_string()),
            period: m.month.format("%B %Y").to_string(),
            revenue_cents: m.revenue_cents,
            orders: m.orders,
        })
        .collect();
    let label = format!(
        "Monthly revenue in {}, {} months",
        currency.code(),
        months.len()
    );
    let title = format!("Monthly revenue ({})", currency.code());
    revenue_bars(&bars, currency, &label, &title, "No orders yet.")
}

/// The bars with a y-axis, or `empty` in words when no bar has revenue (an
/// axis reading $0.00 at both ends says nothing).
fn revenue_bars(bars: &[Bar], currency: Currency, label: &str, title: &str, empty: &str) -> String {
    if bars.iter().all(|b| b.revenue_cents == 0) {
        return format!(r#"<p class="chart chart-empty" role="note">{empty}</p>"#);
    }
    let max = bars
        .iter()
        .map(|d| d.revenue_cents)
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_w = W - PAD_LEFT - 10.0;
    let plot_h = H - PAD_BOTTOM - 10.0;
    #[expect(
        clippy::cast_precision_loss,
        reason = "chart coordinates need no precision"
    )]
    let bar_w = plot_w / bars.len().max(1) as f64;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{label}"><title>{title}</title>"#
    );
    for step in 0..=4 {
        let value = max * step / 4;
        #[expect(
            clippy::cast_precision_loss,
            reason = "chart coordinates need no precision"
        )]
        let y = 10.0 + plot_h - plot_h * (value as f64 / max as f64);
        let _ = write!(
            svg,
            r#"<line x1="{PAD_LEFT}" x2="{W}" y1="{y:.1}" y2="{y:.1}" class="grid"/><text x="{}" y="{:.1}" class="axis" text-anchor="end">{}</text>"#,
            PAD_LEFT - 6.0,
            y + 4.0,
            currency.format(value - value % currency.minor_per_major())
        );
    }
    for (i, d) in bars.iter().enumerate() {
        #[expect(
            clippy::cast_precision_loss,
            reason = "chart coordinates need no precision"
        )]
        let (h, x) = (
            plot_h * (d.revenue_cents as f64 / max as f64),
            PAD_LEFT + bar_w * i as f64,
        );
        let _ = write!(
            svg,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" class="bar"><title>{}: {} ({} orders)</title></rect>"#,
            x + 1.0,
            10.0 + plot_h - h,
            (bar_w - 2.0).max(1.0),
            d.period,
            currency.format(d.revenue_cents),
            d.orders
        );
        if let Some(label) = &d.label {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{}" class="axis" text-anchor="middle">{label}</text>"#,
                x + bar_w / 2.0,
                H - 8.0,
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Orders per fulfilment state as horizontal bars.
pub fn status_bars(counts: &[StatusCount]) -> String {
    const ORDER: [&str; 4] = ["unfulfilled", "shipped", "delivered", "cancelled"];
    let max = counts.iter().map(|c| c.orders).max().unwrap_or(0).max(1);
    let row_h = 30.0;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {W} {}" role="img" aria-label="Orders by fulfilment state"><title>Orders by fulfilment state</title>"#,
        row_h * 4.0 + 6.0
    );
    for (i, status) in ORDER.iter().enumerate() {
        let n = counts
            .iter()
            .find(|c| c.fulfilment_status.as_str() == *status)
            .map_or(0, |c| c.orders);
        #[expect(
            clippy::cast_precision_loss,
            reason = "chart coordinates need no precision"
        )]
        let (w, y) = (
            (W - 200.0) * (n as f64 / max as f64),
            row_h * i as f64 + 4.0,
        );
        let _ = write!(
            svg,
            r#"<text x="90" y="{:.1}" class="axis" text-anchor="end">{status}</text><rect x="100" y="{y:.1}" width="{w:.1}" height="{}" class="bar status-{status}"/><text x="{:.1}" y="{:.1}" class="axis">{n}</text>"#,
            y + 17.0,
            row_h - 8.0,
            106.0 + w,
            y + 17.0
        );
    }
    svg.push_str("</svg>");
    svg
}
