//! What every page says about the freshness of its data:
//! "as of 14:03:12 UTC (5 s ago) · 2 changes pending", or, with nothing
//! pending, "as of 14:03:12 UTC (up to date)".
//!
//! The age ("5 s ago") is shown only while changes are pending: that is when
//! it tells the reader something (is the maintainer keeping up?). With
//! nothing pending the page holds every change, however long ago the last
//! one was, and its text stays the same until the data moves, so a browser
//! may keep it (ETags hold the note's text).

use chrono::Utc;

use super::filters::ago;
use crate::queries::Freshness;

/// Freshness, worded for the page footer.
#[derive(Debug, Clone)]
pub struct FreshnessNote {
    /// "as of 14:03:12 UTC (5 s ago)", "as of 14:03:12 UTC (up to date)" or
    /// "not refreshed yet".
    pub as_of: String,
    pub pending: i64,
}

impl FreshnessNote {
    /// The stalest of the views a page read.
    pub fn of(all: &[Freshness]) -> Self {
        let now = Utc::now();
        match Freshness::worst(all) {
            Some(f) => Self {
                as_of: match (f.as_of, f.age_seconds(now)) {
                    (Some(t), _) if f.pending == 0 => {
                        format!("as of {} UTC (up to date)", t.format("%H:%M:%S"))
                    }
                    (Some(t), Some(age)) => {
                        format!("as of {} UTC ({})", t.format("%H:%M:%S"), ago(age))
                    }
                    _ => "not refreshed yet".to_owned(),
                },
                pending: f.pending,
            },
            None => Self {
                as_of: "live".to_owned(),
                pending: 0,
            },
        }
    }

    pub fn one(f: &Freshness) -> Self {
        Self::of(std::slice::from_ref(f))
    }
}
