//! The shop's day: per-day figures count the days of the shop's time zone
//! (the `time_zone` setting), not UTC's.

use chrono::{DateTime, LocalResult, NaiveDate, TimeDelta, TimeZone as _, Utc};
use chrono_tz::Tz;

/// The shop's day now.
pub fn today(zone: Tz) -> NaiveDate {
    Utc::now().with_timezone(&zone).date_naive()
}

/// The first instant of the shop day `day` (the earlier one when the zone
/// repeats midnight; an hour later when a clock change skips it).
pub fn start(zone: Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let local = match zone.from_local_datetime(&midnight) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t),
        LocalResult::None => zone
            .from_local_datetime(&(midnight + TimeDelta::hours(1)))
            .earliest(),
    };
    local.map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shop_day_starts_at_the_zones_midnight() {
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert_eq!(
            start(chrono_tz::UTC, day).to_rfc3339(),
            "2026-07-01T00:00:00+00:00"
        );
        assert_eq!(
            start(chrono_tz::America::New_York, day).to_rfc3339(),
            "2026-07-01T04:00:00+00:00"
        );
        assert_eq!(
            start(chrono_tz::Asia::Tokyo, day).to_rfc3339(),
            "2026-06-30T15:00:00+00:00"
        );
    }

    #[test]
    fn a_skipped_midnight_starts_the_day_an_hour_later() {
        // Santiago moved its clocks from 00:00 to 01:00 on 2026-09-06.
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        let t = start(chrono_tz::America::Santiago, day);
        assert_eq!(
            t.with_timezone(&chrono_tz::America::Santiago).date_naive(),
            day
        );
    }
}
