//! Askama filters for the templates: money, times, freshness wording.
//! Templates bring them in with `use crate::web::filters;` beside the struct.
#![allow(
    clippy::inline_always,
    reason = "askama's filter_fn macro inlines its glue"
)]

use askama::Values;
use chrono::{DateTime, Utc};

/// Cents as `1,234.50`.
#[askama::filter_fn]
pub fn money(cents: &i64, _: &dyn Values) -> askama::Result<String> {
    Ok(format_money(*cents))
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

/// Thousands separators and two decimals; negative amounts keep their sign.
pub fn format_money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", abs % 100)
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
    fn money_groups_thousands() {
        assert_eq!(format_money(0), "0.00");
        assert_eq!(format_money(123_456_789), "1,234,567.89");
        assert_eq!(format_money(-100_050), "-1,000.50");
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(ago(5), "5 s ago");
        assert_eq!(ago(125), "2 min ago");
        assert_eq!(ago(7200), "2 h ago");
    }
}
