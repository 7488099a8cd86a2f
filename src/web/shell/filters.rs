//! Askama filters for the templates: money (in the shop's currency), times,
//! freshness wording.
//! Templates bring them in with `use crate::web::filters;` beside the struct.
#![allow(
    clippy::inline_always,
    reason = "askama's filter_fn macro inlines its glue"
)]

use askama::Values;
use chrono::{DateTime, Utc};

use crate::domain::Currency;
use crate::domain::event_words::Words;

/// An amount in minor units in the shop's currency (`$1,234.50`, `¥1,500`),
/// read from the runtime value `currency` that [`super::render_page`] passes.
#[askama::filter_fn]
pub fn money(minor: &i64, values: &dyn Values) -> askama::Result<String> {
    let currency: &Currency = askama::get_value(values, "currency")?;
    Ok(currency.format(*minor))
}

/// An event in words ([`crate::domain::event_words`]), its amounts in the
/// shop's currency as [`money`] writes them.
#[askama::filter_fn]
pub fn words(what: &Words, values: &dyn Values) -> askama::Result<String> {
    let currency: &Currency = askama::get_value(values, "currency")?;
    Ok(what.written(*currency))
}

/// The URL of a static file under its fingerprinted name
/// (`{{ "app.css"|asset }}` → `/static/app.3f9a2c1d0b7e.css`).
#[askama::filter_fn]
pub fn asset(name: &str, _: &dyn Values) -> askama::Result<String> {
    Ok(super::assets::url(name))
}

/// A timestamp as `2026-11-24 14:03` (UTC).
#[askama::filter_fn]
pub fn datetime(at: &DateTime<Utc>, _: &dyn Values) -> askama::Result<String> {
    Ok(at.format("%Y-%m-%d %H:%M").to_string())
}

/// An optional timestamp, or an em dash.
#[askama::filter_fn]
pub fn opt_datetime(at: &Option<DateTime<Utc>>, _: &dyn Values) -> askama::Result<String> {
    Ok(at.map_or_else(
        || "—".to_owned(),
        |t| t.format("%Y-%m-%d %H:%M").to_string(),
    ))
}

/// "5 s ago", "3 min ago", "2 h ago", "4 d ago".
pub fn ago(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s} s ago"),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s => format!("{} d ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(ago(5), "5 s ago");
        assert_eq!(ago(125), "2 min ago");
        assert_eq!(ago(7200), "2 h ago");
    }
}
