//! When things happen in a seeded shop: how many orders each day gets (a
//! weekly rhythm and steady growth), the hour of day, and when customers join.

use rand::Rng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand_chacha::ChaCha8Rng;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Relative order volume Monday … Sunday.
const WEEKDAY: [f64; 7] = [1.0, 1.05, 1.05, 1.0, 0.95, 0.75, 0.65];

/// Relative order volume by hour of day (UTC): quiet nights, busy evenings.
const HOURS: [f64; 24] = [
    1.0, 0.5, 0.3, 0.3, 0.3, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.5, 5.0, 5.0, 5.0, 5.0, 5.0, 5.5,
    6.0, 6.0, 5.0, 3.5, 2.0,
];

/// The history: `days` whole days ending at `end` (a UTC midnight, in Unix seconds).
pub struct Calendar {
    pub start: i64,
    pub end: i64,
    /// Each day's share of the orders (unnormalised).
    weights: Vec<f64>,
    hours: WeightedIndex<f64>,
}

impl Calendar {
    /// Volume doubles over the history; every day gets ±10% noise.
    pub fn new(end: i64, days: u32, rng: &mut ChaCha8Rng) -> Self {
        let start = end - i64::from(days) * DAY;
        let weights = (0..days)
            .map(|d| {
                let growth = 2f64.powf(f64::from(d) / f64::from(days.max(1)));
                // 1970-01-01 was a Thursday: index 3 with Monday as 0.
                let weekday = usize::try_from((start / DAY + i64::from(d) + 3).rem_euclid(7))
                    .unwrap_or_default();
                growth * WEEKDAY[weekday] * rng.random_range(0.9..1.1)
            })
            .collect();
        let hours = WeightedIndex::new(HOURS).unwrap_or_else(|_| unreachable!("positive weights"));
        Self {
            start,
            end,
            weights,
            hours,
        }
    }

    /// How many of `total` things happen on each day: proportional to the day
    /// weights, rounded so that the counts add up to exactly `total`.
    pub fn spread(&self, total: u32) -> Vec<u32> {
        let sum: f64 = self.weights.iter().sum();
        let mut acc = 0.0;
        let mut given = 0u32;
        self.weights
            .iter()
            .map(|w| {
                acc += w;
                let upto = round_u32(f64::from(total) * acc / sum).min(total);
                let n = upto.saturating_sub(given);
                given += n;
                n
            })
            .collect()
    }

    /// `n` sorted instants within day `day`, following the hourly rhythm.
    pub fn times_on(&self, day: usize, n: u32, rng: &mut ChaCha8Rng) -> Vec<i64> {
        let day_start = self.start + i64::try_from(day).unwrap_or_default() * DAY;
        let mut times: Vec<i64> = (0..n)
            .map(|_| {
                let hour = i64::try_from(self.hours.sample(rng)).unwrap_or_default();
                day_start + hour * 3600 + rng.random_range(0..3600)
            })
            .collect();
        times.sort_unstable();
        times
    }

    /// Registration instants of `n` customers, ascending: a quarter joined in
    /// the 90 days before the history, the rest as the shop grew.
    pub fn registrations(&self, n: u32, rng: &mut ChaCha8Rng) -> Vec<i64> {
        let early = (n / 4).max(n.min(1));
        let mut times: Vec<i64> = (0..early)
            .map(|_| self.start - rng.random_range(1..90 * DAY))
            .collect();
        for (day, count) in self.spread(n - early).into_iter().enumerate() {
            times.extend(self.times_on(day, count, rng));
        }
        times.sort_unstable();
        times
    }
}

/// Rounds a non-negative float to the nearest `u32` (saturating).
pub fn round_u32(x: f64) -> u32 {
    let r = x.round();
    if r <= 0.0 {
        0
    } else if r >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        // In range and integral: the conversion is exact.
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let v = r as u32;
        v
    }
}

/// `u`-scaled seconds, for random durations: `base + u * span`.
pub fn secs(base: i64, span: i64, u: f64) -> i64 {
    #[expect(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    let extra = (u * span as f64) as i64;
    base + extra
}
